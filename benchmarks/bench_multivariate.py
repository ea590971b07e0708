"""Benchmark: mixlib.multivariate.fit_em against scikit-learn's GaussianMixture, N = 1e5, d = 2,
K = 3, for each covariance structure.

Reproduce (from the repository root, after `make .venv/.test-installed`):

    .venv/bin/python benchmarks/bench_multivariate.py              # about a minute
    .venv/bin/python benchmarks/bench_multivariate.py --runs 1     # a smoke run

Both fit the same data from the same start for the same number of EM iterations (mixlib with
tol=1e-300 stops only at max_iter or an exact fixed point, which "tied" reaches after ~21;
scikit-learn with tol=0), reg_covar=0 so both fit the same model. Time per iteration is the
fair comparison when the counts differ. Runs are interleaved (mixlib, sklearn, mixlib, ...) so a busy machine slows both alike;
the table shows medians, and the mean log-likelihoods so that a fast wrong answer shows.
The line above the table names the CPU (benchmarks/machine.py): a ratio holds for the machine
it names.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

import mixlib
from machine import describe
from mixlib import multivariate as mv

TRUTH = mv.MultivariateParams(
    [0.3, 0.45, 0.25], [[-2.0, 0.0], [1.0, 1.5], [2.5, -1.5]],
    [[[1.0, 0.4], [0.4, 0.6]], [[0.5, -0.2], [-0.2, 0.8]], [[0.7, 0.0], [0.0, 0.3]]])


def sample(params, n, rng):
    labels = rng.choice(params.k, size=n, p=params.weights)
    noise = rng.normal(size=(n, params.d))
    return params.means[labels] + np.einsum("nij,nj->ni", params.cholesky[labels], noise)


def start_for(X, covariance):
    cov = np.cov(X.T) / 9
    covs = {"full": cov, "tied": cov, "diag": np.diag(np.diag(cov)),
            "spherical": np.eye(2) * np.trace(cov) / 2}[covariance]
    means = np.array([[-1.0, 0.5], [0.5, 1.0], [2.0, -1.0]])
    return mv.MultivariateParams(np.full(3, 1 / 3), means, np.repeat(covs[None], 3, axis=0))


def sklearn_model(start, covariance, iterations):
    precisions = np.linalg.inv(start.covariances)
    init = {"full": precisions, "tied": precisions[0],
            "diag": np.diagonal(precisions, axis1=1, axis2=2),
            "spherical": precisions[:, 0, 0]}[covariance]
    return GaussianMixture(3, covariance_type=covariance, reg_covar=0.0, tol=0.0,
                           max_iter=iterations, weights_init=start.weights,
                           means_init=start.means, precisions_init=init, random_state=0)


def timed(fn):
    begin = time.perf_counter()
    out = fn()
    return time.perf_counter() - begin, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=25)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    X = sample(TRUTH, args.n, np.random.default_rng(0))
    print(describe())
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}; N={args.n}, d=2, K=3, "
          f"{args.iterations} EM iterations from the same start, medians of {args.runs} runs")
    print(f"{'covariance':<11}{'iters':>8}{'mixlib s':>10}{'sklearn s':>11}{'ms/iter':>9}"
          f"{'sklearn':>9}{'x faster/iter':>15}{'mean loglik mixlib':>21}{'sklearn':>15}")
    warnings.simplefilter("ignore")  # both warn that the fixed iteration count stopped them
    for covariance in mv.COVARIANCE_TYPES:
        start = start_for(X, covariance)
        ours, theirs = [], []
        for _ in range(args.runs):
            t, fit = timed(lambda: mv.fit_em(X, start, covariance=covariance, tol=1e-300,
                                             max_iter=args.iterations))
            ours.append(t)
            model = sklearn_model(start, covariance, args.iterations)
            t, _ = timed(lambda: model.fit(X))
            theirs.append(t)
        assert model.n_iter_ == args.iterations and (fit.n_iter == args.iterations or fit.converged)
        mine, sk = statistics.median(ours), statistics.median(theirs)
        per_iter, sk_per_iter = 1e3 * mine / fit.n_iter, 1e3 * sk / model.n_iter_
        print(f"{covariance:<11}{f'{fit.n_iter}/{model.n_iter_}':>8}{mine:>10.3f}{sk:>11.3f}"
              f"{per_iter:>9.2f}{sk_per_iter:>9.2f}{sk_per_iter / per_iter:>15.2f}"
              f"{fit.log_likelihood / args.n:>21.10f}{model.score(X):>15.10f}")


if __name__ == "__main__":
    main()
