"""MAP-EM with a conjugate prior (mixlib.priors, fit_em/em_step(prior=...)), issue 16, notebook 08."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from scipy import optimize, stats
from scipy.special import logsumexp

import mixlib
from mixlib import ConvergenceWarning, DegenerateFitWarning, MixtureParams
from mixlib.em import _m_step
from mixlib.priors import ConjugatePrior, log_jacobian
from mixlib.starts import random_start
from test_properties import SETTINGS, cases


@pytest.fixture(scope="module")
def waiting():
    return mixlib.datasets.old_faithful()["waiting"]


def _quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # a near-empty component is flagged, rightly; the prior keeps its sd away from 0
        warnings.simplefilter("ignore", DegenerateFitWarning)
        return mixlib.fit_em(*args, **kwargs)


# ---- the penalised log-likelihood rises every step --------------------------------------------

@SETTINGS
@given(cases())
def test_map_em_never_decreases_the_penalised_log_likelihood(case):
    fit = _quiet_fit(case.x, case.init, max_iter=100, tol=1e-12, prior="default")
    penalised = fit.penalised_history
    assert penalised.shape == fit.history.shape and np.all(np.isfinite(penalised))
    slack = 1e-12 * np.abs(penalised[:-1]) + 1e-9 * case.x.size
    assert np.all(np.diff(penalised) >= -slack), np.diff(penalised).min()
    # the history is in data units: its last value is log L + log prior of the reported params.
    # Evaluated in data units, each point's log-density carries a rounding error of about
    # eps * |offset| / spread (data at 1e8 with spread 1e-4 missed a flat 1e-6 per point).
    per_point = 1e-6 + 1e-16 * abs(case.offset) / case.scale
    assert penalised[-1] == pytest.approx(fit.penalised_log_likelihood, rel=1e-9,
                                          abs=per_point * case.x.size)


@SETTINGS
@given(cases())
def test_map_em_step_never_decreases_the_penalised_log_likelihood(case):
    prior = ConjugatePrior.default(case.x, case.k)
    if abs(case.offset) > 1e6 * case.scale:
        return  # em_step works in data units: at offset/spread > 1e6 rounding swamps the steps

    def penalised(p):
        return mixlib.log_likelihood(case.x, p) + prior.log_density(p)

    p, value = case.init, penalised(case.init)
    for _ in range(10):
        p = mixlib.em_step(case.x, p, prior=prior)
        new = penalised(p)
        assert new >= value - 1e-9 * (abs(value) + case.x.size), (value, new)
        value = new


def test_equal_sds_map_em_never_decreases_the_penalised_log_likelihood(waiting):
    fit = mixlib.fit_em(waiting, k=3, prior="default", equal_sds=True)
    assert np.all(np.diff(fit.penalised_history) >= -1e-9)
    assert np.ptp(fit.params.sds) == 0
    assert fit.penalised_history[-1] == pytest.approx(fit.penalised_log_likelihood, abs=1e-9)


# ---- the collapsing cases of notebooks 05 and 06 ------------------------------------------------

def _sd_bound(prior, n):
    """The MAP variance is at least scale / (n_k + dof + 3) >= scale / (n + dof + 3)."""
    return np.sqrt(prior.scale / (n + prior.dof + 3))


def _collapsing_cases(waiting):
    rounded = np.round(mixlib.sample(mixlib.datasets.original_example()[0], 1000, rng=0))
    tied = np.r_[np.zeros(800), np.random.default_rng(0).normal(5, 1, 200)]
    spike = MixtureParams([0.35, 0.6, 0.05], [54.6, 80.0, 78.0], [5.9, 5.9, 0.5])
    return {
        # notebook 06: a third component on the 15 waits of exactly 78 minutes
        "waiting K=3 spike at 78": (waiting, spike),
        # test_degenerate's review case: K=7 collapses onto the 7 tied values at 73
        "waiting K=7 random start": (waiting, random_start(waiting, 7, np.random.default_rng(1))),
        # the original example rounded to whole numbers: two distinct values
        "two distinct values K=2": (rounded, MixtureParams([0.5, 0.5], [0.0, 1.0], [0.5, 0.5])),
        # 800 tied zeros beside 200 spread values
        "800 tied zeros K=2": (tied, MixtureParams([0.5, 0.5], [0.0, 5.0], [1.0, 1.0])),
    }


@pytest.mark.parametrize("name", ["waiting K=3 spike at 78", "waiting K=7 random start",
                                  "two distinct values K=2", "800 tied zeros K=2"])
def test_default_prior_cures_the_collapsing_cases(waiting, name):
    x, start = _collapsing_cases(waiting)[name]
    with pytest.warns(DegenerateFitWarning, match="sd floor"):
        ml = mixlib.fit_em(x, start)                      # the case does collapse without a prior
    assert ml.params.sds.min() < 1e-4 * np.std(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateFitWarning)
        fit = mixlib.fit_em(x, start, prior="default")
    prior = ConjugatePrior.default(x, start.k)
    assert fit.converged and fit.degenerate == ()
    assert fit.params.sds.min() >= _sd_bound(prior, x.size) * (1 - 1e-12)
    assert fit.params.sds.min() > 0.01 * np.std(x)
    assert fit.prior == prior


def test_default_prior_cures_k7_from_every_start(waiting):
    """Ten random K=7 starts on the rounded waits: none collapses, none warns."""
    prior = ConjugatePrior.default(waiting, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateFitWarning)
        for seed in range(10):
            fit = mixlib.fit_em(waiting, random_start(waiting, 7, np.random.default_rng(seed)),
                                prior=prior)
            assert fit.params.sds.min() > 0.5, (seed, fit.params)


# ---- a vanishing prior gives the ML fit ----------------------------------------------------------

def test_map_fit_tends_to_the_ml_fit_as_the_prior_fades(waiting):
    """A fixed prior against more and more data (the waits repeated m times, whose ML fit is
    the same for every m): the prior's pseudo-counts (shrinkage, dof + 3) weigh 1/m as much and
    the MAP fit approaches the ML fit at rate 1/m."""
    start = MixtureParams([0.4, 0.6], [55.0, 80.0], [6.0, 6.0])
    ml = mixlib.fit_em(waiting, start, tol=1e-13)
    prior = ConjugatePrior.default(waiting, 2)
    distances = []
    for m in [1, 10, 100]:
        fit = mixlib.fit_em(np.tile(waiting, m), start, tol=1e-13, prior=prior)
        distances.append(np.abs(fit.params.to_vector() - ml.params.to_vector()).max())
    assert distances[0] > 0.05                      # the prior moves the fit at m = 1
    scaled = np.array(distances) * [1, 10, 100]     # rate 1/m: m x distance stays put
    assert scaled.max() < 1.5 * scaled.min(), distances
    assert distances[2] < 0.01


def test_weak_hyperparameters_leave_only_the_dof_plus_three(waiting):
    """shrinkage, scale -> 0 with dof -> 0: the means and weights reach the ML fit's, and every
    variance is the ML-style W_k / (n_k + 3) (the 3 from the prior's powers of sigma^2)."""
    start = MixtureParams([0.4, 0.6], [55.0, 80.0], [6.0, 6.0])
    ml = mixlib.fit_em(waiting, start, tol=1e-13)
    weak = ConjugatePrior(float(np.mean(waiting)), 1e-10, 1e-10, 1e-10)
    fit = mixlib.fit_em(waiting, start, tol=1e-13, prior=weak)
    np.testing.assert_allclose(fit.params.means, ml.params.means, atol=0.05)
    np.testing.assert_allclose(fit.params.weights, ml.params.weights, atol=0.01)
    resp = mixlib.responsibilities(waiting, fit.params).T
    mass = resp.sum(axis=1)
    scatter = (resp * (waiting - fit.params.means[:, None]) ** 2).sum(axis=1)
    np.testing.assert_allclose(fit.params.sds ** 2, scatter / (mass + 3), rtol=1e-6)


# ---- the MAP M-step is the maximiser of its objective ---------------------------------------------

def _m_step_objective(theta, x, resp, prior, equal_sds):
    """-(E[log complete-data likelihood] + log prior) in (means, log sds, weight logits)."""
    k = resp.shape[0]
    means = theta[:k]
    log_sds = np.full(k, theta[k]) if equal_sds else theta[k:2 * k]
    logits = np.r_[theta[-(k - 1):], 0.0] if k > 1 else np.zeros(1)
    log_weights = logits - logsumexp(logits)
    params = MixtureParams(np.exp(log_weights), means, np.exp(log_sds))
    log_terms = log_weights[:, None] + stats.norm.logpdf(x, means[:, None], np.exp(log_sds)[:, None])
    return -(np.sum(resp * log_terms) + prior.log_density(params, equal_sds=equal_sds))


@pytest.mark.parametrize("equal_sds", [False, True])
@pytest.mark.parametrize("dirichlet", [1.0, 3.5])
def test_map_m_step_matches_numerical_maximisation(equal_sds, dirichlet):
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(-1, 0.5, 40), rng.normal(2, 1, 25), 2.0 * np.ones(5)]
    k = 3
    resp = rng.dirichlet(np.ones(k), size=x.size).T.copy()
    prior = ConjugatePrior(0.3, 0.7, 2.5, 0.4, dirichlet=dirichlet)
    weights, means, sds = _m_step(x, resp, 1e-300, equal_sds=equal_sds, prior=prior)
    log_weights = np.log(weights)
    theta0 = np.r_[means, np.log(sds[:1] if equal_sds else sds), (log_weights - log_weights[-1])[:-1]]
    start = theta0 + rng.normal(0, 0.3, theta0.size)
    best = optimize.minimize(_m_step_objective, start, args=(x, resp, prior, equal_sds),
                             method="BFGS", options={"gtol": 1e-10})
    closed = _m_step_objective(theta0, x, resp, prior, equal_sds)
    assert closed <= best.fun + 1e-9                 # no point scipy finds is better
    np.testing.assert_allclose(best.x, theta0, atol=1e-5)


def test_log_density_matches_scipy():
    prior = ConjugatePrior(1.0, 0.5, 4.0, 2.0, dirichlet=2.0)
    p = MixtureParams([0.2, 0.3, 0.5], [0.0, 1.5, -2.0], [0.5, 1.0, 2.0])
    v = p.sds ** 2
    expected = (stats.norm.logpdf(p.means, 1.0, np.sqrt(v / 0.5)).sum()
                + stats.invgamma.logpdf(v, 2.0, scale=1.0).sum()
                + stats.dirichlet.logpdf(p.weights, [2.0, 2.0, 2.0]))
    assert prior.log_density(p) == pytest.approx(expected, rel=1e-12)
    same = MixtureParams(p.weights, p.means, [1.0, 1.0, 1.0])
    expected_equal = (stats.norm.logpdf(p.means, 1.0, np.sqrt(1 / 0.5)).sum()
                      + stats.invgamma.logpdf(1.0, 2.0, scale=1.0)
                      + stats.dirichlet.logpdf(p.weights, [2.0, 2.0, 2.0]))
    assert prior.log_density(same, equal_sds=True) == pytest.approx(expected_equal, rel=1e-12)


def test_log_jacobian_maps_standardised_log_density_to_data_units():
    prior = ConjugatePrior(70.0, 0.01, 3.0, 20.0)
    p = MixtureParams([0.4, 0.6], [55.0, 80.0], [6.0, 5.0])
    centre, spread = 71.0, 13.5
    p_std = MixtureParams(p.weights, (p.means - centre) / spread, p.sds / spread)
    for equal_sds in (False, True):
        q, q_std = (p, p_std) if not equal_sds else (
            MixtureParams(p.weights, p.means, [6.0, 6.0]),
            MixtureParams(p.weights, p_std.means, [6.0 / spread] * 2))
        data_units = prior.log_density(q, equal_sds=equal_sds)
        std_units = prior.standardised(centre, spread).log_density(q_std, equal_sds=equal_sds)
        assert data_units == pytest.approx(
            std_units + log_jacobian(spread, 2, equal_sds), rel=1e-12)


def test_fit_is_equivariant_with_the_prior(waiting):
    """Fitting a + b x with the prior mapped the same way gives the mapped fit."""
    a, b = -3.0, 0.25
    prior = ConjugatePrior(70.0, 0.05, 3.0, 30.0)
    mapped = ConjugatePrior(a + b * 70.0, 0.05, 3.0, 30.0 * b**2)
    fx = mixlib.fit_em(waiting, k=3, prior=prior, tol=1e-12)
    fy = mixlib.fit_em(a + b * waiting, k=3, prior=mapped, tol=1e-12)
    np.testing.assert_allclose(fy.params.means, a + b * fx.params.means, rtol=1e-7)
    np.testing.assert_allclose(fy.params.sds, b * fx.params.sds, rtol=1e-6)
    np.testing.assert_allclose(fy.params.weights, fx.params.weights, atol=1e-7)


def test_em_step_with_prior_agrees_with_fit_em(waiting):
    start = MixtureParams([0.4, 0.6], [55.0, 80.0], [6.0, 6.0])
    steps = []
    fit = mixlib.fit_em(waiting, start, max_iter=5, tol=1e-300, prior="default",
                        callback=lambda i, p, ll: steps.append(p))
    p = start
    for _ in range(5):
        p = mixlib.em_step(waiting, p, prior="default")
    np.testing.assert_allclose(p.to_vector(), fit.params.to_vector(), rtol=1e-9)
    np.testing.assert_allclose(steps[-1].to_vector(), fit.params.to_vector(), rtol=1e-12)


def test_default_prior_is_fraley_and_raftery(waiting):
    prior = ConjugatePrior.default(waiting, 3)
    assert prior.mean == pytest.approx(np.mean(waiting))
    assert prior.scale == pytest.approx(np.var(waiting, ddof=1) / 9)
    assert (prior.shrinkage, prior.dof, prior.dirichlet) == (0.01, 3.0, 1.0)
    assert mixlib.fit_em(waiting, k=3, prior="default").prior == prior


def test_ml_fit_has_no_prior(waiting):
    fit = mixlib.fit_em(waiting, k=2)
    assert fit.prior is None and fit.penalised_history is None
    assert fit.log_prior == 0.0 and fit.penalised_log_likelihood == fit.log_likelihood
    assert "penalised" not in fit.message
    assert "penalised" in mixlib.fit_em(waiting, k=2, prior="default").message


def test_choose_k_with_prior_scores_the_map_fits(waiting):
    rows = mixlib.choose_k(waiting, [1, 2, 3], n_init=2, n_folds=3, rng=0, prior="default")
    for row in rows:
        assert row.fit.prior == ConjugatePrior.default(waiting, row.k)
        assert row.bic == pytest.approx(mixlib.bic(waiting, row.fit.params))
    assert min(rows, key=lambda r: r.bic).k == 2


# ---- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    ({"shrinkage": 0.0}, ValueError, r"^shrinkage: must be a finite number > 0, got 0.0"),
    ({"dof": -1.0}, ValueError, r"^dof: must be a finite number > 0"),
    ({"scale": float("nan")}, ValueError, r"^scale: must be a finite number > 0, got nan"),
    ({"scale": float("inf")}, ValueError, r"^scale: must be a finite number > 0, got inf"),
    ({"dirichlet": 0.5}, ValueError, r"^dirichlet: must be a finite number >= 1, got 0.5"),
    ({"mean": float("nan")}, ValueError, r"^mean: must be a finite number, got nan"),
    ({"mean": "70"}, TypeError, r"^mean: expected a number, got str"),
    ({"dof": True}, TypeError, r"^dof: expected a number, got bool"),
])
def test_bad_hyperparameters(kwargs, error, message):
    good = {"mean": 0.0, "shrinkage": 0.01, "dof": 3.0, "scale": 1.0}
    with pytest.raises(error, match=message):
        ConjugatePrior(**{**good, **kwargs})


@pytest.mark.parametrize("prior, error, message", [
    ("mclust", ValueError, r"^prior: expected None, 'default' or a ConjugatePrior, got 'mclust'"),
    (3.0, TypeError, r"^prior: expected None, 'default' or a ConjugatePrior, got float"),
    ({"shrinkage": 0.01}, TypeError, r"^prior: .* got dict"),
])
def test_bad_prior_argument(waiting, prior, error, message):
    with pytest.raises(error, match=message):
        mixlib.fit_em(waiting, k=2, prior=prior)
    with pytest.raises(error, match=message):
        mixlib.em_step(waiting, MixtureParams([0.5, 0.5], [50, 80], [5, 5]), prior=prior)


def test_default_prior_bad_data():
    with pytest.raises(ValueError, match="^x: all values are identical"):
        ConjugatePrior.default([2.0, 2.0, 2.0], 2)
    with pytest.raises(ValueError, match="^x: contains 1 NaN value"):
        ConjugatePrior.default([1.0, np.nan, 2.0], 2)
    with pytest.raises(ValueError, match="^k: must be >= 1"):
        ConjugatePrior.default([1.0, 2.0], 0)


# ---- the anchor: R's mclust with priorControl() ------------------------------------------------

def test_map_fit_agrees_with_mclust():
    """notebooks/data/mclust_faithful_prior.json: Mclust(x, G=2, modelNames="V",
    prior=priorControl()) at a tight tolerance, on both Old Faithful variables."""
    import json
    from pathlib import Path

    recorded = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "data"
                           / "mclust_faithful_prior.json").read_text())
    data = mixlib.datasets.old_faithful()
    for record in recorded["fits"]:
        x = data[record["variable"]]
        hyper = record["default_prior_k2"]
        prior = ConjugatePrior.default(x, 2)
        assert (prior.shrinkage, prior.dof) == (hyper["shrinkage"], hyper["dof"])
        assert prior.mean == pytest.approx(hyper["mean"], rel=1e-13)
        assert prior.scale == pytest.approx(hyper["scale"], rel=1e-13)
        r = record["map_k2_tight_tol"]
        fit = mixlib.fit_em(x, k=2, prior="default", tol=1e-14).params.sorted_by_mean()
        np.testing.assert_allclose(fit.weights, r["weights"], rtol=1e-6)
        np.testing.assert_allclose(fit.means, r["means"], rtol=1e-7)
        np.testing.assert_allclose(fit.sds ** 2, r["variances"], rtol=1e-6)
        assert mixlib.log_likelihood(x, fit) == pytest.approx(r["log_likelihood"], abs=1e-6)
        # mclust's BIC is minus ours
        assert -mixlib.bic(x, fit) == pytest.approx(r["bic"], abs=1e-5)
