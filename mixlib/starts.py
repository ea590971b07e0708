"""Data-driven starting points for the fitters, 1-D and d-D (deterministic for a given ``rng``).

Every start puts its K means at K *distinct* values (points): two components that start
identical get identical updates and stay identical, a K-1 component fit that reports itself as
K. One draw of distinct points (``_draw_distinct``) serves 1-D and d-D random starts.

1-D: ``quantile_start``, ``random_start``. d-D (on standardised data, so that the starts, like
the fits, do not depend on the units): ``principal_axis_start``, ``random_point_start`` and
``kmeans_start`` (a start refined by Lloyd's k-means, scikit-learn's default).
"""

from __future__ import annotations

import numpy as np

from .params import MixtureParams, MultivariateParams


def _spread(x: np.ndarray) -> float:
    """``std(x)`` without overflow (data near 1e160) or underflow (data near 1e-300)."""
    size = float(np.max(np.abs(x)))
    return size * float(np.std(x / size)) if size > 0 else 0.0


def quantile_start(x: np.ndarray, k: int) -> MixtureParams:
    """Equal weights, means at the ``(j + 0.5) / k`` quantiles of ``x``, sds ``std(x) / k``.

    Deterministic and spread over the data. When ties make two of those quantiles equal (many
    repeated values), the means are the same quantiles of the *distinct* values instead, so the
    components always start apart; data without such ties get the plain quantiles.

    Parameters
    ----------
    x : 1-D float array (already validated, at least ``k`` distinct values)
    k : number of components

    Returns
    -------
    MixtureParams

    Examples
    --------
    >>> import numpy as np
    >>> quantile_start(np.arange(10.0), 2).means.tolist()
    [2.25, 6.75]
    >>> quantile_start(np.r_[np.zeros(8), 1.0, 2.0], 2).means.tolist()
    [0.5, 1.5]
    """
    probs = (np.arange(k) + 0.5) / k
    means = np.quantile(x, probs)
    if np.unique(means).size < k:
        means = np.quantile(np.unique(x), probs)
    sd = _spread(x) / k
    return MixtureParams(np.full(k, 1.0 / k), means, np.full(k, sd))


def random_start(x: np.ndarray, k: int, rng: np.random.Generator) -> MixtureParams:
    """Equal weights, means at ``k`` distinct data values drawn by ``rng``, sds ``std(x)``.

    The draw picks ``k`` points; if ties made two of their values equal, it draws again from the
    distinct values, so the means always differ.

    Parameters
    ----------
    x : 1-D float array (already validated, at least ``k`` distinct values)
    k : number of components
    rng : numpy.random.Generator

    Returns
    -------
    MixtureParams

    Examples
    --------
    >>> import numpy as np
    >>> p = random_start(np.r_[np.zeros(98), 1.0, 2.0], 3, np.random.default_rng(0))
    >>> sorted(p.means.tolist())
    [0.0, 1.0, 2.0]
    """
    means = _draw_distinct(x[:, None], k, rng)[:, 0]
    return MixtureParams(np.full(k, 1.0 / k), means, np.full(k, _spread(x)))


def _draw_distinct(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` rows of the (n, d) ``X`` drawn by ``rng`` without replacement; if ties made two of
    them equal, ``k`` rows drawn from the distinct rows instead."""
    means = X[rng.choice(X.shape[0], size=k, replace=False)]
    if np.unique(means, axis=0).shape[0] < k:
        distinct = np.unique(X, axis=0)
        means = distinct[rng.choice(distinct.shape[0], size=k, replace=False)]
    return means


def starting_points(x, k, init, n_init, rng):
    """``init`` (or the quantile start), then ``n_init - 1`` random starts."""
    first = quantile_start(x, k) if init is None else init
    return [first] + [random_start(x, k, rng) for _ in range(n_init - 1)]


# ---- d dimensions --------------------------------------------------------------------------

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


def random_point_start(X: np.ndarray, k: int, rng: np.random.Generator) -> MultivariateParams:
    """Means at ``k`` distinct data points drawn by ``rng``, covariances ``cov(X)``, equal weights.

    Examples
    --------
    >>> X = np.r_[np.zeros((8, 2)), [[1.0, 0.0], [0.0, 1.0]]]
    >>> p = random_point_start(X, 3, np.random.default_rng(0))
    >>> np.unique(p.means, axis=0).shape[0]
    3
    """
    means = _draw_distinct(X, k, rng)
    cov = _data_covariance(X)
    return MultivariateParams(np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0))


def kmeans_start(X: np.ndarray, start: MultivariateParams, covariance: str = "full"
                 ) -> MultivariateParams:
    """``start``'s means refined by Lloyd's k-means (``mixlib.multivariate.kmeans``), then each
    cluster's share of the points as its weight and its scatter (with the fit's structure) as
    its covariance; a cluster of fewer than ``d + 1`` points keeps ``start``'s covariance.

    Examples
    --------
    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2))] + np.arange(10)[:, None] * [0.01, 0.02]
    >>> p = kmeans_start(X, principal_axis_start(X, 2))
    >>> p.weights.tolist(), p.means.round(2).tolist()
    ([0.5, 0.5], [[0.02, 0.04], [1.07, 1.14]])
    """
    from .multivariate.clustering import kmeans
    from .multivariate.covariance import floor_eigenvalues, with_structure

    k, d = start.k, start.d
    means, labels = kmeans(X, start.means)
    counts = np.bincount(labels, minlength=k).astype(float)
    covariances = np.array(start.covariances)
    for j in range(k):
        if counts[j] > d:
            centred = X[labels == j] - means[j]
            covariances[j] = centred.T @ centred / counts[j]
    if covariance == "tied":
        covariances[:] = np.tensordot(counts / counts.sum(), covariances, axes=1)
    covariances = floor_eigenvalues(with_structure(covariances, covariance))
    weights = np.maximum(counts, 1.0)  # an emptied centre keeps a sliver of weight
    return MultivariateParams(weights / weights.sum(), means, covariances)


INIT_METHODS = ("axis", "kmeans")


def multivariate_starting_points(X, k, init, n_init, rng, covariance="full", method="axis"):
    """``init`` (or the principal-axis start), then ``n_init - 1`` random starts; the
    data-driven starts get the fit's covariance structure, so EM's first step cannot lose
    likelihood by imposing it. ``method="kmeans"`` refines every data-driven start by k-means
    (``kmeans_start``); ``init`` is used as given."""
    from .multivariate.covariance import with_structure

    starts = [] if init is None else [init]
    if init is None:
        starts.append(principal_axis_start(X, k))
    starts += [random_point_start(X, k, rng) for _ in range(n_init - 1)]
    out = []
    for start in starts:
        if start is not init:
            start = MultivariateParams(start.weights, start.means,
                                       with_structure(start.covariances, covariance))
            if method == "kmeans":
                start = kmeans_start(X, start, covariance)
        out.append(start)
    return out
