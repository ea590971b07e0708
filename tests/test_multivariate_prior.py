"""MAP-EM in d dimensions with mclust's conjugate prior (issue 31), anchored on R's mclust 6.0.0:
notebooks/data/mclust_faithful_prior_2d.json, written by mclust_faithful_prior_2d.R."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.stats

import mixlib
from mixlib import multivariate as mv
from mixlib.priors import MultivariateConjugatePrior

RECORDED = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "data"
                       / "mclust_faithful_prior_2d.json").read_text())
_DATA = mixlib.datasets.old_faithful()
X = np.column_stack([_DATA["eruptions"], _DATA["waiting"]])
FIT_IDS = [f"{f['covariance']}-G{f['G']}" for f in RECORDED["fits"]]


def recorded_params(record):
    return mv.MultivariateParams(record["weights"], record["means"], record["covariances"])


def test_the_recorded_data_are_mixlibs():
    assert RECORDED["data"]["n"] == X.shape[0]
    np.testing.assert_allclose(X.sum(axis=0), [RECORDED["data"]["eruptions_sum"],
                                               RECORDED["data"]["waiting_sum"]], rtol=1e-12)


@pytest.mark.parametrize("record", RECORDED["fits"], ids=FIT_IDS)
def test_default_prior_is_mclusts(record):
    prior = MultivariateConjugatePrior.default(X, record["G"], record["covariance"])
    hyper = record["prior"]
    assert prior.shrinkage == hyper["shrinkage"] and prior.dof == hyper["dof"]
    np.testing.assert_allclose(prior.mean, hyper["mean"], rtol=1e-13)
    scale = np.array(hyper["scale"])
    if scale.shape == (1, 1):  # mclust's scalar for VVI and VII is our scale * I
        scale = scale[0, 0] * np.eye(2)
    np.testing.assert_allclose(prior.scale, scale, rtol=1e-12)


@pytest.mark.parametrize("covariance", list(RECORDED["msteps"]))
def test_map_m_step_is_mclusts(covariance):
    """One M-step from mclust's recorded responsibilities: the update formulas themselves."""
    from mixlib.multivariate.covariance import weighted_covariances
    from mixlib.priors import multivariate_posterior_mode

    z = np.array(RECORDED["z"]).T  # (K, n)
    mass = z.sum(axis=1)
    xbar = z @ X / mass[:, None]
    scatter = weighted_covariances(np.ascontiguousarray(X.T), z, xbar, mass, "full") * mass[:, None, None]
    prior = MultivariateConjugatePrior.default(X, 3, covariance)
    weights, means, covs = multivariate_posterior_mode(prior, mass, xbar, scatter)
    r = RECORDED["msteps"][covariance]
    np.testing.assert_allclose(weights, r["weights"], rtol=1e-12)
    np.testing.assert_allclose(means, r["means"], rtol=1e-12)
    np.testing.assert_allclose(covs, r["covariances"], rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("record", RECORDED["fits"], ids=FIT_IDS)
def test_mclusts_map_fit_is_a_fixed_point_and_mixlib_reaches_it_or_better(record):
    covariance, g = record["covariance"], record["G"]
    theirs = recorded_params(record)
    # mclust's log-likelihood and BIC (its sign) at its own estimate
    assert mv.log_likelihood(X, theirs) == pytest.approx(record["log_likelihood"], abs=1e-8)
    assert -mv.bic(X, theirs, covariance) == pytest.approx(record["bic"], abs=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
        from_theirs = mv.fit_em(X, theirs, covariance=covariance, prior="default", tol=1e-14)
        ours = mv.fit_em(X, k=g, covariance=covariance, prior="default", tol=1e-14, n_init=10,
                         rng=0)
    # MAP-EM started at mclust's estimate stays there: both maximise the same objective (to
    # 1e-6: mclust's diag G = 3 fit stops where the objective is flat, 4e-7 from the mode)
    np.testing.assert_allclose(from_theirs.params.means, theirs.means, rtol=1e-6)
    np.testing.assert_allclose(from_theirs.params.covariances, theirs.covariances, rtol=1e-6,
                               atol=1e-9)
    # mixlib's own fit reaches a penalised log-likelihood at least as high as mclust's
    prior = MultivariateConjugatePrior.default(X, g, covariance)
    theirs_penalised = mv.log_likelihood(X, theirs) + prior.log_density(theirs)
    assert ours.penalised_log_likelihood >= theirs_penalised - 1e-7
    # the penalised history ends at the fit's penalised log-likelihood (the Jacobian is right)
    assert ours.penalised_history[-1] == pytest.approx(ours.penalised_log_likelihood, abs=1e-8)


def test_where_mixlib_finds_a_higher_maximum_than_mclust():
    """Two of the eight recorded fits (full and diag with G = 3) stop at lower maxima in mclust,
    from its hierarchical start; mixlib's ten starts find higher ones. Pin that they differ by
    more than rounding, so the test above is not vacuous."""
    gains = {}
    for record in RECORDED["fits"]:
        theirs = recorded_params(record)
        prior = MultivariateConjugatePrior.default(X, record["G"], record["covariance"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
            ours = mv.fit_em(X, k=record["G"], covariance=record["covariance"],
                             prior="default", tol=1e-14, n_init=10, rng=0)
        gains[(record["covariance"], record["G"])] = (
            ours.penalised_log_likelihood - mv.log_likelihood(X, theirs)
            - prior.log_density(theirs))
    assert {key for key, gain in gains.items() if gain > 0.1} == {("full", 3), ("diag", 3)}


# ---- the prior's density, against scipy ---------------------------------------------------------

def test_log_density_matches_scipy_for_every_structure():
    rng = np.random.default_rng(3)
    mean, kappa, nu = np.array([0.5, -1.0]), 0.3, 5.0
    A = rng.normal(size=(2, 2))
    scale = A @ A.T + np.eye(2)
    covs = [np.array([[2.0, 0.4], [0.4, 1.0]]), np.array([[0.5, -0.1], [-0.1, 0.3]])]
    means = [np.array([1.0, 0.0]), np.array([-2.0, 1.0])]
    for covariance in mv.COVARIANCE_TYPES:
        prior = MultivariateConjugatePrior(mean, kappa, nu, scale, covariance)
        if covariance == "full":
            cs = covs
            expected = sum(scipy.stats.multivariate_normal(mean, c / kappa).logpdf(m)
                           + scipy.stats.invwishart(nu, scale).logpdf(c) for m, c in zip(means, cs))
        elif covariance == "tied":
            cs = [covs[0], covs[0]]
            expected = (sum(scipy.stats.multivariate_normal(mean, cs[0] / kappa).logpdf(m)
                            for m in means) + scipy.stats.invwishart(nu, scale).logpdf(cs[0]))
        elif covariance == "diag":
            cs = [np.diag(np.diag(c)) for c in covs]
            expected = sum(scipy.stats.norm(mean[j], np.sqrt(c[j, j] / kappa)).logpdf(m[j])
                           + scipy.stats.invgamma(nu / 2, scale=scale[j, j] / 2).logpdf(c[j, j])
                           for m, c in zip(means, cs) for j in range(2))
        else:
            cs = [1.5 * np.eye(2), 0.2 * np.eye(2)]
            s2 = np.trace(scale) / 2
            expected = sum(scipy.stats.multivariate_normal(mean, c / kappa).logpdf(m)
                           + scipy.stats.invgamma(nu / 2, scale=s2 / 2).logpdf(c[0, 0])
                           for m, c in zip(means, cs))
        p = mv.MultivariateParams([0.5, 0.5], means, cs)
        assert prior.log_density(p) == pytest.approx(expected, rel=1e-12), covariance


def test_log_density_is_a_number_not_nan_at_extreme_covariances():
    """At covariance 1e-300 I the density is exp(-tr(scale Sigma^-1) / 2) = exp(-1e300): its log
    is a float; at a mean 1e200 sds out the normal term overflows to -inf, never NaN."""
    prior = MultivariateConjugatePrior([0.0, 0.0], 0.01, 4.0, np.eye(2))
    tiny = mv.MultivariateParams([1.0], [[0.0, 0.0]], [1e-300 * np.eye(2)])
    far = mv.MultivariateParams([1.0], [[1e200, 0.0]], [1e-200 * np.eye(2)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert prior.log_density(tiny) == pytest.approx(-1e300, rel=1e-12)
        assert prior.log_density(far) == -np.inf


# ---- MAP-EM's contract ----------------------------------------------------------------------------

@pytest.mark.parametrize("covariance", mv.COVARIANCE_TYPES)
def test_map_em_never_lowers_the_penalised_log_likelihood(covariance):
    fit = mv.fit_em(X, k=3, covariance=covariance, prior="default", max_iter=200, tol=1e-10)
    assert np.all(np.diff(fit.penalised_history) >= -1e-9 * np.abs(fit.penalised_history[1:]))
    assert fit.prior.covariance == covariance
    step = mv.em_step(X, fit.params, covariance, prior="default")
    np.testing.assert_allclose(step.means, fit.params.means, rtol=1e-5)


def test_a_prior_keeps_a_component_on_repeated_points_off_the_floor():
    X2 = np.r_[X, np.repeat([[2.0, 60.0]], 20, axis=0)]
    two = mv.fit_em(X, k=2).params
    init = mv.MultivariateParams(
        np.r_[0.9 * two.weights, 0.1], np.r_[two.means, [[2.0, 60.0]]],
        np.r_[two.covariances, [np.diag([1e-4, 1e-2])]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
        ml = mv.fit_em(X2, init)
    map_fit = mv.fit_em(X2, init, prior="default")
    assert ml.degenerate and not map_fit.degenerate


BAD_PRIORS = [
    ("string", "mclust", ValueError, r"^prior: expected None, 'default'"),
    ("1-D prior", mixlib.ConjugatePrior(0.0, 0.01, 3.0, 1.0), TypeError,
     r"^prior: expected None, 'default' or a MultivariateConjugatePrior"),
    ("structure", MultivariateConjugatePrior([3.0, 70.0], 0.01, 4.0, np.eye(2), "diag"),
     ValueError, r"^prior: is for covariance='diag' but the fit uses covariance='full'"),
    ("dimension", MultivariateConjugatePrior([3.0], 0.01, 4.0, np.eye(1)), ValueError,
     r"^prior: is 1-dimensional but X has 2 columns"),
    ("far mean", MultivariateConjugatePrior([1e300, 70.0], 0.01, 4.0, np.eye(2)), ValueError,
     r"^prior: its mean lies"),
    ("tiny scale", MultivariateConjugatePrior([3.0, 70.0], 0.01, 4.0, 1e-300 * np.eye(2)),
     ValueError, r"^prior: its scale's diagonal is outside"),
]


@pytest.mark.parametrize("label, prior, error, message", BAD_PRIORS, ids=[b[0] for b in BAD_PRIORS])
def test_bad_priors_are_refused_naming_prior(label, prior, error, message):
    with pytest.raises(error, match=message):
        mv.fit_em(X, k=2, prior=prior)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(mean=[0.0, np.nan]), ValueError, r"^mean: contains 1 NaN value"),
    (dict(scale=np.ones((2, 2))), ValueError, r"^scale: must be positive definite"),
    (dict(scale=np.eye(3)), ValueError, r"^scale: expected shape \(2, 2\)"),
    (dict(dof=0.5), ValueError, r"^dof: must be a finite number > 1"),
    (dict(shrinkage=0.0), ValueError, r"^shrinkage: must be a finite number > 0"),
    (dict(covariance="VVV"), ValueError, r"^covariance: expected one of"),
])
def test_bad_hyperparameters_name_themselves(kwargs, error, message):
    args = dict(mean=[0.0, 0.0], shrinkage=0.01, dof=4.0, scale=np.eye(2))
    args.update(kwargs)
    with pytest.raises(error, match=message):
        MultivariateConjugatePrior(**args)


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_default_prior_at_extremes_names_x(scale):
    with pytest.raises(ValueError, match=r"^X: "):
        MultivariateConjugatePrior.default(X * scale, 2)
