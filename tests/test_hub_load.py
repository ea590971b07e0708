"""The load test's smallest size in the suite: three students at once on a fresh class hub.

The sizing table (10, 20, 40 students) comes from benchmarks/bench_hub.py, not from here: this
test checks that the load test itself works end to end (every student logs in, gets a server
spawned as their Unix user, pulls the course, runs notebook 01 top to bottom and moves its slider,
and every measurement is there) and prints its numbers. It asserts no timing: timings belong to
the benchmark, with the machine named. Bounded: 3 students, a 300 s deadline, 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hub"))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

pytestmark = [pytest.mark.hub, pytest.mark.slow]

STUDENTS, MOVES = 3, 3


def test_three_students_at_once_every_measurement_present():
    from test_hub import require_root
    require_root()
    from bench_hub import HEADER, row
    from hub_client import notebook_code_cells
    from loadtest import DEFAULT_NOTEBOOK, run_class
    from local_hub import LocalHub

    with LocalHub(students=STUDENTS) as hub:
        report = run_class(hub, think=0.5, ramp=3, moves=MOVES, deadline=300)
        users = [u.name for u in hub.students]
    print(f"\n{HEADER}\n{row(report, load=os.getloadavg()[0])}")
    assert not report.failures, report.failures
    assert not report.stopped_early
    cells = notebook_code_cells(json.loads((REPO / DEFAULT_NOTEBOOK).read_text(encoding="utf-8")))
    for run in report.runs:
        assert run.done
        assert len(run.cells) == len(cells), run.name   # every cell, top to bottom
        assert len(run.moves) == MOVES, run.name
        assert all(0 < t < 300 for t in run.cells + run.moves + [run.login, run.start, run.pull])
        # a server and a kernel with numpy, scipy and matplotlib loaded: tens to hundreds of MB
        assert 50 < run.pss_mb < 2000, (run.name, run.pss_mb)
    assert report.hub_rss_mb > 20
    summary = report.summary()
    assert summary["completed"] == STUDENTS
    assert summary["cell"]["median"] <= summary["cell"]["p95"] <= summary["cell"]["max"]
    # the users are gone with the hub
    import pwd
    for name in users:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
