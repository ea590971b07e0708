"""mixlib.datasets: Old Faithful from the shipped CSV, and the original script's example."""

import numpy as np
import pytest

import mixlib
from mixlib import MixtureParams


def test_old_faithful_shape_and_known_values():
    data = mixlib.datasets.old_faithful()
    assert set(data) == {"eruptions", "waiting"}
    for column in data.values():
        assert isinstance(column, np.ndarray) and column.dtype == np.float64
        assert column.shape == (272,)
        assert np.all(np.isfinite(column))
    assert data["eruptions"][0] == 3.6
    assert data["waiting"][0] == 79.0
    assert data["eruptions"][1] == 1.8 and data["waiting"][1] == 54.0
    assert data["waiting"].mean() == pytest.approx(70.897, abs=1e-3)
    assert data["eruptions"].mean() == pytest.approx(3.4878, abs=1e-4)
    assert 1.5 < data["eruptions"].min() and data["eruptions"].max() < 5.2
    assert data["waiting"].min() == 43.0 and data["waiting"].max() == 96.0


def test_old_faithful_fresh_arrays_each_call():
    a = mixlib.datasets.old_faithful()
    a["waiting"][0] = -1.0
    assert mixlib.datasets.old_faithful()["waiting"][0] == 79.0


def test_old_faithful_fits_two_clusters():
    fit = mixlib.fit_em(mixlib.datasets.old_faithful()["waiting"], k=2)
    means = fit.params.sorted_by_mean().means
    assert fit.converged
    assert 50 < means[0] < 60 and 75 < means[1] < 85


def test_original_example():
    truth, n, p0 = mixlib.datasets.original_example()
    assert isinstance(truth, MixtureParams) and isinstance(p0, MixtureParams)
    assert n == 1000 and type(n) is int
    np.testing.assert_allclose(truth.weights, [0.3, 0.7], rtol=0, atol=1e-15)
    assert truth.means.tolist() == [0.0, 0.6]
    assert truth.sds.tolist() == [0.08, 0.12]
    assert p0.to_vector().tolist() == [-0.2, 0.2, 0.8, 0.2, 0.5]
    assert mixlib.sample(truth, n, rng=0).shape == (1000,)
