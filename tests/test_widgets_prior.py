"""The prior explorer (notebook 08): what it draws and reads out is what mixlib's fits give."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib import ConjugatePrior, MixtureParams
from mixlib.widgets.prior import LOG10_RANGE, prior_at
from view_checks import assert_density_view_shows

# A small rounded sample with a start that collapses without a prior (a spike on a tied value).
X = np.round(mixlib.sample(MixtureParams([0.4, 0.6], [50.0, 80.0], [5.0, 5.0]), 150, rng=3))
VALUE, COUNT = (lambda v, c: (v[np.argmax(c)], c.max()))(*np.unique(X, return_counts=True))
SPIKE = MixtureParams([0.4, 0.55, 0.05], [50.0, 80.0, VALUE], [5.0, 5.0, 0.3])


@pytest.fixture
def box():
    explorer = mixlib.widgets.prior_explorer(X, SPIKE, n_curve=4, xlabel="waiting (minutes)",
                                             units="minutes")
    yield explorer
    plt.close(explorer.figure)


def _fit(prior=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixlib.fit_em(X, SPIKE, prior=prior)


def check_view(box, log10_scale):
    prior = prior_at(ConjugatePrior.default(X, 3), log10_scale, 0.0)
    fit, ml = _fit(prior), _fit()
    assert box.current_fit.params == fit.params
    grid = box.density_view.grid
    assert_density_view_shows(box.density_view, fit.params)
    ml_x = box.ml_line.get_xdata()
    np.testing.assert_array_equal(ml_x, np.union1d(grid, ml.params.means))
    np.testing.assert_allclose(box.ml_line.get_ydata(), mixlib.pdf(ml_x, ml.params), rtol=1e-12)
    assert box.marker.get_data()[0][0] == pytest.approx(prior.scale)
    assert box.marker.get_data()[1][0] == fit.params.sds.min()
    texts = box.readout_texts()
    assert texts["smallest_sd"].startswith(
        f"smallest sd: MAP {fit.params.sds.min():.3g}, ML {ml.params.sds.min():.3g} minutes")
    assert texts["log_likelihood"] == (f"log-likelihood: MAP {fit.log_likelihood:.2f}, "
                                       f"ML {ml.log_likelihood:.2f}")
    assert texts["log_prior"] == f"log prior at the MAP fit: {fit.log_prior:.2f}"
    assert box.expected_readouts() == texts


def test_initial_view_is_the_default_prior(box):
    assert box.base_prior == ConjugatePrior.default(X, 3)
    check_view(box, 0.0)
    assert box.ml_fit.degenerate                     # the start collapses without a prior
    assert not box.current_fit.degenerate


def test_the_collapsed_ml_spike_is_drawn_and_leaves_the_view(box):
    """The ML line is evaluated at the spike's mean too, so its spike shows, and runs off the top."""
    spike_mean = box.ml_fit.params.means[np.argmin(box.ml_fit.params.sds)]
    ml_x, ml_y = box.ml_line.get_data()
    top = box.ml_line.axes.get_ylim()[1]
    assert ml_y[ml_x == spike_mean][0] > 100 * top
    grid_only = mixlib.pdf(box.density_view.grid, box.ml_fit.params)
    assert grid_only.max() < top                     # on the grid alone the spike would be missed


def test_moving_the_scale(box):
    box.controls["log10_scale"].value = -3.0
    check_view(box, -3.0)
    box.controls["log10_scale"].value = 1.0
    check_view(box, 1.0)
    box.controls["log10_scale"].value = -3.0        # from the cache: the same fit
    check_view(box, -3.0)


def test_the_curve_is_the_smallest_map_sd_against_the_scale(box):
    scales, sds = box.curve_line.get_data()
    base = ConjugatePrior.default(X, 3)
    exponents = np.linspace(*LOG10_RANGE, 4)
    np.testing.assert_allclose(scales, base.scale * 10.0**exponents, rtol=1e-12)
    expected = [_fit(prior_at(base, e, 0.0)).params.sds.min() for e in exponents]
    np.testing.assert_allclose(sds, expected, rtol=1e-12)
    assert np.all(np.diff(sds) > 0)                  # a larger scale, a wider smallest component


def test_sliders_update_on_release(box):
    assert all(not control.continuous_update for control in box.controls.values())
    assert (box.controls["log10_scale"].min, box.controls["log10_scale"].max) == LOG10_RANGE


def test_a_given_prior_is_the_starting_point():
    prior = ConjugatePrior(65.0, 0.1, 4.0, 10.0)
    explorer = mixlib.widgets.prior_explorer(X, SPIKE, prior=prior, n_curve=3, units="minutes")
    try:
        assert explorer.base_prior == prior
        assert explorer.current_fit.params == _fit(prior).params
    finally:
        plt.close(explorer.figure)


def test_bad_prior():
    with pytest.raises(TypeError, match="^prior: expected a ConjugatePrior or None, got str"):
        mixlib.widgets.prior_explorer(X, SPIKE, prior="default")


def test_the_resolution_line_and_readout():
    """With resolution=..., the right panel draws it and the readout says when the MAP sd is below it."""
    resolution = 0.5   # above the smallest MAP sd at the tiny end of the slider (0.376), below the default's
    box = mixlib.widgets.prior_explorer(X, SPIKE, n_curve=4, units="minutes", resolution=resolution)
    try:
        ax_sd = box.curve_line.axes
        dashed = [line for line in ax_sd.get_lines() if line.get_linestyle() == "--"]
        assert len(dashed) == 1 and dashed[0].get_ydata()[0] == resolution
        for value in [LOG10_RANGE[0], 0.0, LOG10_RANGE[1]]:
            box.controls["log10_scale"].value = value
            text = box.readout_texts()["smallest_sd"]
            below = box.current_fit.params.sds.min() < resolution
            assert ("below the resolution 0.5" in text) == below, (value, text)
            assert box.expected_readouts() == box.readout_texts()
        box.controls["log10_scale"].value = LOG10_RANGE[0]
        assert "below the resolution" in box.readout_texts()["smallest_sd"]   # a tiny scale goes below
        box.controls["log10_scale"].value = 0.0
        assert "below" not in box.readout_texts()["smallest_sd"]             # the default does not
    finally:
        plt.close(box.figure)


@pytest.mark.parametrize(("bad", "error"), [(0.0, ValueError), (-1.0, ValueError), (np.nan, ValueError),
                                            ("0.3", TypeError), (True, TypeError)])
def test_a_bad_resolution_is_refused(bad, error):
    with pytest.raises(error, match="resolution"):
        mixlib.widgets.prior_explorer(X, SPIKE, n_curve=2, resolution=bad)
