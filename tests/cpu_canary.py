"""What this CPU profile computes, as hashes: the canary that tells two emulated CPUs apart.

`tests/cpu_profiles.py` runs the notebooks and the mixlib tests under several emulated CPUs
(numpy's SIMD dispatch capped, OpenBLAS's kernel forced). Two profiles that compute the same bits
on everything the course computes need not both run. Kernel names do not tell: numpy capped at
AVX2 and numpy at baseline both use the same scalar float64 ``exp`` (only AVX-512 has its own), and
OpenBLAS's Haswell and SkylakeX kernels may or may not round a given product alike. So this script
computes a fixed set of results under the environment it is started in and prints one hash per
part, and the profiles are compared by those hashes:

* ``ufuncs``: every float64 ufunc the course's sources call (``exp``, ``log``, ``logaddexp``,
  ``power`` ..., found by scanning ``mixlib`` and the notebooks for ``np.<name>``) over 20,010
  values spanning the ranges the notebooks meet (-745 to 709, tiny and huge);
* ``reductions``: sums, means, variances, cumulative sums, ``einsum`` over short and long axes
  (numpy's SIMD unrolling decides the order of additions);
* ``blas``: matrix products of the shapes mixlib uses (a 2 x 2 covariance, N x d data, d x d);
* ``lapack``: Cholesky, solve, inverse, ``slogdet``, ``eigh`` (numpy and scipy);
* ``special``: ``scipy.special`` and ``scipy.stats`` functions the course calls;
* ``optimisers``: the notebooks' own runs: ``fit_direct`` with BFGS, L-BFGS-B and Nelder-Mead from
  the original script's start (notebook 03), plain ``minimize`` with finite differences,
  ``fit_em`` in one and two dimensions (notebooks 04 and 07), each hashed through its full result.

A profile whose every part hashes like another's computes what the course computes identically, as
far as this set can see; the set is wide on purpose (the last bits of any result a notebook prints
pass through one of these). Usage: ``python tests/cpu_canary.py`` prints one JSON object,
``{"parts": {name: sha256}, "signature": sha256}``.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def _digest(*values) -> str:
    """One hash over arrays and numbers, exact to the last bit (nan and -0.0 included)."""
    h = hashlib.sha256()
    for value in values:
        array = np.array(value, dtype=np.float64)
        array[np.isnan(array)] = np.nan  # one NaN: its sign and payload bits never reach a print
        h.update(str(array.shape).encode())
        h.update(array.tobytes())
    return h.hexdigest()


def _values() -> np.ndarray:
    rng = np.random.default_rng(20201)
    return np.concatenate([
        np.linspace(-745.0, 709.0, 10_001),  # exp's whole finite range
        rng.normal(0.0, 3.0, 5_000),  # the bulk of what a log-density meets
        10.0 ** rng.uniform(-300, 300, 4_000),  # tiny and huge
        [0.0, -0.0, 1.0, -1.0, 0.5, 1e-308, 5e-324, np.inf, -np.inf, np.nan],
    ])


# Where the course's own numpy calls are: the ufuncs they name go into the canary.
SOURCES = ["mixlib/**/*.py", "notebooks/*.ipynb", "coursework/source/*/*.ipynb"]
# Always in, whatever the sources spell: the log-density's kernels.
ALWAYS = {"exp", "log", "log1p", "expm1", "logaddexp", "sqrt", "square", "power"}


def used_ufuncs(root: Path = REPO) -> list[str]:
    """The float64 ufuncs numpy has that the course's sources call as ``np.<name>``, with ``ALWAYS``.

    A ufunc nobody calls may round differently at two SIMD levels (numpy's float64 ``tanh``
    does between AVX2 and baseline) without any notebook noticing: it does not split profiles.

    Examples
    --------
    >>> {"exp", "log", "logaddexp"} <= set(used_ufuncs())
    True
    """
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for pattern in SOURCES for path in root.glob(pattern))
    named = set(re.findall(r"\bnp\.([a-z_0-9]+)\b", text)) | ALWAYS
    ufuncs = {name: getattr(np, name, None) for name in named}
    return sorted(name for name, f in ufuncs.items()
                  if isinstance(f, np.ufunc) and ("d->d" in f.types or "dd->d" in f.types))


def ufuncs() -> str:
    x = _values()
    y = x[::-1].copy()
    results = []
    with np.errstate(all="ignore"):
        for name in used_ufuncs():
            f = getattr(np, name)
            if f.nin == 1:
                results.append(f(x))
            else:
                results += [f(x, y), f(np.abs(x[:5_000]) % 50, y[:5_000] % 7)]
    return _digest(*results)


def reductions() -> str:
    rng = np.random.default_rng(20202)
    a = rng.normal(0.3, 1.7, (1_000, 7))
    r = rng.dirichlet(np.ones(3), 1_000)
    results = [a.sum(), a.sum(axis=0), a.sum(axis=1), a.mean(axis=0), a.var(axis=0), a.std(),
               np.cumsum(a[:, 0]), a.T.sum(axis=1), np.add.reduce(a.ravel()),
               np.einsum("ni,nj->ij", a, a), np.einsum("nk,nd->kd", r, a[:, :2]),
               np.einsum("nk,ni,nj->kij", r, a[:, :2], a[:, :2]), np.einsum("ij,ij->i", a, a),
               np.linalg.norm(a, axis=1), np.dot(a[:, 0], a[:, 1]), np.vdot(a, a)]
    return _digest(*results)


def blas() -> str:
    rng = np.random.default_rng(20203)
    x = rng.normal(size=(5_000, 2))
    big = rng.normal(size=(300, 200))
    cov = np.array([[1.3, 0.4], [0.4, 0.7]])
    results = [x @ cov, cov @ cov, x.T @ x, big @ big.T, big.T @ big[:, 0], x @ x[0],
               (x * rng.uniform(size=(5_000, 1))).T @ x]
    return _digest(*results)


def lapack() -> str:
    import scipy.linalg

    rng = np.random.default_rng(20204)
    a = rng.normal(size=(6, 6))
    spd = a @ a.T + 6 * np.eye(6)
    cov = np.array([[1.3, 0.4], [0.4, 0.7]])
    b = rng.normal(size=(6, 3))
    chol = scipy.linalg.cholesky(spd, lower=True)
    results = [np.linalg.cholesky(spd), np.linalg.cholesky(cov), np.linalg.solve(spd, b),
               np.linalg.inv(spd), np.linalg.slogdet(spd)[1], np.linalg.eigh(spd)[0], chol,
               scipy.linalg.solve_triangular(chol, b, lower=True), scipy.linalg.cho_solve((chol, True), b),
               np.linalg.eigvalsh(cov), np.linalg.det(cov)]
    return _digest(*results)


def special() -> str:
    import scipy.special
    import scipy.stats

    x = _values()
    sane = x[np.isfinite(x)][:15_000] / 100
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [scipy.special.logsumexp(np.stack([x, x[::-1]]), axis=0), scipy.special.erf(sane),
                   scipy.special.ndtr(sane), scipy.special.log_ndtr(sane), scipy.special.gammaln(np.abs(sane) + 0.1),
                   scipy.special.digamma(np.abs(sane) + 0.1), scipy.special.expit(x), scipy.special.logit(np.abs(np.sin(sane))),
                   scipy.stats.norm.logpdf(sane, 0.3, 1.2), scipy.stats.norm.cdf(sane),
                   scipy.stats.chi2.ppf(np.linspace(0.01, 0.99, 99), 2),
                   scipy.stats.multivariate_normal.logpdf(np.c_[sane[:500], sane[500:1000]], [0.1, 0.2],
                                                          [[1.3, 0.4], [0.4, 0.7]])]
    return _digest(*results)


def _fit_digest(fit) -> list:
    return [fit.params.to_vector(), fit.log_likelihood, fit.n_iter, fit.history,
            np.nan if fit.nfev is None else fit.nfev]


def optimisers() -> str:
    import scipy.optimize

    import mixlib
    from mixlib import multivariate as mv

    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=17)  # notebook 03's sample

    def negloglik_numpy(theta):  # notebook 03's own function, finite-difference gradients
        mu1, mu2, log_sd1, log_sd2, eta = theta
        const = 0.5 * np.log(2 * np.pi)
        a1 = -np.logaddexp(0.0, -eta) - log_sd1 - const - 0.5 * ((x - mu1) / np.exp(log_sd1)) ** 2
        a2 = -np.logaddexp(0.0, eta) - log_sd2 - const - 0.5 * ((x - mu2) / np.exp(log_sd2)) ** 2
        return -np.logaddexp(a1, a2).sum()

    results = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for method in ("BFGS", "L-BFGS-B", "Nelder-Mead", "Powell"):
            results += _fit_digest(mixlib.fit_direct(x, p0, method=method))
        results += _fit_digest(mixlib.fit_em(x, p0))
        theta0 = mixlib.to_unconstrained(p0)
        for method in ("BFGS", "Nelder-Mead"):
            plain = scipy.optimize.minimize(negloglik_numpy, theta0, method=method)
            results += [plain.x, plain.fun, plain.nit, plain.nfev]
        graded = scipy.optimize.minimize(mixlib.negloglik, theta0, args=(x,), jac=mixlib.negloglik_grad,
                                         method="BFGS")
        results += [graded.x, graded.nit]
        faithful = mixlib.datasets.old_faithful()
        data = np.column_stack([faithful["eruptions"], faithful["waiting"]])
        for structure in ("full", "diag", "tied", "spherical"):
            fit = mv.fit_em(data, k=3, covariance=structure, n_init=2, rng=7)
            results += [fit.log_likelihood, fit.n_iter, fit.history]
    return _digest(*results)


PARTS = {"ufuncs": ufuncs, "reductions": reductions, "blas": blas, "lapack": lapack,
         "special": special, "optimisers": optimisers}


def canary() -> dict:
    """Every part's hash under this process's environment, and one signature over them all.

    Returns
    -------
    dict
        ``{"parts": {name: hex digest}, "signature": hex digest}``; equal signatures mean equal
        bits on every part.

    Examples
    --------
    >>> a, b = canary(), canary()
    >>> a == b and sorted(a["parts"]) == sorted(PARTS)
    True
    """
    parts = {name: compute() for name, compute in PARTS.items()}
    signature = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return {"parts": parts, "signature": signature}


if __name__ == "__main__":
    print(json.dumps(canary()))
