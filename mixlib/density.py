"""The mixture density and everything derived from it, in log space.

Components are kept as K rows of length N (a K x N array): numpy reduces across a short axis
slowly, so the reductions across components below are K elementwise operations on long rows.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_data
from .params import MixtureParams, check_params

LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def weighted_component_logpdf(x, log_weights, means, log_sds, out=None) -> np.ndarray:
    """K x N array of ``log w_k + log N(x_i | mu_k, sd_k^2)``; inputs already validated.

    ``out``: an optional K x N buffer to write into (the EM loop reuses one: fresh large arrays
    cost page faults on every iteration).
    """
    if out is None:
        out = np.empty((len(means), x.size))
    for k, (log_w, mu, log_sd) in enumerate(zip(log_weights, means, log_sds)):
        row = out[k]
        np.subtract(x, mu, out=row)
        row *= np.sqrt(0.5) * np.exp(-log_sd)
        np.square(row, out=row)
        np.subtract(log_w - log_sd - LOG_SQRT_2PI, row, out=row)
    return out


def normalise_rows_in_place(a: np.ndarray, work=None) -> np.ndarray:
    """Turn K x N log terms into responsibilities in place; return the N log-sum-exps.

    Uses ``m = max_k a_k``, ``e_k = exp(a_k - m)``, ``r_k = e_k / sum(e)``,
    ``log sum exp(a) = m + log sum(e)``: K exponentials and one logarithm per point, and the
    shift by ``m`` means no term can overflow or underflow to 0 all at once.
    ``work``: optional (2, N) buffer; the result is then its first row.
    """
    if work is None:
        work = np.empty((2, a.shape[1]))
    m, total = work[0], work[1]
    if a.shape[0] == 1:
        m[:] = a[0]
    else:
        np.maximum(a[0], a[1], out=m)
        for row in a[2:]:
            np.maximum(m, row, out=m)
    for k, row in enumerate(a):
        row -= m
        np.exp(row, out=row)
        if k == 0:
            total[:] = row
        else:
            total += row
    np.reciprocal(total, out=total)
    a *= total
    np.log(total, out=total)
    np.subtract(m, total, out=m)
    return m


def limit_responsibilities(log_distances, log_prefactors) -> np.ndarray:
    """Responsibilities (K, m) of points too far from every component for their log terms to be
    floats (each term's squared distance overflowed to ``-inf``).

    As a point moves off to infinity, ``log w_k N(x | component k)`` is dominated by
    ``-q_k / 2``, ``q_k`` its squared (Mahalanobis) distance to component k, and the
    differences between components grow without bound: the responsibility tends to 1 for the
    component with the smallest distance, which is the exact answer in floats at such points.
    Exact ties share in proportion to ``exp(log_prefactors)`` (``w_k / sqrt(det Sigma_k)``).

    Parameters
    ----------
    log_distances : (K, m) array, a log of each point's distance to each component (any
        increasing function of it, the same for every component)
    log_prefactors : (K,) array, ``log w_k - log sd_k`` (1-D) or ``log w_k - log det L_k``

    Returns
    -------
    numpy.ndarray (K, m); each column sums to 1

    Examples
    --------
    >>> limit_responsibilities(np.array([[700.0, 3.0], [710.0, 3.0]]), np.log([0.25, 0.75]))
    array([[1.  , 0.25],
           [0.  , 0.75]])
    """
    nearest = log_distances == log_distances.min(axis=0)
    logs = np.where(nearest, np.asarray(log_prefactors, dtype=float)[:, None], -np.inf)
    shares = np.exp(logs - logs.max(axis=0))
    return shares / shares.sum(axis=0)


def _far_columns(log_density) -> np.ndarray:
    """Indices of points whose log-sum-exp failed (every term ``-inf``: NaN from -inf - -inf)."""
    return np.flatnonzero(np.isnan(log_density) | (log_density == -np.inf))


def _log_terms(x, params: MixtureParams) -> np.ndarray:
    return weighted_component_logpdf(
        x, np.log(params.weights), params.means, np.log(params.sds)
    )


def logpdf(x, params) -> np.ndarray:
    """Log of the mixture density at each point, by log-sum-exp (never ``log(pdf)``).

    Parameters
    ----------
    x : 1-D array-like of real numbers, or a scalar
    params : MixtureParams

    Returns
    -------
    numpy.ndarray of shape (n,): ``log sum_k w_k N(x_i | mu_k, sd_k^2)`` (a float for a scalar
    ``x``). Finite even where the density itself underflows to 0; ``-inf`` only where the
    log-density is below the most negative float (a point some 1e154 sds from every component).

    Examples
    --------
    >>> p = MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    >>> round(float(logpdf([100.0], p)[0]), 1)
    -343067.2
    """
    if _is_scalar(x):
        return float(_logpdf_1d(np.reshape(x, 1), params)[0])
    return _logpdf_1d(x, params)


def _is_scalar(x) -> bool:
    """A real number (python or numpy), as scipy.stats broadcasts them."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _logpdf_1d(x, params) -> np.ndarray:
    x = as_data(x)
    with np.errstate(over="ignore", invalid="ignore"):
        a = _log_terms(x, check_params(params))
        out = normalise_rows_in_place(a)
    # a point so far out that (x - mu) / sd squared overflows has log-density below -1.8e308
    out[np.isnan(out)] = -np.inf
    return out


def pdf(x, params) -> np.ndarray:
    """The mixture density ``sum_k w_k N(x | mu_k, sd_k^2)`` at each point.

    Parameters
    ----------
    x : 1-D array-like of real numbers, or a scalar
    params : MixtureParams

    Returns
    -------
    numpy.ndarray of shape (n,), or a float for a scalar ``x``. It underflows to 0 far from every component: use ``logpdf``
    for likelihoods.

    Examples
    --------
    >>> p = MixtureParams([1.0], [0.0], [1.0])
    >>> round(float(pdf([0.0], p)[0]), 4)
    0.3989
    >>> round(pdf(0.0, p), 4)
    0.3989
    """
    log_density = logpdf(x, params)
    return float(np.exp(log_density)) if np.ndim(log_density) == 0 else np.exp(log_density)


def log_likelihood(x, params) -> float:
    """Total log-likelihood ``sum_i log p(x_i)`` of the sample ``x`` under ``params``.

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams

    Returns
    -------
    float

    Examples
    --------
    >>> p = MixtureParams([1.0], [0.0], [1.0])
    >>> round(log_likelihood([0.0, 0.0], p), 4)
    -1.8379
    """
    return float(_logpdf_1d(x, params).sum())


def responsibilities(x, params) -> np.ndarray:
    """Posterior probability that each point came from each component (the E-step).

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams

    Returns
    -------
    numpy.ndarray of shape (n, K): entry ``[i, k]`` is ``P(z_i = k | x_i)``; rows sum to 1.
    Defined at every finite point: one so far out that every density underflows (some 1e154
    sds away) belongs to the component it is nearest in sds (``limit_responsibilities``).

    Examples
    --------
    >>> p = MixtureParams([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    >>> responsibilities([0.0], p).tolist()
    [[0.5, 0.5]]
    """
    x = as_data(x)
    params = check_params(params)
    with np.errstate(over="ignore", invalid="ignore"):
        a = _log_terms(x, params)
        far = _far_columns(normalise_rows_in_place(a))
    if far.size:
        # |x - mu| / sd from halves, so that x - mu itself cannot overflow
        gaps = np.abs(0.5 * x[far] - 0.5 * params.means[:, None])
        with np.errstate(divide="ignore"):
            log_gaps = np.log(gaps) - np.log(params.sds)[:, None]
        a[:, far] = limit_responsibilities(log_gaps,
                                           np.log(params.weights) - np.log(params.sds))
    return a.T
