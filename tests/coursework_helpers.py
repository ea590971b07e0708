"""Plausible wrong answers to the coursework, and helpers that drive nbgrader for the tests.

Each wrong answer replaces the solution code (between ``### BEGIN SOLUTION`` and ``### END
SOLUTION``) of one answer cell in a copy of the instructor's solution notebook, and lists the
autograded cells it must lose: the cell aimed at the mistake, plus the cells of later questions
whose functions are built on the wrong one (a wrong M-step makes the EM fit wrong too). Every other
autograded cell must keep its full points.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import nbformat

SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.S | re.M)


@dataclass(frozen=True)
class WrongAnswer:
    student: str  # nbgrader student id of the submission
    assignment: str
    cell: str  # grade_id of the answer cell to change
    code: str  # replaces the solution region (indented like it), or the whole cell if whole_cell
    loses: frozenset[str]  # grade_ids of the autograded cells that must score 0
    why: str
    whole_cell: bool = False


A1, A2, A3 = "01_sampling_and_likelihood", "02_direct_optimisation", "03_em_algorithm"

WRONG_ANSWERS = [
    WrongAnswer(
        "wrong_loglik_log_of_pdf", A1, "a1_q2_answer",
        """
        x = np.asarray(x, dtype=float)
        density = sum(w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
                      for w, m, s in zip(weights, means, sds))
        return float(np.sum(np.log(density)))
        """,
        frozenset({"a1_q2_test"}),
        "log of the density: -inf on the hidden test's far outlier",
    ),
    WrongAnswer(
        "wrong_sampler_fixed_counts", A1, "a1_q3_answer",
        """
        counts = np.round(np.asarray(weights, dtype=float) * n).astype(int)
        return np.concatenate([rng.normal(m, s, size=c) for m, s, c in zip(means, sds, counts)])
        """,
        frozenset({"a1_q3_test"}),
        "stratified sampler: fixed counts per component, as in the original script",
    ),
    WrongAnswer(
        "wrong_logpdf_calls_mixlib", A1, "a1_q1_answer",
        """
        return mixlib.logpdf(x, mixlib.MixtureParams(weights, means, sds))
        """,
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "calls mixlib.logpdf instead of computing (log_likelihood builds on it)",
    ),
    WrongAnswer(
        "wrong_logpdf_alias_of_mixlib", A1, "a1_q1_answer",
        '''
        from mixlib import logpdf as _logpdf_from_mixlib


        def mixture_logpdf(x, weights, means, sds):
            """Log of the mixture density at each point of x, borrowed from mixlib."""
            return _logpdf_from_mixlib(x, mixlib.MixtureParams(weights, means, sds))
        ''',
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "an alias of mixlib.logpdf bound before the tests run (patching the module would miss it)",
        whole_cell=True,
    ),
    WrongAnswer(
        "wrong_negloglik_log_of_pdf", A2, "a2_q2_answer",
        """
        weights, means, sds = from_theta(theta)
        x = np.asarray(x, dtype=float)
        density = sum(w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
                      for w, m, s in zip(weights, means, sds))
        return -float(np.sum(np.log(density)))
        """,
        frozenset({"a2_q2_test"}),
        "log of the density in the objective: +inf on the hidden test's far outlier",
    ),
    WrongAnswer(
        "wrong_standard_errors_call_mixlib", A2, "a2_q5_answer",
        """
        weights, means, sds = from_theta(theta_hat)
        se = mixlib.standard_errors(x, mixlib.MixtureParams(weights, means, sds))
        return np.concatenate([se.means, se.sds / sds, [se.weights[0] / (weights[0] * weights[1])]])
        """,
        frozenset({"a2_q5_test"}),
        "calls mixlib.standard_errors and converts instead of computing the Hessian",
    ),
    WrongAnswer(
        "wrong_m_step_unnormalised_weights", A3, "a3_q2_answer",
        """
        x = np.asarray(x, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        weights = mass  # forgot to divide by n
        means = (resp * x[:, np.newaxis]).sum(axis=0) / mass
        sds = np.sqrt((resp * (x[:, np.newaxis] - means) ** 2).sum(axis=0) / mass)
        return weights, means, sds
        """,
        frozenset({"a3_q2_test", "a3_q4_test", "a3_q6_test"}),
        "M-step weights not normalised (em_fit and fit_faithful build on it)",
    ),
    WrongAnswer(
        "wrong_e_step_calls_mixlib", A3, "a3_q1_answer",
        """
        params = mixlib.MixtureParams(weights, means, sds)
        return mixlib.responsibilities(x, params), mixlib.log_likelihood(x, params)
        """,
        frozenset({"a3_q1_test", "a3_q4_test", "a3_q6_test"}),
        "calls mixlib.responsibilities instead of computing (em_fit and fit_faithful build on it)",
    ),
]


def with_wrong_answer(solution: nbformat.NotebookNode, wrong: WrongAnswer) -> nbformat.NotebookNode:
    """A copy of the solution notebook with the solution code of one answer cell replaced."""
    nb = nbformat.from_dict(solution)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == wrong.cell]
    if len(cells) != 1:
        raise LookupError(f"{wrong.assignment}: no single answer cell {wrong.cell!r}")
    cell = cells[0]
    code = textwrap.dedent(wrong.code).strip("\n")
    if wrong.whole_cell:
        cell.source = code
    else:
        match = SOLUTION_REGION.search(cell.source)
        if match is None:
            raise LookupError(f"{wrong.cell}: no ### BEGIN SOLUTION / ### END SOLUTION region")
        indent = re.match(r"[ \t]*", match.group(0)).group(0)
        cell.source = cell.source[: match.start()] + textwrap.indent(code, indent) + cell.source[match.end():]
    cell.outputs = []
    cell.execution_count = None
    return nb


# Run by the grader environment's python (nbgrader is not importable from .venv): prints the
# score of every graded cell of every submission as JSON.
GRADEBOOK_DUMP = """
import json, sys
from nbgrader.api import Gradebook
scores = {}
with Gradebook(sys.argv[1]) as gb:
    for assignment in gb.assignments:
        for submission in gb.assignment_submissions(assignment.name):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores.setdefault(assignment.name, {}).setdefault(submission.student.id, {})[grade.name] = {
                        "cell_type": grade.cell_type, "auto_score": grade.auto_score, "max_score": grade.max_score}
json.dump(scores, sys.stdout)
"""


def normalised(nb: nbformat.NotebookNode) -> str:
    """A notebook as canonical JSON text, for comparing release copies."""
    return nbformat.writes(nbformat.from_dict(nb), version=4)
