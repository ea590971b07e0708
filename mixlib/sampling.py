"""Ancestral sampling: pick a component, then draw from it."""

from __future__ import annotations

import numpy as np

from ._checks import as_rng, check_int
from .params import check_params


def sample(params, n, rng=None, return_labels=False):
    """Draw ``n`` points from the mixture by ancestral sampling.

    Each point first picks its component ``z ~ Categorical(weights)``, then its value
    ``x ~ N(means[z], sds[z]^2)``; so the number of points per component is Binomial
    (Multinomial for K > 2), not fixed in advance.

    Parameters
    ----------
    params : MixtureParams
    n : int >= 1, number of points (an ``int``, not ``1000 * 0.3``)
    rng : None, int seed or numpy.random.Generator
    return_labels : bool, also return each point's component index

    Returns
    -------
    x : numpy.ndarray of shape (n,)
    labels : numpy.ndarray of int, shape (n,), only if ``return_labels``

    Examples
    --------
    >>> import mixlib
    >>> p = mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    >>> x, z = sample(p, 1000, rng=0, return_labels=True)
    >>> x.shape, int(z.sum())  # how many came from the second component: random, about 700
    ((1000,), 723)
    """
    params = check_params(params)
    n = check_int(n, "n", 1)
    rng = as_rng(rng)
    labels = rng.choice(params.k, size=n, p=params.weights)
    x = rng.normal(params.means[labels], params.sds[labels])
    return (x, labels) if return_labels else x
