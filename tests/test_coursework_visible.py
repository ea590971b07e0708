"""The visible tests teach (issue 34): a test of the coursework's tests, as the student meets them.

A student works in the release copy (coursework/release/), where each test cell holds only its
visible part. These tests fill the release copy's answer cells with the instructor's solution, or
with the solution where one answer carries a classic slip, and run the notebook's code cells in
order in this process (no nbgrader, no kernel: about a second per assignment):

- with the solution, every visible test passes;
- with a slip, the visible test of the question it concerns fails with an ``AssertionError`` whose
  message names the slip (``VISIBLE_SAYS`` and ``VISIBLE_ONLY`` in tests/coursework_helpers.py), so
  the student meets each question's central pitfall while working, not only after grading.
"""

from __future__ import annotations

import contextlib
import sys
import io
import re
import warnings
from pathlib import Path

import nbformat
import pytest

from coursework_helpers import CHEATS, VISIBLE_NOT, VISIBLE_ONLY, VISIBLE_SAYS, WRONG_ANSWERS, with_wrong_answer

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "coursework"
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)
BY_ID = {w.student: w for w in [*WRONG_ANSWERS, *CHEATS]}
SLIPS = [BY_ID[student] for student in VISIBLE_SAYS] + VISIBLE_ONLY
# The test cell a slip must fail, when it is not the answer's own (a wrong gradient, seen by Question 5).
TARGET = {"slip_standard_errors_gradient_wrong": "a2_q5_test", "slip_loglik_on_one_shift_logpdf": "a1_q2_test"}


def _path(kind: str, assignment: str) -> Path:
    (path,) = (COURSE / kind / assignment).glob("*.ipynb")
    return path


def student_copy(assignment: str, slip=None) -> nbformat.NotebookNode:
    """The release copy with every answer cell holding the solution (one of them with ``slip``)."""
    source = nbformat.read(_path("source", assignment), as_version=4)
    if slip is not None:
        source = with_wrong_answer(source, slip)
    answers = {c.metadata["nbgrader"]["grade_id"]: MARKER.sub("", c.source) for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    release = nbformat.read(_path("release", assignment), as_version=4)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            assert "raise NotImplementedError()" in cell.source, f"{grade_id}: not a blank answer cell"
            cell.source = answers[grade_id]
    return release


def run_cells(nb: nbformat.NotebookNode, until: str | None = None) -> dict[str, BaseException]:
    """Run the code cells in order in one namespace; the exception each cell raised, by grade_id or id."""
    namespace: dict = {"__name__": "__main__"}
    errors: dict[str, BaseException] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        name = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(compile(cell.source, f"<{name}>", "exec"), namespace)
            except Exception as error:  # a failing earlier cell stays recorded; the notebook goes on
                errors[name] = error
        if name == until:
            break
    return errors


@pytest.mark.parametrize("assignment", sorted(p.name for p in (COURSE / "source").iterdir()))
def test_solution_passes_every_visible_test(assignment):
    errors = run_cells(student_copy(assignment))
    assert not errors, {name: f"{type(e).__name__}: {e}" for name, e in errors.items()}


@pytest.mark.parametrize("slip", SLIPS, ids=lambda w: w.student)
def test_visible_test_names_the_slip(slip):
    target = TARGET.get(slip.student, slip.cell.replace("_answer", "_test"))
    errors = run_cells(student_copy(slip.assignment, slip), until=target)
    assert target in errors, f"{slip.student} ({slip.why}) passes the visible test {target}"
    error = errors[target]
    assert isinstance(error, AssertionError), f"{target} raised {type(error).__name__}: {error}"
    says = VISIBLE_SAYS.get(slip.student) or slip.says
    assert says in str(error), f"{target}'s message for {slip.student} does not say {says!r}: {error}"
    if slip.student in VISIBLE_NOT:  # one message per slip: not another slip's advice
        assert VISIBLE_NOT[slip.student] not in str(error), f"{target} tells {slip.student}: {error}"
    if target != slip.cell.replace("_answer", "_test"):  # an earlier answer is the cause: say that first
        assert str(error).startswith(says), f"{target} does not start with {says!r}: {error}"


def test_every_slip_the_issue_lists_is_tried():
    """Issue 34's list: each central slip is in the catalogue of the visible tests."""
    wanted = {"wrong_logpdf_log_of_pdf", "wrong_logpdf_global_shift", "wrong_negloglik_log_of_pdf",
              "wrong_sampler_variance_as_scale", "wrong_m_step_raw_second_moment",
              "wrong_2d_m_step_raw_second_moment", "wrong_2d_uncertainty_min_r",
              "wrong_em_fit_history_without_start", "wrong_em_fit_ignores_convergence",
              "slip_standard_errors_means_only", "wrong_2d_faithful_unordered",
              # the final referee's (docs/reviews/coursework.md): silent passes and misleading messages
              "wrong_gradient_resp_as_ratio", "wrong_fit_without_gradient", "slip_2d_faithful_no_convergence_test",
              "slip_standard_errors_no_sqrt", "slip_standard_errors_one_over_diagonal",
              "slip_loglik_on_one_shift_logpdf"}
    assert wanted <= {s.student for s in SLIPS}


FILTER_PROBE = r'''
import re, sys, types, nbformat
sys.path.insert(0, sys.argv[1])
try:
    import nbgrader.preprocessors  # noqa: F401  (in .venv-grader)
except ImportError:  # the filter's functions need no nbgrader: a stand-in for its base class
    sys.modules["nbgrader"] = types.ModuleType("nbgrader")
    sys.modules["nbgrader.preprocessors"] = types.SimpleNamespace(NbGraderPreprocessor=object)
from grading.feedback import templates, is_locked
nb = nbformat.read(sys.argv[2], as_version=4)
pieces = sorted({t for c in nb.cells if is_locked(c) for t in templates(c.source)}, key=len, reverse=True)
rx = re.compile("(?:" + "|".join(pieces) + ")+", re.S)
print(" ".join(str(bool(rx.fullmatch(m))) for m in sys.argv[3:]))
'''


def test_feedback_filter_takes_the_knock_on_first_message_and_no_free_text():
    """The feedback shows a failed test's message only when it is made of the notebook's own words
    (coursework/grading/feedback.py). A2 Q5's message starts with "fix Question 3 first": it must
    pass the filter (at once: an f-string of fields only made this match backtrack for minutes), and
    free words, such as digits of a hidden seed, must not."""
    import subprocess
    knock_on = ("fix an earlier answer first, standard_errors builds on it: Your negloglik_grad (Question 3) is wrong on these data too: this answer builds on it, so the"
                " failure may come from Question 3: fix Question 3 first. Then, if it still fails: standard_errors"
                " returned nan or inf: is H the Hessian of negloglik (positive definite at the minimum)?")
    result = subprocess.run(
        [sys.executable, "-c", FILTER_PROBE, str(COURSE), str(COURSE / "source/02_direct_optimisation/direct_optimisation.ipynb"),
         knock_on, "secret hidden data 7 2024"],
        capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["True", "False"], result.stdout + result.stderr
