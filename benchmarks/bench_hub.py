"""How many students one server holds: the load test of the class hub at several class sizes.

For each size N, a fresh hub (hub/local_hub.py: JupyterHub + configurable-http-proxy on
127.0.0.1, N students made as Unix users) and N simulated students (hub/loadtest.py) who arrive
within RAMP seconds, log in, start their servers, pull the course with nbgitpuller, run notebook 01
top to bottom with a reading pause between cells, and move its slider. Prints the machine and one
table row per size: server start, cell and widget latency (median, p95), memory per student.

    sudo .venv-hub/bin/python benchmarks/bench_hub.py                  # sizes 1, 10, 20, 40
    sudo .venv-hub/bin/python benchmarks/bench_hub.py --sizes 5 --think 1
    sudo .venv-hub/bin/python benchmarks/bench_hub.py --readme         # rewrite the README's table

Run as root (it creates and removes Unix users), with nothing else heavy on the machine; the
whole default run takes about 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "hub"))
from machine import describe  # noqa: E402
from readme_block import replace_block  # noqa: E402

from loadtest import DEFAULT_NOTEBOOK, run_class  # noqa: E402
from local_hub import LocalHub  # noqa: E402


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else float("nan")


def row(report, solo=None, load=None) -> str:
    """One table row. ``solo``: the cells' latencies of a student alone (the size-1 run), for the
    delay the class adds to each cell (latency minus the same cell alone)."""
    s = report.summary()
    flag = "" if s["completed"] == report.students and not report.stopped_early else \
        f" ({s['completed']} finished{', deadline hit' if report.stopped_early else ''})"
    added = "n/a"
    if solo:
        extra = [t - solo[i] for run in report.runs for i, t in enumerate(run.cells) if i < len(solo)]
        added = f"{statistics.median(extra):.2f} / {_p95(extra):.2f}" if extra else "n/a"
    return (f"| {report.students}{flag} | {s['start']['median']:.1f} / {s['start']['max']:.1f} | "
            f"{s['cell']['median']:.2f} / {s['cell']['p95']:.2f} / {s['cell']['max']:.2f} | {added} | "
            f"{s['move']['median']:.2f} / {s['move']['p95']:.2f} | "
            f"{s['pss_mb']['median']:.0f} | {s['cpu']['median']:.1f} | "
            f"{report.hub_rss_mb:.0f} / {report.hub_cpu:.1f} | "
            f"{report.wall:.0f} | "
            f"{'' if load is None else f'{load:.1f}'} |")


HEADER = ("| Students | Server start (s), median / max | Cell latency (s), median / p95 / max | "
          "Delay added per cell (s), median / p95 | Widget move (s), median / p95 | "
          "Memory per student (MB, PSS) | CPU per student (s) | Hub + proxy (MB, CPU s) | Wall (s) | "
          "Load average before |\n|---|---|---|---|---|---|---|---|---|---|")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 20, 40])
    parser.add_argument("--think", type=float, default=2.0, help="mean pause before each cell (s)")
    parser.add_argument("--ramp", type=float, default=30.0, help="arrivals spread over (s)")
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--deadline", type=float, default=900.0, help="per size (s)")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK)
    parser.add_argument("--readme", action="store_true", help="rewrite the README's hub-load block")
    args = parser.parse_args(argv)
    machine = describe()
    print(f"Machine: {machine}")
    rows, solo = [], None
    for n in args.sizes:
        load = os.getloadavg()[0]
        with LocalHub(students=n, concurrent_spawn_limit=max(n, 1)) as hub:
            report = run_class(hub, args.notebook, think=args.think, ramp=args.ramp,
                               moves=args.moves, deadline=args.deadline)
        if n == 1 and report.runs[0].done:
            solo = report.runs[0].cells
        rows.append(row(report, solo, load))
        print(rows[-1], flush=True)
        for failure in report.failures[:5]:
            print("  failed:", failure)
        time.sleep(5)  # let the removed users' processes go before the next size
    command = ("sudo .venv-hub/bin/python benchmarks/bench_hub.py --sizes "
               + " ".join(map(str, args.sizes)) + f" --think {args.think:g} --ramp {args.ramp:g}")
    block = (f"Measured with `{command}` on {machine}: notebook `{args.notebook}` run top to bottom "
             f"with a {args.think:g} s mean pause before each cell, then {args.moves} slider moves; "
             f"students arriving within {args.ramp:g} s.\n\n" + HEADER + "\n" + "\n".join(rows))
    print()
    print(block)
    if args.readme:
        replace_block("hub-load", block)


if __name__ == "__main__":
    main()
