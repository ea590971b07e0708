"""The model-choice explorer (notebook 05): what it draws and reads out is what mixlib computes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib.plotting.model_choice import criteria_values
from view_checks import assert_density_view_shows

SETTINGS = dict(ks=[1, 2, 3], n_init=2, n_folds=3, rng=7)


@pytest.fixture(scope="module")
def data():
    a = mixlib.sample(mixlib.MixtureParams([0.4, 0.6], [0.0, 4.0], [1.0, 0.8]), 150, rng=1)
    b = np.round(mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [50, 80], [6, 6]), 150, rng=2))
    return {"a": a, "b (whole numbers)": b}


@pytest.fixture(scope="module")
def tables(data):
    return {name: mixlib.choose_k(x, SETTINGS["ks"], n_init=2, n_folds=3, rng=7)
            for name, x in data.items()}


@pytest.fixture
def box(data, tables):
    explorer = mixlib.widgets.model_choice_explorer(
        data, tables=tables, xlabels={"b (whole numbers)": "b (minutes)"}, **SETTINGS)
    yield explorer
    plt.close(explorer.figure)


def check_view(box, x, k):
    fit = mixlib.fit_em(x, k=k, n_init=2, rng=7)
    params = fit.params
    view = box.density_view
    assert view.grid.min() < x.min() and view.grid.max() > x.max()
    assert_density_view_shows(view, params)
    heights, edges, _ = view.histogram.get_data()
    assert (heights * np.diff(edges)).sum() == pytest.approx(1.0)
    texts = box.readout_texts()
    assert texts == {
        "log_likelihood": f"log-likelihood: {mixlib.log_likelihood(x, params):.2f}",
        "aic": f"AIC: {mixlib.aic(x, params):.2f}",
        "bic": f"BIC: {mixlib.bic(x, params):.2f}",
    }
    assert box.expected_readouts() == texts
    assert box.current_marker.get_xdata()[0] == k


def check_criteria(box, x):
    rows = mixlib.choose_k(x, [1, 2, 3], n_init=2, n_folds=3, rng=7)
    for name in ("aic", "bic"):
        xs, ys = box.criteria_lines[name].get_data()
        np.testing.assert_array_equal(xs, [1, 2, 3])
        np.testing.assert_allclose(ys, [getattr(r, name) for r in rows], rtol=1e-12)
    _, ys = box.criteria_lines["held_out"].get_data()
    np.testing.assert_allclose(ys, [-2 * r.held_out for r in rows], rtol=1e-12)
    best = box.criteria_lines["best"]["bic"].get_data()
    assert best[0][0] == min(rows, key=lambda r: r.bic).k


def test_initial_view(box, data):
    check_view(box, data["a"], 2)
    check_criteria(box, data["a"])


def test_changing_k(box, data):
    box.controls["k"].value = 3
    check_view(box, data["a"], 3)
    box.controls["k"].value = 1
    check_view(box, data["a"], 1)


def test_changing_variable(box, data):
    box.controls["k"].value = 3
    box.controls["variable"].value = "b (whole numbers)"
    check_view(box, data["b (whole numbers)"], 3)
    check_criteria(box, data["b (whole numbers)"])
    assert box.figure.axes[0].get_xlabel() == "b (minutes)"
    # whole-number data: bins centred on whole numbers
    edges = box.density_view.histogram.get_data().edges
    assert np.allclose(np.mod(edges, 1.0), 0.5)
    box.controls["variable"].value = "a"
    check_view(box, data["a"], 3)
    assert box.figure.axes[0].get_xlabel() == "a"  # no label given: the variable's name


def test_computes_missing_tables(data):
    explorer = mixlib.widgets.model_choice_explorer({"a": data["a"]}, **SETTINGS)
    try:
        check_view(explorer, data["a"], 2)
        check_criteria(explorer, data["a"])
    finally:
        plt.close(explorer.figure)


def test_criteria_values_use_one_scale(tables):
    values = criteria_values(tables["a"])
    np.testing.assert_allclose(values["held_out"], [-2 * r.held_out for r in tables["a"]])


def test_rejects_k_outside_ks(data):
    with pytest.raises(ValueError, match="k: must be one of"):
        mixlib.widgets.model_choice_explorer(data, ks=[1, 2], k=3)


def test_legend_lists_only_the_components_drawn(box):
    """Components that are not drawn (NaN lines for K below the largest) are not in the legend."""
    def components():
        return [t.get_text() for t in box.figure.axes[0].get_legend().get_texts()
                if t.get_text().startswith("component")]
    for k in (1, 3, 2):
        box.controls["k"].value = k
        assert components() == [f"component {j + 1}" for j in range(k)]
    box.controls["variable"].value = "b (whole numbers)"
    assert components() == ["component 1", "component 2"]
