"""How long each notebook takes to Run All in a fresh kernel, as a student would wait for it.

Each notebook is read into memory and executed with nbclient in a new kernel (the files on disk
are never written), ``--runs`` times. Two times are reported per notebook:

- kernel start: from asking for a kernel until it answers (Python and ipykernel starting);
- Run All: from the first cell's start to the last cell's reply, from the timing nbclient
  records in each cell's ``metadata.execution`` (the kernel's own clock).

A student waits for the sum. The slowest cells (median over the runs) say where the time goes.
Timings on a shared machine move with its load, so the load average is printed with them.

Reproduce from the repository root with the environment active (or call ``.venv/bin/python``):

    python benchmarks/notebook_times.py                    # every notebook, 3 runs each
    python benchmarks/notebook_times.py 03 08 --runs 5     # notebooks whose names start 03, 08
    python benchmarks/notebook_times.py --readme           # also rewrite the README's table
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402  (a sibling script, not a package)
from readme_block import replace_block  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def find_notebooks(names: list[str]) -> list[Path]:
    """The notebooks named (a path, or the start of a file name in notebooks/), or all of them."""
    if not names:
        return sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    found = []
    for name in names:
        path = Path(name)
        matches = [path] if path.suffix == ".ipynb" else sorted(NOTEBOOKS.glob(f"{name}*.ipynb"))
        if not matches or not matches[0].is_file():
            raise SystemExit(f"no notebook matches {name!r}")
        found += matches
    return found


def _timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def run_once(path: Path, timeout: int = 600) -> dict:
    """Execute an in-memory copy of the notebook in a fresh kernel; return its timings."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    asked = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        finished = time.perf_counter()
    cells = []
    for index, cell in enumerate(nb.cells):
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in stamps and "shell.execute_reply" in stamps:
            cells.append((index, cell.get("id", str(index)), _timestamp(stamps["iopub.execute_input"]),
                          _timestamp(stamps["shell.execute_reply"])))
    if cells:
        run_all = (cells[-1][3] - cells[0][2]).total_seconds()
    else:  # no timing recorded: fall back on the wall clock around the cells
        run_all = finished - ready
    return {"kernel_start": ready - asked, "run_all": run_all,
            "cells": {cell_id: (end - start).total_seconds() for _, cell_id, start, end in cells}}


def time_notebook(path: Path, runs: int, top: int) -> dict:
    results = [run_once(path) for _ in range(runs)]
    cell_ids = results[0]["cells"]
    cell_medians = {cid: statistics.median(r["cells"][cid] for r in results) for cid in cell_ids}
    slowest = sorted(cell_medians.items(), key=lambda item: -item[1])[:top]
    run_alls = [r["run_all"] for r in results]
    starts = [r["kernel_start"] for r in results]
    return {"notebook": path.name, "kernel_start": statistics.median(starts),
            "run_all": statistics.median(run_alls), "run_all_min": min(run_alls),
            "run_all_max": max(run_alls), "slowest": slowest}


def _load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def markdown_block(rows: list[dict], runs: int, loads: tuple[str, str]) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} by `python benchmarks/notebook_times.py --readme` on "
        f"{describe()}, {runs} runs per notebook, medians; load average (1/5/15 min) {loads[0]} "
        f"before and {loads[1]} after (on a shared machine a load above the core count slows "
        "everything: treat those numbers as upper bounds).",
        "",
        "| notebook | kernel start (s) | Run All (s), median | Run All, min-max (s) | slowest cells (s) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        slowest = ", ".join(f"`{cid}` {seconds:.1f}" for cid, seconds in r["slowest"])
        lines.append(f"| {r['notebook']} | {r['kernel_start']:.1f} | {r['run_all']:.1f} "
                     f"| {r['run_all_min']:.1f}-{r['run_all_max']:.1f} | {slowest} |")
    lines += [
        "",
        "Run All is from the first cell's start to the last cell's reply in a fresh kernel; a",
        "student also waits for the kernel start. Cells are named by their id in the notebook.",
    ]
    return "\n".join(lines)


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="paths or name prefixes (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="fresh-kernel runs per notebook")
    parser.add_argument("--top", type=int, default=3, help="slowest cells to list")
    parser.add_argument("--readme", action="store_true", help="rewrite the table in README.md")
    args = parser.parse_args(argv)
    # Warnings name '<IPY-INPUT>' instead of a temporary path, as when the notebooks are saved.
    os.environ.setdefault("IPYKERNEL_CELL_NAME", "<IPY-INPUT>")

    paths = find_notebooks(args.notebooks)
    before = _load()
    print(f"machine: {describe()}\nload average before: {before}")
    rows = []
    for path in paths:
        row = time_notebook(path, args.runs, args.top)
        rows.append(row)
        slowest = ", ".join(f"{cid} {seconds:.2f}" for cid, seconds in row["slowest"])
        print(f"{row['notebook']:36s} kernel start {row['kernel_start']:4.1f} s  Run All "
              f"{row['run_all']:5.1f} s ({row['run_all_min']:.1f}-{row['run_all_max']:.1f})  "
              f"slowest: {slowest}", flush=True)
    after = _load()
    print(f"load average after: {after}")
    if args.readme:
        replace_block("notebook-times", markdown_block(rows, args.runs, (before, after)))
        print("README.md: notebook table rewritten (<!-- notebook-times --> block)")
    return rows


if __name__ == "__main__":
    main()
