"""Wall time of the exercises whose running time the notebooks quote, run as a student runs them.

Each entry runs an exercise's solution code (05's exercises 2 and 5, and 08's exercise 4, whose
solution gives no code: the loop of its hint) in this process, ``--repeat`` times (default 3), and
prints the slowest run in seconds, with the machine and its load. The notebooks quote these as upper bounds on 2 cores ("at most N s on 2 cores",
README "Time per notebook"); re-measure after changing mixlib's EM or the exercises:

    python benchmarks/exercise_times.py            # every exercise
    python benchmarks/exercise_times.py 05-ex5     # one of them
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np

import mixlib


def ex05_2():
    xe = mixlib.datasets.old_faithful()["eruptions"]
    for seed in range(5):
        {k: mixlib.held_out_log_likelihood(xe, k, n_folds=5, n_init=5, rng=seed) for k in range(2, 6)}


def ex05_5():
    data = mixlib.datasets.old_faithful()
    {name: mixlib.choose_k(data[name], range(1, 8), n_init=5, n_folds=5, rng=0) for name in data}


def ex08_4():
    # The hint's "loop above" reads two stored choose_k tables (without and with the prior): a
    # student recomputes both for K = 1..7, the slowest way the exercise can be done.
    data = mixlib.datasets.old_faithful()
    for prior in (None, "default"):
        {name: mixlib.choose_k(data[name], range(1, 8), n_init=5, n_folds=5, rng=0, prior=prior)
         for name in data}


EXERCISES = {"05-ex2": ex05_2, "05-ex5": ex05_5, "08-ex4": ex08_4}


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(EXERCISES)} (default: all)")
    args = parser.parse_args(argv)
    names = args.names or list(EXERCISES)
    load = os.getloadavg()
    print(f"{cpu_model()}, {os.cpu_count()} cores, numpy {np.__version__}, Python "
          f"{platform.python_version()}; load average before {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    for name in names:
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            EXERCISES[name]()
            runs.append(time.perf_counter() - start)
        print(f"{name}: slowest {max(runs):.1f} s of {args.repeat} runs "
              f"({', '.join(f'{r:.1f}' for r in runs)})", flush=True)
    load = os.getloadavg()
    print(f"load average after {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
