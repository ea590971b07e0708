"""BIC and AIC for multivariate fits, counting parameters by covariance structure."""

from __future__ import annotations

import numpy as np

from .covariance import n_free_parameters
from .density import log_likelihood
from .params import check_params


def bic(X, params, covariance="full") -> float:
    """Schwarz's criterion ``p log n - 2 log L`` (smaller is better; mclust reports its negative).

    Parameters
    ----------
    X : array-like (n, d)
    params : MultivariateParams, usually a fit's ``params``
    covariance : the structure the fit used; it sets the parameter count ``p``

    Returns
    -------
    float

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams, bic
    >>> p = MultivariateParams([1.0], [[0.0, 0.0]], [np.eye(2)])
    >>> round(bic([[0.0, 0.0], [0.0, 0.0]], p), 4)  # 5 parameters, n = 2
    10.8172
    """
    params = check_params(params)
    loglik = log_likelihood(X, params)
    n = np.shape(X)[0]
    return n_free_parameters(params.k, params.d, covariance) * float(np.log(n)) - 2.0 * loglik


def aic(X, params, covariance="full") -> float:
    """Akaike's criterion ``2 p - 2 log L`` (smaller is better).

    Parameters
    ----------
    X : array-like (n, d)
    params : MultivariateParams
    covariance : the structure the fit used; it sets the parameter count ``p``

    Returns
    -------
    float

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams, aic
    >>> p = MultivariateParams([1.0], [[0.0, 0.0]], [np.eye(2)])
    >>> round(aic([[0.0, 0.0]], p), 4)
    13.6758
    """
    params = check_params(params)
    return 2.0 * n_free_parameters(params.k, params.d, covariance) - 2.0 * log_likelihood(X, params)
