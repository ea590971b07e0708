"""Information criteria for choosing the number of components."""

from __future__ import annotations

import numpy as np

from ._checks import as_data
from .params import check_params
from .density import log_likelihood


def n_free_parameters(params, *, equal_sds=False) -> int:
    """Free parameters of a K-component 1-D mixture: K means, K sds, K - 1 weights = 3K - 1.

    With ``equal_sds=True`` (a fit with one common sd) there is one sd: 2K parameters.

    Examples
    --------
    >>> from mixlib import MixtureParams
    >>> n_free_parameters(MixtureParams([0.5, 0.5], [0, 1], [1, 1]))
    5
    >>> n_free_parameters(MixtureParams([0.5, 0.5], [0, 1], [1, 1]), equal_sds=True)
    4
    """
    k = check_params(params).k
    return 2 * k if equal_sds else 3 * k - 1


def aic(x, params, *, equal_sds=False) -> float:
    """Akaike's information criterion ``2 p - 2 log L`` (smaller is better).

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams (usually a fit's ``params``)
    equal_sds : bool, count one common sd (for fits made with ``equal_sds=True``)

    Returns
    -------
    float

    Examples
    --------
    >>> from mixlib import MixtureParams
    >>> round(aic([0.0], MixtureParams([1.0], [0.0], [1.0])), 4)
    5.8379
    """
    return 2.0 * n_free_parameters(params, equal_sds=equal_sds) - 2.0 * log_likelihood(x, params)


def bic(x, params, *, equal_sds=False) -> float:
    """Schwarz's Bayesian information criterion ``p log n - 2 log L`` (smaller is better).

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams
    equal_sds : bool, count one common sd (for fits made with ``equal_sds=True``)

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
    return n_free_parameters(params, equal_sds=equal_sds) * float(np.log(n)) - 2.0 * log_likelihood(x, params)
