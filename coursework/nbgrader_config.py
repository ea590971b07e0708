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
