"""Data-driven starts for the multivariate ``fit_em`` (deterministic for a given ``rng``).

Like the 1-D starts (``mixlib.starts``): equal weights, K *distinct* points as means, so no two
components start identical and stay identical.
"""

from __future__ import annotations

import numpy as np

from .covariance import with_structure
from .params import MultivariateParams


def _data_covariance(X: np.ndarray) -> np.ndarray:
    centred = X - X.mean(axis=0)
    return centred.T @ centred / X.shape[0]


def principal_axis_start(X: np.ndarray, k: int) -> MultivariateParams:
    """Means at the data points at the ``(j + 0.5) / k`` quantiles along the first principal
    axis, covariances ``cov(X) / k^2`` (the 1-D quantile start's ``sd / k``), equal weights.

    Parameters
    ----------
    X : (n, d) float array with at least ``k`` distinct rows (already validated)
    k : number of components

    Returns
    -------
    MultivariateParams

    Examples
    --------
    >>> X = np.column_stack([np.arange(10.0), np.zeros(10) + np.arange(10) % 2])
    >>> principal_axis_start(X, 2).means[:, 0].tolist()
    [2.0, 7.0]
    """
    cov = _data_covariance(X)
    axis = np.linalg.eigh(cov)[1][:, -1]
    axis *= np.sign(axis[np.argmax(np.abs(axis))])  # eigh's sign is arbitrary: fix it
    positions = ((np.arange(k) + 0.5) / k * X.shape[0]).astype(int)
    means = X[np.argsort(X @ axis, kind="stable")[positions]]
    if np.unique(means, axis=0).shape[0] < k:  # tied points: the same quantiles of distinct ones
        distinct = np.unique(X, axis=0)
        positions = ((np.arange(k) + 0.5) / k * distinct.shape[0]).astype(int)
        means = distinct[np.argsort(distinct @ axis, kind="stable")[positions]]
    return MultivariateParams(np.full(k, 1.0 / k), means, np.repeat(cov[None] / k**2, k, axis=0))


def random_start(X: np.ndarray, k: int, rng: np.random.Generator) -> MultivariateParams:
    """Means at ``k`` distinct data points drawn by ``rng``, covariances ``cov(X)``, equal weights.

    Examples
    --------
    >>> X = np.r_[np.zeros((8, 2)), [[1.0, 0.0], [0.0, 1.0]]]
    >>> p = random_start(X, 3, np.random.default_rng(0))
    >>> np.unique(p.means, axis=0).shape[0]
    3
    """
    means = X[rng.choice(X.shape[0], size=k, replace=False)]
    if np.unique(means, axis=0).shape[0] < k:
        distinct = np.unique(X, axis=0)
        means = distinct[rng.choice(distinct.shape[0], size=k, replace=False)]
    cov = _data_covariance(X)
    return MultivariateParams(np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0))


def starting_points(X, k, init, n_init, rng, covariance="full"):
    """``init`` (or the principal-axis start), then ``n_init - 1`` random starts; the
    data-driven starts get the fit's covariance structure, so EM's first step cannot lose
    likelihood by imposing it."""
    starts = [] if init is None else [init]
    if init is None:
        starts.append(principal_axis_start(X, k))
    starts += [random_start(X, k, rng) for _ in range(n_init - 1)]
    return [start if start is init else
            MultivariateParams(start.weights, start.means,
                               with_structure(start.covariances, covariance))
            for start in starts]
