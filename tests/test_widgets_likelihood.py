"""Notebook 02's widget plots the density and shows the log-likelihood that mixlib computes."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
from mixlib.widgets import likelihood_explorer

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


def slider_params(box):
    return mixlib.MixtureParams.from_vector([box.controls[name].value for name in NAMES])


def assert_shows_what_mixlib_computes(box, x):
    params = slider_params(box)
    ax = box.figure.axes[0]
    mixture = next(line for line in ax.lines if line.get_label().startswith("mixture density"))
    grid = mixture.get_xdata()
    np.testing.assert_allclose(mixture.get_ydata(), mixlib.pdf(grid, params), rtol=1e-12)
    components = [line for line in ax.lines if line.get_label().startswith("component")]
    for k, line in enumerate(components):
        single = mixlib.MixtureParams([1.0], [params.means[k]], [params.sds[k]])
        np.testing.assert_allclose(line.get_ydata(), params.weights[k] * mixlib.pdf(grid, single),
                                   rtol=1e-12)

    texts = box.readout_texts()
    assert texts == box.expected_readouts()
    loglik = mixlib.log_likelihood(x, params)
    assert numbers(texts["loglik"]) == [round(loglik, 2)]
    best = mixlib.fit_em(x, mixlib.MixtureParams.from_vector([-0.2, 0.2, 0.8, 0.2, 0.5]))
    top, gap = numbers(texts["maximum"])
    assert top == round(best.log_likelihood, 2)
    assert gap == pytest.approx(best.log_likelihood - loglik, abs=0.006)


def test_starts_at_p0_and_compares_with_the_em_maximum(box, data):
    x, p0 = data
    assert slider_params(box).to_vector() == pytest.approx(p0.to_vector())
    assert_shows_what_mixlib_computes(box, x)
    assert box.fit.log_likelihood == pytest.approx(mixlib.fit_direct(x, p0).log_likelihood, abs=1e-4)


@pytest.mark.parametrize(("name", "value"), [
    ("mu1", 0.0), ("sig1", 0.08), ("mu2", 0.6), ("sig2", 0.12), ("pi1", 0.3), ("sig1", 0.01),
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
    _, gap = numbers(box.readout_texts()["maximum"])
    assert 0 <= gap < 0.05


def test_sliders_update_on_release_only(box):
    assert all(not c.continuous_update for c in box.controls.values())


def test_checks_its_arguments(data):
    x, _ = data
    with pytest.raises(ValueError, match="two components"):
        likelihood_explorer(x, mixlib.MixtureParams([1.0], [0.0], [1.0]))
    with pytest.raises(TypeError, match="FitResult"):
        likelihood_explorer(x, fit=202.9)
