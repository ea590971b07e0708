"""The nbgrader coursework (coursework/, issue 6): metadata, student copies and grading both ways.

Fast checks run everywhere. The slow ones build the grader environment .venv-grader (through the
Makefile, once), copy the course root into a temporary folder, run ``nbgrader generate_assignment``
and ``nbgrader autograde`` there headless, and read the scores from nbgrader's gradebook: the
solution gets full marks, the blank student copy zero, and each plausible wrong answer loses
exactly the points aimed at it. The repository is never modified.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from coursework_helpers import CHEATS, GRADEBOOK_DUMP, RIGHT_ANSWERS, WRONG_ANSWERS, normalised, with_wrong_answer

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "coursework"
GRADER_VENV = REPO / ".venv-grader"
GRADER_BIN = GRADER_VENV / "bin"
SOURCES = sorted(COURSE.glob("source/*/*.ipynb"))
ASSIGNMENTS = {path.parent.name: path.name for path in SOURCES}
sys.path.insert(0, str(COURSE / "grading"))
import inline_guard  # noqa: E402  (coursework/grading/inline_guard.py)
import suspicious  # noqa: E402  (coursework/grading/suspicious.py)

HONEST = [*WRONG_ANSWERS, *RIGHT_ANSWERS]  # no cheating: never in the suspicious report


def nbgrader_cells(nb):
    return [(c, c.metadata["nbgrader"]) for c in nb.cells if "nbgrader" in c.metadata]


def autograded(nb):
    return {m["grade_id"]: m["points"] for c, m in nbgrader_cells(nb) if m.get("grade") and c.cell_type == "code"}


# ---------------------------------------------------------------- fast checks (no nbgrader needed)

def test_four_assignments_with_one_notebook_each():
    assert list(ASSIGNMENTS) == ["01_sampling_and_likelihood", "02_direct_optimisation", "03_em_algorithm",
                                 "04_two_dimensions"]
    for name in ASSIGNMENTS:
        assert len(list((COURSE / "source" / name).glob("*.ipynb"))) == 1


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_source_metadata(path):
    nb = nbformat.read(path, as_version=4)
    cells = nbgrader_cells(nb)
    ids = [m["grade_id"] for _, m in cells]
    assert len(ids) == len(set(ids)), "grade_id must be unique"
    for cell, m in cells:
        assert m["schema_version"] == 3
        assert set(m) >= {"grade", "solution", "locked", "task", "grade_id"}
        if m["grade"]:
            assert m["points"] > 0
        if m["solution"] and cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        if m["grade"] and cell.cell_type == "code":
            # hidden tests first (their specific message is the one the student reads), then the visible ones
            assert "### BEGIN HIDDEN TESTS" in cell.source and "### END HIDDEN TESTS" in cell.source
            before, rest = cell.source.split("### BEGIN HIDDEN TESTS\n")
            hidden, visible = rest.split("### END HIDDEN TESTS\n")
            assert all(line.startswith("#") for line in before.splitlines()), "only comments before the hidden tests"
            assert "assert" in visible
            # the hidden part first checks for tampering, then runs the student's function on fresh seeded
            # data through the guard (mixlib off, test variables out of reach)
            assert hidden.startswith("_grading.begin()\n") and "_run(" in hidden and "default_rng(" in hidden
            assert "def _run" not in hidden and "mixlib_switched_off" not in hidden
    manual = [m for c, m in cells if m["grade"] and m["solution"] and c.cell_type == "markdown"]
    assert manual, "at least one free-text answer graded by hand"
    total = sum(m["points"] for _, m in cells if m["grade"])
    intro = nb.cells[0].source
    assert f"**Total: {total} points**" in intro
    assert f"{sum(autograded(nb).values())} autograded" in intro
    assert re.search(r"Expected time: about \d+ minutes", intro)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_setup_cell_holds_the_current_grading_guard(path):
    """Fails when coursework/grading/guard.py changed and the sources were not refreshed (make coursework-sources)."""
    cell = inline_guard.setup_cell(nbformat.read(path, as_version=4))
    assert cell.metadata["nbgrader"]["locked"] and not cell.metadata["nbgrader"]["grade"]
    assert inline_guard.with_guard(cell.source, path.parent.name) == cell.source


def test_suspicious_report_reads_cheats_not_honest_code():
    """The report's rules on their own (the graded run checks them on whole submissions)."""
    flagged = {
        "np.allclose = lambda *a, **k: True": "patches a module",
        "setattr(np, 'isclose', None)": "patches a module",
        "def f(x):\n    return globals()['expected']": "globals",
        "def f(x):\n    return _ih[-1]": "input/output history",
        "import importlib.util\nm = importlib.util.spec_from_file_location('m', mixlib.em.__file__)": "importlib",
        "from mixlib._em_pass import _responsibilities_general": "private mixlib module",
        "def f(x):\n    return mixlib._em_pass._log_of_products(x, 1)": "private part of mixlib",
        "import sys\ndef f():\n    return sys._getframe(1).f_locals": "stack frames",
        "get_ipython().input_transformers_post.append(lambda lines: [])": "IPython's machinery",
        "_grading = None": "grading guard",
    }
    for code, reason in flagged.items():
        assert any(reason in why for _, why in suspicious.findings(code, "01_sampling_and_likelihood")), code
    assert any("multivariate_normal" in why for _, why in suspicious.findings(
        "import scipy.stats\ndef f(X, m, c):\n    return scipy.stats.multivariate_normal(m, c).logpdf(X)", "04_two_dimensions"))
    honest = ("import matplotlib.pyplot as plt\nfrom scipy.special import logsumexp\nimport sklearn.mixture\n"
              "def f(x, w):\n    z = np.asarray(x)\n    return logsumexp(np.log(w) + z, axis=0)\n")
    assert suspicious.findings(honest, "01_sampling_and_likelihood") == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_source_saved_executed_in_order(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_release_holds_no_solutions_or_hidden_tests():
    assert sorted(p.name for p in (COURSE / "release").iterdir()) == sorted(ASSIGNMENTS)
    for name, notebook in ASSIGNMENTS.items():
        text = (COURSE / "release" / name / notebook).read_text(encoding="utf-8")
        for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "_make_grading", "_grading.", "Marking:"):
            assert secret not in text, f"{name}: the student copy contains {secret!r}"
        assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text


def test_grader_requirements_are_exact_pins_beyond_binder():
    shared = {
        re.split(r"==", line)[0].strip().lower().replace("_", "-")
        for line in (REPO / "binder" / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    lines = [
        line for line in (COURSE / "requirements-grader.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert "nbgrader==0.9.6" in lines
    for line in lines:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*", line), line
        assert line.split("==")[0].lower().replace("_", "-") not in shared, f"{line} is pinned by binder/constraints.txt"


# ---------------------------------------------------------------- slow: nbgrader in .venv-grader

def grader_env():
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    # nbgrader shells out to 'alembic' by name; kernels from the grader environment first.
    env["PATH"] = f"{GRADER_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["IPYKERNEL_CELL_NAME"] = "<IPY-INPUT>"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    if os.geteuid() != 0:  # the grading sandbox needs root (CI runs as root); run student code as ourselves
        env["MIXNB_SANDBOX"] = "0"
    return env


SANDBOXED = os.geteuid() == 0


def run(args, cwd, **kwargs):
    result = subprocess.run(args, cwd=cwd, env=grader_env(), capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def grader():
    """Make (or reuse) .venv-grader through its Makefile stamp; check its kernel is its own."""
    made = subprocess.run(["make", "--no-print-directory", f"{GRADER_VENV.name}/.installed"], cwd=REPO,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    specs = json.loads(run([GRADER_BIN / "jupyter", "kernelspec", "list", "--json"], REPO).stdout)
    resource_dir = Path(specs["kernelspecs"]["python3"]["resource_dir"]).resolve()
    assert resource_dir.is_relative_to(GRADER_VENV.resolve()), f"python3 kernel from {resource_dir}"
    run([GRADER_BIN / "python", "-c", "import mixlib, nbgrader"], REPO)
    return GRADER_BIN


@pytest.fixture(scope="module")
def course(grader, tmp_path_factory):
    """A temporary copy of the course root with the student copies generated."""
    root = tmp_path_factory.mktemp("course") / "coursework"
    root.mkdir()
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copytree(COURSE / "source", root / "source")
    shutil.copytree(COURSE / "grading", root / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ASSIGNMENTS:
        run([grader / "nbgrader", "generate_assignment", name, "--force"], root, timeout=300)
    return root


@pytest.fixture(scope="module")
def graded(grader, course, tmp_path_factory):
    """Autograde the solution, the blank copy and every wrong answer, and generate their feedback.

    One copy of the course root per assignment, graded in parallel (each has its own gradebook).
    Returns {assignment: root}.
    """
    roots, jobs = {}, []
    for name, notebook in ASSIGNMENTS.items():
        root = roots[name] = tmp_path_factory.mktemp(f"grade_{name}") / "coursework"
        shutil.copytree(course, root)
        solution = nbformat.read(root / "source" / name / notebook, as_version=4)
        submissions = {
            "solution": solution,
            "blank": nbformat.read(root / "release" / name / notebook, as_version=4),
        }
        for wrong in [*WRONG_ANSWERS, *RIGHT_ANSWERS, *CHEATS]:
            if wrong.assignment == name:
                submissions[wrong.student] = with_wrong_answer(solution, wrong)
        for student, nb in submissions.items():
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / notebook)
        # A second pass (without --force) grades again any submission whose kernel failed to start
        # (four autogrades in parallel on a busy machine can race for a TCP port), as the make target does.
        script = (f"{{ nbgrader autograde {name} --force || nbgrader autograde {name}; }}"
                  f" && nbgrader generate_feedback {name} --force"
                  f" && {grader / 'python'} -m grading.suspicious {name} > suspicious.txt")
        jobs.append(subprocess.Popen(["sh", "-c", script], cwd=root, env=grader_env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for job in jobs:
        out, _ = job.communicate(timeout=1200)
        first_error = max(out.find("Traceback"), 0)
        assert job.returncode == 0, out[first_error:first_error + 4000] + "\n...\n" + out[-3000:]
    return roots


@pytest.fixture(scope="module")
def scores(grader, graded):
    """The gradebook's scores of every submission: {assignment: {student: {grade_id: ...}}}."""
    scores = {}
    for name, root in graded.items():
        dump = run([grader / "python", "-c", GRADEBOOK_DUMP, f"sqlite:///{root / 'gradebook.db'}"], root)
        scores[name] = json.loads(dump.stdout)[name]
    # The grades measured (shown with pytest -s): autograded points per submission.
    for assignment, students in scores.items():
        for student, grades in students.items():
            auto = [(g["auto_score"] or 0, g["max_score"]) for g in grades.values() if g["cell_type"] == "code"]
            lost = sorted(name for name, g in grades.items() if g["cell_type"] == "code" and g["auto_score"] == 0)
            print(f"{assignment:28s} {student:36s} {sum(a for a, _ in auto):4.0f} / {sum(m for _, m in auto):.0f}"
                  f"  zero: {', '.join(lost) or '-'}")
    return scores


def messages_of(graded, assignment, student):
    """The error line of every failed graded cell of an autograded submission: {grade_id: 'Error: message'}."""
    nb = nbformat.read(graded[assignment] / "autograded" / student / assignment / ASSIGNMENTS[assignment], as_version=4)
    messages = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        for output in cell.get("outputs", []):
            if output.output_type == "error" and grade_id:
                messages[grade_id] = f"{output.ename}: {output.evalue}"
    return messages


def feedback_text(root, assignment, student):
    """The feedback HTML a student receives, as plain text (tags removed, entities decoded)."""
    page = root / "feedback" / student / assignment / ASSIGNMENTS[assignment].replace(".ipynb", ".html")
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def hidden_secrets():
    """Strings only the hidden tests contain: their seeds and helper names."""
    secrets = {"BEGIN HIDDEN TESTS", "_make_grading", "_grading.begin", "Traceback (most recent call last)",
               "LEAK:", "ipykernel_", "/tmp/"}  # LEAK: what the leak attempts print or raise; paths
    for path in SOURCES:
        cells = nbformat.read(path, as_version=4).cells
        hidden = "\n".join(c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                           for c in cells if "### BEGIN HIDDEN TESTS" in c.source)
        shown = "\n".join(re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", c.source, flags=re.S)
                          for c in cells)
        secrets |= set(re.findall(r"default_rng\([^)]*\)", hidden)) - set(re.findall(r"default_rng\([^)]*\)", shown))
        # every line of hidden code long enough to be specific (comments, messages and lines the
        # student copy or the solutions also hold aside)
        secrets |= {line.strip() for line in hidden.splitlines()
                    if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "f\"", "assert"))
                    and line.strip() not in shown}
    return secrets


def code_scores(scores, assignment, student):
    grades = scores[assignment][student]
    return {name: (g["auto_score"], g["max_score"]) for name, g in grades.items() if g["cell_type"] == "code"}


@pytest.mark.slow
def test_generate_assignment_matches_committed_release(course):
    """Fails when coursework/release/ is stale: run 'make coursework' and commit it."""
    for name, notebook in ASSIGNMENTS.items():
        fresh = nbformat.read(course / "release" / name / notebook, as_version=4)
        committed = nbformat.read(COURSE / "release" / name / notebook, as_version=4)
        assert normalised(fresh) == normalised(committed), f"{name}: release is stale, run 'make coursework'"
        assert sorted(p.name for p in (course / "release" / name).iterdir()) == sorted(
            p.name for p in (COURSE / "release" / name).iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_solution_gets_full_marks(scores, assignment):
    got = code_scores(scores, assignment, "solution")
    expected = autograded(nbformat.read(COURSE / "source" / assignment / ASSIGNMENTS[assignment], as_version=4))
    assert set(got) == set(expected)
    assert {cell: auto for cell, (auto, _) in got.items()} == {cell: float(p) for cell, p in expected.items()}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_blank_student_copy_gets_zero(scores, assignment):
    got = code_scores(scores, assignment, "blank")
    assert got and all(auto == 0 for auto, _ in got.values()), got


@pytest.mark.slow
@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: w.student)
def test_wrong_answer_loses_exactly_its_points(scores, wrong):
    got = code_scores(scores, wrong.assignment, wrong.student)
    assert wrong.loses <= set(got)
    expected = {cell: 0.0 if cell in wrong.loses else max_score for cell, (_, max_score) in got.items()}
    assert {cell: auto for cell, (auto, _) in got.items()} == expected, wrong.why


@pytest.mark.slow
@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: w.student)
def test_feedback_names_the_mistake(graded, wrong):
    """The message under the aimed test cell names the mistake; a knock-on failure names the earlier answer."""
    messages = messages_of(graded, wrong.assignment, wrong.student)
    aimed = wrong.cell.replace("_answer", "_test")
    assert wrong.says in messages.get(aimed, ""), messages
    for cell in wrong.loses - {aimed}:
        # A knock-on failure names the earlier answer, unless the student's own code raises before
        # any test runs (then the student sees their own error, e.g. a broadcasting ValueError).
        if messages.get(cell, "").startswith("AssertionError"):
            assert "fix Question" in messages[cell], (cell, messages)
    shown = feedback_text(graded[wrong.assignment], wrong.assignment, wrong.student)
    assert wrong.says in shown, "the message is not in the feedback HTML"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_feedback_shows_messages_not_hidden_tests(graded, assignment):
    """No feedback page shows hidden code, seeds or data, or anything student code printed or raised
    (the leak attempts in CHEATS print and raise the input history and the hidden data); an honest
    submission's failed test shows its message in full."""
    secrets = hidden_secrets()
    students = [p.name for p in (graded[assignment] / "feedback").iterdir()]
    assert "solution" in students and "blank" in students and len(students) >= 10
    honest = {"solution", "blank"} | {w.student for w in HONEST}
    for student in students:
        shown = feedback_text(graded[assignment], assignment, student)
        leaked = sorted(secret for secret in secrets if secret in shown)
        assert not leaked, f"{student}'s feedback shows hidden test material: {leaked}"
        for cell, message in messages_of(graded, assignment, student).items():
            if student in honest and "_test" in cell:
                assert re.fullmatch(r"\w+: \S.{20,}", message, re.S), f"{student} {cell}: bare {message!r}"
                assert message.split(": ", 1)[1][:60] in shown, (student, cell, message)


@pytest.mark.slow
@pytest.mark.parametrize("right", RIGHT_ANSWERS, ids=lambda w: w.student)
def test_right_answer_written_differently_keeps_every_point(scores, right):
    got = code_scores(scores, right.assignment, right.student)
    assert got and all(auto == max_score for auto, max_score in got.values()), (right.why, got)


def report_lines(graded, assignment, student):
    text = (graded[assignment] / "suspicious.txt").read_text(encoding="utf-8")
    assert text.startswith(f"Suspicious submissions: {assignment}")
    return [line for line in text.splitlines()[2:] if line.split("\t")[0] == student]


@pytest.mark.slow
@pytest.mark.parametrize("cheat", CHEATS, ids=lambda w: w.student)
def test_cheat_is_docked_or_flagged(graded, scores, cheat):
    """Each attempt loses exactly the cells listed (the guard docks it) and is in the suspicious report."""
    got = code_scores(scores, cheat.assignment, cheat.student)
    expected = {cell: 0.0 if cell in cheat.loses else max_score for cell, (_, max_score) in got.items()}
    assert {cell: auto for cell, (auto, _) in got.items()} == expected, cheat.why
    lines = report_lines(graded, cheat.assignment, cheat.student)
    assert any(cheat.flagged in line for line in lines), (cheat.flagged, lines)
    if cheat.says:
        aimed = cheat.cell.replace("_answer", "_test")
        assert cheat.says in messages_of(graded, cheat.assignment, cheat.student).get(aimed, ""), cheat.why
        assert cheat.says in feedback_text(graded[cheat.assignment], cheat.assignment, cheat.student)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_suspicious_report_spares_honest_submissions(graded, assignment):
    text = (graded[assignment] / "suspicious.txt").read_text(encoding="utf-8")
    flagged = {line.split("\t")[0] for line in text.splitlines()[2:]}
    cheats = {c.student for c in CHEATS if c.assignment == assignment}
    assert flagged == cheats, (flagged ^ cheats)


@pytest.mark.slow
def test_grader_environment_has_every_student_package_at_its_pin(grader):
    """An answer cell may import what the students' environment has (matplotlib, scikit-learn...)."""
    pins = dict(line.split("==") for line in (REPO / "binder" / "constraints.txt").read_text(encoding="utf-8").splitlines()
                if "==" in line and not line.startswith("#"))
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    wanted = [line.strip() for line in (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith(("#", "-"))]
    script = "import importlib.metadata as m, sys; print(*[m.version(n) for n in sys.argv[1:]])"
    versions = run([grader / "python", "-c", script, *wanted], REPO).stdout.split()
    for name, version in zip(wanted, versions):
        assert version == pins[name.lower()], f"{name} {version} in .venv-grader, {pins[name.lower()]} for students"
    run([grader / "python", "-c", "import matplotlib.pyplot, sklearn.mixture, ipywidgets"], REPO)


@pytest.mark.slow
def test_sources_pass_nbval():
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1", IPYKERNEL_CELL_NAME="<IPY-INPUT>")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "coursework/source"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


@pytest.mark.parametrize("readme", ["README.md", "INSTRUCTORS.md"])
def test_readme_links_every_student_copy_with_binder_and_states_points(readme):
    """The students' coursework README and the instructor's guide: each assignment's student copy,
    its Binder link (into the students' copy of the course, tests/test_student_copy.py) and points."""
    text = (COURSE / readme).read_text(encoding="utf-8")
    for name, notebook in ASSIGNMENTS.items():
        path = f"coursework/release/{name}/{notebook}"
        assert f"](release/{name}/{notebook})" in text
        assert "mybinder.org/v2/gh/mixture-notebooks/mixture-notebooks-student/" in text
        assert f"?urlpath=lab/tree/{path})" in text
        nb = nbformat.read(COURSE / "source" / name / notebook, as_version=4)
        total = sum(m["points"] for _, m in nbgrader_cells(nb) if m["grade"])
        auto = sum(autograded(nb).values())
        assert f"| {total} ({auto} auto + {total - auto} by hand) |" in text
    if readme == "INSTRUCTORS.md":
        assert "private fork" in text and "coursework/source/" in text and "make student-copy" in text


@pytest.mark.slow
@pytest.mark.skipif(not SANDBOXED, reason="the grading sandbox needs root (CI runs as root)")
def test_student_code_cannot_write_into_the_course(graded):
    """cheat_writes_course_files tried to write HACKED into every folder above its notebook."""
    for root in graded.values():
        assert not list(root.parent.rglob("HACKED")), "student code wrote into the course root"


def make(target, root, **variables):
    args = ["make", "--no-print-directory", "-C", str(REPO), target, f"COURSE={root}",
            *[f"{k}={v}" for k, v in variables.items()]]
    return run(args, REPO, timeout=900)


@pytest.mark.slow
def test_course_loop_for_a_class(grader, course, tmp_path):
    """coursework/README.md's loop ("The course loop") through its make targets, for a class of three.

    alice hands in the blank copy, then resubmits her solution before the due date (collect --update
    keeps the new one); bob's sampler never returns (the per-cell time limit stops it, here lowered to
    15 s to keep the test short); carol hands in one wrong answer a day... a second after the due date.
    Then autograde (sandboxed), the suspicious report, hand-grading from the sheet, feedback (after
    hand-grading, so it shows those points), each student fetches their own, and the export.
    """
    name = "01_sampling_and_likelihood"
    notebook = ASSIGNMENTS[name]
    root, exchange = tmp_path / "coursework", tmp_path / "exchange"
    shutil.copytree(course, root)
    exchange.mkdir()
    nbgrader = str(grader / "nbgrader")
    flags = f"--Exchange.root={exchange}"
    solution = nbformat.read(root / "source" / name / notebook, as_version=4)
    blank = nbformat.read(root / "release" / name / notebook, as_version=4)
    (mean,) = [w for w in WRONG_ANSWERS if w.student == "wrong_loglik_mean"]
    endless = with_wrong_answer(blank, type(mean)(
        "bob", name, "a1_q3_answer", "def sample_mixture(weights, means, sds, n, rng):\n    while True:\n        pass",
        frozenset(), "a sampler that never returns", whole_cell=True))

    make("coursework-release", root, A=name, NBGRADER_ARGS=flags)

    def as_student(student, command, nb=None):
        home = tmp_path / "home" / student
        home.mkdir(parents=True, exist_ok=True)
        if nb is not None:
            nbformat.write(nb, home / name / notebook)
        run([nbgrader, command, name, flags, "--course=mixture-notebooks", f"--Exchange.cache={home / '.cache'}",
             f"--student={student}"], home)
        return home

    for student in ("alice", "bob", "carol"):
        as_student(student, "fetch_assignment")
    as_student("alice", "submit", blank)
    make("coursework-collect", root, A=name, NBGRADER_ARGS=flags)
    as_student("alice", "submit", solution)  # the resubmission, before the due date
    as_student("bob", "submit", endless)
    due = run([grader / "python", "-c", "import datetime; print(datetime.datetime.now(datetime.timezone.utc)"
               ".strftime('%Y-%m-%d %H:%M:%S.%f UTC'))"], root).stdout.strip()
    make("coursework-due", root, A=name, DUE=due)
    time.sleep(1.1)
    as_student("carol", "submit", with_wrong_answer(solution, mean))  # late
    make("coursework-collect", root, A=name, NBGRADER_ARGS=flags)
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["alice", "bob", "carol"]

    started = time.monotonic()
    os.environ["MIXNB_CELL_TIMEOUT"] = "15"
    try:
        graded = make("coursework-autograde", root, A=name)
    finally:
        del os.environ["MIXNB_CELL_TIMEOUT"]
    autograde_seconds = time.monotonic() - started
    print(f"autograde of three students, one endless loop: {autograde_seconds:.0f} s")
    assert autograde_seconds < 120
    assert "(0 of 3 submissions flagged)" in graded.stdout

    dump = run([grader / "python", "-c", GRADEBOOK_DUMP, f"sqlite:///{root / 'gradebook.db'}"], root)
    grades = json.loads(dump.stdout)[name]
    auto = {s: sum(g["auto_score"] or 0 for g in grades[s].values() if g["cell_type"] == "code") for s in grades}
    assert auto == {"alice": 9.0, "bob": 0.0, "carol": 7.0}, auto

    make("coursework-handgrade-sheet", root, A=name)
    sheet = root / f"handgrade_{name}.csv"
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert sorted(r["student"] for r in rows) == ["alice", "bob", "carol"] and all(r["grade_id"] == "a1_q4_answer" for r in rows)
    assert "Binomial" in next(r for r in rows if r["student"] == "alice")["answer"]  # her own text, to read
    marks = {"alice": "3", "carol": "2"}  # bob's answer is left for later
    for row in rows:
        row["score"] = marks.get(row["student"], "")
        row["comment"] = "Good: the counts are Binomial." if row["student"] == "alice" else ""
    with sheet.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    make("coursework-handgrade", root, A=name, MARKS=sheet)
    make("coursework-feedback", root, A=name, NBGRADER_ARGS=flags)

    secrets = hidden_secrets()
    # carol: 7 autograded + 2 by hand, less 10 % for one started day late, shown in her feedback
    for student, total in {"alice": 12.0, "bob": 0.0, "carol": 8.1}.items():
        home = as_student(student, "fetch_feedback")
        pages = list((home / name / "feedback").glob("*/*.html"))
        assert len(pages) == 1, f"{student} fetched {pages}"
        shown = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text(encoding="utf-8")))
        assert f"(Score: {total} / 12.0)" in shown, student
        assert ("np.mean(mixture_logpdf" in shown) == (student == "carol")  # their own submission
        assert not [secret for secret in secrets if secret in shown]
        if student == "alice":
            assert "Good: the counts are Binomial." in shown
        if student == "bob":
            assert "time limit" in shown
        assert ("Late submission penalty (Score: -0.9)" in shown) == (student == "carol")

    make("coursework-export", root)
    exported = {r["student_id"]: r for r in csv.DictReader((root / "grades.csv").open(encoding="utf-8"))}
    assert {s: float(r["raw_score"]) for s, r in exported.items()} == {"alice": 12.0, "bob": 0.0, "carol": 9.0}
    # carol: 10 % of her score for one started day late
    assert {s: round(float(r["late_submission_penalty"]), 6) for s, r in exported.items()} == {
        "alice": 0.0, "bob": 0.0, "carol": 0.9}
    assert float(exported["carol"]["score"]) == pytest.approx(8.1)
    ignored = subprocess.run(["git", "check-ignore", "coursework/grades.csv"], cwd=REPO, capture_output=True, text=True)
    assert ignored.returncode == 0, "coursework/grades.csv (names, emails) must be git-ignored"
