"""The 2-D EM stepper (notebook 07): its buttons plot exactly mixlib.multivariate.em_step's
iterates, with the ellipses and colours of those parameters."""

import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib import multivariate as mv
from mixlib.plotting.multivariate import ellipse_points, responsibility_colours
from mixlib.convergence import run_converged


@pytest.fixture
def setup():
    data = mixlib.datasets.old_faithful()
    Z = mv.standardise(np.column_stack([data["eruptions"], data["waiting"]]))
    starts = {"poor": mv.MultivariateParams([0.5, 0.5], [[-1.5, 1.0], [1.5, -1.0]],
                                            [np.eye(2), np.eye(2)]),
              "other": mv.MultivariateParams([0.5, 0.5], [[0.0, 1.0], [0.0, -1.0]],
                                             [np.eye(2), np.eye(2)])}
    return Z, starts, mixlib.widgets.em_stepper_2d(Z, starts)


def iterates(Z, start, n, covariance="full"):
    out = [start]
    for _ in range(n):
        out.append(mv.em_step(Z, out[-1], covariance))
    return out


def check_view(box, Z, expected):
    params = expected[-1]
    assert box.session.iterates == expected
    np.testing.assert_allclose(box.view.points.get_facecolor()[:, :3],
                               responsibility_colours(mv.responsibilities(Z, params)), rtol=1e-12)
    first = ellipse_points(params.means[0], params.covariances[0], 1.0)
    np.testing.assert_allclose(np.column_stack(box.view.ellipses[0].get_data()), first)
    np.testing.assert_allclose(box.trace_line.get_ydata(),
                               [mv.log_likelihood(Z, p) for p in expected], rtol=1e-12)
    assert box.readout_texts() == box.expected_readouts() == {
        "iteration": f"iteration: {len(expected) - 1}",
        "log_likelihood": f"log-likelihood: {mv.log_likelihood(Z, params):.4f}"}


def test_step_reset_and_start_choice(setup):
    Z, starts, box = setup
    check_view(box, Z, [starts["poor"]])
    for _ in range(3):
        box.controls["step"].click()
    check_view(box, Z, iterates(Z, starts["poor"], 3))
    box.controls["reset"].click()
    check_view(box, Z, [starts["poor"]])
    box.controls["start"].value = "other"
    box.controls["step"].click()
    check_view(box, Z, iterates(Z, starts["other"], 1))


def test_covariance_choice_and_run(setup):
    Z, starts, box = setup
    box.controls["covariance"].value = "spherical"
    box.controls["step"].click()
    check_view(box, Z, iterates(Z, starts["poor"], 1, "spherical"))
    box.controls["run"].click()
    history = box.session.history
    # the rule of every EM widget: the projected gain per point is below tol, not before
    assert run_converged(history, Z.shape[0], 1e-8)
    assert not run_converged(history[:-1], Z.shape[0], 1e-8)
    assert box.status.value == f"converged after {box.session.iteration} steps"
    assert np.all(np.diff(history) >= -1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match=r"^X: expected 2 columns"):
        mixlib.widgets.em_stepper_2d(np.zeros((5, 3)), {})


def test_the_title_names_the_covariance_structure_and_the_iteration(setup):
    """A new covariance choice resets to the same start, so the title is what shows the change."""
    _, _, box = setup
    ax = box.figure.axes[0]
    first = box.controls["covariance"].value
    assert ax.get_title() == f"{first} covariances, iteration 0"
    other = next(c for c in ("full", "diag", "spherical", "tied") if c != first)
    box.controls["covariance"].value = other
    assert ax.get_title() == f"{other} covariances, iteration 0"
    box.controls["step"].click()
    assert ax.get_title() == f"{other} covariances, iteration 1"


def test_any_number_of_components_in_any_order(setup):
    """Issue 29: a three-component start raised StopIteration (ellipse slots for two only) and
    Step then did nothing. Every start, every structure, every button, in two orders."""
    Z, starts, _ = setup
    starts = dict(starts, three=mv.MultivariateParams(
        np.full(3, 1 / 3), [[-1.5, 1.0], [1.5, -1.0], [0.0, 2.0]], [np.eye(2)] * 3))
    box = mixlib.widgets.em_stepper_2d(Z, starts, max_run=40)
    for order in (["three", "poor", "three", "other"], ["poor", "three"]):
        for name in order:
            box.controls["start"].value = name
            for covariance in ("tied", "spherical", "full", "diag"):
                box.controls["covariance"].value = covariance
                box.controls["step"].click()
                check_view(box, Z, iterates(Z, starts[name], 1, covariance))
                box.controls["run"].click()
                assert box.status.value.startswith(("converged after", "stopped after"))
                check_view(box, Z, iterates(Z, starts[name], box.session.iteration, covariance))
                k = starts[name].k
                drawn = [line for line in box.view.ellipses if len(line.get_xdata())]
                assert len(drawn) == 2 * k  # a 1- and a 2-sd ellipse per component, no more
                assert box.view.centres.get_offsets().shape == (k, 2)


def test_run_does_not_stop_where_em_leaves_a_saddle():
    """Both means near the centre with tied covariances: after a first step of +227 the increases
    grow (+0.0048, +0.0055, ...) as EM leaves a saddle. One ratio of increases (0.0048 / 227)
    projected nothing left and Run said "converged after 2 steps" at -544.93; the rule reads the
    rate from two ratios, and Run goes on to the maximum from there (-395.38)."""
    data = mixlib.datasets.old_faithful()
    Z = mv.standardise(np.column_stack([data["eruptions"], data["waiting"]]))
    middle = mv.MultivariateParams([0.5, 0.5], [[-0.2, 0.0], [0.2, 0.0]], [np.eye(2), np.eye(2)])
    box = mixlib.widgets.em_stepper_2d(Z, {"middle": middle}, covariance="tied")
    box.controls["run"].click()
    assert box.status.value.startswith("converged after")
    assert box.session.iteration > 20
    fit = mv.fit_em(Z, middle, covariance="tied", tol=1e-12, max_iter=10_000)
    assert box.session.history[-1] == pytest.approx(fit.log_likelihood, abs=1e-4)
