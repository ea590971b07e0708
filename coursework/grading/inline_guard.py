"""Write coursework/grading/guard.py into the hidden region of every assignment's setup cell.

Run by 'make coursework-sources' (before the sources are re-executed); tests/test_coursework.py checks
that every setup cell holds the current guard. The hidden region runs only at autograde: the student
copy (release/) has none of it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
COURSE = HERE.parent
HIDDEN = re.compile(r"\n*### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S)
# Assignment 4 forbids scipy.stats.multivariate_normal only: it is the tests' reference.
FORBID_SCIPY_MVN = {"04_two_dimensions"}


def guard_region(assignment: str) -> str:
    guard = (HERE / "guard.py").read_text(encoding="utf-8").rstrip("\n")
    forbid = assignment in FORBID_SCIPY_MVN
    return (
        "\n\n### BEGIN HIDDEN TESTS\n"
        f"{guard}\n\n\n"
        f"_grading = _make_grading(globals(), forbid_scipy_mvn={forbid})\n"
        "_run, _agrees, _earlier = _grading.run, _grading.agrees, _grading.earlier\n"
        "del _make_grading\n"
        "### END HIDDEN TESTS"
    )


def setup_cell(nb):
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_setup")]
    return cell


def with_guard(source: str, assignment: str) -> str:
    return HIDDEN.sub("", source).rstrip("\n") + guard_region(assignment)


def main(paths: list[str]) -> int:
    paths = [Path(p) for p in paths] or sorted(COURSE.glob("source/*/*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cell = setup_cell(nb)
        new = with_guard(cell.source, path.parent.name)
        if new != cell.source:
            cell.source = new
            nbformat.write(nb, path)
            print(f"{path}: guard updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
