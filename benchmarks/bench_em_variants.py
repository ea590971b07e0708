"""Benchmark: what each idea in fit_em's fused pass buys, one EM iteration at a time.

Reproduce (from the repository root, with .venv made):

    .venv/bin/python benchmarks/bench_em_variants.py              # N = 1e6, K = 2 and 3
    .venv/bin/python benchmarks/bench_em_variants.py --n 100000 --runs 5

One iteration = the E-step, the log-likelihood and the M-step's sums, from the same parameters on
the same data as benchmarks/bench_em.py. The variants, each switched on in `mixlib/_em_pass.py` by
setting its module constants (so the code measured is the code fit_em runs):

* plain E + M: the whole-array `_e_step` and `_m_step` (K x N responsibilities written to memory,
  then read back by BLAS dots), what fit_em ran before the fused pass;
* fused: the general path, one pass over chunks of `CHUNK` points, K `exp` and one `log` per point;
* fused + block logs: one `log` per 8 points (the log of a product of normalisers);
* fused + K-1 exps: the terms shifted by a reference component's, whose gap to the others is
  bounded over the data's range (`REFERENCE_BOUND`), K - 1 `exp` per point;
* moments path (fit_em): K - 1 `exp`, Horner quadratics for the shifted terms, raw moments of
  K - 1 components (what `fit_em` runs on these data).

Run it natively and with numpy capped at AVX2 (`NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL
AVX512_SPR"` on an AVX-512 CPU): which formulation is fastest could depend on how cheap `exp` is,
and this shows whether it does.

The floor is bench_em.py's: K*N `exp` and N `log`, in place. Runs are interleaved, in a rotating
order; medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import mixlib
from mixlib import _em_pass
from mixlib.em import _e_step, _m_step, _Workspace
from bench_em import K3_START, K3_TRUTH, transcendental_floor
from machine import describe


def plain_step(x, p, state):
    if "ws" not in state:   # buffers made once, as in a fit
        state["ws"] = _Workspace(p.k, x.size)
    ws = state["ws"]
    resp, _ = _e_step(x, p.weights, p.means, p.sds, ws)
    _m_step(x, resp, 1e-6, scratch=ws.work[1])


def fused_step(log_block, reference_bound=-np.inf, moments=False):
    def step(x, p, state):
        _em_pass.LOG_BLOCK = log_block
        _em_pass.REFERENCE_BOUND = reference_bound
        _em_pass.HORNER_LIMIT = saved[2] if moments else -1.0   # -1: no plan passes, general path
        if "buffers" not in state:
            state["buffers"] = _em_pass.PassBuffers(p.k, x.size)
        _em_pass.em_pass(x, p.weights, p.means, p.sds, state["buffers"])
    return step


saved = _em_pass.LOG_BLOCK, _em_pass.REFERENCE_BOUND, _em_pass.HORNER_LIMIT


def variants():
    return {"plain E + M": plain_step, "fused": fused_step(1),
            "fused + block logs": fused_step(8), "fused + K-1 exps": fused_step(8, saved[1]),
            "moments path (fit_em)": fused_step(8, saved[1], moments=True)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9, help="interleaved runs (median)")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    print(f"machine: {describe()}\nnumpy {np.__version__}, N = {args.n:,}, CHUNK = "
          f"{_em_pass.CHUNK}, {args.runs} interleaved runs, medians\n")
    truth, _, p0 = mixlib.datasets.original_example()
    try:
        for truth_k, start in ((truth, p0), (K3_TRUTH, K3_START)):
            x = mixlib.sample(truth_k, args.n, rng=args.seed)
            x = (x - x.mean()) / x.std()
            steps = variants()
            states = {name: {} for name in steps}
            source = -np.abs(np.random.default_rng(0).normal(size=(start.k, x.size)))
            work = np.empty_like(source)
            times = {name: [] for name in ["floor", *steps]}
            names = list(steps)
            for run in range(args.runs):
                np.copyto(work, source)
                t = time.perf_counter()
                transcendental_floor(work)
                times["floor"].append(time.perf_counter() - t)
                # a different order each run: the step after the plain one (which sweeps K x N
                # arrays) runs with cold caches
                for name in names[run % len(names):] + names[:run % len(names)]:
                    step = steps[name]
                    t = time.perf_counter()
                    step(x, start, states[name])
                    times[name].append(time.perf_counter() - t)
            med = {name: 1e3 * statistics.median(v) for name, v in times.items()}
            print(f"K = {start.k}: floor {med['floor']:.2f} ms")
            for name in steps:
                print(f"  {name:<20}{med[name]:8.2f} ms   x floor {med[name] / med['floor']:5.2f}"
                      f"   speed-up over plain {med['plain E + M'] / med[name]:5.2f}")
    finally:
        _em_pass.LOG_BLOCK, _em_pass.REFERENCE_BOUND, _em_pass.HORNER_LIMIT = saved


if __name__ == "__main__":
    main()
