"""Features issue 31 added to mixlib.multivariate: sample, the k-means start, choose_k and the
held-out score over covariance structures, and ICL (1-D and d-D)."""

import warnings

import numpy as np
import pytest
import scipy.stats

import mixlib
from mixlib import multivariate as mv

P = mv.MultivariateParams([0.3, 0.7], [[0.0, 0.0], [4.0, 1.0]],
                          [[[1.0, 0.6], [0.6, 2.0]], [[0.5, -0.2], [-0.2, 0.3]]])


def test_sample_draws_from_the_mixture():
    X, z = mv.sample(P, 20_000, rng=0, return_labels=True)
    assert X.shape == (20_000, 2) and set(np.unique(z)) == {0, 1}
    assert abs(z.mean() - 0.7) < 0.02
    for j in range(2):
        np.testing.assert_allclose(X[z == j].mean(axis=0), P.means[j], atol=0.05)
        np.testing.assert_allclose(np.cov(X[z == j].T), P.covariances[j], atol=0.06)
    # each component's squared Mahalanobis distances are chi-square with d degrees of freedom
    L = P.cholesky[1]
    r = np.linalg.solve(L, (X[z == 1] - P.means[1]).T)
    assert scipy.stats.kstest((r * r).sum(axis=0), "chi2", args=(2,)).pvalue > 1e-3


def test_sample_is_reproducible_and_checks_its_arguments():
    np.testing.assert_array_equal(mv.sample(P, 10, rng=3), mv.sample(P, 10, rng=3))
    with pytest.raises(ValueError, match=r"^n: must be >= 1"):
        mv.sample(P, 0)
    with pytest.raises(TypeError, match=r"^params: expected a MultivariateParams"):
        mv.sample(mixlib.MixtureParams([1.0], [0.0], [1.0]), 5)
    with pytest.raises(TypeError, match=r"^rng: expected None"):
        mv.sample(P, 5, rng="x")


def test_sample_and_fit_round_trip():
    X = mv.sample(P, 4000, rng=1)
    fit = mv.fit_em(X, k=2, n_init=3, rng=0)
    order = np.argsort(fit.params.means[:, 0])
    np.testing.assert_allclose(fit.params.means[order], P.means, atol=0.1)


@pytest.mark.parametrize("covariance", mv.COVARIANCE_TYPES)
def test_kmeans_start_fits_and_is_reproducible(covariance):
    X = mv.sample(P, 600, rng=2)
    a = mv.fit_em(X, k=2, covariance=covariance, init_method="kmeans", n_init=3, rng=0)
    b = mv.fit_em(X, k=2, covariance=covariance, init_method="kmeans", n_init=3, rng=0)
    axis = mv.fit_em(X, k=2, covariance=covariance)
    assert a.converged and a.params == b.params
    assert a.log_likelihood == pytest.approx(axis.log_likelihood, rel=1e-6)


def test_kmeans_start_is_the_kmeans_partition():
    from mixlib.starts import kmeans_start, principal_axis_start

    X = mv.sample(P, 500, rng=4)
    start = kmeans_start(X, principal_axis_start(X, 2))
    centres, labels = mv.kmeans(X, principal_axis_start(X, 2).means)
    np.testing.assert_allclose(start.means, centres)
    np.testing.assert_allclose(start.weights, np.bincount(labels) / labels.size)
    np.testing.assert_allclose(start.covariances[0], np.cov(X[labels == 0].T, bias=True))


def test_bad_init_method():
    with pytest.raises(ValueError, match=r"^init_method: expected one of \('axis', 'kmeans'\)"):
        mv.fit_em(mv.sample(P, 50, rng=0), init_method="random")


def test_choose_k_over_structures():
    X = mv.sample(P, 400, rng=5)
    rows = mv.choose_k(X, [1, 2, 3], ["full", "diag"], n_init=2, n_folds=3)
    assert [(r.covariance, r.k) for r in rows] == [
        ("full", 1), ("full", 2), ("full", 3), ("diag", 1), ("diag", 2), ("diag", 3)]
    best = min(rows, key=lambda r: r.bic)
    assert (best.covariance, best.k) == ("full", 2)
    assert min(rows, key=lambda r: r.icl).k == 2
    assert max(rows, key=lambda r: r.held_out).k in (2, 3)
    for r in rows:
        assert r.bic == pytest.approx(mv.bic(X, r.fit.params, r.covariance))
        assert r.icl >= r.bic
        assert r.n_parameters == mv.n_free_parameters(r.k, 2, r.covariance)
    # each row is reproducible on its own
    alone = mv.fit_em(X, k=2, covariance="diag", n_init=2, rng=0)
    assert alone.params == rows[4].fit.params
    assert mv.held_out_log_likelihood(X, 2, covariance="diag", n_folds=3, n_init=2,
                                      rng=0) == rows[4].held_out


def test_choose_k_flags_degenerate_rows():
    X = np.r_[mv.sample(P, 60, rng=6), np.repeat([[9.0, 9.0]], 3, axis=0)]
    with pytest.warns(mixlib.DegenerateFitWarning, match="^choose_k: "):
        rows = mv.choose_k(X, [1, 6], ["full"], n_init=1, held_out=False)
    assert rows[1].degenerate and rows[1].bic == np.inf and rows[1].icl == np.inf


def test_choose_k_rejects_bad_input():
    with pytest.raises(ValueError, match=r"^covariance: expected one of"):
        mv.choose_k(mv.sample(P, 50, rng=0), [1], ["VVV"])
    with pytest.raises(ValueError, match=r"^k: must be >= 1"):
        mv.choose_k(mv.sample(P, 50, rng=0), [0])
    with pytest.raises(ValueError, match=r"^n_folds: 5 folds need at least 5 points, but X"):
        mv.held_out_log_likelihood([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], 1)


# ---- ICL -------------------------------------------------------------------------------------

def test_icl_is_bic_plus_twice_the_hard_classification_entropy():
    x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 2], [1, 1]), 300, rng=0)
    params = mixlib.fit_em(x, k=2).params
    r = mixlib.responsibilities(x, params)
    expected = mixlib.bic(x, params) - 2 * np.sum(np.log(r.max(axis=1)))
    assert mixlib.icl(x, params) == pytest.approx(expected, rel=1e-12)
    X = mv.sample(P, 300, rng=0)
    fit = mv.fit_em(X, k=2, covariance="tied")
    R = mv.responsibilities(X, fit.params)
    assert mv.icl(X, fit.params, "tied") == pytest.approx(
        mv.bic(X, fit.params, "tied") - 2 * np.sum(np.log(R.max(axis=1))), rel=1e-12)


def test_icl_prefers_separated_groups():
    x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 1.2], [1, 1]), 2000, rng=0)
    one, two = (mixlib.fit_em(x, k=k).params for k in (1, 2))
    assert mixlib.icl(x, one) < mixlib.icl(x, two)


def test_icl_is_defined_at_far_points():
    p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mixlib.icl([0.0, 1e300], p) == np.inf


# ---- reg_covar, as scikit-learn's ------------------------------------------------------------------

@pytest.mark.parametrize("covariance", mv.COVARIANCE_TYPES)
def test_reg_covar_matches_scikit_learn(covariance):
    from sklearn.mixture import GaussianMixture

    X = mv.sample(P, 300, rng=7) * [1.0, 30.0]
    start = mv.fit_em(X, k=2, covariance=covariance, max_iter=2, tol=1e3).params
    precisions = np.linalg.inv(start.covariances)
    gm = GaussianMixture(2, covariance_type=covariance, reg_covar=0.5, tol=0.0, max_iter=20,
                         weights_init=start.weights, means_init=start.means,
                         precisions_init={"full": precisions, "tied": precisions[0],
                                          "diag": np.diagonal(precisions, axis1=1, axis2=2),
                                          "spherical": precisions[:, 0, 0]}[covariance])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
        ours = mv.fit_em(X, start, covariance=covariance, reg_covar=0.5, max_iter=20, tol=1e-300)
    np.testing.assert_allclose(ours.params.means, gm.means_, rtol=1e-8)
    covs = {"full": gm.covariances_, "tied": np.repeat(gm.covariances_[None], 2, axis=0),
            "diag": np.array([np.diag(c) for c in np.atleast_2d(gm.covariances_)]),
            "spherical": np.array([c * np.eye(2) for c in np.atleast_1d(gm.covariances_)])}
    np.testing.assert_allclose(ours.params.covariances, covs[covariance], rtol=1e-8)


def test_reg_covar_rejects_bad_values():
    X = mv.sample(P, 50, rng=0)
    for bad, error in ((-1.0, ValueError), (np.nan, ValueError), ("1e-6", TypeError)):
        with pytest.raises(error, match=r"^reg_covar: "):
            mv.fit_em(X, reg_covar=bad)
    assert mv.fit_em(X, reg_covar=0).params == mv.fit_em(X).params


def test_multivariate_held_out_warnings_point_at_the_caller():
    X = mv.sample(P, 200, rng=8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mv.held_out_log_likelihood(X, 3, max_iter=2, n_folds=3, rng=0)
        mv.choose_k(X, [3], ["full"], max_iter=2, n_folds=3, n_init=1)
    messages = [w for w in caught if "fold fits" in str(w.message)]
    assert len(messages) == 2 and all(w.filename == __file__ for w in messages)
