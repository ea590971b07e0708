"""Agreement: fit_em with fit_direct, with scikit-learn, and em_step with the original script's
loop. scikit-learn is only a test-time peer: mixlib itself never imports it (checked, with what
``import mixlib`` loads, in test_dependencies.py)."""

import warnings
from math import sqrt

import numpy as np
import pytest
from numpy import array, zeros
from scipy.stats import norm
from sklearn import mixture as sklearn_mixture  # the test extra pins it: a missing one must fail

import mixlib
from mixlib import MixtureParams



@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_fit_em_and_fit_direct_reach_the_same_maximum(seed):
    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=seed)
    em = mixlib.fit_em(x, p0)
    direct = mixlib.fit_direct(x, p0)
    # EM's flag is its own tolerance test; for fit_direct scipy's success flag can flip with the
    # CPU's rounding at the maximum, so the gradient there is what is checked.
    assert em.converged
    gradient = mixlib.negloglik_grad(mixlib.to_unconstrained(direct.params), x)
    assert np.abs(gradient).max() < 1e-2
    assert abs(em.log_likelihood - direct.log_likelihood) < 1e-6
    np.testing.assert_allclose(em.params.to_vector(), direct.params.to_vector(), rtol=0, atol=1e-4)


# ---- scikit-learn ------------------------------------------------------------------------------

MIXTURES = {
    "K2-separated": MixtureParams([0.4, 0.6], [0.0, 3.0], [1.0, 0.7]),
    "K2-overlapping": MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]),
    "K2-offset-scaled": MixtureParams([0.5, 0.5], [1e4, 1e4 + 30.0], [10.0, 20.0]),
    "K3": MixtureParams([0.3, 0.3, 0.4], [-3.0, 0.0, 4.0], [1.0, 0.5, 1.5]),
    "K3-unequal": MixtureParams([0.1, 0.6, 0.3], [-1.0, 2.0, 2.5], [0.2, 1.0, 0.3]),
}


def _sklearn_fit(x, init, **kwargs):
    gm = sklearn_mixture.GaussianMixture(
        n_components=init.k,
        covariance_type="full",
        reg_covar=0.0,
        weights_init=init.weights,
        means_init=init.means[:, None],
        precisions_init=(1.0 / init.sds**2)[:, None, None],
        random_state=0,
        **kwargs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its own ConvergenceWarning in the fixed-iteration case
        gm.fit(x[:, None])
    order = np.argsort(gm.means_.ravel())
    params = MixtureParams(
        gm.weights_[order] / gm.weights_.sum(),
        gm.means_.ravel()[order],
        np.sqrt(gm.covariances_.ravel()[order]),
    )
    return gm, params


def _data_and_start(name, seed):
    truth = MIXTURES[name]
    x = mixlib.sample(truth, 2000, rng=seed)
    k = truth.k
    start = MixtureParams(
        np.full(k, 1 / k), np.quantile(x, (np.arange(k) + 0.5) / k), np.full(k, np.std(x) / k)
    )
    return x, start


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", MIXTURES)
def test_fit_em_matches_sklearn_at_convergence(name, seed):
    x, start = _data_and_start(name, seed)
    fit = mixlib.fit_em(x, start, tol=1e-12, max_iter=100_000)
    gm, sk = _sklearn_fit(x, start, tol=1e-12, max_iter=100_000)
    assert fit.converged and gm.converged_
    assert abs(fit.log_likelihood / x.size - gm.score(x[:, None])) < 1e-8
    ours = fit.params.sorted_by_mean()
    scale = np.std(x)
    # both stop on a change below 1e-12 per point, not at the exact fixed point
    np.testing.assert_allclose(ours.weights, sk.weights, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours.means, sk.means, rtol=0, atol=1e-5 * scale)
    np.testing.assert_allclose(ours.sds, sk.sds, rtol=0, atol=1e-5 * scale)


@pytest.mark.parametrize("iterations", [1, 4, 10])
@pytest.mark.parametrize("name", MIXTURES)
def test_fit_em_matches_sklearn_iteration_by_iteration(name, iterations):
    """The same number of EM iterations from the same start: the same parameters."""
    x, start = _data_and_start(name, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mixlib.ConvergenceWarning)
        fit = mixlib.fit_em(x, start, tol=1e-300, max_iter=iterations)
    assert fit.n_iter == iterations
    gm, sk = _sklearn_fit(x, start, tol=1e-300, max_iter=iterations)
    assert gm.n_iter_ == iterations
    ours = fit.params.sorted_by_mean()
    scale = np.std(x)
    np.testing.assert_allclose(ours.weights, sk.weights, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.means, sk.means, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(ours.sds, sk.sds, rtol=1e-9)


# ---- the original script's loop ----------------------------------------------------------------


def original_script_em(seed, max_iter=100):
    """The EM loop of SimpleMixtureModel.md, copied plainly: scipy.stats.norm, the per-k loop,
    math.sqrt. Changes: integer sample sizes (the script passed size=N*a, a float) and a seeded
    Generator for the stratified sample. Returns the sample and the final (mu1, sig1, mu2, sig2, pi1).
    """
    rng = np.random.default_rng(seed)
    N = 1000
    a = 0.3
    s1 = rng.normal(0, 0.08, size=round(N * a))
    s2 = rng.normal(0.6, 0.12, size=round(N * (1 - a)))
    s = np.concatenate([s1, s2])

    def pdf_model(x, p):
        mu1, sig1, mu2, sig2, pi_1 = p
        return pi_1 * norm.pdf(x, mu1, sig1) + (1 - pi_1) * norm.pdf(x, mu2, sig2)

    p0 = array([-0.2, 0.2, 0.8, 0.2, 0.5])
    mu1, sig1, mu2, sig2, pi_1 = p0
    mu = array([mu1, mu2])
    sig = array([sig1, sig2])
    pi_ = array([pi_1, 1 - pi_1])

    gamma = zeros((2, s.size))
    N_ = zeros(2)
    p_new = p0
    counter = 0
    converged = False
    while not converged:
        for k in [0, 1]:
            gamma[k, :] = pi_[k] * norm.pdf(s, mu[k], sig[k]) / pdf_model(s, p_new)
            N_[k] = 1.0 * gamma[k].sum()
            mu[k] = sum(gamma[k] * s) / N_[k]
            sig[k] = sqrt(sum(gamma[k] * (s - mu[k]) ** 2) / N_[k])
            pi_[k] = N_[k] / s.size
        p_new = [mu[0], sig[0], mu[1], sig[1], pi_[0]]
        assert abs(N_.sum() - N) / float(N) < 1e-6
        assert abs(pi_.sum() - 1) < 1e-6
        counter += 1
        converged = counter >= max_iter
    return s, np.array(p_new)


@pytest.mark.parametrize("seed", [0, 1])
def test_original_loop_agrees_with_100_em_steps(seed):
    s, script_result = original_script_em(seed)
    assert s.size == 1000
    _, _, p = mixlib.datasets.original_example()
    for _ in range(100):
        p = mixlib.em_step(s, p)
    np.testing.assert_allclose(p.to_vector(), script_result, rtol=0, atol=1e-9)
    # and 100 fixed iterations got (nearly) to the maximum fit_em finds
    fit = mixlib.fit_em(s, mixlib.datasets.original_example()[2])
    np.testing.assert_allclose(p.to_vector(), fit.params.to_vector(), atol=1e-4)


def test_original_loop_after_few_iterations_too():
    s, script_result = original_script_em(3, max_iter=3)
    p = mixlib.datasets.original_example()[2]
    for _ in range(3):
        p = mixlib.em_step(s, p)
    np.testing.assert_allclose(p.to_vector(), script_result, rtol=0, atol=1e-12)
