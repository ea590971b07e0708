"""Move the prose guards of a notebook out of its teaching cells into collapsed ``check`` cells.

The convention (README, "For contributors"): an ``assert ..., "the text says ..."`` that guards a
number or claim of the prose lives in its own code cell right after the cell whose output it
guards, tagged ``check``, saved collapsed (``"jupyter": {"source_hidden": true}``) and printing
nothing when it passes. This script does the mechanical part of moving existing guards there:

* every top-level ``assert`` of a code cell is a guard, and so is a top-level loop or ``if``
  whose body holds asserts and prints nothing;
* a top-level statement that only computes values for guards (every later use of the names it
  binds, in this cell or a later one, is inside a guard) moves with them;
* the moved statements, with the comment lines right above them, go to a new ``check`` cell right
  after the cell (a cell left with nothing else becomes the check cell itself).

It refuses what it cannot move safely and says why (an assert nested in a loop that also prints,
a guard reading a name that a statement after it rebinds): those are moved by hand. Cells tagged
``check`` or ``lesson-check`` (a visible assert where checking is the lesson) are left alone, and
so are nbgrader's graded test cells in the instructor sources (tests, not guards).
Re-execute the notebook afterwards (``make notebooks NB=..``) and review the diff.

Usage: ``python tests/move_checks.py [--dry-run] NOTEBOOK...``
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

CHECK_TAG = "check"
LESSON_TAG = "lesson-check"
HEADER = "# Checks the text's claims about the cell above (collapsed; see README, For contributors)"
OUTPUT_CALLS = {"print", "display", "show", "plot", "imshow", "hist", "savefig", "interact"}


def cell_source(cell) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def parseable(text: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines())


def stored_names(node) -> set[str]:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            names.add(sub.id)
        elif isinstance(sub, (ast.Subscript, ast.Attribute)) and isinstance(sub.ctx, ast.Store):
            base = sub
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
        elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
            names.add(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in sub.names)
    return names


def loaded_names(node) -> set[str]:
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)}


MUTATING_METHODS = {"append", "extend", "update", "pop", "popitem", "clear", "insert", "sort",
                    "remove", "add", "discard", "setdefault", "fill", "resize", "shuffle"}


def mutated_names(node) -> set[str]:
    """Names a statement may change in place: calls of mutating methods on them (x.append)."""
    names = set()
    for sub in ast.walk(node):
        if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                and sub.func.attr in MUTATING_METHODS):
            base = sub.func.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return names


def makes_output(node) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name in OUTPUT_CALLS:
                return True
    return False


def has_assert(node) -> bool:
    return any(isinstance(sub, ast.Assert) for sub in ast.walk(node))


def is_guard(stmt) -> bool:
    if isinstance(stmt, ast.Assert):
        return True
    if isinstance(stmt, (ast.For, ast.If, ast.While, ast.With)) and has_assert(stmt):
        return not makes_output(stmt)
    return False


class Cell:
    def __init__(self, index, cell):
        self.index, self.cell = index, cell
        self.text = cell_source(cell)
        self.lines = self.text.splitlines()
        self.tree = ast.parse(parseable(self.text))
        self.stmts = list(self.tree.body)
        self.moved: set[int] = set()

    def span(self, k):
        """Line range (0-based, end exclusive) of statement k with the comment lines right above."""
        stmt = self.stmts[k]
        start, end = stmt.lineno - 1, stmt.end_lineno
        while start > 0 and self.lines[start - 1].lstrip().startswith("#"):
            prev_end = self.stmts[k - 1].end_lineno if k > 0 else 0
            if start - 1 < prev_end:
                break
            start -= 1
        return start, end


def plan(nb: dict):
    """Decide which statements move; returns (cells, problems)."""
    cells = [Cell(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    problems = []
    for cell in cells:
        tags = set(cell.cell.get("metadata", {}).get("tags", []))
        grading = cell.cell.get("metadata", {}).get("nbgrader", {})
        graded_test = grading.get("grade") and not grading.get("solution")  # a test, not a guard
        if tags & {CHECK_TAG, LESSON_TAG} or graded_test:
            cell.skip = True
            continue
        cell.skip = False
        cell.moved = {k for k, s in enumerate(cell.stmts) if is_guard(s)}
    # Every statement of the notebook in order: (cell position, statement index).
    order = [(ci, k) for ci, cell in enumerate(cells) for k in range(len(cell.stmts))]
    changed = True
    while changed:
        changed = False
        for pos, (ci, k) in enumerate(order):
            cell = cells[ci]
            if cell.skip or k in cell.moved:
                continue
            stmt = cell.stmts[k]
            names = stored_names(stmt)
            if not names or makes_output(stmt) or isinstance(stmt, (ast.Import, ast.ImportFrom,
                                                                      ast.FunctionDef, ast.Expr)):
                continue
            uses = [(cj, j) for cj, j in order[pos + 1:] if loaded_names(cells[cj].stmts[j]) & names]
            if uses and all(not cells[cj].skip and j in cells[cj].moved for cj, j in uses):
                cell.moved.add(k)
                changed = True
    for cell in cells:
        if cell.skip:
            continue
        kept = [k for k in range(len(cell.stmts)) if k not in cell.moved]
        for k in sorted(cell.moved):
            reads = loaded_names(cell.stmts[k])
            later = [j for j in kept if j > k]
            clash = set()
            for j in later:
                clash |= (stored_names(cell.stmts[j]) | mutated_names(cell.stmts[j])) & reads
                clash |= stored_names(cell.stmts[k]) & loaded_names(cell.stmts[j])
            if clash:
                problems.append(f"cell {cell.index} ({cell.cell.get('id')}), line {cell.stmts[k].lineno}: "
                                f"a later statement uses or changes {sorted(clash)}: move by hand")
        for k in kept:
            if has_assert(cell.stmts[k]):
                problems.append(f"cell {cell.index} ({cell.cell.get('id')}), line {cell.stmts[k].lineno}: "
                                "an assert inside a statement that also prints or plots: move by hand")
    return cells, problems


def check_cell(cell_id: str, text: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": {"jupyter": {"source_hidden": True}, "tags": [CHECK_TAG]},
            "outputs": [], "source": text.splitlines(keepends=True)}


def tidy(lines: list[str]) -> str:
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text


def apply(nb: dict, cells) -> int:
    """Rewrite nb in place; returns the number of check cells made."""
    made = 0
    for cell in reversed(cells):  # from the end, so indices of earlier cells stay valid
        if cell.skip or not cell.moved:
            continue
        moved_lines, kept_lines = set(), set()
        for k in range(len(cell.stmts)):
            start, end = cell.span(k)
            (moved_lines if k in cell.moved else kept_lines).update(range(start, end))
        move = [line for i, line in enumerate(cell.lines) if i in moved_lines]
        keep = [line for i, line in enumerate(cell.lines) if i not in moved_lines]
        keep_code = any(i in kept_lines for i in range(len(cell.lines)))
        check_text = tidy([HEADER, *move])
        if not keep_code:  # nothing but guards: the cell itself becomes the check
            meta = cell.cell.setdefault("metadata", {})
            meta.setdefault("jupyter", {})["source_hidden"] = True
            meta["tags"] = sorted(set(meta.get("tags", [])) | {CHECK_TAG})
            cell.cell["source"] = tidy([HEADER, *cell.lines]).splitlines(keepends=True)
        else:
            cell.cell["source"] = tidy(keep).splitlines(keepends=True)
            new_id = (str(cell.cell.get("id", f"cell{cell.index}")) + "-check")[:64]
            nb["cells"].insert(cell.index + 1, check_cell(new_id, check_text))
        made += 1
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="only report what would move")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells, problems = plan(nb)
        for problem in problems:
            print(f"{path}: {problem}")
        if problems:
            status = 1
        n = sum(1 for c in cells if not c.skip and c.moved)
        if not args.dry_run and n:
            apply(nb, cells)
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")
        print(f"{path}: {n} cells {'would give' if args.dry_run else 'gave'} guards to check cells")
    return status


if __name__ == "__main__":
    sys.exit(main())
