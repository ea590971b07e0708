"""The EM algorithm: ``em_step`` for teaching loops, ``fit_em`` for real fits."""

from __future__ import annotations

import warnings

import numpy as np

from ._checks import as_data, check_fit_inputs, check_int, check_min_sd, check_positive_float
from ._degeneracy import degeneracies, warn_if_degenerate
from ._scaling import Scaling
from .density import normalise_rows_in_place, weighted_component_logpdf
from .params import MixtureParams, check_params
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


def _m_step(x, resp, min_sd, scratch=None, equal_sds=False):
    """Weighted weights, means and sds; variances from centred data, never E[x^2] - mu^2.

    ``equal_sds``: one pooled variance, ``sum_k sum_i r_ik (x_i - mu_k)^2 / sum_k sum_i r_ik``.
    """
    if scratch is None:
        scratch = np.empty_like(x)
    k = resp.shape[0]
    mass = np.empty(k)
    means = np.empty(k)
    sds = np.empty(k)
    for j in range(k):
        # 1-D dots run in BLAS; sums along the short K axis would be slow (README, Performance).
        mass[j] = max(resp[j].sum(), _MIN_COMPONENT_MASS)
        means[j] = np.dot(resp[j], x) / mass[j]
        np.subtract(x, means[j], out=scratch)
        np.square(scratch, out=scratch)
        sds[j] = np.dot(resp[j], scratch) / mass[j]
    if equal_sds:
        sds[:] = np.dot(sds, mass) / mass.sum()
    return mass / mass.sum(), means, np.maximum(np.sqrt(sds), min_sd)


def em_step(x, params, min_sd=None, *, equal_sds=False) -> MixtureParams:
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

    Returns
    -------
    MixtureParams
        The updated parameters; their log-likelihood is never lower than that of ``params``.

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
    floor = 1e-6 * float(np.std(x)) if min_sd is None else min_sd
    if not floor > 0:
        raise ValueError("x: all values are identical, so there is no spread for the sd floor")
    resp, _ = _e_step(x, params.weights, params.means, params.sds)
    # M-step on centred data: data at 1e8 with a tiny spread keep their digits in the means
    centre = float(np.median(x))
    weights, means, sds = _m_step(x - centre, resp, floor, equal_sds=bool(equal_sds))
    return MixtureParams(weights, means + centre, sds)


def _run_em(x_std, start, tol, max_iter, floor, report, equal_sds=False):
    """EM on standardised data from ``start``; returns (params arrays, history, n_iter, converged)."""
    n = x_std.size
    weights, means, sds = start.weights, start.means, start.sds
    workspace = _Workspace(start.k, n)
    resp, loglik = _e_step(x_std, weights, means, sds, workspace)
    history = [loglik]
    converged = False
    n_iter = 0
    while n_iter < max_iter:
        # the log-density row of the workspace is free once the E-step has summed it
        weights, means, sds = _m_step(x_std, resp, floor, scratch=workspace.work[1],
                                      equal_sds=equal_sds)
        resp, new_loglik = _e_step(x_std, weights, means, sds, workspace)
        n_iter += 1
        history.append(new_loglik)
        if report is not None:
            report(n_iter, weights, means, sds, new_loglik)
        change = new_loglik - loglik
        loglik = new_loglik
        if abs(change) / n < tol:
            converged = True
            break
    return (weights, means, sds), np.array(history), n_iter, converged


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

    Returns
    -------
    FitResult
        ``history[0]`` is the log-likelihood at the start, ``history[i]`` after iteration i.
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

    scaling = Scaling.of(x)
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
                      equal_sds)
        problems = degeneracies(*run[0], x.size, floor, scaling.component_to_data)
        rank = (not problems, run[1][-1])
        if best is None or rank > best_rank:
            best, best_rank, degenerate = run, rank, problems
    (weights, means, sds), history, n_iter, converged = best
    params = scaling.params_from_std(MixtureParams(weights, means, sds))
    history = scaling.loglik_from_std(history)
    history.setflags(write=False)
    if converged:
        message = f"converged: mean log-likelihood changed by less than tol={tol:g} per point"
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
    )
