# nbgrader configuration of the mixture-notebooks course (see coursework/README.md).
# Run nbgrader from this folder, with the grader environment (make .venv-grader/.installed):
#   cd coursework && PATH="$PWD/../.venv-grader/bin:$PATH" nbgrader generate_assignment 01_sampling_and_likelihood
import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

c.CourseDirectory.course_id = "mixture-notebooks"
# The course root is the folder of this file, wherever nbgrader is started from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, c.CourseDirectory.root)

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# The grading guard lives in a hidden region of each assignment's (locked, ungraded) setup cell.
c.ClearHiddenTests.enforce_metadata = False

# Autograde: student code runs in the 'mixture-grading' kernel (grading/sandbox_kernel.py): as an
# unprivileged user, with the course root, the instructor's home and /tmp hidden; it needs root.
# MIXNB_SANDBOX=0 runs it in the plain python3 kernel as yourself (only where grading is isolated
# already, e.g. one container per run). A cell that runs longer than the time limit is interrupted
# and scores zero, so an endless loop costs seconds; the solutions' slowest cell takes about 3 s.
if os.environ.get("MIXNB_SANDBOX", "1") != "0":
    c.Execute.kernel_name = "mixture-grading"
CELL_TIMEOUT = int(os.environ.get("MIXNB_CELL_TIMEOUT", "30"))
c.Execute.timeout = CELL_TIMEOUT


def _cell_timeout(cell):
    """30 s a cell; the locked setup cell (imports and the grading guard, slow on a busy machine) 120 s."""
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("locked") and not meta.get("solution") and str(meta.get("grade_id", "")).endswith("_setup"):
        return max(CELL_TIMEOUT, 120)
    return CELL_TIMEOUT


c.Execute.timeout_func = _cell_timeout
c.Execute.interrupt_on_timeout = True
# A busy grading machine delays kernel start-up and the last output messages: wait for them (a
# notebook whose run fails for such a reason is run once more) rather than fail a whole submission.
c.Execute.startup_timeout = 120
c.Execute.iopub_timeout = 30
c.Execute.execute_retries = 1
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]

# Due dates and late work: set the due date per assignment with
#   nbgrader db assignment add 01_sampling_and_likelihood --duedate="2027-02-01 17:00:00 Europe/London"
# A submission after it loses percent_per_day of its score per started day (grading/late.py).
from grading.late import LatePenaltyPerDay  # noqa: E402

c.AssignLatePenalties.plugin_class = LatePenaltyPerDay
c.LatePenaltyPerDay.percent_per_day = 10

# Feedback (nbgrader generate_feedback): students see their answers and the visible tests with their
# points and, under a failed test cell, one vetted line (grading/feedback.py): nothing their code
# printed, displayed or raised, so the hidden tests (code, seeds, data) stay hidden and can be reused.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

from grading.feedback import SafeFeedback  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, SafeFeedback, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
