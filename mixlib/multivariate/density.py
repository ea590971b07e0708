"""Log-densities and responsibilities of a multivariate mixture, from Cholesky factors.

With ``Sigma = L L^T``, ``(x - mu)^T Sigma^-1 (x - mu) = |z|^2`` where ``L z = x - mu`` is one
triangular solve, and ``log det Sigma = 2 sum_i log L_ii``: no inverse and no determinant.
The solve is forward substitution, one coordinate row at a time over all points: d is small,
and BLAS's threaded ``trsm`` on a (d, n) block was 30x slower on a busy 2-core machine.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_points
from ..density import _far_columns, limit_responsibilities, normalise_rows_in_place
from .params import check_params

_LOG_2PI = float(np.log(2.0 * np.pi))


def forward_substitution(lower, b) -> np.ndarray:
    """Solve ``lower @ z = b`` for a lower-triangular (d, d) ``lower`` and (d, n) ``b``, in place
    of ``b``: ``z_i = (b_i - sum_{j<i} L_ij z_j) / L_ii``, vectorised over the n columns.

    Examples
    --------
    >>> L = np.array([[2.0, 0.0], [1.0, 4.0]])
    >>> forward_substitution(L, np.array([[2.0], [9.0]])).ravel().tolist()
    [1.0, 2.0]
    """
    for i in range(b.shape[0]):
        for j in range(i):
            b[i] -= lower[i, j] * b[j]
        b[i] /= lower[i, i]
    return b


def component_log_terms(xt, log_weights, means, cholesky, out=None, scratch=None) -> np.ndarray:
    """(K, n) array of ``log w_k + log N(x_i | mu_k, L_k L_k^T)``; inputs already validated.

    ``xt`` is the data transposed, (d, n): each coordinate a contiguous row, so the triangular
    solve and the sum of squares run along rows.
    """
    d, n = xt.shape
    k = means.shape[0]
    if out is None:
        out = np.empty((k, n))
    if scratch is None:
        scratch = np.empty((d, n))
    for j in range(k):
        np.subtract(xt, means[j][:, None], out=scratch)
        z = forward_substitution(cholesky[j], scratch)
        row = out[j]
        np.square(z[0], out=row)
        for i in range(1, d):  # d is small: row adds beat a reduction along a short axis
            row += z[i] * z[i]
        half_log_det = np.log(np.diagonal(cholesky[j])).sum()
        row *= -0.5
        row += log_weights[j] - half_log_det - 0.5 * d * _LOG_2PI
    return out


def _log_distances(xt, params) -> np.ndarray:
    """(K, m) log Mahalanobis distances of the points ``xt`` (d, m) from each component, safe
    for points so far out that the distance squared (even ``x - mu``) overflows: every
    difference is taken over a per-point size ``s`` first, and ``log s`` added back."""
    size = np.maximum(np.abs(xt).max(axis=0), np.abs(params.means).max())
    out = np.empty((params.k, xt.shape[1]))
    for j in range(params.k):
        z = forward_substitution(params.cholesky[j], xt / size - params.means[j][:, None] / size)
        biggest = np.abs(z).max(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[j] = (np.log(biggest) + 0.5 * np.log(np.sum((z / biggest) ** 2, axis=0))
                      + np.log(size))
    return out


def _normalised_terms(X, params):
    """Responsibilities (K, n) and log-densities (n,), defined at every finite point: a point
    whose every log term overflowed gets log-density -inf and ``limit_responsibilities``."""
    params = check_params(params)
    X = as_points(X)
    if X.shape[1] != params.d:
        raise ValueError(
            f"X: has {X.shape[1]} columns but params describe {params.d}-dimensional components"
        )
    xt = np.ascontiguousarray(X.T)
    with np.errstate(over="ignore", invalid="ignore"):
        terms = component_log_terms(xt, np.log(params.weights), params.means, params.cholesky)
        log_density = normalise_rows_in_place(terms)
    far = _far_columns(log_density)
    if far.size:
        log_density[far] = -np.inf
        half_log_dets = np.log(np.diagonal(params.cholesky, axis1=1, axis2=2)).sum(axis=1)
        terms[:, far] = limit_responsibilities(_log_distances(xt[:, far], params),
                                               np.log(params.weights) - half_log_dets)
    return terms, log_density


def logpdf(X, params) -> np.ndarray:
    """Log of the mixture density at each point (log-sum-exp over components).

    Parameters
    ----------
    X : array-like (n, d), n points in d dimensions
    params : MultivariateParams

    Returns
    -------
    numpy.ndarray (n,); ``-inf`` only at a point so far from every component that its
    log-density is below the most negative float

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams, logpdf
    >>> p = MultivariateParams([1.0], [[0.0, 0.0]], [np.eye(2)])
    >>> round(float(logpdf([[0.0, 0.0]], p)[0]), 6)  # -log(2 pi)
    -1.837877
    """
    return _normalised_terms(X, params)[1].copy()


def log_likelihood(X, params) -> float:
    """Total log-likelihood ``sum_i log p(x_i)`` of the points ``X`` (n, d) under ``params``.

    Parameters
    ----------
    X : array-like (n, d)
    params : MultivariateParams

    Returns
    -------
    float

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams, log_likelihood
    >>> p = MultivariateParams([1.0], [[0.0, 0.0]], [np.eye(2)])
    >>> round(log_likelihood([[0.0, 0.0], [0.0, 0.0]], p), 6)
    -3.675754
    """
    return float(logpdf(X, params).sum())


def responsibilities(X, params) -> np.ndarray:
    """Posterior probability that each point came from each component (the E-step).

    Parameters
    ----------
    X : array-like (n, d)
    params : MultivariateParams

    Returns
    -------
    numpy.ndarray (n, K); each row sums to 1. Defined at every finite point: one so far out that
    every density underflows belongs to the component nearest it in Mahalanobis distance.

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams, responsibilities
    >>> p = MultivariateParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])
    >>> responsibilities([[0.0, 5.0], [1.0, 0.0]], p).round(3).tolist()
    [[0.5, 0.5], [0.119, 0.881]]
    """
    return _normalised_terms(X, params)[0].T.copy()
