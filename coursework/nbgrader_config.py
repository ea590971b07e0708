# nbgrader configuration of the mixture-notebooks course (see coursework/README.md).
# Run nbgrader from this folder, with the grader environment (make .venv-grader/.installed):
#   cd coursework && PATH="$PWD/../.venv-grader/bin:$PATH" nbgrader generate_assignment 01_sampling_and_likelihood
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

c.CourseDirectory.course_id = "mixture-notebooks"
# The course root is the folder of this file, wherever nbgrader is started from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Headless grading: a fixed kernel and a per-cell time limit generous for 2 shared cores.
c.Execute.timeout = 120
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Feedback (nbgrader generate_feedback): students see their answers, the visible tests, the points
# per cell and, for a failed test cell, only its last error line (e.g. "AssertionError: m_step's sds
# are wrong for data far from zero ..."). The hidden tests (their code, data and seeds) and the
# traceback frames, which quote hidden test lines, are removed, so the hidden tests can be reused.
# nbgrader's own LimitOutput.max_traceback would also trim the tracebacks that autograde stores
# for the Formgrader; this preprocessor acts on the feedback only.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor  # noqa: E402


class ErrorLineOnly(NbGraderPreprocessor):
    """Keep of each error output only its last traceback line: the exception and its message."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = output["traceback"][-1:]
        return cell, resources


c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ErrorLineOnly, CSSHTMLHeaderPreprocessor]
