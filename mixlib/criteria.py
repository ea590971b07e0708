"""Information criteria for choosing the number of components, in 1-D and d dimensions.

One module for both: the criteria are functions of the log-likelihood, the number of free
parameters ``p`` and the number of points ``n`` (``_criterion``), and ICL also of the
responsibilities. All are on the "smaller is better" scale of ``-2 log L``:

- AIC = ``2 p - 2 log L`` (Akaike)
- BIC = ``p log n - 2 log L`` (Schwarz; mclust reports ``-BIC``)
- ICL = ``BIC - 2 sum_i log max_k r_ik`` (Biernacki, Celeux and Govaert 2000, as mclust's
  ``icl``/``mclustICL`` compute it, with the sign flipped): BIC plus twice the entropy of the
  hard classification, so overlapping components, whose points are assigned with doubt, pay.

Examples
--------
ICL is never below BIC, and equals it when every point is assigned with certainty:

>>> import mixlib
>>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
>>> x = [-3.0, 0.5, 4.0]
>>> bool(icl(x, p) > bic(x, p))
True
>>> far = mixlib.MixtureParams([0.5, 0.5], [0.0, 100.0], [1.0, 1.0])
>>> round(icl([0.0, 100.0], far) - bic([0.0, 100.0], far), 9)
0.0
"""

from __future__ import annotations

import numpy as np

from ._checks import as_data
from .density import log_likelihood, responsibilities
from .params import check_params


def _criterion(name, loglik, p, n):
    return {"aic": 2.0 * p, "bic": p * float(np.log(n))}[name] - 2.0 * loglik


def classification_entropy(resp) -> float:
    """``-sum_i log max_k r_ik``: the entropy term of mclust's ICL (0 when every point belongs
    to one component with certainty).

    Parameters
    ----------
    resp : (n, K) array of responsibilities (rows sum to 1)

    Returns
    -------
    float >= 0

    Examples
    --------
    >>> round(classification_entropy(np.array([[0.5, 0.5], [1.0, 0.0]])), 6)  # log 2
    0.693147
    """
    best = np.max(resp, axis=1)
    # a row's largest responsibility is >= 1/K, so its log is finite
    return float(-np.sum(np.log(best)))


def n_free_parameters(params, *, equal_sds=False) -> int:
    """Free parameters of a K-component 1-D mixture: K means, K sds, K - 1 weights = 3K - 1.

    With ``equal_sds=True`` (a fit with one common sd) there is one sd: 2K parameters. These are
    the d-D counts (``mixlib.multivariate.n_free_parameters``) at d = 1, "full" and "tied".

    Examples
    --------
    >>> from mixlib import MixtureParams
    >>> n_free_parameters(MixtureParams([0.5, 0.5], [0, 1], [1, 1]))
    5
    >>> n_free_parameters(MixtureParams([0.5, 0.5], [0, 1], [1, 1]), equal_sds=True)
    4
    """
    from .multivariate.covariance import n_free_parameters as count

    return count(check_params(params).k, 1, "tied" if equal_sds else "full")


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
    x = as_data(x)
    return _criterion("aic", log_likelihood(x, params),
                      n_free_parameters(params, equal_sds=equal_sds), x.size)


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
    x = as_data(x)
    return _criterion("bic", log_likelihood(x, params),
                      n_free_parameters(params, equal_sds=equal_sds), x.size)


def icl(x, params, *, equal_sds=False) -> float:
    """The integrated completed likelihood criterion, ``BIC - 2 sum_i log max_k r_ik`` (smaller
    is better; mclust's ``icl`` is its negative).

    BIC asks how well the mixture describes the data's density; ICL also asks how clearly it
    splits them into groups, so it prefers fewer, better separated components than BIC when
    components overlap.

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
    >>> import mixlib
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 1.5], [1, 1]), 500, rng=0)
    >>> one, two = mixlib.fit_em(x, k=1).params, mixlib.fit_em(x, k=2).params
    >>> icl(x, one) < icl(x, two)   # two overlapping components: ICL keeps one
    True
    """
    x = as_data(x)
    return bic(x, params, equal_sds=equal_sds) + 2.0 * classification_entropy(
        responsibilities(x, params))


def _multivariate(name, X, params, covariance):
    from .multivariate.covariance import n_free_parameters as count
    from .multivariate.density import log_likelihood as mv_log_likelihood
    from .multivariate.params import check_params as mv_check_params

    params = mv_check_params(params)
    return _criterion(name, mv_log_likelihood(X, params), count(params.k, params.d, covariance),
                      np.shape(X)[0])


def multivariate_bic(X, params, covariance="full") -> float:
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
    return _multivariate("bic", X, params, covariance)


def multivariate_aic(X, params, covariance="full") -> float:
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
    return _multivariate("aic", X, params, covariance)


def multivariate_icl(X, params, covariance="full") -> float:
    """ICL in d dimensions, ``BIC - 2 sum_i log max_k r_ik`` (smaller is better; mclust's
    ``icl`` is its negative).

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
    >>> from mixlib.multivariate import MultivariateParams, bic, icl
    >>> p = MultivariateParams([0.5, 0.5], [[0.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])
    >>> X = [[0.5, 0.0]]
    >>> round(icl(X, p) - bic(X, p), 4)  # a point on the boundary: 2 log 2
    1.3863
    """
    from .multivariate.density import responsibilities as mv_responsibilities

    return (multivariate_bic(X, params, covariance)
            + 2.0 * classification_entropy(mv_responsibilities(X, params)))
