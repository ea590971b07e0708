"""The course on a JupyterHub: nbgitpuller links, and a real hub with real Unix users (issue 33).

The link helper's tests are quick and run everywhere. The ``hub`` tests start JupyterHub with
configurable-http-proxy on 127.0.0.1 (hub/local_hub.py), make an instructor and three students as
Unix users (root only; removed afterwards), and drive them through the REST and kernel websocket
APIs as a browser would (hub/hub_client.py):

1. each user logs in with their own password (another's is refused), starts a server spawned as
   their Unix user and clicks the nbgitpuller link: the course lands in their home, owned by them;
   a later commit on the course branch arrives on the next click without overwriting an edit;
2. each student runs notebook 01 top to bottom in a kernel and moves its slider;
3. the grading loop through nbgrader's shared exchange: the instructor generates and releases
   assignment 1, the students fetch and submit from their Assignments API (full marks, blank, one
   answer missing), one student forges a submission in another's name, the instructor collects
   (nbgrader warns about the forgery), autogrades, generates and releases feedback, and each
   student fetches feedback on their own submission only and cannot read the exchange's inbound
   or feedback folders or another student's home.

``make test-hub`` runs this file; ``make test`` includes it (``-m hub`` selects the hub tests).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hub"))
from nbgitpuller_link import default_targetpath, nbgitpuller_link  # noqa: E402

ASSIGNMENT = "01_sampling_and_likelihood"
ASSIGNMENT_NB = "sampling_and_likelihood.ipynb"
NOTEBOOK = "notebooks/01_sampling.ipynb"


# --- the link helper (no hub needed) --------------------------------------------------------------

def _query(link):
    from urllib.parse import parse_qs, urlsplit
    parts = urlsplit(link)
    return parts, {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}


def test_link_round_trips_every_parameter():
    repo = "https://github.com/mixture-notebooks/mixture-notebooks.git"
    link = nbgitpuller_link("https://hub.example.edu/prefix/", repo, "course-2027",
                            notebook="notebooks/03_direct_optimisation.ipynb")
    parts, query = _query(link)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "hub.example.edu", "/prefix/hub/user-redirect/git-pull")
    assert query == {"repo": repo, "branch": "course-2027", "targetpath": "mixture-notebooks",
                     "urlpath": "lab/tree/mixture-notebooks/notebooks/03_direct_optimisation.ipynb"}


def test_link_encodes_what_would_break_the_query():
    link = nbgitpuller_link("http://127.0.0.1:8000", "file:///srv/a b&c/course", "x&y",
                            notebook="nb/a b#1.ipynb", targetpath="my course", app="tree")
    _, query = _query(link)
    assert "#" not in link and " " not in link
    assert query == {"repo": "file:///srv/a b&c/course", "branch": "x&y", "targetpath": "my course",
                     "urlpath": "tree/tree/my course/nb/a b#1.ipynb"}


def test_default_targetpath_is_the_repository_name():
    assert default_targetpath("https://github.com/o/course.git/") == "course"
    assert default_targetpath("git://127.0.0.1:9/mixture-notebooks.git") == "mixture-notebooks"


@pytest.mark.parametrize("kwargs, match", [
    ({"hub_url": "hub.example.edu"}, "hub_url must be an http"),
    ({"hub_url": "https://hub.example.edu/?next=x"}, "no query"),
    ({"repo": "github.com/o/course"}, "repo must be a URL"),
    ({"branch": "v0.1.0"}, "looks like a release tag"),
    ({"branch": " "}, "branch must not be empty"),
    ({"targetpath": "../elsewhere"}, "targetpath must be a relative folder"),
    ({"targetpath": "/etc"}, "targetpath must be a relative folder"),
    ({"app": "retro"}, "app must be"),
])
def test_link_refuses_bad_input(kwargs, match):
    args = {"hub_url": "https://hub.example.edu", "repo": "https://github.com/o/course",
            "branch": "course-2027"} | kwargs
    with pytest.raises(ValueError, match=match):
        nbgitpuller_link(**args)


def test_link_docstring_examples_hold():
    import doctest

    import nbgitpuller_link
    result = doctest.testmod(nbgitpuller_link)
    assert result.attempted >= 2 and result.failed == 0


def test_link_refuses_a_non_string():
    with pytest.raises(TypeError, match="branch must be a str"):
        nbgitpuller_link("https://hub.example.edu", "https://github.com/o/course", 2027)


# --- a real hub --------------------------------------------------------------------------------

hub_only = [pytest.mark.hub, pytest.mark.slow]


def require_root():
    """The hub tests create Unix users. CI runs as root and must run them: there, no root is a
    failure; on a student's laptop (make test without sudo) they are skipped, saying why."""
    if os.geteuid() == 0:
        return
    message = "the JupyterHub tests create Unix users: run 'make test' as root to include them"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def hub():
    require_root()
    from local_hub import LocalHub
    started = time.perf_counter()
    with LocalHub(student_names=["alice", "bob", "carol"]) as running:
        running.timings = {"hub start": time.perf_counter() - started}
        yield running


@pytest.fixture(scope="module")
def sessions(hub):
    """Everyone logged in, with a running server (module state shared by the tests in order)."""
    from hub_client import UserSession
    out = {}
    for user in [hub.instructor, *hub.students]:
        session = UserSession(hub.url, user.name, user.password)
        session.login()
        out[user.name] = session
    started = time.perf_counter()
    for session in out.values():  # everyone at once, as a class does
        session.request_server()
    for session in out.values():
        session.wait_server(started)
    hub.timings["4 servers started"] = time.perf_counter() - started
    yield out
    for session in out.values():
        try:
            session.stop_server()
        except Exception:  # the hub stops them anyway when it stops
            pass


STEP_TIMES: dict[str, float] = {}


def _shell(kernel, args, cwd="~", check=True, env=None):
    """Run a command in the user's kernel (so as the user), with ``env`` added to its environment;
    return its output."""
    code = (
        "import os, subprocess\n"
        f"r = subprocess.run({list(args)!r}, cwd=os.path.expanduser({cwd!r}), capture_output=True,"
        f" text=True, timeout=900, env={{**os.environ, **{dict(env or {})!r}}})\n"
        "print(r.stdout + r.stderr)\n"
        f"if {check!r} and r.returncode:\n"
        "    raise RuntimeError(f'exit status {r.returncode}')\n")
    result = kernel.execute(code, timeout=900)
    STEP_TIMES[" ".join(args[:2])] = STEP_TIMES.get(" ".join(args[:2]), 0) + result.seconds
    assert result.status == "ok", f"{args} failed: {result.error}\n{result.text()[-3000:]}"
    return result.text()


@pytest.mark.hub
@pytest.mark.slow
def test_login_needs_the_users_own_password(hub):
    import requests
    alice, bob = hub.student("alice"), hub.student("bob")
    url = f"{hub.url}/hub/api/users/{alice.name}/tokens"
    assert requests.post(url, json={"auth": {"username": alice.name, "password": bob.password}},
                         timeout=30).status_code == 403
    assert requests.post(url, json={"auth": {"username": bob.name, "password": bob.password}},
                         timeout=30).status_code == 403  # bob's own login gives no token for alice
    assert requests.post(url, json={"auth": {"username": alice.name, "password": alice.password}},
                         timeout=30).status_code == 201


@pytest.mark.hub
@pytest.mark.slow
def test_servers_run_as_their_users_and_the_link_pulls_the_course(hub, sessions):
    from local_hub import COURSE_BRANCH, REPO_NAME, user_pids
    started = time.perf_counter()
    for user in [hub.instructor, *hub.students]:
        session = sessions[user.name]
        # the process tree of the server belongs to the user, not to root
        assert user_pids(user.name), f"no process runs as {user.name}"
        page = session.follow(hub.link(NOTEBOOK))
        assert page.status_code == 200 and f"/user/{user.name}/git-pull" in page.url, page.url
        session.pull(hub.course_repo_url, COURSE_BRANCH, REPO_NAME)
        notebook = user.home / REPO_NAME / NOTEBOOK
        assert notebook.is_file(), f"{notebook} was not pulled"
        assert notebook.stat().st_uid == user.pw.pw_uid, "the pulled course is not the user's"
        assert oct(user.home.stat().st_mode & 0o777) == "0o700", "homes must be private"
    hub.timings["4 pulls"] = time.perf_counter() - started

    # why the link follows a branch: a tag pulls once, and every later click fails
    from hub_client import HubError
    from local_hub import RELEASE_TAG
    teacher = sessions[hub.instructor.name]
    teacher.pull(hub.course_repo_url, RELEASE_TAG, "tagged")
    with pytest.raises(HubError, match=f"origin/{RELEASE_TAG}"):
        teacher.pull(hub.course_repo_url, RELEASE_TAG, "tagged")

    # the instructor hands out a fix; alice's edit of notebook 01 survives her next click
    alice, session = hub.student("alice"), sessions[hub.student("alice").name]
    path = f"{REPO_NAME}/{NOTEBOOK}"
    mine = session.read_notebook(path)
    mine["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "My notes: alice"})
    session.write_notebook(path, mine)
    hub.advance_course("notebooks/ERRATA.md", "Exercise 3: N = 500, not 5000.\n", "Errata for week 1")
    session.pull(hub.course_repo_url, COURSE_BRANCH, REPO_NAME)
    assert (alice.home / REPO_NAME / "notebooks" / "ERRATA.md").read_text().startswith("Exercise 3")
    assert session.read_notebook(path)["cells"][0]["source"] == "My notes: alice"


@pytest.mark.hub
@pytest.mark.slow
def test_students_run_notebook_01_and_move_its_slider(hub, sessions):
    from hub_client import notebook_code_cells, slider_target
    from local_hub import REPO_NAME
    from concurrent.futures import ThreadPoolExecutor

    def run_notebook(user):
        session = sessions[user.name]
        path = f"{REPO_NAME}/{NOTEBOOK}"
        cells = notebook_code_cells(session.read_notebook(path))
        kernel = session.kernel(path)
        try:
            for source, may_raise in cells:
                result = kernel.execute(source, timeout=300)
                assert result.status == ("error" if may_raise else "ok"), (
                    f"{user.name}: a cell of {NOTEBOOK} gave {result.error}:\n{source[:300]}")
            sliders = kernel.sliders()
            assert sliders, f"{user.name}: notebook 01 opened no slider"
            comm_id, state = next(iter(sliders.items()))
            moved = kernel.move_widget(comm_id, slider_target(state))
            assert moved.status == "idle"
            assert not [o for o in moved.outputs if o["msg_type"] == "error"], moved.outputs
            whoami = kernel.execute("import getpass, os; print(getpass.getuser(), os.getcwd())")
            assert whoami.text().split() == [user.name, str(user.home / REPO_NAME / "notebooks")]
        finally:
            kernel.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(len(hub.students)) as pool:  # the three at once
        list(pool.map(run_notebook, hub.students))
    hub.timings["3 students ran notebook 01"] = time.perf_counter() - started


def _auto_points(notebook: dict) -> float:
    return sum(cell["metadata"]["nbgrader"].get("points", 0) for cell in notebook["cells"]
               if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("grade"))


def _without_one_answer(notebook: dict) -> dict:
    """The model answers with the last code answer left as the student copy's stub."""
    notebook = json.loads(json.dumps(notebook))
    answers = [c for c in notebook["cells"] if c["cell_type"] == "code"
               and c["metadata"].get("nbgrader", {}).get("solution")]
    source = "".join(answers[-1]["source"])
    stub = "# YOUR CODE HERE\nraise NotImplementedError()"
    answers[-1]["source"] = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", stub, source, flags=re.S)
    assert answers[-1]["source"] != source
    return notebook


@pytest.mark.hub
@pytest.mark.slow
def test_grading_loop_through_the_shared_exchange(hub, sessions):
    from local_hub import COURSE_ID, REPO_NAME
    started = time.perf_counter()
    teacher = sessions[hub.instructor.name]
    course_root = f"~/{REPO_NAME}/coursework"
    tk = teacher.kernel(f"{REPO_NAME}/coursework/README.md".replace("README.md", "grading.ipynb"))
    try:
        _shell(tk, ["nbgrader", "generate_assignment", ASSIGNMENT, "--force"], course_root)
        _shell(tk, ["nbgrader", "release_assignment", ASSIGNMENT], course_root)
    finally:
        tk.close()
    inbound = hub.exchange / COURSE_ID / "inbound"
    assert inbound.stat().st_mode & 0o777 == 0o733  # students can write, not list

    source = json.loads((REPO / "coursework" / "source" / ASSIGNMENT / ASSIGNMENT_NB).read_text())
    full = _auto_points(source)
    alice, bob, carol = (hub.student(n) for n in ("alice", "bob", "carol"))
    work = {alice.name: source, bob.name: None, carol.name: _without_one_answer(source)}
    for user in hub.students:
        session = sessions[user.name]
        listed = session.server("GET", "assignments", params={"course_id": COURSE_ID}).json()
        assert [a["assignment_id"] for a in listed["value"]] == [ASSIGNMENT], listed
        session.server("POST", "assignments/fetch",
                       json={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}).raise_for_status()
        fetched = f"{ASSIGNMENT}/{ASSIGNMENT_NB}"
        if work[user.name] is not None:
            session.write_notebook(fetched, work[user.name])
        answer = session.server("POST", "assignments/submit",
                                json={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}).json()
        assert answer.get("success", True), answer

    # bob submits a copy in alice's name: the exchange knows the file is bob's
    bk = sessions[bob.name].kernel(f"{ASSIGNMENT}/{ASSIGNMENT_NB}")
    try:
        _shell(bk, ["nbgrader", "submit", ASSIGNMENT, f"--student={alice.name}"], "~")
    finally:
        bk.close()

    tk = teacher.kernel(f"{REPO_NAME}/coursework/grading.ipynb")
    try:
        collected = _shell(tk, ["nbgrader", "collect", ASSIGNMENT], course_root)
        assert f"claims to be submitted by {alice.name} but is owned by {bob.name}" in collected
        # nbgrader 0.9.6 only warns, and collects the forged copy as alice's (the newest): the
        # admin removes it from inbound (root: it is bob's folder), the instructor removes the
        # collected copy and collects again (--update would keep the newer, forged, one)
        forged = [p for p in inbound.iterdir()
                  if p.name.startswith(f"{alice.name}+") and p.stat().st_uid == bob.pw.pw_uid]
        assert len(forged) == 1, forged
        shutil.rmtree(forged[0])
        _shell(tk, ["rm", "-r", f"submitted/{alice.name}"], course_root)
        again = _shell(tk, ["nbgrader", "collect", ASSIGNMENT], course_root)
        assert "claims to be submitted" not in again, again
        # The sandboxed grading kernel (coursework/grading/sandbox_kernel.py) needs root to drop
        # student code to an unprivileged user in a private mount namespace; the instructor's hub
        # server is an unprivileged user already, so it grades with the plain kernel
        # (coursework/README.md: grade as root, `make coursework-autograde`, for the sandbox).
        _shell(tk, ["nbgrader", "autograde", ASSIGNMENT, "--force"], course_root,
               env={"MIXNB_SANDBOX": "0"})
        _shell(tk, ["nbgrader", "generate_feedback", ASSIGNMENT, "--force"], course_root)
        _shell(tk, ["nbgrader", "release_feedback", ASSIGNMENT], course_root)
    finally:
        tk.close()

    # bob can list neither the submissions, nor the released feedback, nor alice's home
    feedback = hub.exchange / COURSE_ID / "feedback"
    assert len(list(feedback.iterdir())) == 3  # one page per submission, named by a hash
    bk = sessions[bob.name].kernel(f"{ASSIGNMENT}/{ASSIGNMENT_NB}")
    try:
        probe = bk.execute(
            "import os\nfor p in [%r, %r, %r]:\n"
            "    try:\n        os.listdir(p); print('READ', p)\n"
            "    except PermissionError:\n        print('DENIED', p)\n"
            % (str(inbound), str(feedback), str(alice.home)))
    finally:
        bk.close()
    assert probe.status == "ok", probe.error
    assert probe.text().split("\n")[:3] == [f"DENIED {p}" for p in (inbound, feedback, alice.home)]

    scores, stubs = {}, {}
    for user in hub.students:
        session = sessions[user.name]
        session.server("POST", "assignments/fetch_feedback",
                       json={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}).raise_for_status()
        pages = sorted((user.home / ASSIGNMENT / "feedback").glob("*/*.html"))
        assert len(pages) == 1, f"{user.name} fetched {pages}"
        assert pages[0].stat().st_uid == user.pw.pw_uid
        shown = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text(encoding="utf-8")))
        scores[user.name] = float(re.search(r"\(Score: ([\d.]+) / [\d.]+\)", shown).group(1))
        stubs[user.name] = shown.count("raise NotImplementedError()")
    hub.timings["grading loop"] = time.perf_counter() - started
    print("\nhub test timings (s):", {k: round(v, 1) for k, v in hub.timings.items()},
          {k: round(v, 1) for k, v in STEP_TIMES.items()})
    # the feedback shows each student's own submission: bob's has every answer as the stub,
    # carol's one, alice's none (the stub's text may also appear in the instructions)
    answers = sum(1 for c in source["cells"] if c["cell_type"] == "code"
                  and c["metadata"].get("nbgrader", {}).get("solution"))
    assert stubs[bob.name] - stubs[alice.name] == answers, stubs
    assert stubs[carol.name] - stubs[alice.name] == 1, stubs
    assert scores[alice.name] == full, scores
    assert scores[bob.name] == 0, scores
    assert 0 < scores[carol.name] < full, scores


@pytest.mark.hub
@pytest.mark.slow
def test_the_hub_environment_holds_only_pinned_versions():
    """Every package in .venv-hub at the version binder/constraints.txt (or the grading tools'
    file) pins: the hub block of the constraints lists all that JupyterHub and nbgitpuller add."""
    require_root()  # .venv-hub is built for root's 'make test' only
    import subprocess
    from packaging.utils import canonicalize_name
    venv = Path(os.environ.get("MIXNB_HUB_VENV", REPO / ".venv-hub"))
    pins = {}
    for path in (REPO / "binder" / "constraints.txt", REPO / "coursework" / "requirements-grader.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==")
                pins[canonicalize_name(name)] = version
    frozen = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--all"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    installed = dict(line.split("==") for line in frozen if "==" in line)
    assert "jupyterhub" in installed and "nbgitpuller" in installed
    drift = {name: version for name, version in installed.items()
             if name not in ("pip", "setuptools", "mixlib")
             and pins.get(canonicalize_name(name)) != version}
    assert not drift, (f".venv-hub has versions binder/constraints.txt does not pin: {drift}; "
                       "add them to its hub block")
