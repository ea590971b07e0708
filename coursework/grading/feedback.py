"""What a student's feedback page may show (nbgrader generate_feedback; see coursework/README.md).

Student code runs in the same kernel as the hidden tests, after them in the notebook's input history
(``_ih``, ``In``) and with the hidden data in its hands, so anything it prints, displays or raises
may carry hidden-test source, seeds or data. The feedback therefore shows none of it:

- answer cells and every other code cell that is not a graded test: their code, no outputs (the
  student saw those outputs when running the notebook themselves);
- graded test cells: the visible code (nbgrader's ClearHiddenTests removes the hidden region after
  this preprocessor) and at most one line, the test's verdict: ``AssertionError: <message>`` when
  the message is made only of the test notebook's own words (string literals and f-string templates
  of the locked cells, whose fields take test-side values only), or else the name of a built-in
  exception and a fixed hint. Printed output, warnings, tracebacks and anything else are dropped.
"""

from __future__ import annotations

import ast
import builtins
import re

from nbgrader.preprocessors import NbGraderPreprocessor

# An f-string field in a message holds a test-side value: a number, a name, a shape, a method name.
FIELD = r"[\w .,=()'\[\]+-]{0,160}?"
NOT_SHOWN = ("this test failed: your code raised {} while it ran (run the test cell in your notebook to see"
             " where)")
NO_MESSAGE = "this test failed (its message is not shown: ask your instructor)"


def templates(source: str) -> list[str]:
    """Regular expressions for every string literal and f-string in the code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    inside_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts, words = [], ""
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(re.escape(value.value))
                    words += value.value
                    inside_fstrings.add(id(value))
                else:
                    parts.append(FIELD)
            # An f-string of fields only (f"{failure}{also}") holds none of the notebook's words: as a
            # piece it would let any text through, and its empty match inside (...)+ makes the
            # match backtrack exponentially on a message that ends in a character FIELD excludes.
            if words.strip():
                found.append("".join(parts))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings:
            if node.value.strip():
                found.append(re.escape(node.value))
    return found


def is_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_locked(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("locked") or meta.get("grade")) and not meta.get("solution")


class SafeFeedback(NbGraderPreprocessor):
    """Outputs in the feedback: nothing from student code, one vetted line per failed test cell."""

    def preprocess(self, nb, resources):
        pieces = sorted({t for cell in nb.cells if is_locked(cell) for t in templates(cell.source)},
                        key=len, reverse=True)
        self._message = re.compile("(?:" + "|".join(pieces) + ")+", re.S) if pieces else None
        return super().preprocess(nb, resources)

    def verdict(self, output) -> str:
        name, value = str(output.get("ename", "")), str(output.get("evalue", ""))
        if name == "AssertionError" and self._message is not None and len(value) < 3000 and value.strip():
            if self._message.fullmatch(value):
                return f"AssertionError: {value}"
            return f"AssertionError: {NO_MESSAGE}"
        if name == "CellTimeoutError":
            return "TimeoutError: this test was stopped at the time limit: does your code loop forever?"
        kind = getattr(builtins, name, None)
        if isinstance(kind, type) and issubclass(kind, BaseException):
            return f"{name}: {NOT_SHOWN.format(name)}"
        return f"Error: {NOT_SHOWN.format('an error')}"

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        cell.outputs = []
        if is_test(cell) and errors:
            line = self.verdict(errors[0])
            name, _, value = line.partition(": ")
            cell.outputs = [{"output_type": "error", "ename": name, "evalue": value, "traceback": [line]}]
        return cell, resources
