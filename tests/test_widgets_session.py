"""EMSession, the state every EM widget keeps, and the density view they draw into."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
from mixlib.plotting import draw_density_view
from mixlib.plotting.axes_limits import nice_ceiling, round_limits
from mixlib.plotting.sampling import view_range
from mixlib.widgets._session import EMSession
from view_checks import assert_density_view_shows


@pytest.fixture
def session(data):
    x, p0 = data
    return EMSession(lambda p: mixlib.em_step(x, p), lambda p: mixlib.log_likelihood(x, p), p0)


def test_advance_appends_em_steps_and_their_log_likelihoods(session, data):
    x, p0 = data
    assert session.advance(3) is False
    expected = [p0]
    for _ in range(3):
        expected.append(mixlib.em_step(x, expected[-1]))
    assert session.iterates == expected and session.iteration == 3
    assert session.current == expected[-1]
    assert session.history == [mixlib.log_likelihood(x, p) for p in expected]


def test_advance_stops_when_told_and_says_so(session):
    assert session.advance(100, stop=lambda history: len(history) == 5) is True
    assert session.iteration == 4


def test_reset_returns_to_the_start_or_a_new_one(session, data):
    x, p0 = data
    session.advance(2)
    session.reset()
    assert session.iterates == [p0] and session.iteration == 0
    swapped = mixlib.MixtureParams(p0.weights[::-1], p0.means[::-1], p0.sds[::-1])
    session.reset(swapped)
    assert session.current == swapped
    assert session.history == [mixlib.log_likelihood(x, swapped)]


def test_reset_can_switch_the_data(session, data):
    x, p0 = data
    y = x[: x.size // 2]
    session.reset(p0, step=lambda p: mixlib.em_step(y, p),
                  log_likelihood=lambda p: mixlib.log_likelihood(y, p))
    session.advance(1)
    assert session.current == mixlib.em_step(y, p0)
    assert session.history[-1] == mixlib.log_likelihood(y, mixlib.em_step(y, p0))


@pytest.fixture
def view(data):
    x, p0 = data
    fig, ax = plt.subplots()
    yield draw_density_view(ax, x, p0, max_k=3)
    plt.close(fig)


def test_view_shows_params_and_leaves_unused_slots_empty(view, data):
    x, p0 = data
    assert_density_view_shows(view, p0)
    three = mixlib.MixtureParams([0.2, 0.3, 0.5], [0.0, 0.3, 0.6], [0.1, 0.1, 0.1])
    view.show_params(three)
    assert_density_view_shows(view, three)
    labels = [t.get_text() for t in view.ax.get_legend().get_texts()]
    assert labels == ["data", "component 1", "component 2", "component 3", "mixture density"]
    view.show_params(p0)
    labels = [t.get_text() for t in view.ax.get_legend().get_texts()]
    assert "component 3" not in labels


def test_view_rejects_more_components_than_slots(view):
    four = mixlib.MixtureParams(np.full(4, 0.25), [0, 1, 2, 3], [1, 1, 1, 1])
    with pytest.raises(ValueError, match="params: has 4 components, the view has room for 3"):
        view.show_params(four)


def test_show_data_replaces_the_histogram_in_place(view, data):
    x, p0 = data
    patch = view.histogram
    y = np.round(100 * x)  # whole numbers: bins centred on them
    view.show_data(y, mixlib.MixtureParams(p0.weights, 100 * p0.means, 100 * p0.sds))
    heights, edges, _ = view.histogram.get_data()
    assert view.histogram is patch and view.ax.patches.count(patch) == 1
    assert np.allclose(np.mod(edges, 1.0), 0.5)
    assert (heights * np.diff(edges)).sum() == pytest.approx(1.0)
    assert view.grid.min() <= y.min() and view.grid.max() >= y.max()


def test_fit_height_caps_a_spike(view, data):
    x, p0 = data
    spike = mixlib.MixtureParams([0.5, 0.5], [0.0, 0.6], [0.01, 0.12])  # peak about 20
    view.show_params(spike)
    bars = view.histogram.get_data().values.max()
    view.fit_height(spike_cap=4)
    assert view.ax.get_ylim()[1] == pytest.approx(nice_ceiling(1.15 * 4 * bars))
    view.fit_height()
    assert view.ax.get_ylim()[1] > nice_ceiling(1.15 * 4 * bars)


def test_a_new_control_binds_to_the_advance_connect_em_buttons_returns(data):
    """What adding a control to an EM stepper takes: the control, and one line binding it."""
    import ipywidgets as widgets

    from mixlib.widgets._base import Explorer
    from mixlib.widgets._session import connect_em_buttons

    x, p0 = data
    session = EMSession(lambda p: mixlib.em_step(x, p), lambda p: mixlib.log_likelihood(x, p), p0)
    controls = {"start": widgets.Dropdown(options=["p0"]), "step": widgets.Button(),
                "run": widgets.Button(), "reset": widgets.Button(),
                "step10": widgets.Button(description="Step x10")}
    fig, _ = plt.subplots()
    box = Explorer(controls, fig, {"iteration": widgets.HTML()})
    drawn = []
    status = widgets.HTML()
    _, advance = connect_em_buttons(
        box, session, lambda: p0, drawn.append,
        lambda iteration, params: {"iteration": f"iteration: {iteration}"},
        max_run=3, n_points=x.size, tol=1e-8, status=status)
    controls["run"].click()
    assert session.iteration == 3 and status.value.startswith("stopped after 3 steps, NOT converged")
    controls["step10"].on_click(lambda _: advance(10))
    controls["step10"].click()
    assert session.iteration == 13 and drawn[-1] == session.current
    assert box.readout_texts() == {"iteration": "iteration: 13"} and status.value == ""
    controls["reset"].click()
    assert session.iteration == 0 and box.readout_texts() == {"iteration": "iteration: 0"}
    plt.close(fig)


@pytest.mark.parametrize("value", [1e-9, 0.0071, 0.3, 0.30000000000000004, 1.0, 2.31, 7.9, 8.01, 123.4, 9.99e5])
def test_nice_ceiling_is_a_round_number_at_most_a_quarter_above(value):
    top = nice_ceiling(value)
    assert value * (1 - 1e-12) <= top <= 1.25 * value
    mantissa = top / 10.0 ** np.floor(np.log10(top) + 1e-12)
    assert any(np.isclose(mantissa, m) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10))


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_nice_ceiling_rejects_non_positive_values(bad):
    with pytest.raises(ValueError, match="value"):
        nice_ceiling(bad)


def test_view_range_covers_four_sds_and_keeps_still_for_a_small_move():
    params = mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    low, high = view_range(params)
    assert low <= -0.32 and high >= 1.08 and (high - low) <= 1.25 * 1.4
    nudged = mixlib.MixtureParams([0.3, 0.7], [0.01, 0.6], [0.08, 0.12])
    assert view_range(nudged) == (low, high)


def test_round_limits_cover_the_range_with_round_ends():
    for low, high in [(-0.32, 1.08), (-1034.2, -1030.1), (3.0, 3.0001), (-5e5, 7e6)]:
        lo, hi = round_limits(low, high)
        assert lo <= low and hi >= high and (hi - lo) <= 1.5 * (high - low) + 4 * (high - low) / 10
    with pytest.raises(ValueError, match="low, high"):
        round_limits(1.0, 1.0)


def test_fit_height_keeps_a_top_that_still_fits(view, data):
    """The top stays for a peak that still fits without wasting a third of the height."""
    x, p0 = data
    view.show_params(p0)
    view.fit_height()
    top = view.ax.get_ylim()[1]
    lower = mixlib.MixtureParams(p0.weights, p0.means, p0.sds * 1.05)  # peaks 5% lower
    view.show_params(lower)
    view.fit_height()
    assert view.ax.get_ylim()[1] == top
    spike = mixlib.MixtureParams([0.5, 0.5], [0.0, 0.6], [0.01, 0.12])  # peak about 20
    view.show_params(spike)
    view.fit_height()
    assert view.ax.get_ylim()[1] > 5 * top
    view.show_params(p0)  # the spike gone: the top comes back down
    view.fit_height()
    assert view.ax.get_ylim()[1] == top


def test_fit_height_to_all_fits_every_mixture_whatever_was_shown_before(view, data):
    """One scale for a set of fits: every mixture's peak and the bars fit, with the usual
    headroom, and the top does not depend on the fit shown or on the top before."""
    x, p0 = data
    spike = mixlib.MixtureParams([0.5, 0.5], [0.0, 0.6], [0.01, 0.12])  # peak about 20
    fits = [p0, spike]
    tops = []
    for shown, before in [(p0, 1.0), (spike, 1.0), (p0, 100.0)]:
        view.show_params(shown)
        view.ax.set_ylim(0, before)
        view.fit_height_to_all(fits)
        tops.append(view.ax.get_ylim()[1])
    assert tops[0] == tops[1] == tops[2]
    peak = max(np.nanmax(mixlib.pdf(view.grid, p)) for p in fits)
    assert tops[0] == nice_ceiling(1.15 * max(peak, view.histogram.get_data().values.max()))
    view.fit_height_to_all([p0])
    assert view.ax.get_ylim()[1] < tops[0] / 5


@pytest.mark.parametrize("history", [[-1034.3460], [-1034.3460, -1034.3459], [-500.0, -300.0, -290.0]])
def test_a_trace_spans_at_least_min_span_with_plain_tick_labels(history):
    """update_trace's docstring: the y-range spans at least MIN_SPAN log-likelihood units (a flat
    or one-point trace is not blown up to a cliff), and the labels are the numbers themselves, at
    most five, with no offset ('-0.3' beside '-1.034e3' means nothing to a student)."""
    from mixlib.plotting import draw_trace
    from mixlib.plotting.trace import MIN_SPAN

    fig, ax = plt.subplots()
    try:
        draw_trace(ax, history)
        fig.canvas.draw()
        low, high = ax.get_ylim()
        assert high - low >= MIN_SPAN and low <= min(history) and max(history) <= high
        assert ax.yaxis.get_offset_text().get_text() == ""
        shown = [t for t in ax.get_yticks() if low <= t <= high]
        assert 2 <= len(shown) <= 6
        assert all(float(t.get_text().replace("\N{MINUS SIGN}", "-")) == pytest.approx(v)
                   for t, v in zip(ax.get_yticklabels(), ax.get_yticks()) if t.get_text())
    finally:
        plt.close(fig)


def test_a_crawling_trace_shows_its_later_climb(data):
    """Issues 28/29: a y-range over the whole run drew a crawl (0.03 gained in 2000 steps after a
    first step of 300) as a flat line. The range fits the later half: that climb fills at least
    half of the axis, and the y-label says what the range fits."""
    from mixlib.plotting import draw_trace
    from mixlib.plotting.trace import trace_window

    scenario = mixlib.datasets.pitfall_scenarios()["slow convergence (1 sd apart)"]
    session = EMSession(lambda p: mixlib.em_step(scenario.x, p),
                        lambda p: mixlib.log_likelihood(scenario.x, p),
                        scenario.starts["means -1 and 2"][0])
    session.advance(2000)  # one Run of 06's widget
    history = np.array(session.history)
    fig, ax = plt.subplots()
    try:
        draw_trace(ax, history)
        low, high = ax.get_ylim()
        later = history[trace_window(history.size):]
        assert low <= later.min() and later.max() <= high
        assert later.max() - later.min() >= 0.5 * (high - low)
        assert history[0] < low  # the first steps' climb lies below the axis
        assert "later half" in ax.get_ylabel()
    finally:
        plt.close(fig)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9, 0.999])
def test_projected_gain_is_what_a_geometric_climb_has_left(rate):
    """Increases d, d r, d r^2, ...: what is left after the last is d r^k * r / (1 - r)."""
    from mixlib.convergence import current_rate, projected_gain

    history = np.cumsum([-100.0] + [2.0 * rate**k for k in range(8)])
    left = 2.0 * rate**7 * rate / (1 - rate)
    assert current_rate(history) == pytest.approx(rate, rel=1e-6)  # differences of sums: rounding
    assert projected_gain(history) == pytest.approx(left, rel=1e-5)


def test_projected_gain_reads_growing_or_irregular_increases_as_not_converged():
    from mixlib.convergence import projected_gain, run_converged
    from mixlib.widgets._convergence import run_status

    assert projected_gain([0.0, 1.0, 1.5]) == np.inf  # too few steps to read a rate
    assert projected_gain([-772.0, -545.0, -544.9952, -544.9897]) == np.inf  # growing
    assert projected_gain([0.0, 1.0, 1.0, 1.5]) == np.inf  # a flat step, then a climb
    assert projected_gain([0.0, 1.0, np.inf, np.inf]) == np.inf
    assert projected_gain([0.0, 1.0, 1.5, 1.5]) == 0.0  # a fixed point
    top = -1034.0
    assert projected_gain([top - 1, top, top, top + 1e-13]) == 0.0  # rounding at the top
    assert run_converged([top - 1, top, top, top], 1000, 1e-8)
    assert run_status([0.0, 1.0, 1.1, 1.3], 10, 1e-8) == (
        "stopped after 3 steps, NOT converged: the steps are not shrinking yet (press Run to go on)")
