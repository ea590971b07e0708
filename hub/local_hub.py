"""A JupyterHub for a class on this machine: real Unix users, 127.0.0.1 only (root needed).

`LocalHub` makes everything a class server has, in one temporary folder, and removes it again:

* the users: an instructor and students, each a real Unix user (``useradd``) with a home in the
  run's folder, a random password per run for the test authenticator (hub/jupyterhub_config.py);
* the course: a bare clone of this checkout's ``HEAD`` with a release tag and a course branch made
  at the tag, served read-only by ``git daemon`` on 127.0.0.1 (the way a hub pulls from GitHub:
  a student's ``git clone`` of a root-owned folder would stop at git's "dubious ownership" check);
* nbgrader's exchange, with the permissions nbgrader documents (``chmod ugo+rw``, here 0o777),
  and the class's nbgrader settings (exchange root, course id) in ``<state>/etc/jupyter``, which
  every user server reads through ``JUPYTER_CONFIG_PATH``;
* JupyterHub with configurable-http-proxy (hub/node_modules), each user's server spawned as the
  user from ``.venv-hub``.

Used by tests/test_hub.py, benchmarks/bench_hub.py and ``make hub``:

    python hub/local_hub.py --students 3 --port 8000     # as root; Ctrl-C stops and cleans up
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from nbgitpuller_link import nbgitpuller_link  # noqa: E402

# The Makefile exports where it built the environment (.venv-hub, or /opt/... when closed to others)
DEFAULT_VENV = Path(os.environ.get("MIXNB_HUB_VENV", REPO / ".venv-hub"))
DEFAULT_PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "mixture-notebooks"
RELEASE_TAG = "v0.0.0-class"      # the tag made in the run's clone (the real one: docs/releasing.md)
COURSE_BRANCH = "course-class"    # the branch at that tag the students' link follows
REPO_NAME = "mixture-notebooks"
MAX_USERS = 80                    # a bound on what one run may create


@dataclass
class ClassUser:
    """One hub user who is also a Unix user of this machine."""

    name: str
    password: str
    role: str  # "instructor" or "student"

    @property
    def pw(self) -> pwd.struct_passwd:
        return pwd.getpwnam(self.name)

    @property
    def home(self) -> Path:
        return Path(self.pw.pw_dir)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def _others_can_reach(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that other users cannot enter, or None."""
    for folder in [*reversed(path.parents), path]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


class LocalHub:
    """Start a class hub; use as a context manager (``with LocalHub(...) as hub:``).

    Parameters
    ----------
    students : int
        How many students to create (``s01``, ``s02``, ... after the run's prefix).
    student_names : list of str, optional
        Their short names instead (e.g. ``["alice", "bob", "carol"]``).
    port : int, optional
        The public port on 127.0.0.1 (default: a free one).
    keep : bool
        Keep the run's folder after stopping (the logs), for debugging.
    """

    def __init__(self, students: int = 3, student_names=None, port: int | None = None,
                 venv: Path = DEFAULT_VENV, proxy: Path = DEFAULT_PROXY, keep: bool = False,
                 concurrent_spawn_limit: int = 100):
        if student_names is None:
            student_names = [f"s{i:02d}" for i in range(1, students + 1)]
        if not 1 <= len(student_names) <= MAX_USERS:
            raise ValueError(f"students must be between 1 and {MAX_USERS}, got {len(student_names)}")
        self.short_names = list(student_names)
        self.port = port or free_port()
        self.venv, self.proxy, self.keep = Path(venv), Path(proxy), keep
        self.concurrent_spawn_limit = concurrent_spawn_limit
        self.prefix = "mx" + secrets.token_hex(2)
        self.users: dict[str, ClassUser] = {}
        self.state: Path | None = None
        self._hub = self._git = None
        self.harness_token = secrets.token_hex(32)

    # --- names and addresses ------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def instructor(self) -> ClassUser:
        return self.users[f"{self.prefix}-teacher"]

    @property
    def students(self) -> list[ClassUser]:
        return [self.users[f"{self.prefix}-{n}"] for n in self.short_names]

    def student(self, short: str) -> ClassUser:
        return self.users[f"{self.prefix}-{short}"]

    @property
    def course_repo_url(self) -> str:
        return f"git://127.0.0.1:{self.git_port}/{REPO_NAME}.git"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    def link(self, notebook: str = "notebooks/00_start_here.ipynb") -> str:
        """The students' nbgitpuller link on this hub."""
        return nbgitpuller_link(self.url, self.course_repo_url, COURSE_BRANCH, notebook)

    def api(self, method: str, path: str, **kw) -> requests.Response:
        """A call to the hub's REST API with the harness's service token."""
        kw.setdefault("timeout", 30)
        return requests.request(method, f"{self.url}/hub/api/{path.lstrip('/')}",
                                headers={"Authorization": f"token {self.harness_token}"}, **kw)

    # --- start and stop -----------------------------------------------------------------------
    def __enter__(self) -> "LocalHub":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _check_prerequisites(self):
        if os.geteuid() != 0:
            raise RuntimeError("the class hub creates Unix users and spawns servers as them: run as root")
        for path, make in ((self.venv / "bin" / "jupyterhub", "make .venv-hub/.installed"),
                           (self.proxy, "make hub/node_modules/.installed")):
            if not path.exists():
                raise RuntimeError(f"{path} is missing: run '{make}' first")
        python = (self.venv / "bin" / "python").resolve()
        blocked = _others_can_reach(self.venv.resolve()) or _others_can_reach(python)
        if blocked:
            raise RuntimeError(f"{blocked} is closed to other users (no o+x): every user's server "
                               f"runs {self.venv}/bin/jupyterhub-singleuser ({python}); build the "
                               "environment where they can reach it (make .venv-hub/.installed "
                               "HUB_VENV=/opt/mixture-notebooks-hub)")
        for tool in ("useradd", "userdel", "git"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"'{tool}' not found on PATH")

    def start(self):
        self._check_prerequisites()
        self.state = Path(tempfile.mkdtemp(prefix="mxnb-hub-", dir="/tmp"))
        self.state.chmod(0o755)  # homes below are private (useradd's 0700); the course is readable
        (self.state / "home").mkdir(mode=0o755)
        # nbgrader's exchange: every user writes into it (nbgrader's docs: chmod ugo+rw)
        self.exchange.mkdir()
        self.exchange.chmod(0o777)
        etc = self.state / "etc" / "jupyter"
        etc.mkdir(parents=True)
        (etc / "nbgrader_config.py").write_text(
            "# The class's nbgrader settings, read by every user's server (JUPYTER_CONFIG_PATH).\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n", encoding="utf-8")
        self._serve_course()
        self._make_users()
        self._start_hub()

    def _serve_course(self):
        git_root = self.state / "git"
        git_root.mkdir()
        bare = git_root / f"{REPO_NAME}.git"
        _run(["git", "clone", "--quiet", "--bare", "--no-local", str(REPO), str(bare)])
        head = _run(["git", "-C", str(REPO), "rev-parse", "HEAD"]).stdout.strip()
        _run(["git", "-C", str(bare), "tag", "-f", RELEASE_TAG, head])
        _run(["git", "-C", str(bare), "branch", "-f", COURSE_BRANCH, RELEASE_TAG])
        self.git_port = free_port()
        self._git = subprocess.Popen(
            # no cap on connections: git daemon's default of 32 failed 4 of 40 students pulling
            # at once in the load test ("Remote content unavailable")
            ["git", "daemon", "--export-all", "--reuseaddr", "--max-connections=0",
             f"--base-path={git_root}",
             "--listen=127.0.0.1", f"--port={self.git_port}", str(git_root)],
            stdout=subprocess.DEVNULL, stderr=open(self.state / "git-daemon.log", "w"))
        deadline = time.monotonic() + 20
        while _probe_git(self.course_repo_url) is False:
            if time.monotonic() > deadline or self._git.poll() is not None:
                raise RuntimeError("git daemon did not start: see " + str(self.state / "git-daemon.log"))
            time.sleep(0.2)

    def advance_course(self, path: str, text: str, message: str) -> str:
        """Commit one new file on the course branch (the instructor hands out a fix); its hash."""
        work = self.state / "git-work"
        if not work.exists():
            _run(["git", "clone", "--quiet", "--branch", COURSE_BRANCH,
                  str(self.state / "git" / f"{REPO_NAME}.git"), str(work)])
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text, encoding="utf-8")
        ident = ["-c", "user.name=Instructor", "-c", "user.email=instructor@example.invalid"]
        _run(["git", "-C", str(work), "add", path])
        _run(["git", "-C", str(work), *ident, "commit", "--quiet", "-m", message])
        _run(["git", "-C", str(work), "push", "--quiet", "origin", COURSE_BRANCH])
        return _run(["git", "-C", str(work), "rev-parse", "HEAD"]).stdout.strip()

    def _make_users(self):
        for short, role in [("teacher", "instructor")] + [(s, "student") for s in self.short_names]:
            name = f"{self.prefix}-{short}"
            _run(["useradd", "--create-home", "--home-dir", str(self.state / "home" / name),
                  "--shell", "/bin/bash", "--user-group", "--no-log-init", name])
            self.users[name] = ClassUser(name, secrets.token_urlsafe(18), role)
            # Debian's useradd makes homes 0755 (world-readable): a student could read another's
            # answers. Private homes, as a class server needs them.
            self.users[name].home.chmod(0o700)

    def _ld_library_path(self) -> str:
        """The copied interpreter's lib/ (hub/portable_python.py), or '' for a system one."""
        lib = self.venv.resolve() / "base-python" / "lib"
        return str(lib) if any(lib.glob("libpython*.so*")) else ""

    def _start_hub(self):
        settings = {
            "port": self.port, "hub_port": free_port(), "proxy_api_port": free_port(),
            "proxy_command": str(self.proxy), "venv_bin": str(self.venv.resolve() / "bin"),
            "passwords": {u.name: u.password for u in self.users.values()},
            "admins": [self.instructor.name], "harness_token": self.harness_token,
            "concurrent_spawn_limit": self.concurrent_spawn_limit,
            "ld_library_path": self._ld_library_path(),
        }
        path = self.state / "hub.json"
        path.touch(mode=0o600)
        path.write_text(json.dumps(settings, indent=1), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VIRTUAL_ENV"))}
        if self._ld_library_path():
            env["LD_LIBRARY_PATH"] = self._ld_library_path()
        env.update(MIXNB_HUB_STATE=str(self.state),
                   PATH=f"{self.venv.resolve() / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}")
        self._hub_log = open(self.state / "jupyterhub.log", "w")
        self._hub = subprocess.Popen(
            [str(self.venv / "bin" / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
            cwd=self.state, env=env, stdout=self._hub_log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 90
        while True:
            if self._hub.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self._hub.returncode}):\n{self.log_tail()}")
            try:
                if self.api("GET", "", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyterhub did not answer within 90 s:\n{self.log_tail()}")
            time.sleep(0.3)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join((self.state / "jupyterhub.log").read_text().splitlines()[-lines:])
        except (OSError, TypeError):
            return "(no log)"

    def stop(self):
        """Stop the servers, the hub and git, kill what the users left running, remove them."""
        if self._hub is not None and self._hub.poll() is None:
            os.killpg(self._hub.pid, signal.SIGTERM)  # the hub stops every server (cleanup_servers)
            try:
                self._hub.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self._hub.pid, signal.SIGKILL)
                self._hub.wait(10)
        if self._hub is not None:
            self._hub_log.close()
        if self._git is not None and self._git.poll() is None:
            self._git.terminate()
            self._git.wait(10)
        for user in self.users.values():
            _kill_user_processes(user.name)
            subprocess.run(["userdel", "--remove", user.name], capture_output=True)
        self.users.clear()
        if self.state is not None and not self.keep:
            shutil.rmtree(self.state, ignore_errors=True)


def _probe_git(url: str) -> bool:
    return subprocess.run(["git", "ls-remote", "--heads", url], capture_output=True,
                          timeout=10).returncode == 0


def user_pids(name: str) -> list[int]:
    """The processes running as the Unix user ``name`` (read from /proc)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _kill_user_processes(name: str):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = user_pids(name)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if pids:
            time.sleep(1)


def main(argv=None):
    parser = argparse.ArgumentParser(description="A local class hub for trying the course (root).")
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with LocalHub(students=args.students, port=args.port) as hub:
        print(f"\nJupyterHub for the class at {hub.url}/ (127.0.0.1 only; test authenticator)")
        print("Log in as (user name, password made for this run):")
        for user in hub.users.values():
            print(f"  {user.role:<10} {user.name:<18} {user.password}")
        print(f"\nThe students' nbgitpuller link (the course branch '{COURSE_BRANCH}' at the tag "
              f"'{RELEASE_TAG}' of this checkout's HEAD, served by git daemon):\n  {hub.link()}")
        print(f"\nnbgrader exchange: {hub.exchange}; instructor: run nbgrader in "
              f"~/{REPO_NAME}/coursework after pulling.\nCtrl-C stops the hub and removes the users.")
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        try:
            while not stop:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        print("stopping ...")


if __name__ == "__main__":
    main()
