"""The EM stepper (notebook 04): pressing its buttons plots exactly mixlib.em_step's iterates."""

import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib.plotting import density_grid
from mixlib.convergence import run_converged
from view_checks import assert_density_view_shows


@pytest.fixture
def stepper(data):
    x, p0 = data
    box = mixlib.widgets.em_stepper(x, p0)
    yield box  # the root conftest closes its figure


def em_iterates(x, start, n_steps):
    out = [start]
    for _ in range(n_steps):
        out.append(mixlib.em_step(x, out[-1]))
    return out


def check_view(box, x, iterates):
    params = iterates[-1]
    assert_density_view_shows(box.density_view, params)
    np.testing.assert_allclose(box.rug.points.get_array(), mixlib.responsibilities(x, params)[:, 0],
                               rtol=1e-12, atol=1e-15)
    xs, ys = box.trace_line.get_data()
    np.testing.assert_array_equal(xs, np.arange(len(iterates)))
    np.testing.assert_allclose(ys, [mixlib.log_likelihood(x, p) for p in iterates], rtol=1e-12)
    texts = box.readout_texts()
    assert texts == {
        "iteration": f"iteration: {len(iterates) - 1}",
        "log_likelihood": f"log-likelihood: {mixlib.log_likelihood(x, params):.4f}",
    }
    assert box.expected_readouts() == texts


def test_starts_at_the_start(stepper, data):
    x, p0 = data
    check_view(stepper, x, [p0])
    np.testing.assert_allclose(stepper.density_view.grid, density_grid(x, p0))


def test_step_button_plots_em_step_iterates(stepper, data):
    x, p0 = data
    for _ in range(3):
        stepper.controls["step"].click()
    expected = em_iterates(x, p0, 3)
    assert stepper.session.iterates == expected  # MixtureParams compare exactly
    check_view(stepper, x, expected)


def test_run_button_stops_by_the_shared_rule_and_says_converged(stepper, data):
    x, p0 = data
    stepper.controls["step"].click()
    assert stepper.status.value == ""
    stepper.controls["run"].click()
    n_steps = len(stepper.session.iterates) - 1
    expected = em_iterates(x, p0, n_steps)
    check_view(stepper, x, expected)
    # Run stops by every EM widget's rule (projected gain per point below tol), not before
    lls = [mixlib.log_likelihood(x, p) for p in expected]
    assert run_converged(lls, x.size, 1e-8) and not run_converged(lls[:-1], x.size, 1e-8)
    assert stepper.status.value == f"converged after {n_steps} steps"
    fit = mixlib.fit_em(x, p0, tol=1e-12)
    assert lls[-1] == pytest.approx(fit.log_likelihood, abs=1e-6)
    stepper.controls["step"].click()  # a Step after a Run: the status was about that Run
    assert stepper.status.value == ""


def test_run_that_hits_its_cap_says_not_converged_and_goes_on():
    """Issue 28: at separation 1.5 Run stopped silently at its cap. Now the status says so."""
    base, labels = mixlib.sample(mixlib.MixtureParams([0.3, 0.7], [0.0, 0.0], [1.0, 1.0]), 1000,
                                 rng=5, return_labels=True)
    x_slow = base + 1.5 * (labels == 1)
    start = mixlib.MixtureParams([0.5, 0.5], [-1.0, 2.5], [1.5, 1.5])
    box = mixlib.widgets.em_stepper(x_slow, start, max_run=200)
    box.controls["run"].click()
    assert box.session.iteration == 200
    assert box.status.value.startswith("stopped after 200 steps, NOT converged")
    before = box.session.history[-1]
    box.controls["run"].click()  # press Run to go on
    assert box.session.iteration == 400 and box.session.history[-1] > before
    assert box.status.value.startswith("stopped after 400 steps, NOT converged")
    box.controls["reset"].click()
    assert box.status.value == "" and box.session.iteration == 0


def test_reset_and_start_choice(stepper, data):
    x, p0 = data
    stepper.controls["step"].click()
    stepper.controls["reset"].click()
    check_view(stepper, x, [p0])
    stepper.controls["start"].value = "labels swapped"
    swapped = mixlib.MixtureParams(p0.weights[::-1], p0.means[::-1], p0.sds[::-1])
    check_view(stepper, x, [swapped])
    stepper.controls["step"].click()
    stepper.controls["step"].click()
    check_view(stepper, x, em_iterates(x, swapped, 2))


def test_log_likelihood_trace_never_decreases(stepper):
    stepper.controls["run"].click()
    ys = stepper.trace_line.get_ydata()
    assert np.all(np.diff(ys) >= -1e-9 * np.abs(ys[1:]))


def test_every_widget_name_stays_a_function_after_its_module_is_imported():
    # importing a submodule sets it as an attribute of the package (pytest's doctest collection
    # imports them all): no module may share its widget function's name
    import importlib

    for name, module in mixlib.widgets._WIDGET_MODULES.items():
        importlib.import_module(f"mixlib.widgets.{module}")
        assert callable(getattr(mixlib.widgets, name)), name
