"""The EM algorithm: ``em_step`` for teaching loops, ``fit_em`` for real fits."""

from __future__ import annotations

import warnings

import numpy as np

from ._checks import as_data, check_fit_inputs, check_int, check_min_sd, check_positive_float
from ._em_pass import PassBuffers, em_pass
from ._degeneracy import degeneracies, warn_if_degenerate
from ._scaling import Scaling
from .density import normalise_rows_in_place, weighted_component_logpdf
from .params import MixtureParams, check_params
from .priors import check_prior, log_jacobian, log_prior_density, posterior_mode
from .result import ConvergenceWarning, FitResult
from .starts import starting_points

# A component that owns no point would divide by zero in the M-step; sklearn guards the same way.
_MIN_COMPONENT_MASS = 10 * np.finfo(np.float64).eps


class _Workspace:
    """Buffers one EM run reuses every iteration: fresh large arrays cost page faults each time."""

    def __init__(self, k, n):
        self.terms = np.empty((k, n))
        self.work = np.empty((2, n))


def _e_step(x, weights, means, sds, workspace=None):
    """Responsibilities (K x N, in place of the log terms) and the total log-likelihood."""
    if workspace is None:
        workspace = _Workspace(len(means), x.size)
    terms = weighted_component_logpdf(x, np.log(weights), means, np.log(sds), out=workspace.terms)
    log_density = normalise_rows_in_place(terms, work=workspace.work)
    return terms, float(log_density.sum())


def _m_step(x, resp, min_sd, scratch=None, equal_sds=False, prior=None):
    """Weighted weights, means and sds; variances from centred data, never E[x^2] - mu^2.

    ``equal_sds``: one pooled variance, ``sum_k sum_i r_ik (x_i - mu_k)^2 / sum_k sum_i r_ik``.
    ``prior``: a ``ConjugatePrior`` (in the units of ``x``): the posterior mode instead (MAP).
    """
    if scratch is None:
        scratch = np.empty_like(x)
    k = resp.shape[0]
    mass = np.empty(k)
    means = np.empty(k)
    scatter = np.empty(k)
    for j in range(k):
        # 1-D dots run in BLAS; sums along the short K axis would be slow (README, Performance).
        mass[j] = max(resp[j].sum(), _MIN_COMPONENT_MASS)
        means[j] = np.dot(resp[j], x) / mass[j]
        np.subtract(x, means[j], out=scratch)
        np.square(scratch, out=scratch)
        scatter[j] = np.dot(resp[j], scratch)
    return _params_from_moments(mass, means, scatter, min_sd, equal_sds, prior)


def _params_from_moments(mass, means, scatter, min_sd, equal_sds=False, prior=None):
    """The M-step from the weighted counts n_k, means and sums of squares about those means."""
    k = mass.size
    if prior is not None:
        weights, means, variances = posterior_mode(prior, mass, means, scatter, equal_sds)
    else:
        weights = mass / mass.sum()
        variances = scatter / mass
        if equal_sds:
            variances = np.full(k, np.dot(variances, mass) / mass.sum())
    return weights, means, np.maximum(np.sqrt(variances), min_sd)


# The pass sums the squares about the means it was given (the E-step computed them anyway), and
# sum r (x - new)^2 = sum r (x - old)^2 - n (new - old)^2. The subtraction loses digits in
# proportion to sum r (x - old)^2 / sum r (x - new)^2; above 2 (a mean that moved by about its
# sd, early in a fit) one more pass sums the squares about the new means instead.
_MOST_DIGITS_LOST = 2.0


def _fused_moments(x, weights, means, sds, buffers):
    """Log-likelihood at (weights, means, sds) and the M-step's (n_k, means, scatter) from it:
    the E-step and ``_m_step``'s sums in one pass over the data (``mixlib._em_pass``)."""
    loglik, raw_mass, sums, scatter_old, about = em_pass(x, weights, means, sds, buffers)
    mass = np.maximum(raw_mass, _MIN_COMPONENT_MASS)
    new_means = sums / mass
    small = np.any(raw_mass < _MIN_COMPONENT_MASS)
    # the moments path's raw moments give the scatter about the new means directly
    scatter = None if about is None or small else about(new_means)
    if scatter is None:
        scatter = scatter_old - mass * (new_means - means) ** 2
        if small or np.any(_MOST_DIGITS_LOST * scatter < scatter_old):
            scatter = em_pass(x, weights, means, sds, buffers, centres=new_means)[3]
    return loglik, (mass, new_means, scatter)


def em_step(x, params, min_sd=None, *, equal_sds=False, prior=None) -> MixtureParams:
    """One EM iteration: responsibilities at ``params`` (E-step), then the weighted update (M-step).

    Parameters
    ----------
    x : 1-D array-like of real numbers, at least ``params.k`` points
    params : MixtureParams, the current parameters
    min_sd : float > 0, None or "rounding"
        Floor on the updated sds, in data units. ``None`` means ``1e-6 * std(x)``; "rounding"
        means the sd of the data's rounding error, (smallest gap between distinct values) / sqrt(12).
    equal_sds : bool
        Update one common sd for all components (the pooled variance) instead of one per component.
    prior : None, "default" or mixlib.priors.ConjugatePrior
        With a prior the M-step is the posterior mode (MAP-EM); "default" is
        ``ConjugatePrior.default(x, params.k)`` (Fraley and Raftery 2007, mclust's default).

    Returns
    -------
    MixtureParams
        The updated parameters; their log-likelihood (with a prior: log-likelihood + log prior)
        is never lower than that of ``params``.

    Examples
    --------
    >>> import mixlib
    >>> x = [-1.1, -0.9, -1.0, 0.9, 1.0, 1.1]
    >>> p = mixlib.em_step(x, mixlib.MixtureParams([0.5, 0.5], [-0.5, 0.5], [1.0, 1.0]))
    >>> p.means.round(2).tolist()
    [-0.46, 0.46]
    """
    params = check_params(params)
    x = as_data(x, min_points=params.k)
    min_sd = check_min_sd(min_sd, x)
    # the M-step on standardised data, with fit_em's floor: data near 1e8, 1e-200 or 1e200 keep
    # their digits and no square over- or underflows
    # (identical values with an explicit floor: the floor is the only spread there is)
    scaling = (Scaling(float(x[0]), min_sd, x.size) if min_sd is not None and x.min() == x.max()
               else Scaling.of(x))
    prior = check_prior(prior, x, params.k)
    resp, _ = _e_step(x, params.weights, params.means, params.sds)
    weights, means, sds = _m_step(
        scaling.standardise(x), resp, scaling.min_sd_std(min_sd), equal_sds=bool(equal_sds),
        prior=None if prior is None else prior.standardised(scaling.centre, scaling.scale))
    return scaling.params_from_std(MixtureParams(weights, means, sds))


def _run_em(x_std, start, tol, max_iter, floor, report, equal_sds=False, prior=None):
    """EM on standardised data from ``start``; returns (params arrays, history, n_iter, converged,
    penalised history). With a prior (in standardised units) the M-step is MAP and the stopping
    rule is on log-likelihood + log prior; without one the penalised history is the history."""
    n = x_std.size

    def log_prior(weights, means, sds):
        return 0.0 if prior is None else log_prior_density(prior, weights, means, sds, equal_sds)

    weights, means, sds = start.weights, start.means, start.sds
    buffers = PassBuffers(start.k, n)
    loglik, moments = _fused_moments(x_std, weights, means, sds, buffers)
    history = [loglik]
    penalised = [loglik + log_prior(weights, means, sds)]
    converged = False
    n_iter = 0
    while n_iter < max_iter:
        weights, means, sds = _params_from_moments(*moments, floor, equal_sds, prior)
        # the pass at the new parameters also sums for the next M-step (unused after the last)
        new_loglik, moments = _fused_moments(x_std, weights, means, sds, buffers)
        n_iter += 1
        history.append(new_loglik)
        penalised.append(new_loglik + log_prior(weights, means, sds))
        if report is not None:
            report(n_iter, weights, means, sds, new_loglik)
        if abs(penalised[-1] - penalised[-2]) / n < tol:
            converged = True
            break
    return (weights, means, sds), np.array(history), n_iter, converged, np.array(penalised)


def fit_em(
    x,
    init=None,
    *,
    k=None,
    tol=1e-8,
    max_iter=10_000,
    min_sd=None,
    n_init=1,
    rng=None,
    callback=None,
    equal_sds=False,
    prior=None,
) -> FitResult:
    """Fit a Gaussian mixture by EM, iterating until the log-likelihood stops improving.

    Parameters
    ----------
    x : 1-D array-like of real numbers, at least ``k`` points, not all equal
    init : MixtureParams or None
        The start. ``None`` uses a data-driven start: equal weights, means at the
        ``(j + 0.5) / k`` quantiles of ``x``, sds ``std(x) / k`` (see ``mixlib.starts``).
        With a ``MixtureParams``, ``k`` is taken from it.
    k : int >= 1 or None
        Number of components when ``init`` is None (``None``: 2). With ``init``, a ``k`` that
        differs from ``init.k`` raises ``ValueError``. ``x`` needs at least ``k`` distinct values.
    tol : float > 0
        Stop when the change in mean log-likelihood per point between iterations is below ``tol``.
    max_iter : int >= 1
        Stop after this many iterations with ``converged=False`` and a ``ConvergenceWarning``.
    min_sd : float > 0, None or "rounding"
        Floor on every sd, in data units, so that no component collapses onto a single point.
        ``None`` means ``1e-6 * std(x)``: scaling the data scales the floor and the fit exactly.
        "rounding" means the sd of the data's rounding error, (smallest gap between distinct
        values) / sqrt(12): 0.289 for whole minutes.
    n_init : int >= 1
        Number of starts: ``init`` (or the quantile start), then ``n_init - 1`` starts with means
        at distinct data values drawn by ``rng``. The fit with the largest likelihood among the
        non-degenerate ones is kept (the best degenerate one only if every start degenerated).
    rng : None, int seed or numpy.random.Generator (only used when ``n_init > 1``)
    callback : callable or None
        Called as ``callback(iteration, params, log_likelihood)`` after every iteration.
    equal_sds : bool
        Constrain all components to one common sd (mixtools' ``arbvar=FALSE``); pass the same
        flag to ``aic``/``bic``, which then count 2K parameters.
    prior : None, "default" or mixlib.priors.ConjugatePrior
        ``None``: maximum likelihood. A prior: MAP-EM, maximising the penalised log-likelihood
        (log-likelihood + log prior); ``tol`` then applies to its change, and with ``n_init``
        the largest penalised log-likelihood wins. "default" is
        ``ConjugatePrior.default(x, k)``, Fraley and Raftery's (2007) prior (mclust's default).

    Returns
    -------
    FitResult
        ``history[0]`` is the log-likelihood at the start, ``history[i]`` after iteration i
        (with a prior also ``penalised_history``, ``log_prior`` and ``prior``).
        ``degenerate`` lists what is wrong with a degenerate fit (empty otherwise).

    Warns
    -----
    ConvergenceWarning if ``max_iter`` stopped the fit; DegenerateFitWarning if the kept fit is
    degenerate (an sd at the floor, a component with fewer than two points' worth of data, or
    two identical components).

    Examples
    --------
    >>> import mixlib
    >>> truth, n, p0 = mixlib.datasets.original_example()
    >>> x = mixlib.sample(truth, n, rng=1)
    >>> fit = mixlib.fit_em(x, p0)
    >>> fit.converged, fit.params.means.round(2).tolist()
    (True, [-0.0, 0.61])
    """
    x, k, min_sd, n_init, rng = check_fit_inputs(x, init, k, min_sd, n_init, callback, rng)
    tol = check_positive_float(tol, "tol")
    max_iter = check_int(max_iter, "max_iter", 1)
    prior = check_prior(prior, x, k)

    scaling = Scaling.of(x)
    prior_std = None if prior is None else prior.standardised(scaling.centre, scaling.scale)
    x_std = scaling.standardise(x)
    floor = scaling.min_sd_std(min_sd)

    report = None
    if callback is not None:
        def report(iteration, weights, means, sds, loglik_std):
            params = scaling.params_from_std(MixtureParams(weights, means, sds))
            callback(iteration, params, float(scaling.loglik_from_std(loglik_std)))

    equal_sds = bool(equal_sds)
    best, best_rank = None, None
    for start in starting_points(x, k, init, n_init, rng):
        run = _run_em(x_std, scaling.params_to_std(start), tol, max_iter, floor, report,
                      equal_sds, prior_std)
        problems = degeneracies(*run[0], x.size, floor, scaling.component_to_data)
        rank = (not problems, run[4][-1])
        if best is None or rank > best_rank:
            best, best_rank, degenerate = run, rank, problems
    (weights, means, sds), history, n_iter, converged, penalised = best
    params = scaling.params_from_std(MixtureParams(weights, means, sds))
    history = scaling.loglik_from_std(history)
    history.setflags(write=False)
    objective = "mean log-likelihood"
    if prior is not None:
        penalised = (scaling.loglik_from_std(penalised)
                     + log_jacobian(scaling.scale, k, equal_sds))
        penalised.setflags(write=False)
        objective = "mean penalised log-likelihood (log-likelihood + log prior)"
    if converged:
        message = f"converged: {objective} changed by less than tol={tol:g} per point"
    else:
        message = f"stopped at max_iter={max_iter} before the change fell below tol={tol:g}"
        warnings.warn(
            f"fit_em: {message}; raise max_iter, loosen tol or try another start",
            ConvergenceWarning,
            stacklevel=2,
        )
    message = warn_if_degenerate("fit_em", degenerate, message)
    return FitResult(
        params=params,
        log_likelihood=float(history[-1]),
        n_iter=n_iter,
        converged=converged,
        message=message,
        history=history,
        nfev=None,
        method="EM",
        degenerate=degenerate,
        equal_sds=equal_sds,
        prior=prior,
        penalised_history=None if prior is None else penalised,
    )
