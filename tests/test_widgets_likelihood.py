"""Notebook 02's widget plots the density and shows the log-likelihood that mixlib computes."""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
from mixlib.widgets import likelihood_explorer
from mixlib.widgets.likelihood import nearest_point

NAMES = ("mu1", "sig1", "mu2", "sig2", "pi1")


@pytest.fixture(scope="module")
def data():
    truth, n, p0 = mixlib.datasets.original_example()
    return mixlib.sample(truth, n, rng=0), p0


@pytest.fixture
def box(data):
    x, p0 = data
    explorer = likelihood_explorer(x, p0)
    yield explorer
    plt.close(explorer.figure)


def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]


def slider_params(box, x):
    values = [box.controls[name].value for name in NAMES]
    if box.controls["on_point"].value:
        values[0] = float(x[np.argmin(np.abs(x - values[0]))])
    return mixlib.MixtureParams.from_vector(values)


def gap_of(text):
    """The readout's gap, signed like 'maximum minus here' ('above' or 'below the value here')."""
    top, gap = numbers(text)
    return top, (gap if text.endswith("above") else -gap)


def assert_shows_what_mixlib_computes(box, x):
    params = slider_params(box, x)
    ax = box.figure.axes[0]
    mixture = next(line for line in ax.lines if line.get_label().startswith("mixture density"))
    grid = mixture.get_xdata()
    np.testing.assert_allclose(mixture.get_ydata(), mixlib.pdf(grid, params), rtol=1e-12)
    components = [line for line in ax.lines if line.get_label().startswith("component")]
    for k, line in enumerate(components):
        single = mixlib.MixtureParams([1.0], [params.means[k]], [params.sds[k]])
        np.testing.assert_allclose(line.get_ydata(), params.weights[k] * mixlib.pdf(grid, single),
                                   rtol=1e-12, atol=1e-300)  # subnormals far from a spike

    texts = box.readout_texts()
    assert texts == box.expected_readouts()
    loglik = mixlib.log_likelihood(x, params)
    assert numbers(texts["loglik"]) == [round(loglik, 2)]
    best = mixlib.fit_em(x, mixlib.MixtureParams.from_vector([-0.2, 0.2, 0.8, 0.2, 0.5]))
    top, gap = gap_of(texts["maximum"])
    assert top == round(best.log_likelihood, 2)
    assert gap == pytest.approx(best.log_likelihood - loglik, abs=0.006)
    assert float(texts["mu1"].split("=")[1].split()[0].rstrip(",")) == pytest.approx(params.means[0],
                                                                                  abs=5e-4)
    # the dotted spike marker shows exactly when sigma1 is narrower than the drawn grid
    grid = box.density_view.grid
    assert box.spike.get_visible() == bool(params.sds[0] < grid[1] - grid[0])
    assert box.spike.get_xdata()[0] == params.means[0]


def test_starts_at_p0_and_compares_with_the_em_maximum(box, data):
    x, p0 = data
    assert slider_params(box, x).to_vector() == pytest.approx(p0.to_vector())
    assert_shows_what_mixlib_computes(box, x)
    assert box.fit.log_likelihood == pytest.approx(mixlib.fit_direct(x, p0).log_likelihood, abs=1e-4)


@pytest.mark.parametrize(("name", "value"), [
    ("mu1", 0.0), ("sig1", 0.08), ("mu2", 0.6), ("sig2", 0.12), ("pi1", 0.3), ("sig1", 0.01),
    ("sig1", 1e-250), ("on_point", True),
])
def test_each_slider_updates_density_and_loglik(box, data, name, value):
    before = box.readout_texts()["loglik"]
    box.controls[name].value = value
    assert box.readout_texts()["loglik"] != before
    assert_shows_what_mixlib_computes(box, data[0])


def test_near_the_maximum_the_gap_is_small(box, data):
    x, _ = data
    fit = box.fit.params
    for name, value in zip(NAMES, fit.to_vector()):
        box.controls[name].value = float(value)
    assert_shows_what_mixlib_computes(box, x)
    _, gap = gap_of(box.readout_texts()["maximum"])
    assert 0 <= gap < 0.05


def test_the_spike_lesson_is_visible(box, data):
    """Notebook 02's recipe: one wide component for the data, mu1 on a data point, sigma1 shrinking.
    The log-likelihood first falls, then climbs by log 10 per decade and passes the EM fit."""
    x, _ = data
    c = box.controls
    assert c["sig1"].min <= -200 and 10 ** c["sig1"].min <= 1e-200, "sigma1 must reach 1e-200"
    for name, value in [("pi1", 0.05), ("mu2", 0.43), ("sig2", 0.29), ("mu1", 0.61),
                        ("on_point", True)]:
        c[name].value = value
    assert slider_params(box, x).means[0] == nearest_point(x, 0.61) and nearest_point(x, 0.61) in x
    loglik = {}
    for sd in [0.05, 1e-10, 1e-100, 1e-200]:
        c["sig1"].value = sd
        assert_shows_what_mixlib_computes(box, x)
        loglik[sd] = numbers(box.readout_texts()["loglik"])[0]
    assert loglik[1e-10] < loglik[0.05] < loglik[1e-100] < box.fit.log_likelihood < loglik[1e-200]
    assert box.readout_texts()["maximum"].endswith("below the value here")
    # off the point, the same tiny sd gives the point no density: no climb
    c["on_point"].value = False
    assert numbers(box.readout_texts()["loglik"])[0] < loglik[0.05]


def test_extreme_values_raise_no_warning(box, data):
    x, _ = data
    c = box.controls
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, value in [("sig1", 10 ** c["sig1"].min), ("mu1", c["mu1"].min), ("on_point", True),
                            ("sig2", c["sig2"].min), ("pi1", c["pi1"].max), ("mu1", c["mu1"].max),
                            ("on_point", False), ("pi1", c["pi1"].min)]:
            c[name].value = value
            assert_shows_what_mixlib_computes(box, x)
            assert np.isfinite(numbers(box.readout_texts()["loglik"])[0])


def test_sliders_update_on_release_only(box):
    assert all(not c.continuous_update for c in box.controls.values()
               if hasattr(c, "continuous_update"))


def test_checks_its_arguments(data):
    x, _ = data
    with pytest.raises(ValueError, match="two components"):
        likelihood_explorer(x, mixlib.MixtureParams([1.0], [0.0], [1.0]))
    with pytest.raises(TypeError, match="FitResult"):
        likelihood_explorer(x, fit=202.9)
