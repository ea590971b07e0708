"""Checks shared by the widget tests: a DensityView shows exactly what mixlib computes."""

import numpy as np

import mixlib


def assert_density_view_shows(view, params):
    """The mixture line is mixlib.pdf and each used slot the weighted component; the rest NaN."""
    grid = view.grid
    np.testing.assert_allclose(view.mixture.get_ydata(), mixlib.pdf(grid, params), rtol=1e-12)
    for k, line in enumerate(view.components):
        if k < params.k:
            single = mixlib.MixtureParams([1.0], [params.means[k]], [params.sds[k]])
            np.testing.assert_allclose(line.get_ydata(), params.weights[k] * mixlib.pdf(grid, single),
                                       rtol=1e-12, atol=1e-300)
        else:
            assert np.isnan(line.get_ydata()).all()
