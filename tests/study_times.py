"""How long a careful first-time student needs for each notebook, by the README's rule.

The rule (README, "Time per notebook"), applied to what the student sees (``check`` cells, which
are collapsed and which the website leaves out, do not count):

* **reading**: the markdown before the Exercises heading, at 100 words a minute (mathematical
  prose, read carefully; inline maths counts as words), plus 2 minutes per display equation;
* **code**: 1.5 minutes per code cell (read it, run it, look at the output) plus 1 minute per
  10 lines of code in it;
* **widgets**: 3 minutes per live widget (move its controls, read the readouts);
* **exercises**, tried before opening the solution, by the size of the solution: 5 minutes when
  it has at most 3 lines of code, 10 minutes for 4-8 lines, 15 minutes for more, and 15 minutes
  for a derivation: an exercise that says "derive", a solution with a display equation, or a
  solution with no code at all (its work is a derivation, "show that ...", or code the student
  writes unaided: the earlier rule scored such exercises as the smallest, 5 minutes, e.g. 03's
  exercise 3, 06's and 08's exercise 4; docs/reviews/03.md, 06.md, 08.md). Reading an
  exercise's statement, hint and solution is included. An exercise whose solution runs for a while adds its measured
  running time (the "(at most N s on 2 cores)" quoted in the exercise; README, the rule).

The total is rounded to the nearest 5 minutes. ``python tests/study_times.py`` prints the parts
and the total of every notebook, and the time each one states; tests/test_readme.py checks that
every stated time is within ``MARGIN`` of the rule's.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 100
PER_EQUATION = 2.0
PER_CELL, PER_TEN_LINES = 1.5, 1.0
PER_WIDGET = 3.0
EXERCISE_MINUTES = ((3, 5.0), (8, 10.0), (None, 15.0))   # (most code lines, minutes)
DERIVATION_MINUTES = 15.0
# A stated time passes if it is within this fraction of the rule's (or 5 minutes, if more).
MARGIN = 0.15

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXERCISES = re.compile(r"^#+\s.*exercises", re.IGNORECASE | re.MULTILINE)
EXERCISE_ITEM = re.compile(r"^\*\*\d+\.", re.MULTILINE)
DETAILS = re.compile(r"<details>(.*?)</details>", re.DOTALL)
DISPLAY = re.compile(r"\$\$.*?\$\$", re.DOTALL)
CODE_BLOCK = re.compile(r"```[^\n]*\n(.*?)```", re.DOTALL)
RUNNING = re.compile(r"at most (\d+) s on 2 cores")


def _source(cell) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def _code_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def exercise_minutes(statement_and_details: str) -> tuple[float, float]:
    """(minutes by size, measured running minutes) of one exercise's statement and its details
    (tests/test_readme.py, test_exercise_sizes, shows each case)."""
    solutions = [d for d in DETAILS.findall(statement_and_details) if "Solution" in d[:80]]
    solution = "\n".join(solutions)
    running = sum(int(s) for s in RUNNING.findall(statement_and_details)) / 60
    statement = DETAILS.sub(" ", statement_and_details)
    lines = sum(_code_lines(block) for block in CODE_BLOCK.findall(solution))
    if DISPLAY.search(solution) or re.search(r"\bderive\b", statement, re.IGNORECASE) or lines == 0:
        return DERIVATION_MINUTES, running
    for most, minutes in EXERCISE_MINUTES:
        if most is None or lines <= most:
            return minutes, running
    raise AssertionError("unreachable")


def estimate(path: Path) -> dict:
    """The rule's parts for one notebook, in minutes, and their total rounded to 5 minutes."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    start = next((i for i, c in enumerate(cells)
                  if c["cell_type"] == "markdown" and EXERCISES.search(_source(c))), len(cells))
    lesson_md = []
    for cell in cells[:start]:
        if cell["cell_type"] == "markdown":
            lesson_md.append(_source(cell))
    head, _, tail = _source(cells[start]).partition("## Exercises") if start < len(cells) else ("", "", "")
    lesson_md.append(head)
    prose = DETAILS.sub(" ", "\n".join(lesson_md))
    equations = len(DISPLAY.findall(prose))
    words = len(DISPLAY.sub(" ", prose).split())
    code = [c for c in cells if c["cell_type"] == "code"
            and "check" not in c.get("metadata", {}).get("tags", [])]
    lines = sum(_code_lines(_source(c)) for c in code)
    widgets = sum(WIDGET_VIEW in o.get("data", {}) for c in cells for o in c.get("outputs", []))
    exercise_text = "\n".join([tail] + [_source(c) for c in cells[start + 1:] if c["cell_type"] == "markdown"])
    items = EXERCISE_ITEM.split(exercise_text)[1:]
    sizes = [exercise_minutes(item) for item in items]
    parts = {
        "reading": words / WORDS_PER_MINUTE + PER_EQUATION * equations,
        "code": PER_CELL * len(code) + PER_TEN_LINES * lines / 10,
        "widgets": PER_WIDGET * widgets,
        "exercises": sum(size for size, _ in sizes),
        "running": sum(run for _, run in sizes),
    }
    total = sum(parts.values())
    return {"words": words, "equations": equations, "cells": len(code), "lines": lines,
            "widgets": widgets, "exercises": len(items), "parts": parts,
            "minutes": int(5 * round(total / 5))}


def stated_minutes(path: Path) -> int | None:
    """The working time a notebook states in its introduction (before its first code cell)."""
    intro = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            break
        intro.append(_source(cell))
    match = re.search(r"time[^\n]*?(\d+)\s*min", "\n".join(intro), re.IGNORECASE)
    return int(match.group(1)) if match else None


def agrees(stated: int, rule: int) -> bool:
    return abs(stated - rule) <= max(5, MARGIN * rule)


STATED_TIME = re.compile(r"(time[^\n]*?)(\d+)(\s*min)", re.IGNORECASE)
NOTEBOOK_IN_LINE = re.compile(r"\((?:notebooks/)?(\d\d_[a-z0-9_]+)\.ipynb\)")
MINUTES = re.compile(r"(\d+)(\s*min)")


def times_in(text: str) -> list[tuple[str, int, str]]:
    """(notebook stem, minutes, line) for each line that links one notebook and gives minutes:
    the lines of a course map (README's list and table, 00's map)."""
    out = []
    for line in text.splitlines():
        stems, minutes = NOTEBOOK_IN_LINE.findall(line), MINUTES.findall(line)
        if len(set(stems)) == 1 and len(minutes) == 1:
            out.append((stems[0], int(minutes[0][0]), line.strip()))
    return out


def _requote(text: str, minutes_of: dict[str, int]) -> str:
    """``text`` with every course-map line quoting ``minutes_of[stem]`` for its notebook."""
    lines = []
    for line in text.split("\n"):
        stems = NOTEBOOK_IN_LINE.findall(line)
        if len(set(stems)) == 1 and len(MINUTES.findall(line)) == 1 and stems[0] in minutes_of:
            line = MINUTES.sub(lambda m: f"{minutes_of[stems[0]]}{m.group(2)}", line)
        lines.append(line)
    return "\n".join(lines)


def write_rule_times() -> list[str]:
    """Make every notebook state the rule's time, and the course maps (README.md's list and
    table, 00's map) quote it. Rewrites markdown only (no outputs change). Returns what changed."""
    changed, minutes_of = [], {}
    paths = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        rule, stated = estimate(path)["minutes"], stated_minutes(path)
        minutes_of[path.stem] = rule
        if stated is None or stated == rule:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                break
            text = _source(cell)
            if STATED_TIME.search(text):
                cell["source"] = STATED_TIME.sub(lambda m: f"{m.group(1)}{rule}{m.group(3)}", text,
                                                 count=1).splitlines(keepends=True)
                break
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        changed.append(f"{path.name}: {stated} -> {rule} min")
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    if _requote(text, minutes_of) != text:
        readme.write_text(_requote(text, minutes_of), encoding="utf-8")
        changed.append("README.md")
    start = paths[0]
    nb = json.loads(start.read_text(encoding="utf-8"))
    touched = False
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and _requote(_source(cell), minutes_of) != _source(cell):
            cell["source"] = _requote(_source(cell), minutes_of).splitlines(keepends=True)
            touched = True
    if touched:
        start.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        changed.append(f"{start.name} (course map)")
    return changed


def main() -> int:
    if "--write" in sys.argv[1:]:
        for line in write_rule_times() or ["every notebook already states the rule's time"]:
            print(line)
        return 0
    total = 0
    print(f"{'notebook':28s} {'words':>5s} {'eqs':>3s} {'cells':>5s} {'lines':>5s} {'ex':>3s}  "
          f"{'read':>5s} {'code':>5s} {'widg':>5s} {'exer':>5s} {'run':>4s}  {'rule':>4s} {'stated':>6s}")
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        e, stated = estimate(path), stated_minutes(path)
        p = e["parts"]
        total += e["minutes"]
        print(f"{path.name:28s} {e['words']:5d} {e['equations']:3d} {e['cells']:5d} {e['lines']:5d} "
              f"{e['exercises']:3d}  {p['reading']:5.1f} {p['code']:5.1f} {p['widgets']:5.1f} "
              f"{p['exercises']:5.1f} {p['running']:4.1f}  {e['minutes']:4d} {stated!s:>6s}"
              f"{'' if stated is not None and agrees(stated, e['minutes']) else '  <- disagrees'}")
    print(f"total by the rule: {total} min ({total / 60:.1f} h)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
