"""Information criteria for choosing the number of components."""

from __future__ import annotations

import numpy as np

from ._checks import as_data
from .density import check_params, log_likelihood


def n_free_parameters(params) -> int:
    """Free parameters of a K-component 1-D mixture: K means, K sds, K - 1 weights = 3K - 1.

    Examples
    --------
    >>> from mixlib import MixtureParams
    >>> n_free_parameters(MixtureParams([0.5, 0.5], [0, 1], [1, 1]))
    5
    """
    return 3 * check_params(params).k - 1


def aic(x, params) -> float:
    """Akaike's information criterion ``2 p - 2 log L`` (smaller is better).

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams (usually a fit's ``params``)

    Returns
    -------
    float

    Examples
    --------
    >>> from mixlib import MixtureParams
    >>> round(aic([0.0], MixtureParams([1.0], [0.0], [1.0])), 4)
    5.8379
    """
    return 2.0 * n_free_parameters(params) - 2.0 * log_likelihood(x, params)


def bic(x, params) -> float:
    """Schwarz's Bayesian information criterion ``p log n - 2 log L`` (smaller is better).

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams

    Returns
    -------
    float

    Examples
    --------
    >>> from mixlib import MixtureParams
    >>> round(bic([0.0, 0.0], MixtureParams([1.0], [0.0], [1.0])), 4)
    5.062
    """
    n = as_data(x).size
    return n_free_parameters(params) * float(np.log(n)) - 2.0 * log_likelihood(x, params)
