"""Data-driven starting points for the fitters (documented, deterministic for a given ``rng``)."""

from __future__ import annotations

import numpy as np

from .params import MixtureParams


def quantile_start(x: np.ndarray, k: int) -> MixtureParams:
    """Equal weights, means at the ``(j + 0.5) / k`` quantiles of ``x``, sds ``std(x) / k``.

    Deterministic, spreads the components over the data and never starts two components at the
    same place unless the data force it (many repeated values).

    Parameters
    ----------
    x : 1-D float array (already validated)
    k : number of components

    Returns
    -------
    MixtureParams

    Examples
    --------
    >>> import numpy as np
    >>> quantile_start(np.arange(10.0), 2).means.tolist()
    [2.25, 6.75]
    """
    means = np.quantile(x, (np.arange(k) + 0.5) / k)
    sd = float(np.std(x)) / k
    return MixtureParams(np.full(k, 1.0 / k), means, np.full(k, sd))


def random_start(x: np.ndarray, k: int, rng: np.random.Generator) -> MixtureParams:
    """Equal weights, means at ``k`` distinct data points drawn by ``rng``, sds ``std(x)``.

    Parameters
    ----------
    x : 1-D float array (already validated)
    k : number of components
    rng : numpy.random.Generator

    Returns
    -------
    MixtureParams

    Examples
    --------
    >>> import numpy as np
    >>> random_start(np.arange(10.0), 2, np.random.default_rng(0)).k
    2
    """
    means = rng.choice(x, size=k, replace=False)
    return MixtureParams(np.full(k, 1.0 / k), means, np.full(k, float(np.std(x))))


def starting_points(x, k, init, n_init, rng):
    """``init`` (or the quantile start), then ``n_init - 1`` random starts."""
    first = quantile_start(x, k) if init is None else init
    return [first] + [random_start(x, k, rng) for _ in range(n_init - 1)]
