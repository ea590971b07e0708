"""pdf, logpdf, log_likelihood and responsibilities against scipy.stats.norm, and far tails."""

import numpy as np
import pytest
from scipy import special, stats

import mixlib
from mixlib import MixtureParams

P3 = MixtureParams([0.2, 0.3, 0.5], [-1.0, 0.5, 2.0], [0.3, 0.8, 0.5])


def reference_pdf(x, p):
    x = np.asarray(x, dtype=float)
    return sum(w * stats.norm.pdf(x, m, s) for w, m, s in zip(p.weights, p.means, p.sds))


def reference_logpdf(x, p):
    x = np.asarray(x, dtype=float)
    terms = [np.log(w) + stats.norm.logpdf(x, m, s) for w, m, s in zip(p.weights, p.means, p.sds)]
    return special.logsumexp(terms, axis=0)


@pytest.mark.parametrize(
    "p",
    [
        MixtureParams([1.0], [0.0], [1.0]),
        MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]),
        P3,
        MixtureParams([0.25] * 4, [-3, -1, 1, 3], [0.5, 1, 1.5, 2]),
    ],
    ids=["K1", "K2", "K3", "K4"],
)
def test_pdf_and_logpdf_match_scipy(p):
    x = np.linspace(-4, 5, 301)
    expected = reference_pdf(x, p)
    normal = expected > 1e-300  # subnormal densities carry fewer digits; logpdf has them all
    # exp(logpdf) has relative error about |logpdf| * eps, up to ~1.5e-13 near the underflow
    np.testing.assert_allclose(mixlib.pdf(x, p)[normal], expected[normal], rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        mixlib.logpdf(x, p)[normal], np.log(expected[normal]), rtol=1e-13, atol=1e-14
    )
    np.testing.assert_allclose(mixlib.pdf(x, p)[~normal], expected[~normal], rtol=0, atol=1e-300)
    np.testing.assert_allclose(mixlib.logpdf(x, p), reference_logpdf(x, p), rtol=1e-13)
    assert mixlib.log_likelihood(x, p) == pytest.approx(reference_logpdf(x, p).sum(), rel=1e-13)


def test_shapes_and_types():
    x = [0.1, 0.2, 0.3, 0.4]
    assert mixlib.pdf(x, P3).shape == (4,)
    assert mixlib.logpdf(x, P3).shape == (4,)
    assert mixlib.responsibilities(x, P3).shape == (4, 3)
    ll = mixlib.log_likelihood(x, P3)
    assert type(ll) is float


def test_a_single_point_and_integer_data():
    p = MixtureParams([1.0], [0.0], [1.0])
    assert mixlib.pdf([0], p)[0] == pytest.approx(1 / np.sqrt(2 * np.pi), rel=1e-15)
    assert mixlib.log_likelihood(np.array([1, 2, 3]), p) == pytest.approx(
        stats.norm.logpdf([1, 2, 3]).sum(), rel=1e-14
    )


def test_does_not_modify_its_input():
    x = np.linspace(-2, 2, 50)
    before = x.copy()
    for f in (mixlib.pdf, mixlib.logpdf, mixlib.log_likelihood, mixlib.responsibilities):
        f(x, P3)
    np.testing.assert_array_equal(x, before)


def test_responsibilities_match_bayes_rule():
    x = np.linspace(-3, 4, 101)
    joint = np.column_stack(
        [w * stats.norm.pdf(x, m, s) for w, m, s in zip(P3.weights, P3.means, P3.sds)]
    )
    expected = joint / joint.sum(axis=1, keepdims=True)
    r = mixlib.responsibilities(x, P3)
    np.testing.assert_allclose(r, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r.sum(axis=1), 1.0, rtol=0, atol=1e-14)


def test_responsibilities_with_one_component_are_ones():
    r = mixlib.responsibilities([-5.0, 0.0, 1e6], MixtureParams([1.0], [0.0], [1.0]))
    assert r.tolist() == [[1.0], [1.0], [1.0]]


@pytest.mark.parametrize("distance_in_sds", [1e3, 1e6, 1e8])
def test_a_point_far_from_every_component_has_finite_logpdf(distance_in_sds):
    truth, _, _ = mixlib.datasets.original_example()
    far = 0.6 + distance_in_sds * 0.12
    lp = mixlib.logpdf([far, -far], truth)
    assert np.all(np.isfinite(lp))
    # far out the nearest (widest) component dominates: log w + log N(far | mu, sd^2)
    expected = np.log(0.7) + stats.norm.logpdf(far, 0.6, 0.12)
    assert lp[0] == pytest.approx(expected, rel=1e-12)
    assert mixlib.pdf([far], truth)[0] == 0.0  # the density itself underflows
    r = mixlib.responsibilities([far, -far], truth)
    assert np.all(np.isfinite(r))
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    assert r[0].tolist() == [0.0, 1.0]
    assert np.isfinite(mixlib.log_likelihood([0.0, far], truth))


def test_logpdf_of_data_around_1e8():
    p = MixtureParams([0.5, 0.5], [1e8, 1e8 + 1.0], [0.1, 0.2])
    x = 1e8 + np.linspace(-0.5, 1.5, 41)
    np.testing.assert_allclose(mixlib.logpdf(x, p), reference_logpdf(x, p), rtol=1e-9)


def test_tiny_scale_density():
    p = MixtureParams([0.3, 0.7], [0.0, 0.6e-6], [0.08e-6, 0.12e-6])
    x = np.linspace(-0.3e-6, 1e-6, 27)
    np.testing.assert_allclose(mixlib.logpdf(x, p), reference_logpdf(x, p), rtol=1e-12)
