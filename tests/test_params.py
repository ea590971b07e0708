"""MixtureParams: construction, validation, immutability, vectors, repr, ordering."""

import pickle

import numpy as np
import pytest

from mixlib import MixtureParams


def test_attributes_are_float_arrays_and_k():
    p = MixtureParams([0.3, 0.7], [0, 1], [1, 2])
    assert p.k == 2 and isinstance(p.k, int)
    for values in (p.weights, p.means, p.sds):
        assert isinstance(values, np.ndarray) and values.dtype == np.float64 and values.shape == (2,)
    assert p.means.tolist() == [0.0, 1.0]


def test_any_k_from_one_up():
    assert MixtureParams([1.0], [5.0], [0.5]).k == 1
    w = np.full(6, 1 / 6)
    assert MixtureParams(w, np.arange(6), np.ones(6)).k == 6


def test_accepts_tuples_numpy_and_integer_arrays():
    p = MixtureParams((0.5, 0.5), np.array([1, 2]), np.array([1, 1], dtype=np.int32))
    assert p.sds.dtype == np.float64


def test_weights_sum_tolerance_is_1e9():
    MixtureParams([0.5, 0.5 + 5e-10], [0, 1], [1, 1])
    with pytest.raises(ValueError, match="weights.*sum to 1"):
        MixtureParams([0.5, 0.5 + 5e-9], [0, 1], [1, 1])


def test_immutable():
    p = MixtureParams([0.3, 0.7], [0, 1], [1, 2])
    with pytest.raises(AttributeError):
        p.means = np.array([5.0, 6.0])
    with pytest.raises(AttributeError):
        p.new_attribute = 1
    with pytest.raises(ValueError):
        p.means[0] = 5.0
    with pytest.raises(ValueError):
        p.weights[:] = 0.5
    assert p.means.tolist() == [0.0, 1.0]


def test_does_not_alias_the_callers_arrays():
    means = np.array([0.0, 1.0])
    p = MixtureParams([0.5, 0.5], means, [1, 1])
    means[0] = 99.0
    assert p.means[0] == 0.0
    assert means.flags.writeable


def test_from_vector_to_vector_round_trip_k2_original_order():
    v = [-0.2, 0.2, 0.8, 0.3, 0.4]
    p = MixtureParams.from_vector(v)
    assert p.means.tolist() == [-0.2, 0.8]
    assert p.sds.tolist() == [0.2, 0.3]
    np.testing.assert_allclose(p.weights, [0.4, 0.6], rtol=0, atol=1e-15)
    assert p.to_vector().tolist() == v
    assert MixtureParams.from_vector(p.to_vector()) == p


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_round_trip_any_k(k):
    rng = np.random.default_rng(k)
    w = rng.dirichlet(np.ones(k))
    p = MixtureParams(w, rng.normal(size=k), rng.uniform(0.1, 2, size=k))
    v = p.to_vector()
    assert v.shape == (3 * k - 1,)
    q = MixtureParams.from_vector(v)
    np.testing.assert_array_equal(q.means, p.means)
    np.testing.assert_array_equal(q.sds, p.sds)
    np.testing.assert_allclose(q.weights, p.weights, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "vector, match",
    [
        ([0.0, 1.0, 2.0, 1.0], "p: expected length 3K-1"),
        ([], "p: is empty"),
        ([0.0, 1.0, 2.0, 1.0, 1.2], "weights: must all be > 0"),
        ([0.0, 1.0, 2.0, 1.0, 1.0], "weights: must all be > 0"),
        ([0.0, -1.0, 2.0, 1.0, 0.5], "sds: must all be > 0"),
        ([0.0, 1.0, 2.0, np.nan, 0.5], "p: contains 1 NaN"),
        (np.ones((5, 1)), "p: expected 1-D"),
    ],
)
def test_from_vector_rejects(vector, match):
    with pytest.raises(ValueError, match=match):
        MixtureParams.from_vector(vector)


def test_repr_is_readable_and_rounded():
    p = MixtureParams([1 / 3, 2 / 3], [0.123456789, 10.0], [0.08, 0.12])
    text = repr(p)
    assert text == "MixtureParams(weights=[0.3333, 0.6667], means=[0.1235, 10], sds=[0.08, 0.12])"
    assert "\n" not in text


def test_equality_hash_pickle():
    p = MixtureParams([0.3, 0.7], [0, 1], [1, 2])
    q = MixtureParams([0.3, 0.7], [0.0, 1.0], [1.0, 2.0])
    assert p == q and hash(p) == hash(q)
    assert p != MixtureParams([0.3, 0.7], [0, 1.5], [1, 2])
    assert p != "not params"
    r = pickle.loads(pickle.dumps(p))
    assert r == p and not r.means.flags.writeable


def test_sorted_by_mean():
    p = MixtureParams([0.2, 0.5, 0.3], [3.0, -1.0, 1.0], [0.3, 0.5, 0.1])
    s = p.sorted_by_mean()
    assert s.means.tolist() == [-1.0, 1.0, 3.0]
    assert s.weights.tolist() == [0.5, 0.3, 0.2]
    assert s.sds.tolist() == [0.5, 0.1, 0.3]
    assert p.means.tolist() == [3.0, -1.0, 1.0]
