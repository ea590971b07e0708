"""Clustering with a fitted mixture: hard assignments, their uncertainty, and k-means as the
limit of EM with one shared spherical covariance ``s^2 I`` as ``s -> 0``."""

from __future__ import annotations

import numpy as np

from .._checks import as_points, check_int, check_positive_float
from .._scaling import column_centres_and_spreads
from ..density import normalise_rows_in_place
from .density import component_log_terms, responsibilities


def standardise(X) -> np.ndarray:
    """Each column minus its mean, divided by its standard deviation (z-scores).

    Parameters
    ----------
    X : array-like (n, d), no constant column

    Returns
    -------
    numpy.ndarray (n, d), each column with mean 0 and standard deviation 1

    Examples
    --------
    >>> standardise([[1.0, 10.0], [3.0, 30.0]]).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    X = as_points(X)
    centres, sds = column_centres_and_spreads(X)  # no overflow at 1e200, no underflow at 1e-200
    if not np.all(sds > 0):
        raise ValueError(f"X: column {int(np.argmin(sds))} is constant, so it cannot be standardised")
    return (X - centres) / sds


def hard_assignments(X, params) -> np.ndarray:
    """The component with the largest responsibility for each point (0-based labels).

    Parameters
    ----------
    X : array-like (n, d)
    params : MultivariateParams

    Returns
    -------
    numpy.ndarray (n,) of ints in ``0 .. K-1``

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams
    >>> p = MultivariateParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])
    >>> hard_assignments([[-2.0, 0.0], [0.5, 1.0]], p).tolist()
    [0, 1]
    """
    return np.argmax(responsibilities(X, params), axis=1)


def assignment_uncertainty(X, params) -> np.ndarray:
    """``1 - max_k r_ik``: 0 for a point surely in one component, up to ``1 - 1/K`` on a boundary
    (mclust's ``uncertainty``).

    Parameters
    ----------
    X : array-like (n, d)
    params : MultivariateParams

    Returns
    -------
    numpy.ndarray (n,) in ``[0, 1 - 1/K]``

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams
    >>> p = MultivariateParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])
    >>> assignment_uncertainty([[0.0, 3.0], [-5.0, 0.0]], p).round(4).tolist()
    [0.5, 0.0]
    """
    return 1.0 - responsibilities(X, params).max(axis=1)


def _squared_distances(xt, means):
    """(K, n) squared Euclidean distances, one row per centre."""
    out = np.empty((means.shape[0], xt.shape[1]))
    for j, centre in enumerate(means):
        diff = xt - centre[:, None]
        out[j] = np.einsum("ij,ij->j", diff, diff)
    return out


def _check_means(X, means):
    X = as_points(X)
    means = as_points(means, "means")
    if means.shape[1] != X.shape[1]:
        raise ValueError(f"means: has {means.shape[1]} columns but X has {X.shape[1]}")
    return np.ascontiguousarray(X.T), means.copy()


def _common_scaling(X):
    """A centre and one common scale for X: Euclidean k-means is equivariant under
    ``x -> a + b x``, and on the scaled points no squared distance over- or underflows (at
    1e200 every distance would be inf, at 1e-200 every one 0, and argmin would say 0)."""
    centres, spreads = column_centres_and_spreads(X)
    scale = float(np.max(spreads))
    return centres, (scale if scale > 0 else 1.0)


def kmeans(X, means, *, max_iter=1000):
    """Lloyd's k-means from the given centres: assign each point to its nearest centre, move each
    centre to the mean of its points, until no assignment changes.

    Parameters
    ----------
    X : array-like (n, d)
    means : array-like (K, d), the starting centres
    max_iter : int >= 1

    Returns
    -------
    means : numpy.ndarray (K, d), the final centres (a centre that loses all points stays put)
    labels : numpy.ndarray (n,), the nearest centre of each point

    Examples
    --------
    >>> X = [[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [5.0, 1.0]]
    >>> centres, labels = kmeans(X, [[1.0, 0.0], [4.0, 0.0]])
    >>> centres.tolist(), labels.tolist()
    ([[0.0, 0.5], [5.0, 0.5]], [0, 0, 1, 1])
    """
    xt, means = _check_means(X, means)
    max_iter = check_int(max_iter, "max_iter", 1)
    centre, scale = _common_scaling(xt.T)
    xt = (xt - centre[:, None]) / scale
    means = (means - centre) / scale
    labels = None
    for _ in range(max_iter):
        new = np.argmin(_squared_distances(xt, means), axis=0)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        for j in range(means.shape[0]):
            if np.any(labels == j):
                means[j] = xt[:, labels == j].mean(axis=1)
    return centre + scale * means, labels


def shared_spherical_em(X, means, variance, *, weights=None, max_iter=1000, tol=1e-12):
    """EM for the means only, with fixed weights and one fixed covariance ``variance * I``: the
    model whose ``variance -> 0`` limit is k-means (Bishop 2006, section 9.3.2), whatever the
    weights (``log pi_k`` stays fixed while the squared distances are divided by ``variance``).

    Parameters
    ----------
    X : array-like (n, d)
    means : array-like (K, d), the start
    variance : float > 0, the shared, fixed variance ``s^2``
    weights : None (equal weights) or array-like (K,) of positive numbers summing to 1, fixed
    max_iter : int >= 1
    tol : float > 0, stop when no mean coordinate moves by more than ``tol``

    Returns
    -------
    means : numpy.ndarray (K, d)
    resp : numpy.ndarray (n, K), the responsibilities at those means

    Examples
    --------
    >>> X = [[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [5.0, 1.0]]
    >>> centres, resp = shared_spherical_em(X, [[1.0, 0.0], [4.0, 0.0]], 0.01)
    >>> centres.round(6).tolist(), resp.round(6).tolist()
    ([[0.0, 0.5], [5.0, 0.5]], [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    >>> shared_spherical_em(X, [[1.0, 0.0], [4.0, 0.0]], 0.01, weights=[0.9, 0.1])[0].round(6).tolist()
    [[0.0, 0.5], [5.0, 0.5]]
    """
    xt, means = _check_means(X, means)
    variance = check_positive_float(variance, "variance")
    max_iter = check_int(max_iter, "max_iter", 1)
    tol = check_positive_float(tol, "tol")
    k, d = means.shape
    cholesky = np.repeat(np.sqrt(variance) * np.eye(d)[None], k, axis=0)
    if weights is None:
        log_weights = np.full(k, -np.log(k))
    else:
        weights = np.asarray(weights, dtype=float)
        if (weights.shape != (k,) or not np.all(np.isfinite(weights)) or np.any(weights <= 0)
                or not np.isclose(weights.sum(), 1.0)):
            raise ValueError(f"weights: expected {k} positive numbers summing to 1 (one per "
                             f"mean), got {weights.tolist()!r}")
        log_weights = np.log(weights)
    for _ in range(max_iter):
        resp = component_log_terms(xt, log_weights, means, cholesky)
        normalise_rows_in_place(resp)
        mass = resp.sum(axis=1)
        new = np.where(mass[:, None] > 0, (resp @ xt.T) / np.maximum(mass, 1e-300)[:, None], means)
        moved = np.abs(new - means).max()
        means = new
        if moved <= tol:
            break
    resp = component_log_terms(xt, log_weights, means, cholesky)
    normalise_rows_in_place(resp)
    return means, resp.T.copy()
