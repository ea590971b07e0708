"""The widgets' fast figure renderer: what it shows is what a full matplotlib draw shows.

``FigureRenderer`` pastes a cached background and redraws only the data, and an axes' decoration
when its limits or labels change. These tests move every control of every widget and compare the
picture with a full draw of the same figure after each move; they also check that the fast paths
are the ones taken (a renderer that silently redrew everything would pass a picture test and be
slow), without timing anything.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib import multivariate as mv
from mixlib.widgets._base import Explorer
from mixlib.widgets._render import FigureRenderer, full_draw

# A legend is drawn over an empty axes and pasted: its antialiased frame edge (a 1-pixel ring)
# blends with the background instead of the data. Anything else must match to the pixel.
CHANNEL_TOLERANCE = 8


def differing_pixels(fast, full, legends=()):
    """(pixels differing anywhere, pixels differing outside the legend frames)."""
    differs = np.abs(fast.astype(int) - full.astype(int)).max(axis=2) > CHANNEL_TOLERANCE
    outside = differs.copy()
    height = differs.shape[0]
    for box in legends:
        x0, x1 = int(np.floor(box.x0)) - 2, int(np.ceil(box.x1)) + 2
        y0, y1 = int(np.floor(box.y0)) - 2, int(np.ceil(box.y1)) + 2
        outside[max(height - y1, 0):height - y0, max(x0, 0):x1] = False
    return int(differs.sum()), int(outside.sum())


def assert_matches_full_draw(box, what):
    fast = box.renderer.render().copy()
    renderer = box.figure.canvas.get_renderer()
    legends = [ax.get_legend().get_window_extent(renderer) for ax in box.figure.axes
               if ax.get_legend() is not None]
    full = full_draw(box.figure)
    anywhere, outside = differing_pixels(fast, full, legends)
    assert outside == 0, f"{what}: {outside} pixels differ from a full draw outside the legends"
    assert anywhere <= 0.002 * fast.shape[0] * fast.shape[1], (
        f"{what}: {anywhere} pixels differ from a full draw (legend edges only expected)")


def move_every_control(box):
    """Yield a description after each change: every slider up two steps, every dropdown to its
    next option, every button clicked."""
    for name, control in box.controls.items():
        if getattr(control, "disabled", False):
            continue
        if hasattr(control, "click"):
            control.click()
            yield f"{name} clicked"
        elif hasattr(control, "options"):
            control.index = (control.index + 1) % len(control.options)
            yield f"{name} -> {control.value!r}"
        elif getattr(control, "step", None):
            for _ in range(2):
                control.value = min(control.value + control.step, control.max)
                yield f"{name} -> {control.value}"


def original_fit():
    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=42)
    return x, p0, mixlib.fit_em(x, p0)


def build(name):
    x, p0, fit = original_fit()
    faithful = mixlib.datasets.old_faithful()
    if name == "sampling":
        return mixlib.widgets.sampling_explorer(n=500)
    if name == "likelihood":
        return mixlib.widgets.likelihood_explorer(x, p0, fit=fit)
    if name == "optimiser":
        return mixlib.widgets.optimiser_explorer(x, p0, best=fit.params, grid_size=30)
    if name == "em_stepper":
        return mixlib.widgets.em_stepper(x, p0)
    if name == "model_choice":
        data = {"waiting": faithful["waiting"], "eruptions": faithful["eruptions"]}
        return mixlib.widgets.model_choice_explorer(data, ks=[1, 2, 3], n_init=1, n_folds=2, rng=0)
    if name == "pitfalls":
        return mixlib.widgets.pitfall_explorer(mixlib.datasets.pitfall_scenarios())
    if name == "em_stepper_2d":
        Z = mv.standardise(np.column_stack([faithful["eruptions"], faithful["waiting"]]))
        start = mv.MultivariateParams([0.5, 0.5], [[-1.5, 1.0], [1.5, -1.0]], [np.eye(2)] * 2)
        return mixlib.widgets.em_stepper_2d(Z, {"poor": start}, limits=(-2.6, 2.6))
    if name == "prior":
        spike = mixlib.MixtureParams([0.4, 0.55, 0.05], [55.0, 80.0, 78.0], [6.0, 6.0, 0.3])
        return mixlib.widgets.prior_explorer(faithful["waiting"], spike, n_curve=4)
    raise KeyError(name)


WIDGETS = ["sampling", "likelihood", "optimiser", "em_stepper", "model_choice", "pitfalls",
           "em_stepper_2d", "prior"]


@pytest.fixture
def rendering(monkeypatch):
    """Explorers render in plain Python too (they skip it outside a kernel otherwise)."""
    monkeypatch.setattr(Explorer, "render_outside_kernel", True)


@pytest.mark.parametrize("name", WIDGETS)
def test_every_control_shows_what_a_full_draw_shows(name, rendering):
    box = build(name)
    try:
        assert_matches_full_draw(box, "as built")
        for what in move_every_control(box):
            before = box.image.value
            box.redraw()
            assert box.image.value[:8] == b"\x89PNG\r\n\x1a\n", what
            assert_matches_full_draw(box, what)
            assert before, what
    finally:
        plt.close(box.figure)


def test_a_slider_move_redraws_no_decoration(rendering):
    """The likelihood explorer's sliders move curves only: after building, no axes is redrawn."""
    box = build("likelihood")
    try:
        full, partial = box.renderer.full_draws, box.renderer.axes_redraws
        for control in box.controls.values():
            # a checkbox (02's "mu1 on a data point") flips; a slider moves one step
            control.value = (not control.value) if isinstance(control.value, bool) else (
                control.value + control.step)
        assert (box.renderer.full_draws, box.renderer.axes_redraws) == (full, partial)
    finally:
        plt.close(box.figure)


@pytest.mark.parametrize("name", ["em_stepper", "pitfalls"])
def test_a_trace_that_grows_redraws_its_own_axes_only(name, rendering):
    """EM steps change the trace's limits: that axes is redrawn, neither the figure nor the
    density beside it (in 06 the trace's widening tick labels once reached the density's frame,
    which tied the two panels together and doubled the cost of every step)."""
    box = build(name)
    try:
        box.controls["step"].click()
        full, partial = box.renderer.full_draws, box.renderer.axes_redraws
        for _ in range(4):
            box.controls["step"].click()
        assert box.renderer.full_draws == full
        assert 1 <= box.renderer.axes_redraws - partial <= 4
        assert all(len(group) == 1 for group in box.renderer._groups.values())
    finally:
        plt.close(box.figure)


def test_going_back_to_an_earlier_k_reuses_its_legend(rendering):
    """model_choice makes a new legend per K; a legend shown before is pasted, not drawn again."""
    box = build("model_choice")
    try:
        box.controls["k"].value = 3
        drawn = box.renderer.legend_draws
        box.controls["k"].value = 2
        box.controls["k"].value = 3
        assert box.renderer.legend_draws == drawn
        assert_matches_full_draw(box, "back at K = 3")
    finally:
        plt.close(box.figure)


def test_a_k_move_redraws_no_axes(rendering):
    """model_choice shows every K of a variable on one density scale: a K move changes the
    curves and the legend only (no axes redrawn, no full draw). With the scale fitted to the K
    shown, the eruptions' top moved from 1.0 to 1.2 at K = 4 and redrew the density's axes."""
    faithful = mixlib.datasets.old_faithful()
    box = mixlib.widgets.model_choice_explorer({"eruptions": faithful["eruptions"]},
                                               ks=[1, 2, 3, 4], n_init=1, n_folds=2, rng=0)
    try:
        renderer = box.renderer
        full, partial = renderer.full_draws, renderer.axes_redraws
        slider = box.controls["k"]
        tops = set()
        for k in [*range(slider.min, slider.max + 1), slider.min]:
            slider.value = k
            tops.add(box.density_view.ax.get_ylim()[1])
        assert_matches_full_draw(box, f"K = {slider.value}")
        assert (renderer.full_draws, renderer.axes_redraws) == (full, partial)
        assert len(tops) == 1
    finally:
        plt.close(box.figure)


def test_a_full_draw_keeps_the_legends_of_axes_that_did_not_move():
    """A full draw (labels grew past their slot) lays the slots out again, but an axes that
    stayed put keeps its legend's pixels: no legend drawn again. A moved axes' legend is."""
    fig, line, trace = two_panel_figure()
    renderer = FigureRenderer(fig)
    renderer.render()
    drawn = renderer.legend_draws
    trace.set_ydata([-123456.0, 1.0])
    trace.axes.set_ylim(-150000, 10)
    fast = renderer.render().copy()
    assert renderer.full_draws == 2 and renderer.legend_draws == drawn
    _, outside = differing_pixels(fast, full_draw(fig), [fig.axes[0].get_legend().get_window_extent()])
    assert outside == 0
    left = fig.axes[0]
    x0, y0, width, height = left.get_position().bounds
    left.set_position([x0, y0, width * 0.9, height])
    fast = renderer.render().copy()
    assert renderer.full_draws == 3 and renderer.legend_draws == drawn + 1
    _, outside = differing_pixels(fast, full_draw(fig), [left.get_legend().get_window_extent()])
    assert outside == 0
    plt.close(fig)


def test_showing_an_explorer_collects_the_garbage_its_building_left():
    """The full collection the build makes due runs when the widget is shown, not on the
    student's first move (where it cost 0.18 s in notebook 05's kernel)."""
    import gc
    import weakref

    class Node:
        pass

    box = None
    gc.disable()  # no automatic collection in between: only the explicit one may free it
    try:
        cycle = Node()
        cycle.self = cycle
        gone = weakref.ref(cycle)
        del cycle
        box = build("sampling")
        assert gone() is not None
        bundle = box._repr_mimebundle_()
        assert gone() is None
        assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    finally:
        gc.enable()
        if box is not None:
            plt.close(box.figure)


def test_the_image_changes_with_the_figure(rendering):
    box = build("sampling")
    try:
        first = box.image.value
        box.controls["mu1"].value = box.controls["mu1"].value + 0.2
        assert box.image.value != first
    finally:
        plt.close(box.figure)


def test_no_image_outside_a_kernel_unless_asked():
    box = build("sampling")
    try:
        assert box.image.value == b""
    finally:
        plt.close(box.figure)


def two_panel_figure():
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3))
    (line,) = left.plot([0, 1], [0, 1], label="a line")
    left.legend(loc="upper left")
    (trace,) = right.plot([0, 1], [0.0, 1.0])
    right.set_ylabel("trace")
    fig.tight_layout()
    return fig, line, trace


def test_growing_labels_lay_the_slots_out_again():
    """Tick labels that grow into the neighbour's space leave no trace of the old ones."""
    fig, line, trace = two_panel_figure()
    renderer = FigureRenderer(fig)
    renderer.render()
    trace.set_ydata([-123456.0, 1.0])
    trace.axes.set_ylim(-150000, 10)
    fast = renderer.render().copy()
    assert renderer.full_draws == 2
    _, outside = differing_pixels(fast, full_draw(fig), [fig.axes[0].get_legend().get_window_extent()])
    assert outside == 0
    plt.close(fig)


def test_closing_the_figure_keeps_the_renderer_working():
    """plt.close swaps the canvas for a bare one; the renderer puts an Agg canvas back."""
    fig, line, trace = two_panel_figure()
    renderer = FigureRenderer(fig)
    first = renderer.png()
    plt.close(fig)
    line.set_ydata([1, 0])
    second = renderer.png()
    assert second != first and renderer.full_draws == 1


def test_a_layout_engine_runs_once():
    """Constrained layout would move every axes at every draw; the renderer fixes it once."""
    fig, ax = plt.subplots(layout="constrained")
    (line,) = ax.plot([0, 1])
    renderer = FigureRenderer(fig)
    renderer.render()
    position = ax.get_position().bounds
    line.set_ydata([1, 0])
    renderer.render()
    assert ax.get_position().bounds == position and renderer.full_draws == 1
    plt.close(fig)


def test_a_view_shown_before_pastes_its_background(rendering):
    """Model choice draws each variable's view when built; switching variables afterwards pastes
    the kept background (no axes redrawn) and still shows what a full draw shows. set_xticks
    makes a new FixedLocator each time: the same ticks must count as the same state."""
    box = build("model_choice")
    try:
        renderer = box.renderer
        full, partial, hits = renderer.full_draws, renderer.axes_redraws, renderer.background_hits
        for _ in range(2):
            box.controls["variable"].index = (box.controls["variable"].index + 1) % 2
            assert_matches_full_draw(box, f"variable -> {box.controls['variable'].value}")
        assert (renderer.full_draws, renderer.axes_redraws) == (full, partial)
        assert renderer.background_hits == hits + 2
    finally:
        plt.close(box.figure)


def test_slots_of_neighbours_do_not_overlap(rendering):
    """Clearing one axes' slot must not erase a neighbour's label that grew into the gap."""
    for name in ("pitfalls", "model_choice", "optimiser", "em_stepper"):
        box = build(name)
        try:
            slots = [s for ax, s in box.renderer._slots.items() if s is not None]
            for i, a in enumerate(slots):
                for b in slots[i + 1:]:
                    overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
                    overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
                    assert overlap_x <= 0 or overlap_y <= 0, (name, a, b)
        finally:
            plt.close(box.figure)
