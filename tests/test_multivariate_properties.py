"""Property tests (hypothesis) for mixlib.multivariate: d from 1 to 3, K from 1 to 4, all four
covariance structures, scales 1e-4 to 1e4, offsets up to 1e6. Data come from numpy with a
hypothesis-drawn seed, which keeps each example fast."""

import os
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mixlib
from mixlib import multivariate as mv

MAX_EXAMPLES = max(50, int(os.environ.get("MIXLIB_HYPOTHESIS_EXAMPLES", "100")))
SETTINGS = settings(deadline=None, max_examples=MAX_EXAMPLES,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cases(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    d = draw(st.integers(1, 3))
    k = draw(st.integers(1, 4))
    n = draw(st.integers(30, 300))
    scale = 10.0 ** draw(st.floats(-4, 4))
    offset = draw(st.floats(-1, 1)) * min(1e6, 1e10 * scale)
    covariance = draw(st.sampled_from(mv.COVARIANCE_TYPES))
    rng = np.random.default_rng(seed)
    k_true = int(rng.integers(1, 5))
    labels = rng.choice(k_true, size=n)
    X = rng.normal(0, 3, (k_true, d))[labels] + rng.normal(size=(n, d)) * rng.uniform(0.3, 1.5, d)
    if draw(st.booleans()):
        X = np.round(X, 1)  # ties
    return offset + scale * X, k, covariance


@SETTINGS
@given(cases())
def test_em_never_decreases_the_log_likelihood(case):
    X, k, covariance = case
    if np.unique(X, axis=0).shape[0] < k:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (mixlib.ConvergenceWarning, mixlib.DegenerateFitWarning))
        fit = mv.fit_em(X, k=k, covariance=covariance, max_iter=60, tol=1e-12)
    history = fit.history
    n = X.shape[0]
    assert np.all(np.isfinite(history))
    if fit.degenerate:
        # a component holding almost no data has a covariance made of rounding noise (the M-step
        # divides by a mass near 0): the fit is reported as degenerate, and monotonicity is moot
        assert fit.message.count("degenerate fit") == 1
        return
    # the eigenvalue floor is an exact constrained M-step; rounding is the slack
    slack = 1e-12 * np.abs(history[:-1]) + 1e-9 * n
    assert np.all(np.diff(history) >= -slack), np.diff(history).min()


@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_responsibilities_are_probabilities_and_logpdf_is_finite(case, seed):
    X, k, _ = case
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    spread = X.std(axis=0).max() + 1e-300
    factors = rng.normal(size=(k, d, d)) + 2 * np.eye(d)
    covs = spread**2 * factors @ factors.transpose(0, 2, 1)
    p = mv.MultivariateParams(rng.dirichlet(np.ones(k)), X[rng.integers(0, X.shape[0], k)], covs)
    r = mv.responsibilities(X, p)
    assert r.shape == (X.shape[0], k) and np.all((r >= 0) & (r <= 1))
    np.testing.assert_allclose(r.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(np.isfinite(mv.logpdf(X, p)))
