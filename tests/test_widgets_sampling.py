"""Notebook 01's widget plots exactly what mixlib computes for the sliders' values."""

from __future__ import annotations

import itertools
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
from mixlib.plotting.density_view import histogram_density
from mixlib.plotting.sampling import MAX_BINS, MIN_BINS, sample_bins, view_range
from mixlib.widgets import sampling_explorer

SEED = 0


@pytest.fixture
def box():
    explorer = sampling_explorer(n=1000, seed=SEED)
    yield explorer
    plt.close(explorer.figure)


def slider_params(box):
    c = box.controls
    return mixlib.MixtureParams([c["w1"].value, 1 - c["w1"].value], [c["mu1"].value, c["mu2"].value],
                                [c["sd1"].value, c["sd2"].value])


def assert_plots_what_mixlib_computes(box):
    params = slider_params(box)
    n = box.controls["n"].value
    x, labels = mixlib.sample(params, n, rng=SEED, return_labels=True)
    ax = box.figure.axes[0]
    stairs = next(p for p in ax.patches if hasattr(p, "get_data"))
    values, edges = stairs.get_data().values, stairs.get_data().edges
    low, high = view_range(params)
    assert edges[0] == pytest.approx(low) and edges[-1] == pytest.approx(high)
    assert len(values) == sample_bins(params)
    width = (high - low) / len(values)
    assert width <= params.sds.min() / 2 * (1 + 1e-9) or len(values) == MAX_BINS
    assert width <= 0.625 * params.sds.min() * (1 + 1e-9)  # the worst case on the sliders
    np.testing.assert_allclose(values, histogram_density(x, edges))
    # the histogram's area is the fraction of the sample inside the view
    inside = np.mean((x >= low) & (x <= high))
    assert np.sum(values * np.diff(edges)) == pytest.approx(inside)

    mixture = next(line for line in ax.lines if line.get_label() == "true density")
    grid = mixture.get_xdata()
    # atol: far from a narrow component its density is subnormal, where the last bits differ
    np.testing.assert_allclose(mixture.get_ydata(), mixlib.pdf(grid, params), rtol=1e-12, atol=1e-300)
    components = [line for line in ax.lines if line is not mixture]
    assert len(components) == 2
    for k, line in enumerate(components):
        single = mixlib.MixtureParams([1.0], [params.means[k]], [params.sds[k]])
        np.testing.assert_allclose(line.get_ydata(), params.weights[k] * mixlib.pdf(grid, single),
                                   rtol=1e-12, atol=1e-300)

    texts = box.readout_texts()
    assert texts == box.expected_readouts()
    assert texts["n"] == f"sample size N = {n}"
    numbers = [float(v) for v in re.findall(r"\d+(?:\.\d+)?", texts["counts"].split("(")[0])]
    assert numbers == np.bincount(labels, minlength=2).tolist()
    expected = [float(v) for v in re.findall(r"\d+\.\d", texts["counts"].split(":", 2)[-1])]
    assert expected == pytest.approx((n * params.weights).round(1).tolist())


def test_starts_at_the_original_example(box):
    truth, n, _ = mixlib.datasets.original_example()
    assert slider_params(box).to_vector() == pytest.approx(truth.to_vector())
    assert box.controls["n"].value == n
    assert_plots_what_mixlib_computes(box)


@pytest.mark.parametrize(("name", "value"), [
    ("w1", 0.5), ("mu1", -0.3), ("sd1", 0.2), ("mu2", 1.0), ("sd2", 0.05), ("n", 50), ("n", 20_000),
])
def test_each_control_redraws_what_mixlib_computes(box, name, value):
    before = box.readout_texts()
    box.controls[name].value = value
    assert_plots_what_mixlib_computes(box)
    if name in ("w1", "n"):
        assert box.readout_texts() != before


def test_several_changes_in_a_row(box):
    for name, value in [("n", 200), ("w1", 0.8), ("mu2", 0.3), ("sd1", 0.3)]:
        box.controls[name].value = value
    assert_plots_what_mixlib_computes(box)


def test_the_histogram_follows_a_narrow_component(box):
    """Issue 28: with one sd at its smallest and the other wide, 50 bins put the narrow component
    in one bar a third of its height. Now the tallest bar is near the density's peak."""
    for name, value in [("sd1", box.controls["sd1"].min), ("sd2", box.controls["sd2"].max),
                        ("n", 20_000)]:
        box.controls[name].value = value
    assert_plots_what_mixlib_computes(box)
    ax = box.figure.axes[0]
    stairs = next(p for p in ax.patches if hasattr(p, "get_data"))
    mixture = next(line for line in ax.lines if line.get_label() == "true density")
    peak = mixture.get_ydata().max()
    params = slider_params(box)
    assert peak == pytest.approx(mixlib.pdf(params.means[0], params), rel=0.01)  # grid fine enough
    assert stairs.get_data().values.max() == pytest.approx(peak, rel=0.15)


def test_every_suggested_sample_size_is_on_the_slider(box):
    """The N slider steps 10, 20, 50, ..., 20,000: 50, 500 and 5000 (the notebook's) are reachable."""
    options = list(box.controls["n"].options)
    assert options == sorted(options) and options[0] == 10 and options[-1] == 20_000
    assert {50, 500, 1000, 5000} <= set(options)
    assert all(b / a <= 2.5 for a, b in zip(options, options[1:]))
    other = sampling_explorer(n=300, seed=SEED)
    assert other.controls["n"].value == 300 and 300 in other.controls["n"].options
    plt.close(other.figure)


def test_sliders_update_on_release_only(box):
    assert all(not c.continuous_update for c in box.controls.values())


def test_rejects_other_than_two_components():
    with pytest.raises(ValueError, match="two components"):
        sampling_explorer(mixlib.MixtureParams([1.0], [0.0], [1.0]))


@pytest.mark.parametrize("n", [0, -5, 2.5, True, "100"])
def test_rejects_a_bad_sample_size(n):
    with pytest.raises(ValueError, match="n:"):
        sampling_explorer(n=n)


def test_bins_are_at_most_two_thirds_of_the_smaller_sd_anywhere_on_the_sliders(box):
    """01's text: the bins are never wider than two thirds of the smaller sd (worst case 0.625,
    one sd at its smallest and the means and the other sd at the sliders' far ends)."""
    c = box.controls
    means = np.arange(c["mu1"].min, c["mu1"].max + 1e-9, 0.25)
    sds = [c["sd1"].min, 0.05, 0.2, c["sd1"].max]
    for m1, m2, s1, s2 in itertools.product(means, means, sds, sds):
        params = mixlib.MixtureParams([0.3, 0.7], [m1, m2], [s1, s2])
        low, high = view_range(params)
        n_bins = sample_bins(params)
        assert MIN_BINS <= n_bins <= MAX_BINS
        assert (high - low) / n_bins <= 0.625 * min(s1, s2) * (1 + 1e-9), (m1, m2, s1, s2)
