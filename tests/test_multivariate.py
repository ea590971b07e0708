"""mixlib.multivariate: parameters, densities, EM, covariance structures, clustering, bad input."""

import pickle
import warnings

import numpy as np
import pytest
from scipy.stats import multivariate_normal

import mixlib
from mixlib import multivariate as mv
from mixlib.multivariate import MultivariateParams

I2 = np.eye(2)
P2 = MultivariateParams([0.3, 0.7], [[0.0, 0.0], [3.0, 1.0]],
                        [[[1.0, 0.5], [0.5, 2.0]], [[0.5, -0.2], [-0.2, 0.3]]])


def two_clusters(seed=0, n=300):
    rng = np.random.default_rng(seed)
    return np.r_[rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], n),
                 rng.multivariate_normal([4, 1], [[0.5, 0], [0, 2]], n)]


# ---- MultivariateParams -----------------------------------------------------------------------

BAD_PARAMS = [
    ("weights not summing to 1", [0.5, 0.6], [[0, 0], [1, 1]], [I2, I2], ValueError,
     r"^weights: must sum to 1"),
    ("negative weight", [-0.5, 1.5], [[0, 0], [1, 1]], [I2, I2], ValueError,
     r"^weights: must all be > 0"),
    ("weights 2-D", [[0.5, 0.5]], [[0, 0], [1, 1]], [I2, I2], ValueError, r"^weights: expected"),
    ("means 1-D", [0.5, 0.5], [0, 1], [I2, I2], ValueError, r"^means: expected a 2-D array"),
    ("count mismatch", [1.0], [[0, 0], [1, 1]], [I2, I2], ValueError, r"^weights, means: 1 weights"),
    ("covariance shape", [0.5, 0.5], [[0, 0], [1, 1]], [np.eye(3), np.eye(3)], ValueError,
     r"^covariances: expected shape \(2, 2, 2\)"),
    ("not symmetric", [0.5, 0.5], [[0, 0], [1, 1]], [I2, [[1, 0.5], [0, 1]]], ValueError,
     r"^covariances: matrix 2 of 2 is not symmetric"),
    ("not positive definite", [0.5, 0.5], [[0, 0], [1, 1]], [[[1, 2], [2, 1]], I2], ValueError,
     r"^covariances: matrix 1 of 2 is not positive definite \(smallest eigenvalue -1\)"),
    ("singular", [0.5, 0.5], [[0, 0], [1, 1]], [I2, np.zeros((2, 2))], ValueError,
     r"^covariances: matrix 2 of 2 is not positive definite"),
    ("NaN mean", [0.5, 0.5], [[0, np.nan], [1, 1]], [I2, I2], ValueError,
     r"^means: contains 1 NaN value"),
    ("string", "0.5", [[0, 0]], [I2], TypeError, r"^weights: expected .*got a string"),
    ("complex", [1.0], [[0j, 0]], [I2], TypeError, r"^means: expected real numbers, got complex"),
]


@pytest.mark.parametrize("label, weights, means, covs, error, message", BAD_PARAMS,
                         ids=[case[0] for case in BAD_PARAMS])
def test_bad_params_raise_a_clear_error(label, weights, means, covs, error, message):
    with pytest.raises(error, match=message):
        MultivariateParams(weights, means, covs)


def test_params_are_immutable_comparable_and_picklable():
    with pytest.raises(AttributeError, match="immutable"):
        P2.weights = [1.0]
    with pytest.raises(ValueError):
        P2.means[0, 0] = 5.0
    assert pickle.loads(pickle.dumps(P2)) == P2
    assert hash(pickle.loads(pickle.dumps(P2))) == hash(P2)
    assert (P2.k, P2.d) == (2, 2)
    np.testing.assert_allclose(P2.cholesky @ P2.cholesky.transpose(0, 2, 1), P2.covariances)
    assert "MultivariateParams(weights=[0.3, 0.7]" in repr(P2)


# ---- densities --------------------------------------------------------------------------------

def test_logpdf_matches_scipy_and_responsibilities_are_probabilities():
    X = two_clusters()
    expected = np.logaddexp(
        *[np.log(w) + multivariate_normal(m, c).logpdf(X)
          for w, m, c in zip(P2.weights, P2.means, P2.covariances)])
    np.testing.assert_allclose(mv.logpdf(X, P2), expected, rtol=1e-12)
    assert mv.log_likelihood(X, P2) == pytest.approx(expected.sum(), rel=1e-12)
    r = mv.responsibilities(X, P2)
    assert r.shape == (X.shape[0], 2)
    np.testing.assert_allclose(r.sum(axis=1), 1.0, atol=1e-12)


def test_log_space_holds_far_from_every_component():
    far = np.array([[1e3, -1e3], [40.0, 40.0]])
    logp = mv.logpdf(far, P2)
    assert np.all(np.isfinite(logp)) and np.all(logp < -100)
    r = mv.responsibilities(far, P2)
    assert np.all(np.isfinite(r)) and np.allclose(r.sum(axis=1), 1)


@pytest.mark.parametrize("function", [mv.logpdf, mv.responsibilities, mv.log_likelihood])
def test_density_functions_reject_bad_input(function):
    with pytest.raises(ValueError, match=r"^X: has 3 columns but params describe 2-dimensional"):
        function(np.zeros((4, 3)), P2)
    with pytest.raises(ValueError, match=r"^X: expected an \(n, d\) array.*pass X\[:, None\]"):
        function(np.zeros(4), P2)
    with pytest.raises(ValueError, match=r"^X: contains 1 infinite value"):
        function([[0.0, np.inf]], P2)
    with pytest.raises(TypeError, match=r"^params: expected a MultivariateParams, got MixtureParams"):
        function(np.zeros((4, 2)), mixlib.MixtureParams([1.0], [0.0], [1.0]))


# ---- covariance structures and parameter counts -----------------------------------------------

@pytest.mark.parametrize("covariance, expected", [("full", 17), ("diag", 14), ("spherical", 11),
                                                   ("tied", 11)])
def test_parameter_counts(covariance, expected):
    # K = 3, d = 2: 2 weights + 6 mean coordinates + the covariance parameters
    assert mv.n_free_parameters(3, 2, covariance) == expected


def test_one_dimension_counts_as_the_1d_model():
    p = mixlib.MixtureParams([0.5, 0.5], [0, 1], [1, 1])
    assert mv.n_free_parameters(2, 1, "full") == mixlib.n_free_parameters(p)


@pytest.mark.parametrize("covariance", mv.COVARIANCE_TYPES)
def test_fitted_covariances_have_their_structure(covariance):
    X = two_clusters(1)
    fit = mv.fit_em(X, k=2, covariance=covariance)
    assert fit.converged and not fit.degenerate
    c = fit.params.covariances
    if covariance in ("diag", "spherical"):
        assert np.all(c[:, 0, 1] == 0)
    if covariance == "spherical":
        np.testing.assert_allclose(c[:, 0, 0], c[:, 1, 1], rtol=1e-12)
    if covariance == "tied":
        np.testing.assert_allclose(c[0], c[1], rtol=1e-12)
    assert mv.bic(X, fit.params, covariance) == pytest.approx(
        mv.n_free_parameters(2, 2, covariance) * np.log(X.shape[0]) - 2 * fit.log_likelihood,
        rel=1e-10)


def test_full_covariances_win_bic_on_correlated_clusters():
    X = two_clusters(2)
    bics = {c: mv.bic(X, mv.fit_em(X, k=2, covariance=c).params, c) for c in mv.COVARIANCE_TYPES}
    assert min(bics, key=bics.get) == "full", bics


def test_bad_covariance_type():
    with pytest.raises(ValueError, match=r"^covariance: expected one of .*got 'VVV'"):
        mv.fit_em(two_clusters(), covariance="VVV")
    with pytest.raises(TypeError, match=r"^covariance: expected one of"):
        mv.em_step(two_clusters(), P2, covariance=None)


# ---- EM ----------------------------------------------------------------------------------------

def test_fit_em_is_equivariant_under_shift_and_scale():
    X = two_clusters(3)
    fit = mv.fit_em(X, k=2, tol=1e-12)
    moved = mv.fit_em(1e6 + 1e-3 * X, k=2, tol=1e-12)
    np.testing.assert_allclose((moved.params.means - 1e6) / 1e-3, fit.params.means, atol=1e-5)
    n, d = X.shape
    assert moved.log_likelihood == pytest.approx(fit.log_likelihood - n * d * np.log(1e-3),
                                                 abs=1e-5 * n)


def test_em_step_and_fit_em_agree():
    X = two_clusters(4)
    p = P2
    for _ in range(3):
        p = mv.em_step(X, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.ConvergenceWarning)
        fit = mv.fit_em(X, P2, tol=1e-300, max_iter=3)
    np.testing.assert_allclose(p.means, fit.params.means, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(p.covariances, fit.params.covariances, rtol=1e-9, atol=1e-12)
    assert fit.history[0] == pytest.approx(mv.log_likelihood(X, P2), rel=1e-12)
    assert fit.log_likelihood == pytest.approx(mv.log_likelihood(X, fit.params), rel=1e-12)


def test_max_iter_warns_and_reports():
    with pytest.warns(mixlib.ConvergenceWarning, match="fit_em: stopped at max_iter=2"):
        fit = mv.fit_em(two_clusters(), P2, max_iter=2)
    assert fit.n_iter == 2 and not fit.converged and len(fit.history) == 3


def test_a_component_on_one_point_is_reported_degenerate():
    rng = np.random.default_rng(5)
    X = np.r_[rng.normal(0, 1, (50, 2)), [[10.0, 10.0]]]
    start = MultivariateParams([0.9, 0.1], [[0, 0], [10, 10]], [I2, 0.01 * I2])
    with pytest.warns(mixlib.DegenerateFitWarning, match="component 2 of 2 holds|collapsed"):
        fit = mv.fit_em(X, start)
    assert fit.degenerate


def test_n_init_keeps_the_best_start_and_is_reproducible():
    X = two_clusters(6)
    bad = MultivariateParams([0.5, 0.5], [[-3.0, -3.0], [-2.9, -3.0]], [0.01 * I2, 0.01 * I2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
        single = mv.fit_em(X, bad, max_iter=3, tol=1e-3)
    best = mv.fit_em(X, bad, n_init=5, rng=0)
    assert best.log_likelihood >= single.log_likelihood
    again = mv.fit_em(X, bad, n_init=5, rng=0)
    assert again.params == best.params


BAD_FITS = [
    ("1-D X", dict(X=np.zeros(10)), ValueError, r"^X: expected an \(n, d\) array"),
    ("too few distinct", dict(X=np.zeros((10, 2)) + [[0, 1]], k=2), ValueError,
     r"^X: has only 1 distinct points, fewer than the k=2"),
    ("constant column", dict(X=np.c_[np.arange(10.0), np.ones(10)]), ValueError,
     r"^X: column 1 is constant"),
    ("on a line", dict(X=np.c_[np.arange(10.0), 2 * np.arange(10.0)]), ValueError,
     r"^X: the points lie on a line or plane"),
    ("k=0", dict(k=0), ValueError, r"^k: must be >= 1"),
    ("k float", dict(k=2.0), TypeError, r"^k: expected an integer"),
    ("k vs init", dict(init=P2, k=3), ValueError, r"^k: is 3 but init has 2 components"),
    ("init type", dict(init=mixlib.MixtureParams([1.0], [0.0], [1.0])), TypeError,
     r"^init: expected a MultivariateParams"),
    ("init dimension", dict(X=np.random.default_rng(0).normal(size=(20, 3)), init=P2), ValueError,
     r"^init: describes 2-dimensional components but X has 3 columns"),
    ("tol", dict(tol=0), ValueError, r"^tol: must be a finite number > 0"),
    ("max_iter", dict(max_iter=0), ValueError, r"^max_iter: must be >= 1"),
    ("n_init", dict(n_init=0), ValueError, r"^n_init: must be >= 1"),
    ("rng", dict(rng="seed"), TypeError, r"^rng: expected None, an integer seed"),
]


@pytest.mark.parametrize("label, kwargs, error, message", BAD_FITS, ids=[c[0] for c in BAD_FITS])
def test_fit_em_rejects_bad_input(label, kwargs, error, message):
    kwargs = dict(kwargs)
    X = kwargs.pop("X", two_clusters())
    init = kwargs.pop("init", None)
    with pytest.raises(error, match=message):
        mv.fit_em(X, init, **kwargs)


# ---- clustering --------------------------------------------------------------------------------

def test_hard_assignments_and_uncertainty():
    X = two_clusters(7)
    fit = mv.fit_em(X, k=2)
    labels = mv.hard_assignments(X, fit.params)
    r = mv.responsibilities(X, fit.params)
    np.testing.assert_array_equal(labels, r.argmax(axis=1))
    u = mv.assignment_uncertainty(X, fit.params)
    assert np.all((u >= 0) & (u <= 0.5))
    np.testing.assert_allclose(u, 1 - r.max(axis=1))
    # the two true clusters are the two halves of X; few points are ambiguous
    truth = np.repeat([0, 1], X.shape[0] // 2)
    agreement = max(np.mean(labels == truth), np.mean(labels != truth))
    assert agreement > 0.97


def test_standardise():
    X = two_clusters(8) * [1, 10] + [5, 50]
    Z = mv.standardise(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-12)
    with pytest.raises(ValueError, match=r"^X: column 0 is constant"):
        mv.standardise(np.c_[np.ones(5), np.arange(5.0)])


def test_kmeans_is_the_limit_of_shared_spherical_em():
    X = mv.standardise(two_clusters(9))
    start = X[[0, -1]]
    centres, labels = mv.kmeans(X, start)
    gaps = []
    for variance in (1.0, 0.1, 0.01, 1e-4):
        means, resp = mv.shared_spherical_em(X, start, variance)
        gaps.append(np.abs(means - centres).max())
        hardness = np.abs(resp - np.eye(2)[labels]).max()
    assert gaps[-1] < 1e-9 and hardness < 1e-9, (gaps, hardness)
    assert gaps[0] > gaps[-1]


def test_the_kmeans_limit_needs_no_equal_weights():
    """Fixed unequal weights shift each boundary by variance * log(pi_j / pi_k) / distance: at a
    large variance the means differ from the equal-weight ones, in the limit they are k-means'."""
    X = mv.standardise(two_clusters(9))
    start = X[[0, -1]]
    centres, labels = mv.kmeans(X, start)
    wide = [mv.shared_spherical_em(X, start, 1.0, weights=w)[0] for w in (None, [0.9, 0.1])]
    assert np.abs(wide[0] - wide[1]).max() > 1e-3
    means, resp = mv.shared_spherical_em(X, start, 1e-4, weights=[0.9, 0.1])
    assert np.abs(means - centres).max() < 1e-9
    assert np.abs(resp - np.eye(2)[labels]).max() < 1e-9


def test_kmeans_matches_a_direct_lloyd_iteration():
    X = mv.standardise(two_clusters(10))
    centres, labels = mv.kmeans(X, X[:3])
    distances = ((X[:, None, :] - centres[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(labels, distances.argmin(axis=1))
    for j in range(3):
        np.testing.assert_allclose(centres[j], X[labels == j].mean(axis=0))


def test_clustering_helpers_reject_bad_input():
    with pytest.raises(ValueError, match=r"^means: has 3 columns but X has 2"):
        mv.kmeans(two_clusters(), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"^variance: must be a finite number > 0"):
        mv.shared_spherical_em(two_clusters(), np.zeros((2, 2)), 0.0)
    for bad in ([0.5, 0.6], [1.0, 0.0], [0.5, 0.25, 0.25], [np.nan, 1.0]):
        with pytest.raises(ValueError, match=r"^weights: expected 2 positive numbers"):
            mv.shared_spherical_em(two_clusters(), np.zeros((2, 2)), 1.0, weights=bad)
