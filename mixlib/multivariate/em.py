"""EM for multivariate Gaussian mixtures: ``em_step`` for teaching loops, ``fit_em`` for fits.

The same algorithm, stopping rule, warnings and starts as the 1-D ``mixlib.fit_em``, in matrix
form: the E-step from Cholesky factors (``density``), the M-step's covariances with the chosen
structure (``covariance``).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._checks import as_points, as_rng, check_int, check_k_and_init, check_positive_float
from .._degeneracy import covariance_degeneracies, warn_if_degenerate
from .._scaling import VARIANCE_FLOOR, PointScaling
from ..density import normalise_rows_in_place
from ..priors import (check_multivariate_prior, multivariate_log_jacobian,
                      multivariate_log_prior_density, multivariate_posterior_mode)
from ..result import ConvergenceWarning, FitResult
from .covariance import check_covariance_type, floor_eigenvalues, weighted_covariances
from .density import component_log_terms
from .params import MultivariateParams, check_params
from ..starts import INIT_METHODS
from ..starts import multivariate_starting_points as starting_points

# A component that owns no point would divide by zero in the M-step (as in mixlib.em).
_MIN_COMPONENT_MASS = 10 * np.finfo(np.float64).eps


_ADVICE = ("fit fewer components, a more constrained covariance (tied, diag, spherical) or "
           "try other starts (n_init)")


class _Workspace:
    """Buffers one EM run reuses every iteration: fresh large arrays cost page faults."""

    def __init__(self, k, d, n):
        self.terms = np.empty((k, n))
        self.work = np.empty((2, n))
        self.scratch = np.empty((d, n))


def _e_step(xt, weights, means, cholesky, ws):
    """Responsibilities (K, n), in place of the log terms, and the total log-likelihood."""
    terms = component_log_terms(xt, np.log(weights), means, cholesky, out=ws.terms,
                                scratch=ws.scratch)
    return terms, float(normalise_rows_in_place(terms, work=ws.work).sum())


def _m_step(xt, resp, covariance, ws, prior=None, reg=None):
    """Weights, means, covariances (eigenvalues >= ``VARIANCE_FLOOR``) and their Cholesky factors;
    with a prior (``MultivariateConjugatePrior`` in standardised units) the posterior mode."""
    mass = np.maximum(resp.sum(axis=1), _MIN_COMPONENT_MASS)
    # einsum, not np.dot: BLAS's threaded dot stalls on a busy machine (covariance.py)
    means = np.array([[np.einsum("i,i->", r, coordinate) for coordinate in xt]
                      for r in resp]) / mass[:, None]
    if prior is None:
        weights = mass / mass.sum()
        covariances = weighted_covariances(xt, resp, means, mass, covariance, scratch=ws.scratch)
    else:
        scatter = weighted_covariances(xt, resp, means, mass, "full",
                                       scratch=ws.scratch) * mass[:, None, None]
        weights, means, covariances = multivariate_posterior_mode(prior, mass, means, scatter)
    if reg is not None:  # reg_covar, in standardised units: added to every diagonal
        covariances = covariances + reg * np.eye(reg.size)
    covariances = floor_eigenvalues(covariances)
    return weights, means, covariances, np.linalg.cholesky(covariances)


def _check_data(X, params):
    X = as_points(X, min_points=params.k)
    if X.shape[1] != params.d:
        raise ValueError(
            f"X: has {X.shape[1]} columns but params describe {params.d}-dimensional components"
        )
    return X


def em_step(X, params, covariance="full", *, prior=None, reg_covar=0.0) -> MultivariateParams:
    """One EM iteration: responsibilities at ``params`` (E-step), then the weighted update.

    Parameters
    ----------
    X : array-like (n, d), at least ``params.k`` points
    params : MultivariateParams, the current parameters
    covariance : "full", "diag", "spherical" or "tied", the structure of the updated covariances
    prior : None, "default" or MultivariateConjugatePrior, as in ``fit_em`` (MAP-EM step)
    reg_covar : float >= 0, as in ``fit_em``

    Returns
    -------
    MultivariateParams
        The updated parameters; their log-likelihood is never lower than that of ``params``
        (when ``params`` already has the chosen structure).

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams, em_step
    >>> X = [[-1.0, 0.1], [-1.2, -0.1], [1.0, 0.1], [1.2, -0.1]]
    >>> p = MultivariateParams([0.5, 0.5], [[-0.5, 0.0], [0.5, 0.0]], [np.eye(2), np.eye(2)])
    >>> em_step(X, p).means[:, 0].round(2).tolist()
    [-0.55, 0.55]
    """
    params = check_params(params)
    covariance = check_covariance_type(covariance)
    X = _check_data(X, params)
    prior = check_multivariate_prior(prior, X, params.k, covariance)
    scaling = PointScaling.of(X, common=covariance == "spherical")
    start = scaling.params_to_std(params, "params")
    xt = np.ascontiguousarray(scaling.standardise(X).T)
    ws = _Workspace(params.k, params.d, X.shape[0])
    resp, _ = _e_step(xt, start.weights, start.means, start.cholesky, ws)
    weights, means, covariances, _ = _m_step(
        xt, resp, covariance, ws,
        None if prior is None else prior.standardised(scaling.centre, scaling.scale),
        _reg_std(_check_reg_covar(reg_covar), scaling))
    return scaling.params_from_std(MultivariateParams(weights, means, covariances), "X")


def _run_em(xt, start, covariance, tol, max_iter, prior=None, reg=None):
    """EM on standardised data; returns ((weights, means, covariances), history, n_iter,
    converged, penalised history). With a prior (standardised units) the M-step is MAP and the
    stopping rule is on log-likelihood + log prior."""
    d, n = xt.shape
    ws = _Workspace(start.k, d, n)

    def log_prior(means, cholesky):
        return 0.0 if prior is None else multivariate_log_prior_density(prior, means, cholesky)

    weights, means, covariances = start.weights, start.means, start.covariances
    resp, loglik = _e_step(xt, weights, means, start.cholesky, ws)
    history = [loglik]
    penalised = [loglik + log_prior(means, start.cholesky)]
    converged = False
    n_iter = 0
    while n_iter < max_iter:
        weights, means, covariances, cholesky = _m_step(xt, resp, covariance, ws, prior, reg)
        resp, new_loglik = _e_step(xt, weights, means, cholesky, ws)
        n_iter += 1
        history.append(new_loglik)
        penalised.append(new_loglik + log_prior(means, cholesky))
        if abs(penalised[-1] - penalised[-2]) / n < tol:
            converged = True
            break
    return ((weights, means, covariances), np.array(history), n_iter, converged,
            np.array(penalised))


def _check_fit_data(X, k):
    X = as_points(X, min_points=k)
    n_distinct = np.unique(X, axis=0).shape[0]
    if n_distinct < k:
        raise ValueError(
            f"X: has only {n_distinct} distinct points, fewer than the k={k} components: each "
            "component could sit on one point with zero covariance (fit fewer components)"
        )
    return X


def _check_reg_covar(reg_covar):
    if isinstance(reg_covar, (int, float, np.integer, np.floating)) and not isinstance(
            reg_covar, bool) and reg_covar == 0:
        return 0.0
    return check_positive_float(reg_covar, "reg_covar")


def _reg_std(reg_covar, scaling):
    """``reg_covar`` (data units squared) on each standardised coordinate's variance, or None."""
    return None if reg_covar == 0 else reg_covar / scaling.scale**2


def fit_em(X, init=None, *, k=None, covariance="full", tol=1e-8, max_iter=10_000, n_init=1,
           rng=None, init_method="axis", prior=None, reg_covar=0.0) -> FitResult:
    """Fit a multivariate Gaussian mixture by EM until the log-likelihood stops improving.

    Parameters
    ----------
    X : array-like (n, d), n points in d dimensions, at least ``k`` distinct points, no constant
        column. Columns may be in different units: full, diag and tied fits standardise each
        column separately and are equivariant under ``X[:, j] -> a_j + b_j X[:, j]``; spherical
        fits use one common scale (a sphere in one set of units is not a sphere in another).
    init : MultivariateParams or None
        The start. ``None``: equal weights, means at the data points at the ``(j + 0.5) / k``
        quantiles along the first principal axis, covariances ``cov(X) / k^2`` (see ``starts``),
        given the ``covariance`` structure.
    k : int >= 1 or None
        Number of components when ``init`` is None (``None``: 2). With ``init``, a ``k`` that
        differs from ``init.k`` raises ``ValueError`` (as in the 1-D ``mixlib.fit_em``).
    covariance : "full", "diag", "spherical" or "tied" (see ``mixlib.multivariate.covariance``)
    tol : float > 0
        Stop when the change in mean log-likelihood per point between iterations is below ``tol``.
    max_iter : int >= 1
        Stop after this many iterations with ``converged=False`` and a ``ConvergenceWarning``.
    n_init : int >= 1
        Number of starts: ``init`` (or the principal-axis start), then ``n_init - 1`` starts with
        means at distinct data points drawn by ``rng``; the non-degenerate fit with the largest
        likelihood is kept (the best degenerate one only if every start degenerated).
    rng : None, int seed or numpy.random.Generator (only used when ``n_init > 1``)
    init_method : "axis" or "kmeans"
        "axis": the data-driven starts as above. "kmeans": each of them refined by Lloyd's
        k-means (``mixlib.multivariate.kmeans``) on the standardised data, then weights,
        means and covariances from the k-means clusters (scikit-learn's default start).

    Returns
    -------
    FitResult
        ``params`` is a ``MultivariateParams``; ``history[0]`` is the log-likelihood at the start,
        ``history[i]`` after iteration i; ``degenerate`` lists what is wrong with a degenerate fit.

    Warns
    -----
    ConvergenceWarning if ``max_iter`` stopped the fit; DegenerateFitWarning if the kept fit is
    degenerate (a component collapsed onto a point or a line, one holding under two points' worth
    of data, or two identical components).

    Examples
    --------
    >>> from mixlib.multivariate import fit_em
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (200, 2)), rng.normal(5, 1, (200, 2))]
    >>> fit = fit_em(X, k=2)
    >>> fit.converged, np.sort(fit.params.means[:, 0]).round(1).tolist()
    (True, [-0.1, 5.0])
    """
    k = check_k_and_init(init, k, MultivariateParams)
    covariance = check_covariance_type(covariance)
    X = _check_fit_data(X, k)
    if init is not None and init.d != X.shape[1]:
        raise ValueError(
            f"init: describes {init.d}-dimensional components but X has {X.shape[1]} columns"
        )
    tol = check_positive_float(tol, "tol")
    max_iter = check_int(max_iter, "max_iter", 1)
    n_init = check_int(n_init, "n_init", 1)
    rng = as_rng(rng)
    if init_method not in INIT_METHODS:
        raise ValueError(f"init_method: expected one of {INIT_METHODS}, got {init_method!r}")
    prior = check_multivariate_prior(prior, X, k, covariance)
    reg_covar = _check_reg_covar(reg_covar)

    spherical = covariance == "spherical"
    scaling = PointScaling.of(X, common=spherical)
    x_std = scaling.standardise(X)
    # (a spherical component cannot collapse onto a line, so only the other structures need
    # data of full dimension; per-column scaling makes this the correlation matrix's test)
    if not spherical and np.linalg.eigvalsh(x_std.T @ x_std / X.shape[0])[0] <= VARIANCE_FLOOR:
        raise ValueError("X: the points lie on a line or plane (their covariance is singular), "
                         "so a full-dimensional mixture cannot be fitted")
    xt = np.ascontiguousarray(x_std.T)
    best, best_rank = None, None
    # starts are drawn from the standardised data, so they (and the fit) are equivariant too
    init_std = None if init is None else scaling.params_to_std(init)
    prior_std = None if prior is None else prior.standardised(scaling.centre, scaling.scale)
    reg = _reg_std(reg_covar, scaling)
    for start in starting_points(x_std, k, init_std, n_init, rng, covariance, init_method):
        run = _run_em(xt, start, covariance, tol, max_iter, prior_std, reg)
        problems = covariance_degeneracies(*run[0], X.shape[0],
                                           lambda cov: cov * scaling._outer())
        rank = (not problems, run[4][-1])
        if best is None or rank > best_rank:
            best, best_rank, degenerate = run, rank, problems
    (weights, means, covariances), history, n_iter, converged, penalised = best
    params = scaling.params_from_std(MultivariateParams(weights, means, covariances), "X")
    history = scaling.loglik_from_std(history)
    history.setflags(write=False)
    objective = "mean log-likelihood"
    if prior is not None:
        penalised = (scaling.loglik_from_std(penalised)
                     + multivariate_log_jacobian(scaling.scale, k, covariance))
        penalised.setflags(write=False)
        objective = "mean penalised log-likelihood (log-likelihood + log prior)"
    if converged:
        message = f"converged: {objective} changed by less than tol={tol:g} per point"
    else:
        message = f"stopped at max_iter={max_iter} before the change fell below tol={tol:g}"
        warnings.warn(f"fit_em: {message}; raise max_iter, loosen tol or try another start",
                      ConvergenceWarning, stacklevel=2)
    message = warn_if_degenerate("fit_em", degenerate, message, advice=_ADVICE)
    return FitResult(params=params, log_likelihood=float(history[-1]), n_iter=n_iter,
                     converged=converged, message=message, history=history, nfev=None,
                     method="EM", degenerate=degenerate, prior=prior,
                     penalised_history=None if prior is None else penalised)
