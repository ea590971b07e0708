"""scikit-learn's sklearn/mixture/tests/test_gaussian_mixture.py, ported to mixlib.multivariate
where its cases apply (issue 31). Each test names the scikit-learn test it ports; the data are
generated the same way (random weights, means in [0, scale)^d, the same covariance recipes) with
numpy's Generator instead of RandomState, and mixlib's API in place of the estimator's.

Not ported, because mixlib has no counterpart: ``reg_covar`` (mixlib floors eigenvalues at
(1e-6 x spread)^2 instead, and refuses data with fewer distinct points than components), the
estimator's not-fitted errors and ``verbose`` (mixlib has functions, not estimators), and
precisions (mixlib keeps Cholesky factors of covariances, tested below instead).
"""

import warnings

import numpy as np
import pytest
import scipy.stats
from sklearn.metrics import adjusted_rand_score

import mixlib
from mixlib import multivariate as mv
from mixlib.multivariate.covariance import weighted_covariances
from mixlib.multivariate.density import component_log_terms

COVARIANCE_TYPE = ["full", "tied", "diag", "spherical"]


def make_spd_matrix(d, rng):
    """scikit-learn's recipe: U (1 + diag(u)) V^T from the SVD of A^T A, A uniform."""
    A = rng.uniform(size=(d, d))
    U, _, Vt = np.linalg.svd(A.T @ A)
    return U @ (1.0 + np.diag(rng.uniform(size=d))) @ Vt


class RandomData:
    def __init__(self, rng, n_samples=500, n_components=2, n_features=2, scale=50):
        self.n_samples, self.n_components, self.n_features = n_samples, n_components, n_features
        self.weights = rng.uniform(size=n_components)
        self.weights /= self.weights.sum()
        self.means = rng.uniform(size=(n_components, n_features)) * scale
        self.covariances = {
            "spherical": 0.5 + rng.uniform(size=n_components),
            "diag": (0.5 + rng.uniform(size=(n_components, n_features))) ** 2,
            "tied": make_spd_matrix(n_features, rng),
            "full": np.array([make_spd_matrix(n_features, rng) * 0.5
                              for _ in range(n_components)]),
        }
        self.X = {c: self._generate(c) for c in COVARIANCE_TYPE}
        self.Y = np.concatenate([np.full(int(np.round(w * n_samples)), k)
                                 for k, w in enumerate(self.weights)])

    def matrices(self, covariance_type):
        """(K, d, d) covariances for the structure."""
        c, d, k = self.covariances[covariance_type], self.n_features, self.n_components
        return {"spherical": lambda: c[:, None, None] * np.eye(d),
                "diag": lambda: np.array([np.diag(v) for v in c]),
                "tied": lambda: np.repeat(c[None], k, axis=0),
                "full": lambda: c}[covariance_type]()

    def params(self, covariance_type):
        return mv.MultivariateParams(self.weights, self.means, self.matrices(covariance_type))

    def _generate(self, covariance_type):
        rng = np.random.default_rng(0)
        return np.vstack([rng.multivariate_normal(m, c, int(np.round(w * self.n_samples)))
                          for w, m, c in zip(self.weights, self.means,
                                             self.matrices(covariance_type))])


def rand_data(seed=0, **kwargs):
    return RandomData(np.random.default_rng(seed), **kwargs)


# ---- test_gaussian_mixture_attributes, test_check_X --------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    (dict(k=0), ValueError, r"^k: must be >= 1"),
    (dict(covariance="bad_covariance_type"), ValueError, r"^covariance: expected one of"),
    (dict(tol=-1), ValueError, r"^tol: must be a finite number > 0"),
    (dict(max_iter=0), ValueError, r"^max_iter: must be >= 1"),
    (dict(n_init=0), ValueError, r"^n_init: must be >= 1"),
    (dict(init_method="bad_method"), ValueError, r"^init_method: expected one of"),
])
def test_gaussian_mixture_attributes(kwargs, error, message):
    X = np.random.default_rng(0).uniform(size=(10, 2))
    with pytest.raises(error, match=message):
        mv.fit_em(X, **kwargs)
    fit = mv.fit_em(X, k=2, tol=1e-4, n_init=3, max_iter=30, rng=0)
    assert fit.params.k == 2


def test_check_X():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"^X: has 1 point, fewer than the 2 components"):
        mv.fit_em(rng.uniform(size=(1, 2)), k=2)
    init = rand_data().params("full")
    with pytest.raises(ValueError, match=r"^init: describes 2-dimensional components but X has 3"):
        mv.fit_em(rng.uniform(size=(10, 3)), init)
    with pytest.raises(ValueError, match=r"^X: has 3 columns but params describe 2-dimensional"):
        mv.logpdf(rng.uniform(size=(10, 3)), init)


# ---- test_check_weights, test_check_means, test_check_precisions --------------------------------

def test_check_weights():
    data = rand_data()
    means, covs = data.means, data.matrices("full")
    with pytest.raises(ValueError, match=r"^weights: expected a 1-D array"):
        mv.MultivariateParams(np.ones((2, 1)) / 2, means, covs)
    with pytest.raises(ValueError, match=r"^weights: must sum to 1"):
        mv.MultivariateParams(np.array([1.2, 1.5]), means, covs)
    with pytest.raises(ValueError, match=r"^weights: must sum to 1"):
        mv.MultivariateParams(np.array([0.2, 0.3]), means, covs)
    fit = mv.fit_em(data.X["full"], data.params("full"))
    assert fit.params.k == 2


def test_check_means():
    data = rand_data()
    with pytest.raises(ValueError, match=r"^weights, means: 2 weights but 3 mean vectors"):
        mv.MultivariateParams(data.weights, np.ones((3, 2)), data.matrices("full"))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_check_precisions(covariance_type):
    data = rand_data()
    with pytest.raises(ValueError, match=r"^covariances: expected shape \(2, 2, 2\)"):
        mv.MultivariateParams(data.weights, data.means, np.ones((3, 2, 2)))
    not_positive = data.matrices(covariance_type).copy()
    not_positive[0, 0, 0] = -1.0
    with pytest.raises(ValueError, match=r"^covariances: matrix 1 of 2 is not positive definite"):
        mv.MultivariateParams(data.weights, data.means, not_positive)
    init = data.params(covariance_type)
    fit = mv.fit_em(data.X[covariance_type], init, covariance=covariance_type)
    np.testing.assert_allclose(init.covariances, data.matrices(covariance_type), rtol=1e-14)
    assert fit.converged


# ---- test_suffstat_sk_full / tied / diag / spherical ---------------------------------------------

def _moments(resp, X):
    mass = resp.sum(axis=1)
    return mass, resp @ X / mass[:, None]


def test_suffstat_sk_full():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(500, 2))
    resp = rng.uniform(size=(1, 500))
    # special case 1: centred at 0, weights resp: the empirical covariance of sqrt(resp) X
    covs = weighted_covariances(X.T.copy(), resp, np.zeros((1, 2)), np.array([500.0]), "full")
    Xr = np.sqrt(resp.T) * X
    np.testing.assert_allclose(covs[0], Xr.T @ Xr / 500, rtol=1e-12)
    # special case 2: resp all ones: the empirical covariance
    resp = np.ones((1, 500))
    mass, xk = _moments(resp, X)
    covs = weighted_covariances(X.T.copy(), resp, xk, mass, "full")
    np.testing.assert_allclose(covs[0], np.cov(X.T, bias=True), rtol=1e-12)
    # Cholesky factors reproduce the covariance and its inverse
    L = mv.MultivariateParams([1.0], xk, covs).cholesky[0]
    np.testing.assert_allclose(np.linalg.inv(L @ L.T), np.linalg.inv(covs[0]), rtol=1e-10)


def _random_resp(rng, n=500, k=2):
    resp = rng.uniform(size=(k, n))
    return resp / resp.sum(axis=0)


def test_suffstat_sk_tied():
    rng = np.random.default_rng(0)
    resp = _random_resp(rng)
    X = rng.uniform(size=(500, 2))
    mass, xk = _moments(resp, X)
    full = weighted_covariances(X.T.copy(), resp, xk, mass, "full")
    tied = weighted_covariances(X.T.copy(), resp, xk, mass, "tied")
    np.testing.assert_allclose(tied[0], np.tensordot(mass, full, axes=1) / 500, rtol=1e-12)
    np.testing.assert_array_equal(tied[0], tied[1])


def test_suffstat_sk_diag():
    rng = np.random.default_rng(0)
    resp = _random_resp(rng)
    X = rng.uniform(size=(500, 2))
    mass, xk = _moments(resp, X)
    full = weighted_covariances(X.T.copy(), resp, xk, mass, "full")
    diag = weighted_covariances(X.T.copy(), resp, xk, mass, "diag")
    for f, g in zip(full, diag):
        np.testing.assert_allclose(g, np.diag(np.diag(f)), rtol=1e-12)


def test_gaussian_suffstat_sk_spherical():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(500, 2))
    X = X - X.mean()
    resp = np.ones((1, 500))
    mass, xk = _moments(resp, X)
    sph = weighted_covariances(X.T.copy(), resp, xk, mass, "spherical")
    centred = X - xk
    np.testing.assert_allclose(sph[0], np.eye(2) * (centred.ravel() @ centred.ravel()) / 1000,
                               rtol=1e-12)


# ---- test_compute_log_det_cholesky, test_gaussian_mixture_log_probabilities ----------------------

@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_compute_log_det_cholesky(covariance_type):
    covs = rand_data().matrices(covariance_type)
    chol = mv.MultivariateParams([0.5, 0.5], np.zeros((2, 2)), covs).cholesky
    half_log_det = np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    np.testing.assert_allclose(half_log_det, 0.5 * np.log(np.linalg.det(covs)), rtol=1e-12)


def test_gaussian_mixture_log_probabilities():
    rng = np.random.default_rng(0)
    data = rand_data()
    means = data.means
    covars_diag = rng.uniform(size=(2, 2))
    X = rng.uniform(size=(500, 2))

    def naive(variances):
        return np.array([scipy.stats.norm.logpdf(X, m, np.sqrt(v)).sum(axis=1)
                         for m, v in zip(means, variances)])

    def ours(covs):
        chol = mv.MultivariateParams([0.5, 0.5], means, covs).cholesky
        return component_log_terms(X.T.copy(), np.zeros(2), means, chol)

    for covs, variances in [
        (np.array([np.diag(v) for v in covars_diag]), covars_diag),                    # full, diag
        (np.repeat(np.diag(covars_diag.mean(axis=0))[None], 2, axis=0),
         [covars_diag.mean(axis=0)] * 2),                                               # tied
        (covars_diag.mean(axis=1)[:, None, None] * np.eye(2),
         [[v, v] for v in covars_diag.mean(axis=1)]),                                   # spherical
    ]:
        np.testing.assert_allclose(ours(covs), naive(variances), rtol=1e-12)


# ---- test_gaussian_mixture_estimate_log_prob_resp, predict, fit ----------------------------------

@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_gaussian_mixture_estimate_log_prob_resp(covariance_type):
    data = rand_data(scale=5)
    X = np.random.default_rng(1).uniform(size=(500, 2))
    init = data.params(covariance_type)
    fit = mv.fit_em(X, init, covariance=covariance_type)
    np.testing.assert_allclose(mv.responsibilities(X, fit.params).sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(init.weights, data.weights)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_gaussian_mixture_predict_predict_proba(covariance_type):
    data = rand_data()
    X, Y = data.X[covariance_type], data.Y
    fit = mv.fit_em(X, data.params(covariance_type), covariance=covariance_type)
    labels = mv.hard_assignments(X, fit.params)
    np.testing.assert_array_equal(labels, mv.responsibilities(X, fit.params).argmax(axis=1))
    assert adjusted_rand_score(Y, labels) > 0.95


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_gaussian_mixture_fit(covariance_type):
    data = rand_data()
    X = data.X[covariance_type]
    fit = mv.fit_em(X, k=2, n_init=20, rng=0, covariance=covariance_type)
    p = fit.params
    np.testing.assert_allclose(np.sort(p.weights), np.sort(data.weights), rtol=0.1, atol=1e-2)
    order, truth = np.argsort(p.means[:, 0]), np.argsort(data.means[:, 0])
    np.testing.assert_allclose(p.means[order], data.means[truth], rtol=0.1, atol=1e-2)
    # scikit-learn compares precisions to the truth with a tolerance tuned to its seed; here each
    # covariance entry must be within 4 standard errors, sqrt((s_ii s_jj + s_ij^2) / n_k), of the
    # truth, with components matched by their means and tied covariances pooled over all points
    counts = (np.full(2, X.shape[0]) if covariance_type == "tied"
              else data.weights[truth] * X.shape[0])
    truth = data.matrices(covariance_type)[truth]
    if covariance_type == "spherical":
        counts = counts * 2  # one variance from both coordinates
    for got, want, n_k in zip(p.covariances[order], truth, counts):
        se = np.sqrt((np.outer(np.diag(want), np.diag(want)) + want**2) / n_k)
        assert np.all(np.abs(got - want) <= 4 * se), (got, want)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_gaussian_mixture_fit_best_params(covariance_type):
    from mixlib.starts import multivariate_starting_points

    data = rand_data()
    X = data.X[covariance_type]
    best = mv.fit_em(X, k=2, n_init=10, rng=0, covariance=covariance_type)
    # the same ten starts, one at a time (starts are drawn on the standardised data)
    from mixlib._scaling import PointScaling

    scaling = PointScaling.of(X, common=covariance_type == "spherical")
    starts = multivariate_starting_points(scaling.standardise(X), 2, None, 10,
                                          np.random.default_rng(0), covariance_type)
    singles = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
        for start in starts:
            singles.append(mv.fit_em(X, scaling.params_from_std(start),
                                     covariance=covariance_type).log_likelihood)
    assert best.log_likelihood == pytest.approx(max(singles), abs=1e-6)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_gaussian_mixture_fit_convergence_warning(covariance_type):
    X = rand_data(scale=1).X[covariance_type]
    with pytest.warns(mixlib.ConvergenceWarning, match=r"^fit_em: stopped at max_iter=1"):
        mv.fit_em(X, k=2, max_iter=1, covariance=covariance_type)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_multiple_init(covariance_type):
    X = np.random.default_rng(0).standard_normal((50, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
        one = mv.fit_em(X, k=2, covariance=covariance_type, rng=0)
        five = mv.fit_em(X, k=2, covariance=covariance_type, rng=0, n_init=5)
    assert five.log_likelihood >= one.log_likelihood or (one.degenerate and not five.degenerate)


def test_gaussian_mixture_n_parameters():
    n_params = {"spherical": 13, "diag": 21, "tied": 26, "full": 41}
    for covariance_type, expected in n_params.items():
        assert mv.n_free_parameters(2, 5, covariance_type) == expected


def test_bic_1d_1component():
    X = np.random.default_rng(0).standard_normal((100, 1))
    bics = [mv.bic(X, mv.fit_em(X, k=1, covariance=c).params, c) for c in COVARIANCE_TYPE]
    np.testing.assert_allclose(bics, bics[0], rtol=1e-12)
    # and they are the 1-D mixlib.bic
    assert bics[0] == pytest.approx(mixlib.bic(X[:, 0], mixlib.fit_em(X[:, 0], k=1).params),
                                    rel=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_gaussian_mixture_aic_bic(covariance_type):
    rng = np.random.default_rng(0)
    n, d = 50, 3
    X = rng.standard_normal((n, d))
    # the entropy of the fitted standard normal
    sgh = 0.5 * (np.linalg.slogdet(np.cov(X.T, bias=True))[1] + d * (1 + np.log(2 * np.pi)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mv.fit_em(X, k=2, covariance=covariance_type, max_iter=200, rng=0)
    p = mv.n_free_parameters(2, d, covariance_type)
    bound = d / np.sqrt(n)
    assert (mv.aic(X, fit.params, covariance_type) - (2 * n * sgh + 2 * p)) / n < bound
    assert (mv.bic(X, fit.params, covariance_type) - (2 * n * sgh + np.log(n) * p)) / n < bound


# ---- test_warm_start, test_convergence_detected_with_warm_start, test_monotonic_likelihood -----

def test_warm_start():
    X = np.random.default_rng(0).uniform(size=(500, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.ConvergenceWarning)
        two = mv.fit_em(X, k=2, max_iter=2)
        one = mv.fit_em(X, k=2, max_iter=1)
        again = mv.fit_em(X, one.params, max_iter=1)
    np.testing.assert_allclose(again.params.means, two.params.means, rtol=1e-10)
    np.testing.assert_allclose(again.params.covariances, two.params.covariances, rtol=1e-10)
    assert again.log_likelihood > one.log_likelihood
    # continuing short fits converges
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.ConvergenceWarning)
        fit = mv.fit_em(X, k=2, max_iter=5, tol=1e-6)
        assert not fit.converged
        for _ in range(100):
            fit = mv.fit_em(X, fit.params, max_iter=5, tol=1e-6)
            if fit.converged:
                break
    assert fit.converged and fit.n_iter <= 5


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_monotonic_likelihood(covariance_type):
    data = rand_data(scale=7)
    X = data.X[covariance_type]
    params = mv.em_step(X, mv.fit_em(X, k=2, max_iter=1, tol=1e3).params, covariance_type)
    previous = -np.inf
    for _ in range(600):
        current = mv.log_likelihood(X, params)
        assert current >= previous - 1e-9 * abs(current)
        if current - previous < 1e-7 * X.shape[0]:
            break
        previous, params = current, mv.em_step(X, params, covariance_type)
    else:
        pytest.fail("EM did not converge in 600 steps")


# ---- test_score, test_score_samples ---------------------------------------------------------------

def test_score_and_score_samples():
    data = rand_data(scale=7)
    X = data.X["full"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.ConvergenceWarning)
        short = mv.fit_em(X, k=2, max_iter=1)
    samples = mv.logpdf(X, short.params)
    assert samples.shape == (X.shape[0],)
    assert mv.log_likelihood(X, short.params) == pytest.approx(samples.sum(), rel=1e-12)
    assert mv.fit_em(X, k=2).log_likelihood > short.log_likelihood


# ---- test_regularisation ------------------------------------------------------------------------

@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_regularisation(covariance_type):
    """Two clusters of zero covariance: scikit-learn without reg_covar fails with a message;
    mixlib refuses such data up front, naming X and the reason."""
    X = np.vstack((np.ones((5, 5)), np.zeros((5, 5))))
    with pytest.raises(ValueError, match=r"^X: has only 2 distinct points, fewer than the k=10"):
        mv.fit_em(X, k=10, covariance=covariance_type)
    with pytest.raises(ValueError, match=r"^X: the points lie on a line or plane"):
        mv.fit_em(X, k=2, covariance="full")


# ---- test_property (Cholesky factors instead of precisions) -------------------------------------

@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_property(covariance_type):
    X = rand_data(scale=7).X[covariance_type]
    p = mv.fit_em(X, k=2, covariance=covariance_type, n_init=5, rng=0).params
    np.testing.assert_allclose(p.cholesky @ p.cholesky.transpose(0, 2, 1), p.covariances,
                               rtol=1e-12)


# ---- test_sample ------------------------------------------------------------------------------

@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPE)
def test_sample(covariance_type):
    data = rand_data(scale=7, n_components=3)
    X = data.X[covariance_type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.DegenerateFitWarning)
        p = mv.fit_em(X, k=3, covariance=covariance_type, rng=0).params
    with pytest.raises(ValueError, match=r"^n: must be >= 1"):
        mv.sample(p, 0)
    X_s, y_s = mv.sample(p, 20_000, rng=0, return_labels=True)
    for k in range(3):
        # within 4 standard errors (scikit-learn: one decimal, tuned to its seed)
        n_k, want = np.sum(y_s == k), p.covariances[k]
        se = np.sqrt((np.outer(np.diag(want), np.diag(want)) + want**2) / n_k)
        assert np.all(np.abs(np.cov(X_s[y_s == k].T) - want) <= 4 * se)
        assert np.all(np.abs(X_s[y_s == k].mean(axis=0) - p.means[k])
                      <= 4 * np.sqrt(np.diag(want) / n_k))
    assert X_s.shape == (20_000, 2)
    for size in range(1, 100):
        assert mv.sample(p, size, rng=size).shape == (size, 2)


# ---- test_init ----------------------------------------------------------------------------------

def test_init():
    """More starts never give a worse fit (scikit-learn: n_init=10 vs 1 with max_iter=1)."""
    for seed in range(25):
        X = rand_data(seed, scale=1).X["full"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            one = mv.fit_em(X, k=2, max_iter=1, rng=seed)
            ten = mv.fit_em(X, k=2, max_iter=1, n_init=10, rng=seed)
        assert ten.log_likelihood >= one.log_likelihood or (one.degenerate and not ten.degenerate)
