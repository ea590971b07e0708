"""Data-driven starting points for the fitters (documented, deterministic for a given ``rng``).

Every start puts its K means at K *distinct* values: two components that start identical get
identical updates and stay identical, a K-1 component fit that reports itself as K.
"""

from __future__ import annotations

import numpy as np

from .params import MixtureParams


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
    means = rng.choice(x, size=k, replace=False)
    if np.unique(means).size < k:
        means = rng.choice(np.unique(x), size=k, replace=False)
    return MixtureParams(np.full(k, 1.0 / k), means, np.full(k, _spread(x)))


def starting_points(x, k, init, n_init, rng):
    """``init`` (or the quantile start), then ``n_init - 1`` random starts."""
    first = quantile_start(x, k) if init is None else init
    return [first] + [random_start(x, k, rng) for _ in range(n_init - 1)]
