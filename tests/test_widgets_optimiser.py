"""The optimiser explorer (notebook 03) plots what the notebook's plain minimize call computes."""

import html

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import optimize

import mixlib
import mixlib.widgets
from mixlib.widgets.optimiser import gradient_norm, run_fit


@pytest.fixture
def explorer(data):
    x, p0 = data
    box = mixlib.widgets.optimiser_explorer(x, p0, grid_size=15)
    yield box
    plt.close(box.figure)


def plain_fit_with_path(x, start, method, use_gradient):
    # The call notebook 03 teaches, written out again: the widget must show exactly this.
    u0 = mixlib.to_unconstrained(start)
    path = [u0]
    jac = mixlib.negloglik_grad if use_gradient and method in ("BFGS", "L-BFGS-B") else None
    res = optimize.minimize(mixlib.negloglik, u0, args=(x,), method=method, jac=jac,
                            callback=lambda u: path.append(np.array(u)))
    return res, np.array(path)


def start_with(p0, mu1, mu2):
    return mixlib.MixtureParams(p0.weights, [mu1, mu2], p0.sds)


def check_plot_matches(box, x, start, method, use_gradient):
    res, path = plain_fit_with_path(x, start, method, use_gradient)
    mu1, mu2 = box.path_artists["line"].get_data()
    np.testing.assert_allclose(mu1, path[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(mu2, path[:, 1], rtol=0, atol=1e-12)
    assert box.path_artists["start"].get_xdata()[0] == pytest.approx(start.means[0])
    assert box.path_artists["end"].get_ydata()[0] == pytest.approx(res.x[1], abs=1e-12)
    xs, ys = box.trace_line.get_data()
    np.testing.assert_array_equal(xs, np.arange(len(path)))
    np.testing.assert_allclose(ys, [-mixlib.negloglik(u, x) for u in path], rtol=1e-12)
    texts = box.readout_texts()
    assert texts["log_likelihood"] == f"final log-likelihood: {-res.fun:.4f}"
    assert texts["iterations"] == f"iterations: {res.nit}, function evaluations: {res.nfev}"
    assert texts["gradient"] == f"gradient norm: {gradient_norm(x, res.x):.2e}"
    assert texts["success"] == f"minimize reported success: {res.success}"
    assert texts["warnings"].startswith("warnings: ")
    assert box.expected_readouts() == texts
    return res


def test_initial_view_is_bfgs_from_the_start(explorer, data):
    x, p0 = data
    res = check_plot_matches(explorer, x, p0, "BFGS", True)
    best = mixlib.fit_em(x, p0).log_likelihood
    assert -res.fun == pytest.approx(best, abs=1e-4)
    assert explorer.readout_texts()["warnings"] == "warnings: none"


def test_nelder_mead_readout_is_the_notebooks_table(explorer, data):
    x, p0 = data
    explorer.controls["method"].value = "Nelder-Mead"
    res = check_plot_matches(explorer, x, p0, "Nelder-Mead", True)
    assert explorer.controls["gradient"].disabled
    # notebook 03's first table: Nelder-Mead from p0 stops at 108.98 and reports success there.
    # The stall holds on every CPU profile (tests/cpu_profiles.py runs this test under each).
    assert explorer.readout_texts()["log_likelihood"].startswith("final log-likelihood: 108.98")
    assert res.success and gradient_norm(x, res.x) > 100


def test_moving_the_start_and_gradient(explorer, data):
    x, p0 = data
    explorer.controls["method"].value = "L-BFGS-B"
    explorer.controls["gradient"].value = False
    explorer.controls["mu1_start"].value = 0.9
    explorer.controls["mu2_start"].value = 0.1
    check_plot_matches(explorer, x, start_with(p0, 0.9, 0.1), "L-BFGS-B", False)


def test_warnings_are_shown_not_lost(data, monkeypatch):
    # A warning raised inside minimize (here a fake one from the objective) reaches the readout.
    x, p0 = data
    real = mixlib.direct.negloglik

    def noisy(u, xs):
        import warnings
        warnings.warn("something <odd>", RuntimeWarning)
        return real(u, xs)

    monkeypatch.setattr(mixlib.direct, "negloglik", noisy)
    fit = run_fit(x, p0, "Nelder-Mead", False)
    assert fit.warnings == ("RuntimeWarning: something <odd>",)
    texts = mixlib.widgets.optimiser.readout_texts(x, fit)
    assert texts["warnings"] == "warnings: " + html.escape("RuntimeWarning: something <odd>")


def test_an_error_inside_minimize_is_shown(data, monkeypatch):
    x, p0 = data
    calls = {"n": 0}
    real = mixlib.direct.negloglik

    def failing(u, xs):
        calls["n"] += 1
        if calls["n"] > 20:
            raise ValueError("theta: log sds must lie in [...]")
        return real(u, xs)

    monkeypatch.setattr(mixlib.direct, "negloglik", failing)
    fit = run_fit(x, p0, "Nelder-Mead", False)
    assert fit.result is None and fit.error.startswith("ValueError")
    texts = mixlib.widgets.optimiser.readout_texts(x, fit)
    assert texts["success"] == "minimize raised an error (see below)"
    assert texts["warnings"].startswith("ValueError")


@pytest.mark.parametrize("method", ["Nelder-Mead", "Powell", "BFGS", "L-BFGS-B"])
@pytest.mark.parametrize("means", [(-0.52, 1.35), (1.35, -0.52), (0.4, 0.4)])
def test_survives_extreme_starts(explorer, method, means):
    explorer.controls["method"].value = method
    explorer.controls["mu1_start"].value = explorer.controls["mu1_start"].min if means[0] < 0 else (
        explorer.controls["mu1_start"].max if means[0] > 1 else means[0])
    explorer.controls["mu2_start"].value = explorer.controls["mu2_start"].max if means[1] > 1 else (
        explorer.controls["mu2_start"].min if means[1] < 0 else means[1])
    texts = explorer.readout_texts()
    assert set(texts) == {"log_likelihood", "iterations", "gradient", "success", "warnings"}
    assert texts == explorer.expected_readouts()


def test_readouts_have_css_classes(explorer):
    for name, readout in explorer.readouts.items():
        assert f"mixlib-readout-{name}" in readout._dom_classes


def test_rejects_three_components(data):
    x, _ = data
    p3 = mixlib.MixtureParams([0.2, 0.3, 0.5], [0, 0.3, 0.6], [0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="k=3"):
        mixlib.widgets.optimiser_explorer(x, p3)
