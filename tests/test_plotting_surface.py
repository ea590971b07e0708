"""The log-likelihood surface over two means is the log-likelihood at each grid point."""

import numpy as np
import pytest

import mixlib
from mixlib.plotting import log_likelihood_surface


def surface_point_by_point(x, params, mu1_values, mu2_values):
    surface = np.empty((len(mu2_values), len(mu1_values)))
    for i, mu2 in enumerate(mu2_values):
        for j, mu1 in enumerate(mu1_values):
            means = params.means.copy()
            means[0], means[1] = mu1, mu2
            surface[i, j] = mixlib.log_likelihood(x, mixlib.MixtureParams(params.weights, means, params.sds))
    return surface


@pytest.mark.parametrize("params", [
    mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]),
    mixlib.MixtureParams([0.2, 0.5, 0.3], [-1.0, 0.0, 2.0], [0.5, 1.0, 0.7]),
    mixlib.MixtureParams([0.1, 0.2, 0.3, 0.4], [-1.0, 0.0, 2.0, 5.0], [0.5, 1.0, 0.7, 2.0]),
])
def test_each_grid_point_is_the_log_likelihood_there(params):
    x = mixlib.sample(params, 300, rng=4)
    mu1_values, mu2_values = np.linspace(-2, 3, 7), np.linspace(-1.5, 4, 5)
    fast = log_likelihood_surface(x, params, mu1_values, mu2_values)
    assert fast.shape == (5, 7)
    np.testing.assert_allclose(fast, surface_point_by_point(x, params, mu1_values, mu2_values),
                               rtol=1e-12)


def test_far_from_the_data_the_surface_stays_finite():
    # log-space throughout: a mean 1000 sds from every point gives a very low, finite value
    params = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.1, 0.1])
    surface = log_likelihood_surface([0.0, 1.0], params, [0.0, 100.0], [1.0, 200.0])
    assert np.all(np.isfinite(surface)) and surface[1, 1] < -1e5


def test_equal_weights_and_sds_give_an_exactly_symmetric_surface():
    params = mixlib.MixtureParams([0.5, 0.5], [0.0, 0.6], [0.1, 0.1])
    x = mixlib.sample(params, 200, rng=1)
    grid = np.linspace(-0.3, 0.9, 13)
    surface = log_likelihood_surface(x, params, grid, grid)
    assert np.array_equal(surface, surface.T)


def test_bad_grid_and_too_few_components_are_refused():
    params = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="mu1_values: contains 1 NaN value"):
        log_likelihood_surface([0.0, 1.0], params, [0.0, np.nan], [0.0])
    with pytest.raises(ValueError, match="params: a surface over"):
        log_likelihood_surface([0.0], mixlib.MixtureParams([1.0], [0.0], [1.0]), [0.0], [0.0])
