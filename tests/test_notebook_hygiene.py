"""Hygiene of every saved notebook in notebooks/: one table of checks, run on each notebook; the
output rules also on every instructor source in coursework/source/ (nbval runs those too).

The rule for output (README, "For contributors"): a notebook prints and asserts only what holds
on every machine. Students run the notebooks on AVX-512 servers, AVX2 laptops, old Intel machines
and Apple Silicon, whose `exp`, `log` and BLAS round differently in the last bits, and optimisers
amplify those bits. So print properties (which method reaches the maximum within a tolerance,
which one reports failure, the log-likelihood at the optimum rounded with margin), never a raw
evaluation count, a diverging iterate, or scipy's message text; where a count is the lesson, print
it coarsely ("about 20") and say that another machine may differ by a few. Counts and timings a
student should still see go in a cell tagged ``nbval-ignore-output`` with a comment saying why.
`make test-portable` (tests/cpu_profiles.py) proves the rule by re-running every notebook under
emulated CPUs; the checks here catch the commonest breaches before that: every ``assert`` carries
a message naming the sentence of the prose it guards, and no compared cell prints an optimiser's
``nfev``/``njev``/``nhev``/``nit`` or ``message``, nor the ``n_iter`` of a result bound to
``fit_direct``/``minimize`` (other than rounded, as in ``5 * round(res.nit / 5)``).

The rule for prose checks (README, "For contributors"): every assert that guards the text lives in
its own collapsed, silent code cell tagged ``check`` right after the cell it guards (the website
drops those cells); a cell the student reads keeps an assert only where checking is the lesson,
tagged ``lesson-check`` and with a message that does not cite the text. Both rules run on the
instructor sources too, where nbgrader's graded test cells are tests and exempt.

A new notebook is picked up with no change here. Each check is a small function that returns a
list of problems (empty when the notebook is fine); ``CHECKS`` is the table. With no notebooks
the parametrised test is reported as skipped and ``test_notebook_file_names`` still runs.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # normalise_notebooks.py: a script

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NAME_PATTERN = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
MAX_BYTES = 1_000_000

# Text that would show where and by whom a notebook was run (plus the repo's own location).
MACHINE_PATHS = [
    re.compile(r"/root/"),
    re.compile(r"/home/[^/\s]+/"),
    re.compile(r"/Users/[^/\s]+/"),
    re.compile(r"/tmp/ipykernel_"),
    re.compile(r"site-packages"),
    re.compile(r"/usr/(local/)?lib/python"),
    re.compile(re.escape(str(REPO))),
]
# Reprs a plotting cell returns when it does not end with plt.show() or ';' (as an execute_result;
# the text/plain twin of a figure *displayed* by plt.show() is expected and stable).
STRAY_REPRS = re.compile(r"<Figure size |<matplotlib\.[\w.]+ object at |\[<matplotlib\.")
# A markdown link to a notebook: [text](NN_name.ipynb)
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\((\d\d_[a-z0-9_]+\.ipynb)\)")


@dataclass(frozen=True)
class Notebook:
    path: Path
    nb: dict

    @property
    def number(self) -> int:
        return int(self.path.name[:2])

    @property
    def cells(self) -> list[dict]:
        return self.nb.get("cells", [])

    def code_cells(self):
        return [c for c in self.cells if c["cell_type"] == "code"]

    def markdown(self, cells=None) -> str:
        cells = self.cells if cells is None else cells
        return "\n\n".join(source(c) for c in cells if c["cell_type"] == "markdown")


def source(cell) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def output_texts(cell):
    """Every piece of text in a cell's outputs (never base64 images, which can contain '/')."""
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            yield "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
        elif out["output_type"] == "error":
            yield out.get("ename", "") + ": " + out.get("evalue", "")
            yield "\n".join(out.get("traceback", []))
        else:
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    yield "".join(value) if isinstance(value, list) else str(value)


def python_source(cell) -> str:
    """A code cell's source with IPython magics and shell escapes blanked out, for ast.parse."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source(cell).splitlines())


def comment_lines(cell) -> list[str]:
    """Comment lines that explain something (not bare nbval markers)."""
    lines = [line.strip() for line in source(cell).splitlines()]
    return [line for line in lines
            if line.startswith("#") and not re.fullmatch(r"#\s*NBVAL_\w+\s*", line)
            and len(line.lstrip("# ").split()) >= 3]


def all_notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def load(path: Path) -> Notebook:
    return Notebook(path, json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------
# The checks: each takes a Notebook and returns a list of problems.

def executed_in_order(nb: Notebook):
    counts = [c.get("execution_count") for c in nb.code_cells()]
    expected = list(range(1, len(counts) + 1))
    if counts != expected:
        return [f"execution counts {counts} (want {expected}): re-execute top to bottom and save"]
    return []


def errors_only_where_tagged(nb: Notebook):
    problems = []
    for i, cell in enumerate(nb.code_cells(), 1):
        has_error = any(out["output_type"] == "error" for out in cell.get("outputs", []))
        tagged = "raises-exception" in tags(cell)
        if has_error and not tagged:
            problems.append(f"code cell {i} has an error output but no 'raises-exception' tag")
        if tagged and not has_error:
            problems.append(f"code cell {i} is tagged 'raises-exception' but raised nothing")
        if tagged and not comment_lines(cell):
            problems.append(f"code cell {i} raises on purpose: say so in a comment")
    return problems


def no_machine_paths(nb: Notebook):
    problems = []
    for i, cell in enumerate(nb.code_cells(), 1):
        for text in output_texts(cell):
            for pattern in MACHINE_PATHS:
                match = pattern.search(text)
                if match:
                    problems.append(f"code cell {i} output shows a machine path: {match.group(0)!r}")
    return problems


def no_stray_reprs(nb: Notebook):
    problems = []
    for i, cell in enumerate(nb.code_cells(), 1):
        for out in cell.get("outputs", []):
            if out["output_type"] != "execute_result":
                continue
            text = out.get("data", {}).get("text/plain", "")
            match = STRAY_REPRS.search("".join(text) if isinstance(text, list) else text)
            if match:
                problems.append(f"code cell {i} prints {match.group(0)!r}: end with plt.show() or ';'")
    return problems


def small_on_disk(nb: Notebook):
    size = nb.path.stat().st_size
    return [] if size < MAX_BYTES else [f"{size:,} bytes on disk (limit {MAX_BYTES:,})"]


def kernel_is_python3(nb: Notebook):
    name = nb.nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return [] if name == "python3" else [f"kernelspec name is {name!r}, want 'python3'"]


def widget_state_saved(nb: Notebook):
    widgets = nb.nb.get("metadata", {}).get("widgets")
    if widgets is None:
        return []
    bad = [key for key, value in widgets.items() if "state" not in value]
    return [f"metadata.widgets[{key!r}] has no 'state' key (GitHub refuses it)" for key in bad]


def ignored_outputs_explained(nb: Notebook):
    problems = []
    for i, cell in enumerate(nb.code_cells(), 1):
        ignored = "nbval-ignore-output" in tags(cell) or "NBVAL_IGNORE_OUTPUT" in source(cell)
        if ignored and not comment_lines(cell):
            problems.append(f"code cell {i} ignores its output under nbval: add a comment saying why")
    return problems


def opens_with_title_and_goals(nb: Notebook):
    first_code = next((i for i, c in enumerate(nb.cells) if c["cell_type"] == "code"), len(nb.cells))
    intro = nb.markdown(nb.cells[:first_code])
    problems = []
    if not nb.cells or nb.cells[0]["cell_type"] != "markdown" or not re.match(r"#\s+\S", source(nb.cells[0])):
        problems.append("the first cell is not a markdown title ('# ...')")
    if not re.search(r"you will learn[^\n]*\n(\s*\n)*\s*([-*]|\d+\.)\s", intro, re.IGNORECASE):
        problems.append("no 'You will learn' list before the first code cell")
    return problems


def _exercises_start(nb: Notebook):
    for i, cell in enumerate(nb.cells):
        if cell["cell_type"] == "markdown" and re.search(r"^#+\s.*exercises", source(cell),
                                                         re.IGNORECASE | re.MULTILINE):
            return i
    return None


def ends_with_exercises_and_solutions(nb: Notebook):
    start = _exercises_start(nb)
    if start is None:
        return ["no 'Exercises' heading"]
    tail = nb.markdown(nb.cells[start:])
    opened, closed = tail.count("<details>"), tail.count("</details>")
    problems = []
    if opened < 3:
        problems.append(f"{opened} <details> blocks after the Exercises heading (want a solution "
                        "for each of 3-5 exercises)")
    if opened != closed:
        problems.append(f"{opened} <details> but {closed} </details>")
    if not re.search(r"^#+\s.*summary", nb.markdown(), re.IGNORECASE | re.MULTILINE):
        problems.append("no 'Summary' heading")
    return problems


def links_to_next(nb: Notebook):
    numbers = [int(p.name[:2]) for p in all_notebooks()]
    if nb.number == max(numbers):
        return []  # the last notebook so far
    start = _exercises_start(nb) or 0
    targets = [(text, target) for text, target in NOTEBOOK_LINK.findall(nb.markdown(nb.cells[start:]))
               if text.strip().lower().startswith("next")]
    wanted = f"{nb.number + 1:02d}_"
    if not any(target.startswith(wanted) for _, target in targets):
        return [f"no '[Next: ...]({wanted}....ipynb)' link at the end"]
    return []


def linked_from_previous(nb: Notebook):
    previous = [p for p in all_notebooks() if int(p.name[:2]) == nb.number - 1]
    if nb.number < 1 or not previous:
        return []
    links = {target for _, target in NOTEBOOK_LINK.findall(load(previous[0]).markdown())}
    if nb.path.name not in links:
        return [f"{previous[0].name} has no markdown link to {nb.path.name}"]
    return []


def asserts_say_what_they_guard(nb: Notebook):
    problems = []
    for i, cell in enumerate(nb.code_cells(), 1):
        for node in ast.walk(ast.parse(python_source(cell))):
            if isinstance(node, ast.Assert) and node.msg is None:
                problems.append(f"code cell {i}, line {node.lineno}: assert without a message; say "
                                "which sentence of the text it guards, e.g. "
                                "assert n == 8, \"the text says eight iterations suffice\"")
    return problems


# Prose checks (README, "For contributors"): an assert that guards a number or claim of the text
# lives in its own code cell, tagged `check`, right after the cell whose output it guards, saved
# collapsed and silent; the website drops it (book/stage.py). An assert stays in a cell the student
# reads only where checking is the lesson (a set-up check, a plain-numpy version checked against
# mixlib, a property the text asks the student to test): such a cell is tagged `lesson-check`, and
# its messages speak to the student, never "the text says ...". nbgrader's graded test cells in
# the instructor sources are tests, not guards, and are left alone.
CHECK_TAG, LESSON_TAG = "check", "lesson-check"
PROSE_WORDS = re.compile(r"\b(the|as the) (text|prose|comment|title|table|summary|solution)\b|"
                         r"\btext says|solution says|hint says|readouts? (say|show|quote)", re.IGNORECASE)


def is_graded_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _guards(tree):
    """The asserts of a cell and its explicit `raise AssertionError(...)`s, with their messages."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            yield node, node.msg
        elif isinstance(node, ast.Raise) and node.exc is not None:
            call = node.exc
            if _call_name(call) == "AssertionError" or getattr(call, "id", None) == "AssertionError":
                yield node, (call.args[0] if isinstance(call, ast.Call) and call.args else None)


def _message_text(msg) -> str:
    return " ".join(str(n.value) for n in ast.walk(msg) if isinstance(n, ast.Constant)) if msg else ""


HIDDEN_REGION = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*$",
                           re.MULTILINE | re.DOTALL)


def student_source(cell) -> str:
    """What a student's copy of a code cell holds: nbgrader removes its hidden-test regions (the
    grading guard that coursework/source's setup cells carry, for one)."""
    text = python_source(cell)
    return HIDDEN_REGION.sub("", text) if "nbgrader" in cell.get("metadata", {}) else text


def guards_only_in_check_cells(nb: Notebook):
    problems = []
    for i, cell in enumerate(nb.code_cells(), 1):
        if CHECK_TAG in tags(cell) or is_graded_test(cell):
            continue
        guards = list(_guards(ast.parse(student_source(cell))))
        if LESSON_TAG in tags(cell):
            if not guards:
                problems.append(f"code cell {i} is tagged {LESSON_TAG!r} but checks nothing")
            for node, msg in guards:
                if PROSE_WORDS.search(_message_text(msg)):
                    problems.append(f"code cell {i}, line {node.lineno}: a {LESSON_TAG} assert guards the "
                                    "prose (its message cites the text): move it to a 'check' cell")
            continue
        for node, _ in guards:
            problems.append(f"code cell {i}, line {node.lineno}: an assert in a cell the student reads: "
                            "move it to a 'check' cell right after (python tests/move_checks.py), or, "
                            f"where checking is the lesson and the text says so, tag the cell {LESSON_TAG!r}")
    return problems


EXERCISES_HEADING = re.compile(r"^#+\s.*exercises", re.IGNORECASE | re.MULTILINE)


def _in_exercises(nb: Notebook, index: int) -> bool:
    """Whether cell ``index`` comes after the notebook's Exercises heading."""
    return any(c["cell_type"] == "markdown" and EXERCISES_HEADING.search(source(c))
               for c in nb.cells[:index])


def check_cells_collapsed_and_silent(nb: Notebook):
    problems = []
    position = 0
    for index, cell in enumerate(nb.cells):
        if cell["cell_type"] != "code":
            continue
        position += 1
        if CHECK_TAG not in tags(cell):
            continue
        where = f"check cell (code cell {position})"
        if index == 0:
            problems.append(f"{where} opens the notebook: a check follows the cell it guards")
        else:
            before = nb.cells[index - 1]
            if before["cell_type"] == "code" and CHECK_TAG in tags(before):
                problems.append(f"{where} follows another check cell: one check per guarded cell, "
                                "right after it (merge them)")
            elif before["cell_type"] != "code" and not _in_exercises(nb, index):
                problems.append(f"{where} follows a markdown cell: a check goes right after the code "
                                "cell whose output it guards (only the exercises' solutions are "
                                "checked after a markdown cell, at the end)")
        if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden") is not True:
            problems.append(f"{where} is not collapsed: set metadata.jupyter.source_hidden = true "
                            "('make notebooks' does it)")
        if cell.get("outputs"):
            problems.append(f"{where} has output: a passing check prints nothing")
        if LESSON_TAG in tags(cell):
            problems.append(f"{where} is also tagged {LESSON_TAG!r}: one or the other")
        if not any(True for _ in _guards(ast.parse(python_source(cell)))):
            problems.append(f"{where} asserts nothing")
    return problems


# What an optimiser says about itself, which depends on the CPU's rounding (README, the rule).
MACHINE_DEPENDENT_FIELDS = {"nfev", "njev", "nhev", "nit", "message"}
# mixlib's FitResult names its iteration count n_iter for EM and for the direct fit alike. EM's
# count is a fixed-point iteration's and holds across CPUs (the emulated profiles check it); an
# optimiser's (fit_direct, scipy's minimize) moves by one or two. So n_iter is machine-dependent
# on a name bound to one of these calls anywhere in the notebook.
OPTIMISER_CALLS = {"fit_direct", "minimize", "minimize_scalar", "least_squares", "basinhopping",
                   "differential_evolution", "dual_annealing", "shgo"}
OPTIMISER_ONLY_FIELDS = {"n_iter", "nfev"}


def _call_name(node) -> str | None:
    func = node.func if isinstance(node, ast.Call) else None
    return getattr(func, "attr", None) or getattr(func, "id", None)


def optimiser_result_names(trees) -> set[str]:
    """Names a notebook binds to an optimiser's result (x = fit_direct(...), x[k] = minimize(...))."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _call_name(node.value) in OPTIMISER_CALLS:
                for target in node.targets:
                    while isinstance(target, ast.Subscript):
                        target = target.value
                    if isinstance(target, ast.Name):
                        names.add(target.id)
    return names


def _raw_fields(node, optimiser_names=frozenset()):
    """Machine-dependent fields used in an expression, except inside round() (a coarse print)."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "round":
        return
    if isinstance(node, ast.Attribute):
        if node.attr in MACHINE_DEPENDENT_FIELDS:
            yield node.attr
        elif node.attr in OPTIMISER_ONLY_FIELDS:
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name) and base.id in optimiser_names:
                yield f"{base.id}.{node.attr} (an optimiser's count)"
    for child in ast.iter_child_nodes(node):
        yield from _raw_fields(child, optimiser_names)


def prints_only_what_holds_everywhere(nb: Notebook):
    problems = []
    trees = [ast.parse(python_source(cell)) for cell in nb.code_cells()]
    optimisers = optimiser_result_names(trees)
    for i, (cell, tree) in enumerate(zip(nb.code_cells(), trees), 1):
        if "nbval-ignore-output" in tags(cell) or "NBVAL_IGNORE_OUTPUT" in source(cell):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"):
                continue
            fields = sorted({attr for arg in node.args for attr in _raw_fields(arg, optimisers)})
            if fields:
                problems.append(f"code cell {i}, line {node.lineno} prints {', '.join(fields)}: these vary "
                                "between CPUs; print a property or move it to an nbval-ignore-output cell")
    return problems


def saved_by_make_notebooks(nb: Notebook):
    """No execution timestamps and stable widget ids: what make notebooks saves (quiet diffs)."""
    from normalise_notebooks import WIDGET_STATE, stable_id

    problems = [f"code cell {i} has execution timestamps" for i, c in enumerate(nb.code_cells(), 1)
                if "execution" in c.get("metadata", {})]
    state = nb.nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    stable = {stable_id(nb.path.stem, i) for i in range(len(state))}
    if set(state) != stable:
        problems.append("widget models have random ids")
    if problems:
        problems.append("save it with 'make notebooks NB=..' (tests/normalise_notebooks.py)")
    return problems


CHECKS = {
    "executed in order from 1": executed_in_order,
    "errors only in raises-exception cells": errors_only_where_tagged,
    "no machine paths in outputs": no_machine_paths,
    "no stray figure reprs": no_stray_reprs,
    "under 1 MB on disk": small_on_disk,
    "kernel python3": kernel_is_python3,
    "widget state saved": widget_state_saved,
    "ignored outputs explained": ignored_outputs_explained,
    "opens with title and You will learn": opens_with_title_and_goals,
    "ends with exercises and solutions": ends_with_exercises_and_solutions,
    "links to the next notebook": links_to_next,
    "linked from the previous notebook": linked_from_previous,
    "every assert has a message": asserts_say_what_they_guard,
    "prints only what holds on every machine": prints_only_what_holds_everywhere,
    "saved by make notebooks": saved_by_make_notebooks,
    "guards only in check cells": guards_only_in_check_cells,
    "check cells collapsed and silent": check_cells_collapsed_and_silent,
}

CASES = [(path, name) for path in all_notebooks() for name in CHECKS]


@pytest.mark.parametrize(("path", "check"), CASES,
                         ids=[f"{path.stem}-{name}" for path, name in CASES])
def test_notebook_hygiene(path, check):
    problems = CHECKS[check](load(path))
    assert not problems, f"{path.name}: " + "; ".join(problems)


# The instructor sources (coursework/source/*/*.ipynb) run under nbval in every emulated CPU
# profile too, so the output rules hold there as well; the course-structure checks (title, goals,
# exercises, links, make notebooks' normalisation) are the notebooks' own.
SOURCE_CHECKS = ["executed in order from 1", "errors only in raises-exception cells",
                 "no machine paths in outputs", "no stray figure reprs", "under 1 MB on disk",
                 "kernel python3", "ignored outputs explained", "every assert has a message",
                 "prints only what holds on every machine", "guards only in check cells",
                 "check cells collapsed and silent"]
SOURCE_CASES = [(path, name) for path in sorted((REPO / "coursework" / "source").glob("*/*.ipynb"))
                for name in SOURCE_CHECKS]


@pytest.mark.parametrize(("path", "check"), SOURCE_CASES,
                         ids=[f"{path.parent.name}-{name}" for path, name in SOURCE_CASES])
def test_instructor_source_hygiene(path, check):
    problems = CHECKS[check](load(path))
    assert not problems, f"{path.relative_to(REPO)}: " + "; ".join(problems)


def test_print_rule_catches_an_optimisers_count():
    """The print rule flags a fit_direct/minimize result's count (the slip found on an AVX-512
    CPU in coursework/source/03: BFGS's n_iter, 19 on one machine and 20 on another), and lets
    EM's n_iter and a rounded count through."""
    def notebook(*cells):
        return Notebook(Path("x.ipynb"), {"cells": [
            {"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells]})

    flagged = prints_only_what_holds_everywhere(notebook(
        "direct = mixlib.fit_direct(x, p0, method='BFGS')",
        "print(f'after {direct.n_iter} iterations')"))
    assert flagged and "direct.n_iter" in flagged[0]
    assert prints_only_what_holds_everywhere(notebook(
        "fits = {}", "fits['bfgs'] = minimize(f, p0)", "print(fits['bfgs'].nfev)"))
    assert not prints_only_what_holds_everywhere(notebook(
        "em = mixlib.fit_em(x, p0)", "direct = mixlib.fit_direct(x, p0)",
        "print(em.n_iter, 5 * round(direct.n_iter / 5))"))


def _synthetic(*cells):
    """A notebook of code cells given as (source, tags[, metadata]) with no outputs."""
    out = []
    for source, cell_tags, *extra in cells:
        meta = {"tags": list(cell_tags), **(extra[0] if extra else {})}
        out.append({"cell_type": "code", "source": source, "metadata": meta, "outputs": []})
    return Notebook(Path("x.ipynb"), {"cells": out})


HIDDEN = {"jupyter": {"source_hidden": True}}


def test_check_rule_fails_on_a_guard_in_a_teaching_cell():
    """The convention's test: a prose guard left in a cell the student reads is flagged, the same
    guard in a collapsed check cell after it passes, and a lesson-check's assert passes unless it
    cites the text."""
    teaching = "best = 195.664\nprint(best)"
    guard = 'assert round(best, 3) == 195.664, "the text quotes 195.664"'
    flagged = guards_only_in_check_cells(_synthetic((teaching + "\n" + guard, [])))
    assert flagged and "check" in flagged[0]
    raised = guards_only_in_check_cells(_synthetic(
        ("if best < 0:\n    raise AssertionError('the text says it is positive')", [])))
    assert raised, "a raise AssertionError guard outside a check cell must be flagged too"
    good = _synthetic((teaching, []), (guard, ["check"], HIDDEN))
    assert not guards_only_in_check_cells(good) and not check_cells_collapsed_and_silent(good)
    assert guards_only_in_check_cells(_synthetic((guard, [LESSON_TAG])))
    assert not guards_only_in_check_cells(_synthetic(
        ('assert ours == mixlib_value, "your version should agree with mixlib"', [LESSON_TAG])))
    graded = {"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}}
    assert not guards_only_in_check_cells(_synthetic(('assert f(1) == 2, "f(1) is 2"', [], graded)))


def test_check_cells_must_be_collapsed_silent_and_checking():
    open_cell = _synthetic(("x = 1", []), ('assert x == 1, "the text says 1"', ["check"]))
    assert any("not collapsed" in p for p in check_cells_collapsed_and_silent(open_cell))
    loud = _synthetic(("x = 1", []), ('assert x == 1, "the text says 1"', ["check"], HIDDEN))
    loud.cells[1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ok\n"}]
    assert any("output" in p for p in check_cells_collapsed_and_silent(loud))
    empty = _synthetic(("x = 1", []), ("y = x", ["check"], HIDDEN))
    assert any("asserts nothing" in p for p in check_cells_collapsed_and_silent(empty))
    bare = _synthetic(("x = 1", []), ("assert x == 1", ["check"], HIDDEN))
    assert asserts_say_what_they_guard(bare)


def test_a_check_cell_follows_the_code_cell_it_guards():
    """Right after the guarded code cell; after a markdown cell only in the exercises (the
    solutions' numbers are checked at the end); never stacked under another check."""
    guard = ('assert x == 1, "the text says 1"', ["check"], HIDDEN)
    assert not check_cells_collapsed_and_silent(_synthetic(("x = 1", []), guard))
    stacked = _synthetic(("x = 1", []), guard, guard)
    assert any("follows another check cell" in p for p in check_cells_collapsed_and_silent(stacked))
    after_prose = _synthetic(("x = 1", []), guard)
    after_prose.cells.insert(1, {"cell_type": "markdown", "source": "x is 1.", "metadata": {}})
    assert any("follows a markdown cell" in p for p in check_cells_collapsed_and_silent(after_prose))
    after_prose.cells[1]["source"] = "## Exercises\n\n**1.** Show that x is 1."
    assert not check_cells_collapsed_and_silent(after_prose)


def test_normalising_keeps_checks_collapsed():
    """make notebooks (tests/normalise_notebooks.py) collapses a check cell an editor opened."""
    from normalise_notebooks import collapse_checks

    nb = {"cells": [{"cell_type": "code", "source": "assert True, 'the text'", "outputs": [],
                     "metadata": {"tags": ["check"], "jupyter": {"source_hidden": False}}},
                    {"cell_type": "code", "source": "x = 1", "outputs": [], "metadata": {}}]}
    collapse_checks(nb)
    assert nb["cells"][0]["metadata"]["jupyter"]["source_hidden"] is True
    assert "jupyter" not in nb["cells"][1]["metadata"]


def test_website_leaves_out_check_cells(tmp_path, monkeypatch):
    """book/stage.py tags every check cell 'remove-cell', so myst-nb leaves it off the page."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_stage", REPO / "book" / "stage.py")
    stage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stage)
    monkeypatch.setattr(stage, "STAGE", tmp_path)
    src = tmp_path / "src" / "99_x.ipynb"
    src.parent.mkdir()
    cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# Title\n"},
             {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "source": "x = 1"},
             {"cell_type": "code", "id": "b", "metadata": {"tags": ["check"], **HIDDEN}, "outputs": [],
              "source": 'assert x == 1, "the text says 1"'}]
    src.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    stage.stage_notebook(src, stage.Repository((REPO / "README.md").read_text(encoding="utf-8")))
    staged = json.loads((tmp_path / "notebooks" / "99_x.ipynb").read_text(encoding="utf-8"))
    by_id = {c["id"]: c.get("metadata", {}).get("tags", []) for c in staged["cells"]}
    assert "remove-cell" in by_id["b"] and "remove-cell" not in by_id["a"]


def test_notebook_file_names():
    """Runs even with no notebooks: every notebook is named NN_name.ipynb, numbers unique."""
    paths = all_notebooks()
    bad = [p.name for p in paths if not NAME_PATTERN.match(p.name)]
    assert not bad, f"notebook names must look like 01_sampling.ipynb: {bad}"
    numbers = [p.name[:2] for p in paths]
    assert len(numbers) == len(set(numbers)), f"two notebooks share a number: {sorted(numbers)}"


def test_a_hidden_region_of_an_nbgrader_cell_is_not_a_guard_the_student_reads():
    """coursework/source's setup cells carry the grading guard in a hidden-test region, which the
    student's copy does not have; an assert outside that region is still flagged."""
    setup = {"cell_type": "code", "metadata": {"nbgrader": {"grade": False, "locked": True}}, "outputs": [],
             "source": "import numpy as np\n### BEGIN HIDDEN TESTS\nassert np.pi > 3, 'guard'\n"
                       "### END HIDDEN TESTS\n"}
    nb = Notebook(Path("x.ipynb"), {"cells": [setup]})
    assert guards_only_in_check_cells(nb) == []
    setup["source"] += "assert np.e > 2, 'the text says e exceeds 2'\n"
    assert guards_only_in_check_cells(nb), "a visible assert in a setup cell is flagged"
