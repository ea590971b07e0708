"""Ancestral sampling, 1-D and d-D: pick a component, then draw from it."""

from __future__ import annotations

import numpy as np

from ._checks import as_rng, check_int
from .params import check_multivariate_params, check_params


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
    labels, rng = _labels(params, n, rng)
    x = rng.normal(params.means[labels], params.sds[labels])
    return (x, labels) if return_labels else x


def _labels(params, n, rng):
    """The components of ``n`` points, drawn by ``rng``: ``z ~ Categorical(weights)``."""
    n = check_int(n, "n", 1)
    rng = as_rng(rng)
    return rng.choice(params.k, size=n, p=params.weights), rng


def multivariate_sample(params, n, rng=None, return_labels=False):
    """Draw ``n`` points from a d-D mixture by ancestral sampling (``mixlib.multivariate.sample``).

    Each point picks its component ``z ~ Categorical(weights)``, then its value
    ``x = means[z] + L_z e`` with ``L_z`` the Cholesky factor of ``covariances[z]`` and ``e``
    standard normal (so any positive-definite covariance, at any scale the parameters can hold).

    Parameters
    ----------
    params : MultivariateParams
    n : int >= 1, number of points
    rng : None, int seed or numpy.random.Generator
    return_labels : bool, also return each point's component index

    Returns
    -------
    X : numpy.ndarray of shape (n, d)
    labels : numpy.ndarray of int, shape (n,), only if ``return_labels``

    Examples
    --------
    >>> from mixlib import multivariate as mv
    >>> p = mv.MultivariateParams([0.5, 0.5], [[0, 0], [5, 5]], [np.eye(2), 0.1 * np.eye(2)])
    >>> X, z = mv.sample(p, 1000, rng=0, return_labels=True)
    >>> X.shape, bool(abs(X[z == 1].mean(axis=0) - 5).max() < 0.1)
    ((1000, 2), True)
    """
    params = check_multivariate_params(params)
    labels, rng = _labels(params, n, rng)
    noise = rng.standard_normal((labels.size, params.d))
    X = params.means[labels] + np.einsum("nij,nj->ni", params.cholesky[labels], noise)
    return (X, labels) if return_labels else X
