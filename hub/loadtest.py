"""A class arriving at the hub at once: N simulated students, timed (used by tests/test_hub.py and
benchmarks/bench_hub.py).

Each student, in their own thread: logs in (password, through the hub's authenticator), starts
their server (spawned as their Unix user), clicks the nbgitpuller link (the course is cloned into
their home), opens a notebook (a kernel), runs its code cells top to bottom with a reading pause
between cells, then moves a slider a few times. Students arrive spread over ``ramp`` seconds.
Measured: server start (request to ready, through the proxy), every cell's latency (request to
the kernel's idle, outputs included), every widget move's latency (``comm_msg`` to idle), and
each student's memory (PSS of every process running as that user, after the run: their server
and kernel) and CPU time (the same processes, with the children they waited for). Bounded: at most ``local_hub.MAX_USERS`` students and ``deadline`` seconds; a run
that hits the deadline stops and says so. Everything on 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from hub_client import UserSession, notebook_code_cells, slider_target
from local_hub import COURSE_BRANCH, REPO_NAME, LocalHub, user_pids

DEFAULT_NOTEBOOK = "notebooks/01_sampling.ipynb"


@dataclass
class StudentRun:
    name: str
    login: float = float("nan")
    start: float = float("nan")
    pull: float = float("nan")
    kernel: float = float("nan")
    cells: list = field(default_factory=list)    # seconds per code cell
    moves: list = field(default_factory=list)    # seconds per widget move
    pss_mb: float = float("nan")
    cpu: float = float("nan")                    # CPU seconds of all the student's processes
    error: str | None = None
    done: bool = False


@dataclass
class LoadReport:
    students: int
    notebook: str
    think: float
    ramp: float
    wall: float
    runs: list
    hub_rss_mb: float
    stopped_early: bool
    hub_cpu: float = float("nan")   # CPU seconds the hub and proxy used during the run

    @property
    def failures(self) -> list[str]:
        return [f"{r.name}: {r.error}" for r in self.runs if r.error]

    def _all(self, attr):
        values = []
        for run in self.runs:
            value = getattr(run, attr)
            values += value if isinstance(value, list) else [value]
        return [v for v in values if v == v]  # drop NaN

    def summary(self) -> dict:
        """Medians, 95th percentiles and maxima of the measured times (s) and memory (MB)."""
        def stats(values):
            if not values:
                return {"median": float("nan"), "p95": float("nan"), "max": float("nan")}
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
            return {"median": statistics.median(ordered), "p95": p95, "max": ordered[-1]}
        return {"start": stats(self._all("start")), "cell": stats(self._all("cells")),
                "move": stats(self._all("moves")), "pss_mb": stats(self._all("pss_mb")),
                "cpu": stats(self._all("cpu")),
                "completed": sum(r.done for r in self.runs)}


def pss_mb(user: str) -> float:
    """Proportional set size (MB) of every process of a Unix user: shared pages counted once."""
    total_kb = 0
    for pid in user_pids(user):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


def _pids_cpu(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(user: str) -> float:
    """CPU time (user + system, s) of every process of a Unix user, with their waited-for children
    (git, nbgrader): what the student's session has cost the machine so far."""
    return _pids_cpu(user_pids(user))


def _rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _hub_pids(hub: LocalHub) -> list[int]:
    """The hub (its process group) and its proxy (JupyterHub starts it in a session of its own,
    and writes its pid to the file the config names)."""
    pids = []
    try:
        pids.append(int((hub.state / "proxy.pid").read_text().strip()))
    except (OSError, ValueError):
        pass
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == hub._hub.pid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def run_class(hub: LocalHub, notebook: str = DEFAULT_NOTEBOOK, think: float = 2.0,
              ramp: float = 20.0, moves: int = 5, deadline: float = 900, seed: int = 0) -> LoadReport:
    """Every student of ``hub`` works through ``notebook`` at once; returns the measurements.

    Parameters
    ----------
    hub : LocalHub
        A running hub; all its students take part.
    notebook : str
        The notebook to run, relative to the course's root.
    think : float
        Mean reading pause (s) before each cell and each widget move (uniform, 0.5x to 1.5x).
    ramp : float
        Students arrive at uniformly spread times over this many seconds.
    moves : int
        How many times each student moves the notebook's first slider.
    deadline : float
        Stop everyone after this many seconds (the report says so).
    seed : int
        Seeds the arrival times and pauses.
    """
    rng = random.Random(seed)
    students = hub.students
    arrivals = sorted(rng.uniform(0, ramp) for _ in students)
    pauses = {u.name: random.Random(rng.random()) for u in students}
    runs = {u.name: StudentRun(u.name) for u in students}
    t0 = time.perf_counter()
    stop = threading.Event()

    def pause(name):
        if stop.wait(think * pauses[name].uniform(0.5, 1.5)):
            raise TimeoutError("deadline reached")

    def student(user, arrival):
        run = runs[user.name]
        try:
            if stop.wait(arrival):
                raise TimeoutError("deadline reached")
            session = UserSession(hub.url, user.name, user.password, timeout=120)
            run.login = session.login()
            run.start = session.start_server(timeout=max(30.0, deadline - (time.perf_counter() - t0)))
            started = time.perf_counter()
            session.pull(hub.course_repo_url, COURSE_BRANCH, REPO_NAME)
            run.pull = time.perf_counter() - started
            path = f"{REPO_NAME}/{notebook}"
            cells = notebook_code_cells(session.read_notebook(path))
            started = time.perf_counter()
            kernel = session.kernel(path)
            run.kernel = time.perf_counter() - started
            try:
                for source, may_raise in cells:
                    pause(user.name)
                    result = kernel.execute(source, timeout=300)
                    if result.status != ("error" if may_raise else "ok"):
                        raise RuntimeError(f"a cell gave {result.error}: {source[:80]!r}")
                    run.cells.append(result.seconds)
                sliders = kernel.sliders()
                if moves and not sliders:
                    raise RuntimeError(f"{notebook} opened no slider")
                if sliders:
                    comm_id, state = next(iter(sliders.items()))
                    for _ in range(moves):
                        pause(user.name)
                        state = dict(state, value=slider_target(state))
                        moved = kernel.move_widget(comm_id, state["value"], timeout=300)
                        if any(o["msg_type"] == "error" for o in moved.outputs):
                            raise RuntimeError("a widget move raised an error")
                        run.moves.append(moved.seconds)
                run.pss_mb = pss_mb(user.name)
                run.cpu = cpu_seconds(user.name)
            finally:
                kernel.close()
            run.done = True
        except Exception as exc:  # recorded and reported; the others go on
            run.error = f"{type(exc).__name__}: {exc}"

    hub_cpu_before = _pids_cpu(_hub_pids(hub))
    timer = threading.Timer(deadline, stop.set)
    timer.start()
    try:
        with ThreadPoolExecutor(max_workers=len(students)) as pool:
            futures = [pool.submit(student, u, a) for u, a in zip(students, arrivals)]
            try:
                for future in futures:
                    future.result()
            except BaseException:  # Ctrl-C: everyone stops at their next pause
                stop.set()
                raise
        hub_rss = _rss_mb(_hub_pids(hub))
        hub_cpu = _pids_cpu(_hub_pids(hub)) - hub_cpu_before
    finally:
        timer.cancel()
    report = LoadReport(len(students), notebook, think, ramp, time.perf_counter() - t0,
                        [runs[u.name] for u in students], hub_rss, stop.is_set(), hub_cpu)
    stop.set()
    return report
