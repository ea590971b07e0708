"""fit_direct, the unconstrained coordinates, negloglik and its gradient, standard errors."""

import numpy as np
import pytest
from scipy import optimize

import mixlib
from mixlib import FitResult, MixtureParams

# method -> (log-likelihood tolerance below the EM optimum, parameter tolerance)
METHODS = {
    "L-BFGS-B": (1e-6, 1e-4),
    "BFGS": (1e-6, 1e-4),
    "CG": (1e-6, 1e-4),
    "Newton-CG": (1e-6, 1e-4),
    "TNC": (1e-6, 1e-4),
    "SLSQP": (1e-5, 1e-4),
    "trust-constr": (1e-6, 1e-4),
    "trust-exact": (1e-6, 1e-4),
    "trust-ncg": (1e-6, 1e-4),
    # derivative-free: slower to pin the optimum down
    "Nelder-Mead": (1e-5, 1e-4),
    "Powell": (1e-4, 1e-3),
    "COBYQA": (1e-6, 1e-4),
    "COBYLA": (1e-3, 1e-3),
}


@pytest.fixture(scope="module")
def em_optimum(original):
    _, _, p0, x = original
    return mixlib.fit_em(x, p0, tol=1e-13)


@pytest.mark.parametrize("method", METHODS)
def test_methods_reach_the_maximum(original, em_optimum, method):
    _, _, p0, x = original
    ll_tol, p_tol = METHODS[method]
    fit = mixlib.fit_direct(x, p0, method=method)
    assert isinstance(fit, FitResult) and fit.method == method
    # not fit.converged: scipy's success flag depends on the CPU's rounding (CG reports precision
    # loss on some CPUs at the same optimum); the likelihood and parameters below are what count
    assert fit.log_likelihood <= em_optimum.log_likelihood + 1e-7
    assert fit.log_likelihood >= em_optimum.log_likelihood - ll_tol
    np.testing.assert_allclose(
        fit.params.to_vector(), em_optimum.params.to_vector(), rtol=0, atol=p_tol
    )
    assert fit.log_likelihood == pytest.approx(mixlib.log_likelihood(x, fit.params), rel=1e-12)
    assert fit.nfev is not None and fit.nfev >= 1
    assert fit.history.ndim == 1 and fit.history.size >= 2
    assert fit.history[0] == pytest.approx(mixlib.log_likelihood(x, p0), rel=1e-12)


@pytest.mark.parametrize("method", ["L-BFGS-B", "BFGS", "CG"])
def test_use_gradient_false_uses_finite_differences(original, em_optimum, method):
    _, _, p0, x = original
    with_grad = mixlib.fit_direct(x, p0, method=method)
    without = mixlib.fit_direct(x, p0, method=method, use_gradient=False)
    # finite differences cost 3K-1 extra evaluations per gradient
    assert without.nfev > with_grad.nfev
    assert without.log_likelihood == pytest.approx(em_optimum.log_likelihood, abs=1e-5)
    np.testing.assert_allclose(
        without.params.to_vector(), em_optimum.params.to_vector(), atol=1e-3
    )


def test_callback_and_history(original):
    _, _, p0, x = original
    calls = []
    fit = mixlib.fit_direct(x, p0, callback=lambda i, p, ll: calls.append((i, p, ll)))
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1))
    assert len(calls) == fit.history.size - 1
    np.testing.assert_allclose([c[2] for c in calls], fit.history[1:])
    i, p, ll = calls[-1]
    assert isinstance(p, MixtureParams)
    assert mixlib.log_likelihood(x, p) == pytest.approx(ll, rel=1e-11)
    assert fit.history[-1] == pytest.approx(fit.log_likelihood, abs=1e-9)


def test_callback_params_pass_the_checks_they_skip(original):
    """The callback's params are built unchecked (fast): each must be what the checked
    constructor accepts, and give the log-likelihood reported beside it."""
    _, _, p0, x = original
    calls = []
    mixlib.fit_direct(x, p0, method="Nelder-Mead", min_sd=0.01,
                      callback=lambda i, p, ll: calls.append((p, ll)))
    assert len(calls) > 100
    for p, ll in calls[::25]:
        checked = MixtureParams(p.weights, p.means, p.sds)
        assert checked.sds.min() >= 0.01 * (1 - 1e-12)
        assert not p.weights.flags.writeable
        assert mixlib.log_likelihood(x, checked) == pytest.approx(ll, rel=1e-11)


def test_two_component_value_path_is_the_general_one_bit_for_bit(original):
    """Values alone (Nelder-Mead, Powell) take one exp per point for K = 2; the numbers are
    the general log-sum-exp's exactly, ties, far tails and underflow included."""
    from mixlib.density import normalise_rows_in_place, weighted_component_logpdf
    from mixlib.direct import _total_log_density_of_two, _unpack

    _, _, _, x = original
    x = np.concatenate([x, [50.0, -1e4]])
    rng = np.random.default_rng(11)
    thetas = [rng.normal(0.0, 3.0, 5) for _ in range(300)] + [np.array([0.2, 0.2, -1.0, -1.0, 0.0])]
    for theta in thetas:
        means, log_sds, log_weights = _unpack(theta, 2)
        terms = weighted_component_logpdf(x, log_weights, means, log_sds)
        general = float(normalise_rows_in_place(terms.copy()).sum())
        assert _total_log_density_of_two(terms) == general, theta


@pytest.mark.parametrize("method", ["Nelder-Mead", "TNC", "COBYLA", "trust-constr"])
def test_callback_with_other_methods(original, method):
    _, _, p0, x = original
    seen = []
    mixlib.fit_direct(x, p0, method=method, callback=lambda i, p, ll: seen.append(ll))
    assert len(seen) >= 1 and all(np.isfinite(seen))


def test_options_and_tol_are_passed_to_minimize(original):
    _, _, p0, x = original
    short = mixlib.fit_direct(x, p0, options={"maxiter": 2})
    # Two iterations from p0 cannot reach the maximum on any CPU: the flag is the point here.
    assert short.n_iter <= 2 and not short.converged
    loose = mixlib.fit_direct(x, p0, tol=1e-2)
    tight = mixlib.fit_direct(x, p0, tol=1e-12)
    assert tight.log_likelihood >= loose.log_likelihood - 1e-9


def test_default_start_and_k(original, em_optimum):
    _, _, _, x = original
    fit = mixlib.fit_direct(x)
    assert fit.params.k == 2
    np.testing.assert_allclose(
        fit.params.sorted_by_mean().to_vector(),
        em_optimum.params.sorted_by_mean().to_vector(),
        atol=1e-4,
    )
    assert mixlib.fit_direct(x, k=3).params.k == 3
    assert mixlib.fit_direct(x, k=1).params.means[0] == pytest.approx(np.mean(x), rel=1e-6)


def test_n_init_keeps_the_best(original):
    _, _, _, x = original
    one = mixlib.fit_direct(x, k=3)
    many = mixlib.fit_direct(x, k=3, n_init=4, rng=0)
    assert many.log_likelihood >= one.log_likelihood - 1e-9
    assert mixlib.fit_direct(x, k=3, n_init=4, rng=0).params == many.params


def test_min_sd_is_a_bound(original):
    _, _, p0, x = original
    fit = mixlib.fit_direct(x, p0, min_sd=0.1)
    assert np.all(fit.params.sds >= 0.1 * (1 - 1e-12))
    assert fit.params.sds.min() == pytest.approx(0.1, rel=1e-9)


def test_dogleg_needs_a_convex_start_and_says_so(original):
    _, _, p0, x = original
    fit = mixlib.fit_direct(x, p0, method="dogleg")
    # dogleg refuses a Hessian that is not positive definite, which it is not at p0 on any CPU.
    assert not fit.converged and fit.message
    assert np.isfinite(fit.log_likelihood)


# ---- unconstrained coordinates -----------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_to_from_unconstrained_round_trip(k):
    rng = np.random.default_rng(10 + k)
    p = MixtureParams(rng.dirichlet(np.ones(k)), rng.normal(0, 3, k), rng.uniform(0.01, 5, k))
    theta = mixlib.to_unconstrained(p)
    assert theta.shape == (3 * k - 1,)
    np.testing.assert_allclose(theta[:k], p.means)
    np.testing.assert_allclose(theta[k : 2 * k], np.log(p.sds))
    np.testing.assert_allclose(theta[2 * k :], np.log(p.weights[:-1] / p.weights[-1]))
    q = mixlib.from_unconstrained(theta)
    np.testing.assert_allclose(q.means, p.means, rtol=1e-15)
    np.testing.assert_allclose(q.sds, p.sds, rtol=1e-14)
    np.testing.assert_allclose(q.weights, p.weights, rtol=1e-13)
    theta2 = rng.normal(0, 2, 3 * k - 1)
    np.testing.assert_allclose(mixlib.to_unconstrained(mixlib.from_unconstrained(theta2)), theta2, atol=1e-12)


def test_from_unconstrained_k2_last_entry_is_logit_pi1():
    p = mixlib.from_unconstrained([0.0, 1.0, 0.0, 0.0, np.log(0.3 / 0.7)])
    np.testing.assert_allclose(p.weights, [0.3, 0.7])


def test_from_unconstrained_extreme_log_weight_ratios_still_give_valid_params():
    # exp(-800) underflows: the weight stays positive rather than failing validation
    p = mixlib.from_unconstrained([0.0, 1.0, 0.0, 0.0, -800.0])
    assert np.all(p.weights > 0) and p.weights[1] == 1.0
    p = mixlib.from_unconstrained([0.0, 1.0, 0.0, 0.0, 800.0])
    assert np.all(p.weights > 0) and p.weights[0] == 1.0


@pytest.mark.parametrize("k", [1, 2, 3])
def test_negloglik_is_minus_log_likelihood(original, k):
    _, _, _, x = original
    rng = np.random.default_rng(k)
    theta = np.concatenate([rng.normal(0.3, 0.3, k), rng.normal(-2, 0.3, k), rng.normal(0, 1, k - 1)])
    value = mixlib.negloglik(theta, x)
    assert type(value) is float
    assert value == pytest.approx(-mixlib.log_likelihood(x, mixlib.from_unconstrained(theta)), rel=1e-13)


def test_negloglik_far_point_is_finite():
    theta = mixlib.to_unconstrained(mixlib.datasets.original_example()[0])
    assert np.isfinite(mixlib.negloglik(theta, [1e5]))
    assert np.all(np.isfinite(mixlib.negloglik_grad(theta, [1e5])))


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_negloglik_grad_matches_central_differences(original, k):
    _, _, _, x = original
    rng = np.random.default_rng(20 + k)
    theta = np.concatenate([rng.normal(0.3, 0.3, k), rng.normal(-2, 0.3, k), rng.normal(0, 1, k - 1)])
    grad = mixlib.negloglik_grad(theta, x)
    assert grad.shape == theta.shape
    h = 1e-6
    numeric = np.array(
        [(mixlib.negloglik(theta + h * e, x) - mixlib.negloglik(theta - h * e, x)) / (2 * h)
         for e in np.eye(theta.size)]
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-5 * np.abs(numeric).max())
    np.testing.assert_allclose(
        grad, optimize.approx_fprime(theta, mixlib.negloglik, 1e-7, x), rtol=1e-3,
        atol=1e-3 * np.abs(numeric).max(),
    )


def test_gradient_vanishes_at_the_maximum(original, em_optimum):
    _, _, _, x = original
    grad = mixlib.negloglik_grad(mixlib.to_unconstrained(em_optimum.params), x)
    assert np.abs(grad).max() < 1e-3


def test_minimize_with_the_public_pieces(original, em_optimum):
    """What a notebook does: hand negloglik and negloglik_grad to minimize itself."""
    _, _, p0, x = original
    res = optimize.minimize(
        mixlib.negloglik, mixlib.to_unconstrained(p0), args=(x,), jac=mixlib.negloglik_grad,
        method="BFGS", options={"gtol": 1e-8},
    )
    assert -res.fun == pytest.approx(em_optimum.log_likelihood, abs=1e-6)
    np.testing.assert_allclose(
        mixlib.from_unconstrained(res.x).to_vector(), em_optimum.params.to_vector(), atol=1e-4
    )


# ---- standard errors ---------------------------------------------------------------------------


def test_standard_errors_k1_match_the_closed_form():
    x = np.random.default_rng(0).normal(5.0, 2.0, 4000)
    fit = mixlib.fit_em(x, k=1)
    se = mixlib.standard_errors(x, fit.params)
    sd = fit.params.sds[0]
    assert se.means[0] == pytest.approx(sd / np.sqrt(x.size), rel=1e-5)
    assert se.sds[0] == pytest.approx(sd / np.sqrt(2 * x.size), rel=1e-5)
    assert se.weights[0] == pytest.approx(0.0, abs=1e-12)


def test_standard_errors_k2(original, em_optimum):
    _, _, _, x = original
    se = mixlib.standard_errors(x, em_optimum.params)
    assert isinstance(se, mixlib.StandardErrors)
    for values in (se.weights, se.means, se.sds):
        assert values.shape == (2,) and np.all(np.isfinite(values)) and np.all(values > 0)
    # the two weights move together: equal standard errors
    assert se.weights[0] == pytest.approx(se.weights[1], rel=1e-6)
    # sizes of the right order: sd / sqrt(n_k) for the means
    n_k = em_optimum.params.weights * x.size
    np.testing.assert_allclose(se.means, em_optimum.params.sds / np.sqrt(n_k), rtol=0.5)


def test_standard_errors_scale_with_the_data(original, em_optimum):
    _, _, _, x = original
    p = em_optimum.params
    se = mixlib.standard_errors(x, p)
    scaled = mixlib.standard_errors(
        np.asarray(x) * 1000 + 7, MixtureParams(p.weights, p.means * 1000 + 7, p.sds * 1000)
    )
    np.testing.assert_allclose(scaled.means, se.means * 1000, rtol=1e-5)
    np.testing.assert_allclose(scaled.sds, se.sds * 1000, rtol=1e-5)
    np.testing.assert_allclose(scaled.weights, se.weights, rtol=1e-5)


def test_standard_errors_away_from_a_maximum_raise(original):
    _, _, _, x = original
    # a saddle: two identical components sitting on the overall mean
    saddle = MixtureParams([0.5, 0.5], [np.mean(x)] * 2, [np.std(x)] * 2)
    with pytest.raises(ValueError, match=r"^params: .*not positive definite.*not a maximum"):
        mixlib.standard_errors(x, saddle)


# ---- issue 12 ---------------------------------------------------------------------------------

import warnings  # noqa: E402

from mixlib import ConvergenceWarning, DegenerateFitWarning  # noqa: E402


def test_fit_direct_warns_when_it_misses_a_maximum(original):
    _, _, p0, x = original
    with pytest.warns(ConvergenceWarning, match="fit_direct: L-BFGS-B did not reach a maximum"):
        mixlib.fit_direct(x, p0, options={"maxiter": 2})


@pytest.mark.parametrize("method", ["BFGS", "CG", "Nelder-Mead", "L-BFGS-B"])
def test_min_sd_holds_for_every_method(original, method):
    """Before: BFGS with min_sd=5 fitted sds of 0.97."""
    _, _, p0, x = original
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixlib.fit_direct(x, p0, method=method, min_sd=5.0)
    assert np.all(fit.params.sds >= 5.0 * (1 - 1e-12))


def test_bfgs_on_collapsing_data_keeps_the_floor():
    """Before: sds fell to 1e-39."""
    y = np.r_[np.zeros(10), np.ones(10), np.linspace(0, 1, 5)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixlib.fit_direct(y, k=3, method="BFGS")
    assert fit.params.sds.min() >= 1e-6 * np.std(y) * (1 - 1e-9)


def test_powell_on_two_values_does_not_blame_theta():
    """Before: ValueError 'theta: log sds [88185.98, ...]', an argument the user never passed."""
    y = np.r_[np.zeros(10), np.ones(10)]
    with pytest.raises(ValueError, match="only 2 distinct values"):
        mixlib.fit_direct(y, k=3, method="Powell", n_init=3, rng=1)
    with pytest.warns(DegenerateFitWarning):
        fit = mixlib.fit_direct(y, k=2, method="Powell", n_init=3, rng=1)
    assert np.all(np.isfinite(fit.params.sds))


@pytest.mark.parametrize("k", [2, 3])
def test_cg_on_rounded_data_lets_no_runtime_warning_escape(original, k):
    _, _, _, x = original
    y = np.round(np.asarray(x), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", DegenerateFitWarning)
        fit = mixlib.fit_direct(y, k=k, method="CG", n_init=3, rng=0)
    assert np.isfinite(fit.log_likelihood)


def test_powell_far_sd_is_capped_not_an_error():
    """A component with no data drifts along a flat direction; the sd cap keeps it finite."""
    rng = np.random.default_rng(3)
    y = np.r_[rng.normal(0, 1, 50), rng.normal(8, 1, 50)]
    start = MixtureParams([0.49, 0.49, 0.02], [0, 8, 1e4], [1, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixlib.fit_direct(y, start, method="Powell")
    assert np.all(np.isfinite(fit.params.sds)) and np.isfinite(fit.log_likelihood)


def _natural_negloglik(x, v, k):
    """-log L at natural parameters v = (w_1..w_{K-1}, means, sds), w_K = 1 - sum."""
    w = np.append(v[: k - 1], 1 - v[: k - 1].sum())
    return -mixlib.log_likelihood(x, MixtureParams(w, v[k - 1 : 2 * k - 1], v[2 * k - 1 :]))


def test_standard_errors_match_a_numerical_hessian_in_natural_parameters():
    """Kills the mutation that drops the chain rule for the sds (2.3x too large on Old Faithful)."""
    x = np.asarray(mixlib.datasets.old_faithful()["waiting"], float)
    fit = mixlib.fit_em(x, k=2, tol=1e-14)
    p, k = fit.params, 2
    v = np.concatenate([p.weights[:-1], p.means, p.sds])
    h = 1e-4 * np.maximum(np.abs(v), 1e-2)
    size = v.size
    hess = np.empty((size, size))
    for i in range(size):
        for j in range(size):
            def f(di, dj):
                u = v.copy()
                u[i] += di * h[i]
                u[j] += dj * h[j]
                return _natural_negloglik(x, u, k)
            hess[i, j] = (f(1, 1) - f(1, -1) - f(-1, 1) + f(-1, -1)) / (4 * h[i] * h[j])
    se_num = np.sqrt(np.diag(np.linalg.inv(hess)))
    se = mixlib.standard_errors(x, p)
    np.testing.assert_allclose(se.means, se_num[k - 1 : 2 * k - 1], rtol=1e-3)
    np.testing.assert_allclose(se.sds, se_num[2 * k - 1 :], rtol=1e-3)
    np.testing.assert_allclose(se.weights[:-1], se_num[: k - 1], rtol=1e-3)


def test_no_convergence_warning_at_the_maximum_whatever_minimize_reports(data):
    """Finite-difference BFGS ends on the maximum; on some CPUs scipy calls that 'precision loss'.

    The warning must follow the gradient, which does not depend on the CPU, not scipy's flag.
    """
    x, p0 = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fit = mixlib.fit_direct(x, p0, method="BFGS", use_gradient=False)
    best = mixlib.fit_em(x, p0, tol=1e-13)
    assert fit.log_likelihood == pytest.approx(best.log_likelihood, abs=1e-6)
