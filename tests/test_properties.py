"""Property tests (hypothesis): K from 1 to 4, scales 1e-6 to 1e6, offsets up to 1e8, repeated
values. Data come from numpy with a hypothesis-drawn seed, which keeps each example fast."""

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mixlib
from mixlib import ConvergenceWarning, MixtureParams

# At least 50 examples each; MIXLIB_HYPOTHESIS_EXAMPLES=2000 for a long hunt.
MAX_EXAMPLES = max(50, int(os.environ.get("MIXLIB_HYPOTHESIS_EXAMPLES", "150")))
SETTINGS = settings(
    deadline=None, max_examples=MAX_EXAMPLES, suppress_health_check=[HealthCheck.too_slow]
)


class Case:
    """A data set and a start: x = offset + scale * (a standard-scale mixture sample)."""

    def __init__(self, seed, k, log_scale, offset_fraction, n, repeats):
        rng = np.random.default_rng(seed)
        self.k = k
        self.scale = 10.0**log_scale
        # offsets up to 1e8, but no more than 1e12 spreads (beyond that the data are all equal)
        self.offset = offset_fraction * min(1e8, 1e12 * self.scale)
        k_true = int(rng.integers(1, 5))
        z = rng.choice(k_true, size=n, p=rng.dirichlet(np.ones(k_true) * 2))
        centres = rng.normal(0, 3, k_true)
        spreads = rng.uniform(0.3, 1.5, k_true)
        u = rng.normal(centres[z], spreads[z])
        if repeats == "rounded":
            u = np.round(u, 1)
        elif repeats == "duplicated":
            picks = rng.choice(n, size=n // 3, replace=False)
            u[picks] = u[rng.integers(0, 3)]
        if np.ptp(u) == 0:
            u[0] += 1.0
        self.u = u
        self.x = self.offset + self.scale * u
        # a start from the same rng: equal weights, distinct data points as means
        idx = rng.choice(np.unique(u, return_index=True)[1], size=min(k, np.unique(u).size), replace=False)
        means_u = u[idx]
        if means_u.size < k:
            means_u = np.concatenate([means_u, means_u[0] + np.arange(1, k - means_u.size + 1)])
        self.init_u = MixtureParams(np.full(k, 1 / k), means_u, np.full(k, max(np.std(u), 1e-3)))
        self.init = self.to_data(self.init_u)

    def to_data(self, p):
        return MixtureParams(p.weights, self.offset + self.scale * p.means, self.scale * p.sds)

    def __repr__(self):
        return f"Case(k={self.k}, scale={self.scale:.3g}, offset={self.offset:.3g}, n={self.x.size})"


@st.composite
def cases(draw, k_min=1, k_max=4):
    return Case(
        seed=draw(st.integers(0, 2**32 - 1)),
        k=draw(st.integers(k_min, k_max)),
        log_scale=draw(st.floats(-6, 6)),
        offset_fraction=draw(st.sampled_from([0.0, 1.0, -1.0]) | st.floats(-1, 1)),
        n=draw(st.integers(20, 300)),
        repeats=draw(st.sampled_from(["none", "rounded", "duplicated"])),
    )


def fit(x, init, **kwargs):
    """fit_em without its ConvergenceWarning. The invariance tests run a fixed 30 iterations
    (tol=1e-300): a stopping test met at different iterations would differ by one step's progress."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return mixlib.fit_em(x, init, **kwargs)


def slack(ll, n):
    """Rounding allowed in a total log-likelihood of n points (the brief's slack)."""
    return 1e-12 * abs(ll) + 1e-9 * n


def data_precision(case):
    """How precisely the data are stored, in units of their spread: eps * |offset| / scale.

    Up to 2e-4 for data at 1e8 with spread 1e-4. Anything computed in data units (em_step,
    log_likelihood) can be no more precise than that; fit_em works on standardised data.
    """
    return np.finfo(np.float64).eps * abs(case.offset) / case.scale


@SETTINGS
@given(cases())
def test_em_never_decreases_the_log_likelihood(case):
    result = fit(case.x, case.init, max_iter=100, tol=1e-12)
    history = result.history
    assert np.all(np.isfinite(history))
    for before, after in zip(history[:-1], history[1:]):
        assert after >= before - slack(before, case.x.size), (before, after)
    # log_likelihood evaluates in data units: each z = (x - mu) / sd carries the data's precision
    assert result.log_likelihood == pytest.approx(
        mixlib.log_likelihood(case.x, result.params),
        rel=1e-9, abs=case.x.size * (1e-9 + 10 * data_precision(case)),
    )


@SETTINGS
@given(cases())
def test_em_step_never_decreases_the_log_likelihood(case):
    # em_step works in data units, at the case's offset and scale
    # (means and sds rounded to the data's precision move the log-likelihood at second order)
    n = case.x.size
    p = case.init
    ll = mixlib.log_likelihood(case.x, p)
    for _ in range(10):
        p = mixlib.em_step(case.x, p)
        new_ll = mixlib.log_likelihood(case.x, p)
        assert np.isfinite(new_ll)
        assert new_ll >= ll - slack(ll, n) - n * (10 * data_precision(case)) ** 2
        ll = new_ll


@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_responsibilities_are_probabilities(case, seed):
    rng = np.random.default_rng(seed)
    k = case.k
    p = case.to_data(
        MixtureParams(rng.dirichlet(np.ones(k)), rng.normal(0, 3, k), rng.uniform(0.05, 3, k))
    )
    r = mixlib.responsibilities(case.x, p)
    assert r.shape == (case.x.size, k)
    assert np.all((r >= 0) & (r <= 1))
    np.testing.assert_allclose(r.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_fit_is_invariant_to_shuffling_the_data(case, seed):
    perm = np.random.default_rng(seed).permutation(case.x.size)
    a = fit(case.x, case.init, max_iter=30, tol=1e-300)
    b = fit(case.x[perm], case.init, max_iter=30, tol=1e-300)
    _assert_same_fit(case, a, b)


@SETTINGS
@given(cases(k_min=2), st.integers(0, 2**32 - 1))
def test_fit_is_invariant_to_relabelling_the_components(case, seed):
    perm = np.random.default_rng(seed).permutation(case.k)
    init = case.init
    relabelled = MixtureParams(init.weights[perm], init.means[perm], init.sds[perm])
    a = fit(case.x, init, max_iter=30, tol=1e-300)
    b = fit(case.x, relabelled, max_iter=30, tol=1e-300)
    # component j of b is component perm[j] of a
    pa = MixtureParams(a.params.weights[perm], a.params.means[perm], a.params.sds[perm])
    _assert_same_fit(case, a, b, pa)


def _assert_same_fit(case, a, b, pa=None):
    """Equal up to rounding (in units of the data's scale) and up to the stopping iteration.

    Data at an offset are stored to eps * |offset|, which is ``eps * offset / scale`` of their
    spread (up to 2e-4 for offset / scale = 1e12): sums in another order differ by about that.
    """
    pa = a.params if pa is None else pa
    scale = case.scale
    tol = 1e-5 + 1e-14 * abs(case.offset) / scale
    assert b.log_likelihood == pytest.approx(a.log_likelihood, rel=1e-9, abs=tol * case.x.size)
    np.testing.assert_allclose(b.params.weights, pa.weights, rtol=0, atol=tol)
    np.testing.assert_allclose(
        (b.params.means - case.offset) / scale, (pa.means - case.offset) / scale, rtol=0, atol=tol
    )
    np.testing.assert_allclose(b.params.sds / scale, pa.sds / scale, rtol=tol, atol=tol)


@SETTINGS
@given(cases(), st.floats(-1e8, 1e8), st.floats(-6, 6), st.booleans())
def test_shifting_and_scaling_the_data_shifts_and_scales_the_fit(case, shift, log_b, flip):
    b = 10.0**log_b * (-1 if flip else 1)
    # keep the transformed data's spread above 1e-12 of its offset (else every value is equal)
    shift = shift if abs(shift) <= 1e12 * abs(b) * case.scale else 0.0
    y = shift + b * case.x
    init = case.init
    init_y = MixtureParams(init.weights, shift + b * init.means, abs(b) * init.sds)
    fx = fit(case.x, init, max_iter=30, tol=1e-300)
    fy = fit(y, init_y, max_iter=30, tol=1e-300)
    # in the units of each data set's own spread
    sx, sy = case.scale, abs(b) * case.scale
    # rounding of data stored at an offset, in units of their spread (see _assert_same_fit)
    tol = 1e-5 + 1e-14 * (abs(shift) / sy + abs(case.offset) / sx)
    np.testing.assert_allclose(fy.params.weights, fx.params.weights, rtol=0, atol=tol)
    np.testing.assert_allclose(
        (fy.params.means - shift) / b / sx - case.offset / sx,
        (fx.params.means - case.offset) / sx, rtol=0, atol=tol,
    )
    np.testing.assert_allclose(fy.params.sds / sy, fx.params.sds / sx, rtol=tol, atol=tol)
    # the log-likelihood shifts by -n log|b|
    assert fy.log_likelihood == pytest.approx(
        fx.log_likelihood - case.x.size * np.log(abs(b)), rel=1e-8, abs=tol * case.x.size
    )


@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_logpdf_agrees_with_log_pdf_where_pdf_does_not_underflow(case, seed):
    rng = np.random.default_rng(seed)
    k = case.k
    p = case.to_data(
        MixtureParams(rng.dirichlet(np.ones(k)), rng.normal(0, 3, k), rng.uniform(0.05, 3, k))
    )
    lp = mixlib.logpdf(case.x, p)
    dens = mixlib.pdf(case.x, p)
    assert np.all(np.isfinite(lp)) and np.all(dens >= 0)
    ok = dens > 1e-300
    np.testing.assert_allclose(np.log(dens[ok]), lp[ok], rtol=1e-12, atol=1e-12)
    assert np.all(dens[~ok] < 1e-290)


@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_negloglik_grad_matches_finite_differences(case, seed):
    # theta for the case's standard-scale data: well-scaled numbers for finite differences
    rng = np.random.default_rng(seed)
    k = case.k
    theta = np.concatenate(
        [rng.normal(0, 2, k), np.log(rng.uniform(0.3, 3, k)), rng.normal(0, 1, k - 1)]
    )
    grad = mixlib.negloglik_grad(theta, case.u)
    h = 1e-5
    numeric = np.array(
        [
            (mixlib.negloglik(theta + h * e, case.u) - mixlib.negloglik(theta - h * e, case.u))
            / (2 * h)
            for e in np.eye(theta.size)
        ]
    )
    value = abs(mixlib.negloglik(theta, case.u))
    # central differences: truncation ~h^2 * third derivative, rounding ~eps * |f| / h
    np.testing.assert_allclose(
        grad, numeric, rtol=1e-5, atol=1e-6 * np.abs(numeric).max() + 1e-10 * value / h
    )
