"""sample: ancestral sampling, seeding, labels."""

import numpy as np
import pytest
from scipy import stats

import mixlib
from mixlib import MixtureParams

TRUTH = MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])


def test_shape_dtype_and_labels():
    x, z = mixlib.sample(TRUTH, 500, rng=0, return_labels=True)
    assert x.shape == (500,) and x.dtype == np.float64
    assert z.shape == (500,) and np.issubdtype(z.dtype, np.integer)
    assert set(np.unique(z)) <= {0, 1}
    assert np.all(np.isfinite(x))


def test_same_seed_same_sample_and_generator_accepted():
    a = mixlib.sample(TRUTH, 100, rng=42)
    b = mixlib.sample(TRUTH, 100, rng=42)
    c = mixlib.sample(TRUTH, 100, rng=np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, mixlib.sample(TRUTH, 100, rng=43))


def test_generator_state_advances():
    rng = np.random.default_rng(0)
    assert not np.array_equal(mixlib.sample(TRUTH, 10, rng=rng), mixlib.sample(TRUTH, 10, rng=rng))


def test_without_labels_equals_the_labelled_draw():
    x = mixlib.sample(TRUTH, 50, rng=5)
    y, _ = mixlib.sample(TRUTH, 50, rng=5, return_labels=True)
    np.testing.assert_array_equal(x, y)


def test_n_one_and_k_one():
    assert mixlib.sample(TRUTH, 1, rng=0).shape == (1,)
    x = mixlib.sample(MixtureParams([1.0], [3.0], [2.0]), 20_000, rng=1)
    assert abs(x.mean() - 3.0) < 4 * 2.0 / np.sqrt(x.size)


def test_ancestral_counts_are_binomial_and_components_normal():
    n = 20_000
    x, z = mixlib.sample(TRUTH, n, rng=7, return_labels=True)
    count = int((z == 1).sum())
    # the count per component is random (Binomial(n, 0.7)), not fixed at 0.7 n
    assert abs(count - 0.7 * n) < 4 * np.sqrt(n * 0.3 * 0.7)
    for k in (0, 1):
        values = x[z == k]
        assert stats.kstest(values, "norm", args=(TRUTH.means[k], TRUTH.sds[k])).pvalue > 1e-3


def test_three_components_frequencies():
    p = MixtureParams([0.2, 0.3, 0.5], [-5.0, 0.0, 5.0], [1.0, 1.0, 1.0])
    _, z = mixlib.sample(p, 30_000, rng=3, return_labels=True)
    freq = np.bincount(z, minlength=3) / z.size
    np.testing.assert_allclose(freq, p.weights, atol=0.015)


def test_counts_vary_between_seeds():
    counts = {int(mixlib.sample(TRUTH, 1000, rng=s, return_labels=True)[1].sum()) for s in range(10)}
    assert len(counts) > 1


@pytest.mark.parametrize("n", [np.int32(5), np.int64(5), 5])
def test_integer_types_accepted(n):
    assert mixlib.sample(TRUTH, n, rng=0).shape == (5,)
