"""Hostile inputs for every public d-D and prior function (issue 31): data in mixed units, points
far from every component, data at the extremes of the float range, priors out of reach of the
data, and the k/init contract of ``mv.fit_em``. Each case failed before issue 31's changes."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mixlib
from mixlib import multivariate as mv
from mixlib.priors import ConjugatePrior, log_prior_density


def two_clusters(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return np.r_[rng.normal(0, 1, (n, 2)) @ [[1.0, 0.3], [0.0, 1.0]],
                 rng.normal(0, 0.5, (n, 2)) + [3.0, 2.0]]


def fitted_params():
    return mv.fit_em(two_clusters(), k=2).params


# ---- mixed units --------------------------------------------------------------------------------

@pytest.mark.parametrize("covariance", ["full", "diag", "tied"])
def test_mixed_units_fit_and_match_the_fit_in_plain_units(covariance):
    X = two_clusters()
    units = np.array([1e3, 1e-3])
    plain = mv.fit_em(X, k=2, covariance=covariance)
    mixed = mv.fit_em(X * units, k=2, covariance=covariance)
    np.testing.assert_allclose(mixed.params.means / units, plain.params.means, rtol=1e-7,
                               atol=1e-9)
    np.testing.assert_allclose(mixed.params.covariances / np.outer(units, units),
                               plain.params.covariances, rtol=1e-7, atol=1e-9)


def test_spherical_keeps_one_common_scale_and_fits_mixed_units():
    """A sphere in one set of units is not a sphere in another: spherical fits use one scale, so
    they are equivariant under a common rescaling, and mixed units are fitted (not refused)."""
    X = two_clusters()
    plain = mv.fit_em(X, k=2, covariance="spherical")
    scaled = mv.fit_em(X * 1e-5 + 7.0, k=2, covariance="spherical")
    np.testing.assert_allclose((scaled.params.means - 7.0) / 1e-5, plain.params.means, rtol=1e-7)
    mixed = mv.fit_em(X * [1e3, 1e-3], k=2, covariance="spherical")
    assert mixed.converged and np.all(np.isfinite(mixed.params.covariances))
    assert "spherical fits use one common scale" in " ".join(mv.fit_em.__doc__.split())


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), log_units=st.lists(st.floats(-8, 8), min_size=3,
                                                          max_size=3),
       shifts=st.lists(st.floats(-100, 100), min_size=3, max_size=3),
       covariance=st.sampled_from(["full", "diag", "tied"]))
def test_fits_are_equivariant_under_per_column_rescaling(seed, log_units, shifts, covariance):
    rng = np.random.default_rng(seed)
    labels = rng.choice(2, size=150)
    X = rng.normal(0, 3, (2, 3))[labels] + rng.normal(size=(150, 3))
    # shifts in each column's units: a shift of 33 on a column scaled by 1e-8 would round away
    # the data's own digits, and no fitter can be equivariant to that
    units = 10.0 ** np.array(log_units)
    shifts = np.array(shifts) * units
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = mv.fit_em(X, k=2, covariance=covariance)
        moved = mv.fit_em(shifts + units * X, k=2, covariance=covariance)
    np.testing.assert_allclose(moved.params.weights, plain.params.weights, rtol=1e-6)
    np.testing.assert_allclose((moved.params.means - shifts) / units, plain.params.means,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(moved.params.covariances / np.outer(units, units),
                               plain.params.covariances, rtol=1e-5, atol=1e-6)
    assert moved.log_likelihood == pytest.approx(
        plain.log_likelihood - 150 * np.log(units).sum(), rel=1e-8, abs=1e-6)


# ---- far points -----------------------------------------------------------------------------------

FAR = np.array([[1e200, 1e200], [-1e300, 1e300], [1e160, 0.0], [0.0, 0.0]])


def test_far_points_get_minus_inf_and_defined_responsibilities():
    # component 2 is much wider: a point far out in any direction belongs to it
    p = mv.MultivariateParams([0.9, 0.1], [[0.0, 0.0], [1.0, 1.0]],
                              [np.eye(2), 100 * np.eye(2)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logpdf = mv.logpdf(FAR, p)
        resp = mv.responsibilities(FAR, p)
        labels = mv.hard_assignments(FAR, p)
        uncertainty = mv.assignment_uncertainty(FAR, p)
        bic = mv.bic(FAR, p)
    assert logpdf[:3].tolist() == [-np.inf] * 3 and np.isfinite(logpdf[3])
    assert not np.isnan(resp).any()
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    assert labels.tolist() == [1, 1, 1, 0]
    assert not np.isnan(uncertainty).any() and uncertainty[:3].tolist() == [0.0] * 3
    assert bic == np.inf
    assert mv.log_likelihood(FAR, p) == -np.inf
    assert mv.aic(FAR, p) == np.inf and mv.icl(FAR, p) == np.inf


def test_far_points_go_to_the_component_nearest_in_mahalanobis_distance():
    # elongated along x for component 1, along y for component 2
    p = mv.MultivariateParams([0.5, 0.5], [[0.0, 0.0], [0.0, 0.0]],
                              [np.diag([100.0, 1.0]), np.diag([1.0, 100.0])])
    far = np.array([[1e300, 0.0], [0.0, 1e300], [1e300, 1e300]])
    resp = mv.responsibilities(far, p)
    np.testing.assert_array_equal(resp, [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])


def test_one_dimensional_responsibilities_are_defined_far_out():
    p = mixlib.MixtureParams([0.9, 0.1], [0.0, 1.0], [1.0, 5.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resp = mixlib.responsibilities([1e300, -1e300, 1e160, 0.0], p)
    assert not np.isnan(resp).any()
    np.testing.assert_array_equal(resp[:3], [[0.0, 1.0]] * 3)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)


# ---- extremes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-150, 1e-140, 1e-100, 1e100, 1e150,
                                   1e154, 1e200, 1e300])
@pytest.mark.parametrize("covariance", ["full", "spherical"])
def test_extremes_fit_equivariantly_or_name_x(scale, covariance):
    X = two_clusters()
    plain = mv.fit_em(X, k=2, covariance=covariance)
    try:
        fit = mv.fit_em(X * scale, k=2, covariance=covariance)
    except ValueError as error:
        assert str(error).startswith("X: ") and "range of floats" in str(error)
        assert 1e-150 <= scale or scale <= 1e-150  # documents which end
        return
    np.testing.assert_allclose(fit.params.means / scale, plain.params.means, rtol=1e-7,
                               atol=1e-9)
    np.testing.assert_allclose(fit.params.covariances / scale**2, plain.params.covariances,
                               rtol=1e-7, atol=1e-9)


def test_extremes_within_the_covariance_range_fit():
    X = two_clusters()
    for scale in (1e-140, 1e150):
        assert mv.fit_em(X * scale, k=2).converged


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
def test_one_dimensional_em_step_is_equivariant_at_extremes(scale):
    x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 3], [1, 1]), 300, rng=0)
    p = mixlib.MixtureParams([0.5, 0.5], [-1.0, 4.0], [1.0, 1.0])
    plain = mixlib.em_step(x, p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = mixlib.em_step(x * scale, mixlib.MixtureParams(p.weights, p.means * scale,
                                                                 p.sds * scale))
    np.testing.assert_allclose(scaled.means / scale, plain.means, rtol=1e-10)
    np.testing.assert_allclose(scaled.sds / scale, plain.sds, rtol=1e-10)
    np.testing.assert_allclose(scaled.weights, plain.weights, rtol=1e-10)


# ---- priors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
def test_default_prior_out_of_range_names_x_and_the_problem(scale):
    x = np.array([0.0, 1.0, 2.0, 5.0]) * scale
    with pytest.raises(ValueError, match=r"^x: its sd .* squared is outside the range of floats"):
        ConjugatePrior.default(x, 2)
    with pytest.raises(ValueError, match=r"^x: "):
        mixlib.fit_em(x, k=2, prior="default")


def test_default_prior_in_range_at_small_scales():
    small = 1e-200 + np.array([0.0, 1.0, 2.0, 5.0]) * 1e-150
    assert ConjugatePrior.default(small, 2).scale == pytest.approx(
        np.var([0.0, 1.0, 2.0, 5.0], ddof=1) * 1e-300 / 4, rel=1e-10)


def test_a_prior_far_from_the_data_is_refused_up_front_naming_prior():
    x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 3], [1, 1]), 200, rng=0)
    for bad in (ConjugatePrior(mean=1e300, shrinkage=0.01, dof=3.0, scale=1.0),
                ConjugatePrior(mean=0.0, shrinkage=0.01, dof=3.0, scale=1e-300),
                ConjugatePrior(mean=0.0, shrinkage=0.01, dof=3.0, scale=1e300)):
        with pytest.raises(ValueError, match=r"^prior: its (mean|scale) "):
            mixlib.fit_em(x, k=2, prior=bad)
        with pytest.raises(ValueError, match=r"^prior: "):
            mixlib.em_step(x, mixlib.MixtureParams([0.5, 0.5], [0, 3], [1, 1]), prior=bad)


def test_log_prior_density_is_minus_inf_not_nan_at_tiny_sds():
    prior = ConjugatePrior(0.0, 0.01, 3.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for mean in (0.0, 1.0):
            p = mixlib.MixtureParams([1.0], [mean], [1e-200])
            assert prior.log_density(p) == -np.inf
            assert log_prior_density(prior, p.weights, p.means, p.sds, False) == -np.inf
        fit = mixlib.FitResult(params=mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0],
                                                           [1e-200, 1.0]),
                               log_likelihood=0.0, n_iter=0, converged=True, message="",
                               prior=prior)
        assert fit.log_prior == -np.inf


def test_log_prior_density_agrees_with_the_squared_form_in_range():
    prior = ConjugatePrior(0.3, 0.5, 3.0, 2.0, dirichlet=2.0)
    w, m, s = np.array([0.3, 0.7]), np.array([-1.0, 2.0]), np.array([0.5, 3.0])
    v = s**2
    from scipy.special import gammaln
    expected = (np.sum(-0.5 * np.log(2 * np.pi * v / 0.5) - 0.5 * (m - 0.3) ** 2 / (2 * v))
                + np.sum(1.5 * np.log(1.0) - gammaln(1.5) - 2.5 * np.log(v) - 1.0 / v)
                + gammaln(4.0) - 2 * gammaln(2.0) + np.sum(np.log(w)))
    assert log_prior_density(prior, w, m, s, False) == pytest.approx(expected, rel=1e-12)


# ---- the k / init contract ------------------------------------------------------------------------

def test_multivariate_k_and_init_must_agree_as_in_1d():
    X = two_clusters()
    three = mv.fit_em(X, k=3).params
    with pytest.raises(ValueError, match=r"^k: is 2 but init has 3 components"):
        mv.fit_em(X, three, k=2)
    assert mv.fit_em(X, three).params.k == 3
    assert mv.fit_em(X, three, k=3).params.k == 3
    assert mv.fit_em(X).params.k == 2


# ---- clustering helpers at the extremes -----------------------------------------------------------

@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_kmeans_and_standardise_are_equivariant_at_extremes(scale):
    X = two_clusters()
    start = [[0.0, 0.0], [3.0, 2.0]]
    centres, labels = mv.kmeans(X, start)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far_centres, far_labels = mv.kmeans(X * scale, np.array(start) * scale)
        np.testing.assert_allclose(mv.standardise(X * scale), mv.standardise(X), rtol=1e-12)
    np.testing.assert_array_equal(far_labels, labels)
    np.testing.assert_allclose(far_centres / scale, centres, rtol=1e-12)


def test_kmeans_labels_far_points_by_their_nearest_centre():
    _, labels = mv.kmeans([[1e300, 0.0], [-1e300, 0.0], [0.0, 0.0]],
                          [[1e300, 1e300], [-1e300, -1e300]])
    assert labels[1] == 1  # every squared distance overflowed: argmin said 0
