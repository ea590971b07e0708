"""Direct maximum likelihood with ``scipy.optimize.minimize``, and standard errors.

The optimiser works in unconstrained coordinates ``theta``, laid out for K components as::

    theta = (mu_1, ..., mu_K,                      # means
             log sd_1, ..., log sd_K,              # sds > 0 for any real value
             log(w_1 / w_K), ..., log(w_{K-1} / w_K))   # weights positive, summing to 1

so ``len(theta) == 3K - 1``. For K = 2 the last entry is ``logit(pi1)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ._checks import as_data, as_vector, check_fit_inputs, check_positive_float
from ._degeneracy import degeneracies, warn_if_degenerate
from ._scaling import Scaling
from .density import normalise_rows_in_place, weighted_component_logpdf
from .params import MixtureParams, check_params
from .result import ConvergenceWarning, FitResult
from .starts import starting_points

_GRADIENT_METHODS = {
    "cg", "bfgs", "newton-cg", "l-bfgs-b", "tnc", "slsqp",
    "dogleg", "trust-ncg", "trust-krylov", "trust-exact", "trust-constr",
}
_HESSIAN_METHODS = {"dogleg", "trust-ncg", "trust-krylov", "trust-exact", "trust-constr"}
_BOUNDED_METHODS = {"nelder-mead", "l-bfgs-b", "tnc", "slsqp", "powell", "trust-constr", "cobyla", "cobyqa"}
# These call back with the current point only, not with an OptimizeResult.
_LEGACY_CALLBACK_METHODS = {"tnc", "slsqp", "cobyla", "cobyqa"}
# Largest sd a fit may use, in units of std(x): wider components fit nothing, and an optimiser
# drifting along a flat direction (a component with no data) would otherwise overflow exp().
_MAX_SD_STD = 1e6
# A maximum has a small gradient: mean log-likelihood per point, per standardised coordinate.
_GRADIENT_TOL_PER_POINT = 1e-3


def _n_components(theta: np.ndarray, name: str = "theta") -> int:
    if (theta.size + 1) % 3 != 0:
        raise ValueError(
            f"{name}: expected length 3K-1 (K means, K log sds, K-1 log weight ratios), "
            f"got length {theta.size}"
        )
    return (theta.size + 1) // 3


def _unpack(theta: np.ndarray, k: int):
    means = theta[:k]
    log_sds = theta[k : 2 * k]
    eta = np.zeros(k)
    eta[:-1] = theta[2 * k :]
    shift = eta.max()
    log_weights = eta - (shift + np.log(np.exp(eta - shift).sum()))
    return means, log_sds, log_weights


def to_unconstrained(params) -> np.ndarray:
    """Map ``params`` to ``theta = (means, log sds, log(w_k / w_K) for k < K)``.

    Parameters
    ----------
    params : MixtureParams

    Returns
    -------
    numpy.ndarray of length 3K - 1

    Examples
    --------
    >>> p = MixtureParams([0.5, 0.5], [-0.2, 0.8], [1.0, 1.0])
    >>> to_unconstrained(p).tolist()
    [-0.2, 0.8, 0.0, 0.0, 0.0]
    """
    params = check_params(params)
    w = params.weights
    return np.concatenate([params.means, np.log(params.sds), np.log(w[:-1] / w[-1])])


def from_unconstrained(theta) -> MixtureParams:
    """Inverse of ``to_unconstrained``: any finite ``theta`` of length 3K - 1 gives valid params.

    Parameters
    ----------
    theta : 1-D array-like of length 3K - 1

    Returns
    -------
    MixtureParams

    Examples
    --------
    >>> from_unconstrained([-0.2, 0.8, 0.0, 0.0, 0.0])
    MixtureParams(weights=[0.5, 0.5], means=[-0.2, 0.8], sds=[1, 1])
    """
    theta = as_vector(theta, "theta")
    weights, means, sds = _weights_means_sds(theta, _n_components(theta))
    if not np.all(np.isfinite(sds) & (sds > 0)):
        raise ValueError(f"theta: log sds {theta[means.size:2 * means.size].tolist()} give sds "
                         "that are 0 or overflow")
    return MixtureParams(weights, means, sds)


def _weights_means_sds(theta, k):
    """The three parameter arrays of an unchecked theta (``from_unconstrained`` checks them)."""
    means, log_sds, log_weights = _unpack(theta, k)
    with np.errstate(over="ignore", under="ignore"):
        sds = np.exp(log_sds)
    # a log weight ratio below about -745 underflows to weight 0: keep it the smallest positive
    weights = np.maximum(np.exp(log_weights), np.finfo(np.float64).tiny)
    return weights, means, sds


def _total_log_density_of_two(terms):
    """``normalise_rows_in_place(terms).sum()`` for K = 2 without the responsibilities, bit for
    bit: with ``m`` the larger term the two exponentials are exactly 1 and ``exp(smaller - m)``,
    so one ``exp`` per point does (Nelder-Mead evaluates only values, hundreds of times)."""
    a0, a1 = terms
    shift = np.maximum(a0, a1)
    np.minimum(a0, a1, out=a0)
    a0 -= shift
    np.exp(a0, out=a0)
    a0 += 1.0
    np.reciprocal(a0, out=a0)
    np.log(a0, out=a0)
    np.subtract(shift, a0, out=shift)
    return float(shift.sum())


def _negloglik_and_grad(theta, x, k, want_grad=True):
    means, log_sds, log_weights = _unpack(theta, k)
    terms = weighted_component_logpdf(x, log_weights, means, log_sds)
    if not want_grad and k == 2:
        return -_total_log_density_of_two(terms)
    log_density = normalise_rows_in_place(terms)
    value = -float(log_density.sum())
    if not want_grad:
        return value
    resp = terms
    inv_sds = np.exp(-log_sds)
    grad_means = np.empty(k)
    grad_log_sds = np.empty(k)
    for j in range(k):
        z = (x - means[j]) * inv_sds[j]
        weighted_z = resp[j] * z
        grad_means[j] = weighted_z.sum() * inv_sds[j]
        grad_log_sds[j] = weighted_z @ z - resp[j].sum()
    mass = resp[:-1].sum(axis=1)
    grad_eta = mass - x.size * np.exp(log_weights[:-1])
    return value, -np.concatenate([grad_means, grad_log_sds, grad_eta])


_LOG_SD_RANGE = (float(np.log(np.finfo(np.float64).tiny)), float(np.log(np.finfo(np.float64).max)))


def _checked_theta_and_x(theta, x):
    theta = as_vector(theta, "theta")
    k = _n_components(theta)
    log_sds = theta[k : 2 * k]
    lo, hi = _LOG_SD_RANGE
    bad = (log_sds < lo) | (log_sds > hi)
    if np.any(bad):
        # exp() of those is 0 or overflows, and 1 / sd then turns the log-density into NaN
        raise ValueError(
            f"theta: log sds must lie in [{lo:.1f}, {hi:.1f}] (sds that are normal floats), "
            f"got {log_sds[bad].tolist()}"
        )
    return theta, as_data(x), k


def negloglik(theta, x) -> float:
    """Total negative log-likelihood of ``x`` at unconstrained parameters ``theta``.

    Parameters
    ----------
    theta : 1-D array-like of length 3K - 1 (see the module docstring for the layout)
    x : 1-D array-like of real numbers

    Returns
    -------
    float

    Examples
    --------
    >>> round(negloglik([0.0, 0.0, 0.0, 0.0, 0.0], [0.0]), 4)
    0.9189
    """
    theta, x, k = _checked_theta_and_x(theta, x)
    return _negloglik_and_grad(theta, x, k, want_grad=False)


def negloglik_grad(theta, x) -> np.ndarray:
    """Analytic gradient of ``negloglik`` with respect to ``theta``.

    With responsibilities ``r_ik`` and ``z_ik = (x_i - mu_k) / sd_k``, the log-likelihood has
    ``d/d mu_k = sum_i r_ik z_ik / sd_k``, ``d/d log sd_k = sum_i r_ik (z_ik^2 - 1)`` and
    ``d/d log(w_k / w_K) = sum_i r_ik - n w_k``; this returns minus those.

    Parameters
    ----------
    theta : 1-D array-like of length 3K - 1
    x : 1-D array-like of real numbers

    Returns
    -------
    numpy.ndarray of length 3K - 1

    Examples
    --------
    >>> negloglik_grad([0.0, 0.0, 0.0, 0.0, 0.0], [1.0]).tolist()
    [-0.5, -0.5, -0.0, -0.0, -0.0]
    """
    theta, x, k = _checked_theta_and_x(theta, x)
    return _negloglik_and_grad(theta, x, k)[1]


def _hessian(theta, x, k, step=1e-5):
    """Central differences of the analytic gradient, symmetrised."""
    size = theta.size
    hess = np.empty((size, size))
    for j in range(size):
        delta = np.zeros(size)
        delta[j] = step
        hess[j] = (
            _negloglik_and_grad(theta + delta, x, k)[1] - _negloglik_and_grad(theta - delta, x, k)[1]
        ) / (2 * step)
    return 0.5 * (hess + hess.T)


class _Objective:
    """The negative log-likelihood that ``fit_direct`` hands to ``minimize``, on standardised data.

    The log sds are clipped to ``[log floor, log(1e6)]`` inside the objective, so every method
    honours ``min_sd`` (with or without bounds) and no method can overflow an sd; clipping
    leaves every point inside the range bit-for-bit unchanged. With ``equal_sds`` the optimiser
    sees one log sd (theta of length 2K), expanded to K equal ones here.
    """

    # The history records the log-likelihood at every iterate, which the optimiser has always
    # evaluated already (Nelder-Mead's best vertex, a line search's accepted point): remember the
    # latest values so recording costs no second pass over the data (a third of Nelder-Mead's time).
    _REMEMBERED = 64

    def __init__(self, x_std, k, log_floor, equal_sds):
        self.x, self.k, self.equal_sds = x_std, k, equal_sds
        self.lo, self.hi = log_floor, np.log(_MAX_SD_STD)
        self._values = {}

    def full_theta(self, t):
        """The 3K - 1 unconstrained coordinates (clipped) for the optimiser's ``t``."""
        k = self.k
        log_sds = t[k : k + 1].repeat(k) if self.equal_sds else t[k : 2 * k]
        log_sds = np.minimum(np.maximum(log_sds, self.lo), self.hi)  # np.clip, without its overhead
        rest = t[k + 1 :] if self.equal_sds else t[2 * k :]
        return np.concatenate([t[:k], log_sds, rest])

    def reduce(self, theta):
        """The optimiser's coordinates for a full theta (inverse of ``full_theta`` in range)."""
        k = self.k
        if not self.equal_sds:
            return theta.copy()
        return np.concatenate([theta[:k], [np.mean(theta[k : 2 * k])], theta[2 * k :]])

    def _remember(self, t, value):
        if len(self._values) >= self._REMEMBERED:
            del self._values[next(iter(self._values))]
        self._values[np.asarray(t, dtype=float).tobytes()] = value
        return value

    def value(self, t):
        known = self._values.get(np.asarray(t, dtype=float).tobytes())
        if known is not None:
            return known
        with np.errstate(over="ignore", under="ignore"):
            value = _negloglik_and_grad(self.full_theta(t), self.x, self.k, want_grad=False)
        return self._remember(t, value)

    def value_and_grad(self, t):
        k = self.k
        with np.errstate(over="ignore", under="ignore"):
            value, grad = _negloglik_and_grad(self.full_theta(t), self.x, k)
        self._remember(t, value)
        sd_part = t[k : k + 1] if self.equal_sds else t[k : 2 * k]
        inside = (sd_part >= self.lo) & (sd_part <= self.hi)
        if self.equal_sds:
            grad = np.concatenate([grad[:k], [grad[k : 2 * k].sum()], grad[2 * k :]])
            grad[k] *= inside[0]
        else:
            grad[k : 2 * k] *= inside
        return value, grad

    def hessian(self, t, step=1e-5):
        """Central differences of the gradient, symmetrised."""
        size = t.size
        hess = np.empty((size, size))
        for j in range(size):
            delta = np.zeros(size)
            delta[j] = step
            hess[j] = (self.value_and_grad(t + delta)[1] - self.value_and_grad(t - delta)[1]) / (
                2 * step
            )
        return 0.5 * (hess + hess.T)

    def free_gradient(self, t):
        """The gradient without components held at the floor (those are reported as degenerate)."""
        k = self.k
        grad = self.value_and_grad(t)[1]
        n_sd = 1 if self.equal_sds else k
        at_floor = self.full_theta(t)[k : 2 * k] <= self.lo + 1e-6
        # a component on the floor has a spike's curvature: its mean's gradient is noise too
        grad[:k][at_floor] = 0.0
        grad[k : k + n_sd][at_floor[:n_sd]] = 0.0
        return grad


def fit_direct(
    x,
    init=None,
    *,
    k=None,
    method="L-BFGS-B",
    min_sd=None,
    use_gradient=True,
    tol=None,
    options=None,
    n_init=1,
    rng=None,
    callback=None,
    equal_sds=False,
) -> FitResult:
    """Maximise the likelihood with ``scipy.optimize.minimize`` in unconstrained coordinates.

    Parameters
    ----------
    x : 1-D array-like of real numbers, at least ``k`` points, not all equal
    init : MixtureParams or None
        The start; ``None`` uses the same data-driven start as ``fit_em``.
    k : int >= 1 or None, number of components when ``init`` is None (``None``: 2); with
        ``init``, a ``k`` that differs from ``init.k`` raises ``ValueError``
    method : str
        Any ``scipy.optimize.minimize`` method name ("Nelder-Mead", "Powell", "BFGS", ...).
    min_sd : float > 0, None or "rounding"
        Floor on the sds in data units (``None``: ``1e-6 * std(x)``; "rounding" as in
        ``fit_em``). Methods that accept bounds get it as a bound on the log sds; for every
        method the objective clips the log sds at the floor, so no fitted sd is below it.
    use_gradient : bool
        Pass the analytic gradient to methods that use one; ``False`` lets scipy use finite
        differences instead.
    tol, options : passed to ``minimize``.
    n_init : int >= 1, number of starts (as in ``fit_em``); the best optimum is kept.
    rng : None, int seed or numpy.random.Generator, for the extra starts.
    callback : callable or None, called as ``callback(iteration, params, log_likelihood)``.
    equal_sds : bool
        One common sd for all components (the optimiser sees a single log sd); pass the same
        flag to ``aic``/``bic``.

    Returns
    -------
    FitResult
        ``converged`` is what ``minimize`` reported as ``success``: check the gradient
        (``negloglik_grad``) before you trust it. ``history`` holds the log-likelihood at the
        start and after each iteration; ``nfev`` counts objective evaluations. ``degenerate``
        lists what is wrong with a degenerate fit (empty otherwise).

    Warns
    -----
    ConvergenceWarning if the gradient at the result is not small (more than 1e-3 per point in
    standardised coordinates), whatever ``minimize`` reported: a "precision loss" failure at the
    maximum is no warning, a "success" far from it is; DegenerateFitWarning as in
    ``fit_em``. No RuntimeWarning from the optimiser's trial points escapes.

    Notes
    -----
    The optimisation runs on standardised data (``(x - mean) / std``) and maps back; the
    likelihood's maximiser is the same, and the optimiser's numbers stay near 1.

    Examples
    --------
    >>> import mixlib
    >>> truth, n, p0 = mixlib.datasets.original_example()
    >>> x = mixlib.sample(truth, n, rng=1)
    >>> fit = mixlib.fit_direct(x, p0)
    >>> abs(fit.log_likelihood - mixlib.fit_em(x, p0).log_likelihood) < 1e-6
    True
    """
    x, k, min_sd, n_init, rng = check_fit_inputs(x, init, k, min_sd, n_init, callback, rng)
    if not isinstance(method, str):
        raise TypeError(f"method: expected a minimize method name, got {type(method).__name__}")
    tol = None if tol is None else check_positive_float(tol, "tol")
    name = method.lower()

    scaling = Scaling.of(x)
    x_std = scaling.standardise(x)
    floor = scaling.min_sd_std(min_sd)
    equal_sds = bool(equal_sds)
    objective = _Objective(x_std, k, np.log(floor), equal_sds)
    n_sd = 1 if equal_sds else k
    bounds = None
    if name in _BOUNDED_METHODS:
        bounds = [(None, None)] * k + [(objective.lo, None)] * n_sd + [(None, None)] * (k - 1)

    def loglik_in_data_units(t):
        return float(scaling.loglik_from_std(-objective.value(t)))

    def params_of(t):
        # from_unconstrained and then params_from_std, without their checks: the clipped log sds
        # and the softmax's weights are valid by construction (the callback sees every iterate)
        weights, means, sds = _weights_means_sds(objective.full_theta(t), k)
        return MixtureParams._valid(weights, scaling.centre + scaling.scale * means,
                                    scaling.scale * sds)

    best, best_rank = None, None
    for start in starting_points(x, k, init, n_init, rng):
        theta0 = objective.reduce(to_unconstrained(scaling.params_to_std(start)))
        # the start's sds may sit below the floor (a start is the user's): lift them onto it
        theta0[k : k + n_sd] = np.maximum(theta0[k : k + n_sd], objective.lo)
        history = [loglik_in_data_units(theta0)]

        def record(theta):
            history.append(loglik_in_data_units(theta))
            if callback is not None:
                callback(len(history) - 1, params_of(theta), history[-1])

        if name in _LEGACY_CALLBACK_METHODS:
            def on_iteration(xk, *_):
                record(np.asarray(xk))
        else:
            def on_iteration(intermediate_result):
                record(np.asarray(intermediate_result.x))

        if use_gradient and name in _GRADIENT_METHODS:
            fun, jac = objective.value_and_grad, True
        else:
            fun, jac = objective.value, None
        hess = objective.hessian if name in _HESSIAN_METHODS else None
        with warnings.catch_warnings():
            # minimize warns when a bounded method is unbounded in some coordinates; expected here
            warnings.filterwarnings("ignore", message=".*Initial guess is not within.*")
            # trial points far out (finite differences, line searches) overflow: the objective
            # returns inf there and the optimiser backs off, so the warnings say nothing new
            warnings.simplefilter("ignore", RuntimeWarning)
            with np.errstate(all="ignore"):
                res = optimize.minimize(
                    fun, theta0, jac=jac, hess=hess, method=method, bounds=bounds, tol=tol,
                    options=options, callback=on_iteration,
                )
        t_final = np.asarray(res.x, dtype=float)
        theta_std = objective.full_theta(t_final)
        m_std, ls_std, lw_std = _unpack(theta_std, k)
        problems = degeneracies(np.exp(lw_std), m_std, np.exp(ls_std), x.size, floor,
                                scaling.component_to_data)
        final = -float(objective.value(t_final))
        rank = (not problems, final)
        if best is None or rank > best_rank:
            best, best_rank = (final, res, t_final, np.array(history), problems), rank
    final, res, t_final, history, degenerate = best
    fitted = params_of(t_final)
    params = MixtureParams(fitted.weights, fitted.means, fitted.sds)  # the result is checked
    history = history.copy()
    history.setflags(write=False)
    message = str(res.message)
    with np.errstate(all="ignore"):
        gradient = objective.free_gradient(t_final)
    steep = not np.all(np.abs(gradient) <= _GRADIENT_TOL_PER_POINT * x.size)
    # The warning follows the gradient, not minimize's own flag: whether a line search reports
    # "precision loss" at the maximum depends on the CPU's rounding, the gradient does not.
    if steep:
        reported = "" if res.success else f" (minimize also reported failure: {message})"
        warnings.warn(
            f"fit_direct: {method} did not reach a maximum: the gradient at the result is not small "
            f"(largest component {np.abs(gradient).max() / x.size:.2g} per point){reported}; "
            "try fit_em, another method, a smaller tol or another start",
            ConvergenceWarning,
            stacklevel=2,
        )
    message = warn_if_degenerate("fit_direct", degenerate, message)
    return FitResult(
        params=params,
        log_likelihood=float(scaling.loglik_from_std(final)),
        n_iter=int(getattr(res, "nit", len(history) - 1)),
        converged=bool(res.success),
        message=message,
        history=history,
        nfev=int(res.nfev) if getattr(res, "nfev", None) is not None else None,
        method=method,
        degenerate=degenerate,
        equal_sds=equal_sds,
    )


@dataclass(frozen=True)
class StandardErrors:
    """Standard errors of a fit's weights, means and sds (arrays of length K)."""

    weights: np.ndarray
    means: np.ndarray
    sds: np.ndarray


def standard_errors(x, params) -> StandardErrors:
    """Standard errors from the observed information at a maximum of the likelihood.

    The observed information is the Hessian of ``negloglik`` in ``theta`` (central differences of
    the analytic gradient, on standardised data); its inverse is mapped to weights, means and sds
    by the delta method.

    Parameters
    ----------
    x : 1-D array-like of real numbers (the data the fit used)
    params : MixtureParams, a maximum of the likelihood (for example ``fit.params``)

    Returns
    -------
    StandardErrors with arrays ``weights``, ``means`` and ``sds``

    Raises
    ------
    ValueError if the information is not positive definite (``params`` is not a maximum).

    Examples
    --------
    >>> import mixlib
    >>> truth, n, p0 = mixlib.datasets.original_example()
    >>> x = mixlib.sample(truth, n, rng=1)
    >>> se = standard_errors(x, mixlib.fit_em(x, p0).params)
    >>> bool(0 < se.means[0] < 0.02)
    True
    """
    params = check_params(params)
    x = as_data(x, min_points=params.k)
    k = params.k
    scaling = Scaling.of(x)
    theta_std = to_unconstrained(scaling.params_to_std(params))
    info = _hessian(theta_std, scaling.standardise(x), k)
    try:
        np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        raise ValueError(
            "params: the observed information is not positive definite there, so params is "
            "not a maximum of the likelihood (fit first, then ask for standard errors)"
        ) from None
    cov = np.linalg.inv(info)
    # d(natural)/d(theta_std): means scale by std(x); sds = scale * exp(log sd_std); softmax weights
    w = params.weights
    jac = np.zeros((3 * k, 3 * k - 1))
    jac[:k, :k] = np.diag(np.full(k, scaling.scale))
    jac[k : 2 * k, k : 2 * k] = np.diag(params.sds)
    for j in range(k):
        for m in range(k - 1):
            jac[2 * k + j, 2 * k + m] = w[j] * ((j == m) - w[m])
    var = np.einsum("ij,jk,ik->i", jac, cov, jac)
    se = np.sqrt(np.maximum(var, 0.0))
    return StandardErrors(weights=se[2 * k :], means=se[:k], sds=se[k : 2 * k])
