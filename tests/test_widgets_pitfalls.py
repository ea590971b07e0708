"""The pitfall explorer (notebook 06): what it plots and reads out are mixlib.em_step's iterates."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib.datasets import Pitfall, pitfall_scenarios
from mixlib.widgets.pitfalls import replay
from view_checks import assert_density_view_shows


@pytest.fixture(scope="module")
def pitfalls():
    return pitfall_scenarios()


@pytest.fixture
def box(pitfalls):
    explorer = mixlib.widgets.pitfall_explorer(pitfalls)
    yield explorer
    plt.close(explorer.figure)


def check_view(box, pitfall, start_name, n_steps):
    start, min_sd = pitfall.starts[start_name]
    iterates = replay(pitfall.x, start, min_sd, n_steps)
    # replay is em_step applied n times: check that too, independently
    p = start
    for _ in range(n_steps):
        p = mixlib.em_step(pitfall.x, p, min_sd=min_sd)
    assert iterates[-1] == p
    assert len(box.session.iterates) == n_steps + 1
    assert box.session.iterates[-1] == p
    assert_density_view_shows(box.density_view, p)
    xs, ys = box.trace_line.get_data()
    np.testing.assert_array_equal(xs, np.arange(n_steps + 1))
    np.testing.assert_allclose(ys, [mixlib.log_likelihood(pitfall.x, q) for q in iterates], rtol=1e-12)
    texts = box.readout_texts()
    assert texts == {
        "iteration": f"iteration: {n_steps}",
        "log_likelihood": f"log-likelihood: {mixlib.log_likelihood(pitfall.x, p):.4f}",
        "smallest_sd": f"smallest sd: {p.sds.min():.4g}",
    }
    assert box.expected_readouts() == texts


def test_starts_at_the_first_start(box, pitfalls):
    name = next(iter(pitfalls))
    check_view(box, pitfalls[name], next(iter(pitfalls[name].starts)), 0)


def test_step_and_step10(box, pitfalls):
    pitfall = pitfalls["collapse onto one waiting time"]
    box.controls["step"].click()
    check_view(box, pitfall, "spike at 78 min, default floor", 1)
    box.controls["step10"].click()
    check_view(box, pitfall, "spike at 78 min, default floor", 11)


def test_run_collapses_with_the_default_floor_and_not_with_half_a_minute(box, pitfalls):
    pitfall = pitfalls["collapse onto one waiting time"]
    box.controls["run"].click()
    n = len(box.session.iterates) - 1
    check_view(box, pitfall, "spike at 78 min, default floor", n)
    assert box.session.iterates[-1].sds.min() < 1e-3
    box.controls["start"].value = "spike at 78 min, floor 0.5 min"
    check_view(box, pitfall, "spike at 78 min, floor 0.5 min", 0)
    box.controls["run"].click()
    n = len(box.session.iterates) - 1
    check_view(box, pitfall, "spike at 78 min, floor 0.5 min", n)
    assert box.session.iterates[-1].sds.min() == pytest.approx(0.5)


def test_changing_pitfall_resets_and_offers_its_starts(box, pitfalls):
    box.controls["step10"].click()
    box.controls["pitfall"].value = "identical components"
    pitfall = pitfalls["identical components"]
    assert list(box.controls["start"].options) == list(pitfall.starts)
    check_view(box, pitfall, "identical components", 0)
    box.controls["step10"].click()
    check_view(box, pitfall, "identical components", 10)
    means = box.session.iterates[-1].means
    assert means[0] == means[1]  # a fixed point of EM: the components never separate
    assert box.figure.axes[0].get_xlabel() == pitfall.xlabel


def test_local_optima_reach_different_log_likelihoods(box, pitfalls):
    box.controls["pitfall"].value = "local optima (eruptions, K = 3)"
    finals = {}
    for start in ("start A", "start B"):
        box.controls["start"].value = start
        box.controls["run"].click()
        check_view(box, pitfalls["local optima (eruptions, K = 3)"], start, len(box.session.iterates) - 1)
        finals[start] = mixlib.log_likelihood(pitfalls["local optima (eruptions, K = 3)"].x,
                                              box.session.iterates[-1])
    assert finals["start B"] > finals["start A"] + 1


def test_custom_pitfalls():
    x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 3], [1, 1]), 100, rng=0)
    start = mixlib.MixtureParams([0.5, 0.5], [-1, 1], [1, 1])
    pitfall = Pitfall(x, {"s": (start, None)}, "x")
    explorer = mixlib.widgets.pitfall_explorer({"mine": pitfall})
    try:
        explorer.controls["step"].click()
        check_view(explorer, pitfall, "s", 1)
    finally:
        plt.close(explorer.figure)


def test_rejects_bad_starts():
    with pytest.raises(TypeError):
        mixlib.widgets.pitfall_explorer({"bad": Pitfall(np.arange(5.0), {"s": ([1, 2], None)})})


def test_run_shows_the_crawl_and_says_it_stopped_short(box, pitfalls):
    """One sd apart EM crawls: Run stops at its cap, far from the maximum, and says so on screen."""
    box.controls["pitfall"].value = "slow convergence (1 sd apart)"
    assert box.status.value == ""
    box.controls["run"].click()
    pitfall = pitfalls["slow convergence (1 sd apart)"]
    check_view(box, pitfall, "means -1 and 2", len(box.session.iterates) - 1)
    assert len(box.session.iterates) - 1 == 2000  # the cap: EM has not converged
    assert "NOT converged" in box.status.value
    best = mixlib.fit_em(pitfall.x, box.session.iterates[-1], tol=1e-14, max_iter=100_000)
    assert best.log_likelihood > mixlib.log_likelihood(pitfall.x, box.session.iterates[-1]) + 0.01
    box.controls["reset"].click()
    assert box.status.value == ""


def test_run_says_converged_when_it_is(box, pitfalls):
    box.controls["pitfall"].value = "label switching"
    box.controls["run"].click()
    assert box.status.value.startswith("converged after")
    assert len(box.session.iterates) - 1 < 50


def test_legend_lists_only_the_components_drawn(box):
    def legend():
        return [t.get_text() for t in box.figure.axes[0].get_legend().get_texts()]
    assert "component 3" in legend()  # the spike start has three components
    box.controls["pitfall"].value = "label switching"
    assert "component 3" not in legend() and "component 2" in legend()
