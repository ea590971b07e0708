"""Agreement of mixlib.multivariate with scikit-learn's GaussianMixture (reg_covar=0, the same
start, a fixed number of iterations) for d = 1, 2, 3 and all four covariance structures, and
with the 1-D mixlib.fit_em when d = 1. scikit-learn is a test-time peer only."""

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import mixlib
from mixlib import multivariate as mv

# mixlib floors eigenvalues at 1e-12 of the data's variance; it never binds on these data.
AGREEMENT = 1e-8


def sample_mixture(seed, d, k, n=800):
    """Correlated, unequal components with their centres a few sds apart."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(k, size=n, p=rng.dirichlet(np.full(k, 3.0)))
    centres = rng.normal(0, 3, (k, d))
    factors = rng.normal(0, 1, (k, d, d)) * 0.6 + np.eye(d)
    noise = rng.normal(size=(n, d))
    return centres[labels] + np.einsum("nij,nj->ni", factors[labels], noise) + 100.0 * seed


def structured_start(X, k, covariance, seed):
    """Equal weights, k data points as means, covariances with the structure asked for."""
    rng = np.random.default_rng(seed + 1000)
    d = X.shape[1]
    means = X[rng.choice(X.shape[0], size=k, replace=False)]
    spread = np.cov(X.T).reshape(d, d)
    covs = {
        "full": np.stack([spread * s for s in rng.uniform(0.5, 1.5, k)]),
        "diag": np.stack([np.diag(np.diag(spread) * rng.uniform(0.5, 1.5, d)) for _ in range(k)]),
        "spherical": np.stack([np.eye(d) * np.trace(spread) / d * s
                               for s in rng.uniform(0.5, 1.5, k)]),
        "tied": np.repeat(spread[None], k, axis=0),
    }[covariance]
    return mv.MultivariateParams(np.full(k, 1.0 / k), means, covs)


def precisions_init(start, covariance):
    precisions = np.linalg.inv(start.covariances)  # test side only: sklearn takes precisions
    return {"full": precisions, "tied": precisions[0],
            "diag": np.diagonal(precisions, axis1=1, axis2=2),
            "spherical": precisions[:, 0, 0]}[covariance]


def sklearn_fit(X, start, covariance, max_iter):
    gm = GaussianMixture(n_components=start.k, covariance_type=covariance, reg_covar=0.0,
                         tol=0.0, max_iter=max_iter, weights_init=start.weights,
                         means_init=start.means,
                         precisions_init=precisions_init(start, covariance), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its ConvergenceWarning: the iterations are fixed
        gm.fit(X)
    return gm


def ours(X, start, covariance, max_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.ConvergenceWarning)
        return mv.fit_em(X, start, covariance=covariance, tol=1e-300, max_iter=max_iter)


CASES = [(d, seed) for d in (1, 2, 3) for seed in (0, 1, 2)]


@pytest.mark.parametrize("covariance", mv.COVARIANCE_TYPES)
@pytest.mark.parametrize("d, seed", CASES)
def test_fit_em_matches_sklearn(d, seed, covariance):
    k = 2 + seed % 2
    X = sample_mixture(seed, d, k)
    start = structured_start(X, k, covariance, seed)
    for max_iter in (1, 5, 60):
        fit = ours(X, start, covariance, max_iter)
        gm = sklearn_fit(X, start, covariance, max_iter)
        # tol=1e-300 stops mixlib only at an exact fixed point, where more steps change nothing
        assert gm.n_iter_ == max_iter and (fit.n_iter == max_iter or fit.converged)
        diff = abs(fit.log_likelihood / X.shape[0] - gm.score(X))
        assert diff < AGREEMENT, (d, seed, covariance, max_iter, diff)
        np.testing.assert_allclose(fit.params.means, gm.means_, rtol=0,
                                   atol=1e-6 * np.abs(X).max())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_dimension_matches_the_1d_fit_em(seed):
    x = mixlib.sample(mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]), 1000, rng=seed)
    start_1d = mixlib.MixtureParams([0.5, 0.5], [-0.2, 0.8], [0.2, 0.2])
    start = mv.MultivariateParams(start_1d.weights, start_1d.means[:, None],
                                  (start_1d.sds**2)[:, None, None])
    fit_1d = mixlib.fit_em(x, start_1d)
    fit = mv.fit_em(x[:, None], start)
    assert fit.converged and fit_1d.converged
    assert abs(fit.log_likelihood - fit_1d.log_likelihood) / x.size < 1e-10
    np.testing.assert_allclose(fit.params.means[:, 0], fit_1d.params.means, atol=1e-6)
    np.testing.assert_allclose(np.sqrt(fit.params.covariances[:, 0, 0]), fit_1d.params.sds,
                               atol=1e-6)
    # the same iterations: the stopping rules are the same rule
    assert abs(fit.n_iter - fit_1d.n_iter) <= 1
    np.testing.assert_allclose(fit.history, fit_1d.history, rtol=1e-10)
