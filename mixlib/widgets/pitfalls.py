"""Notebook 06: pick a pitfall and a start, step through EM, and watch it fail or recover."""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_data
from ..datasets import old_faithful, original_example
from ..density import log_likelihood
from ..em import em_step
from ..params import MixtureParams, check_params
from ..plotting import PALETTE
from ..plotting.model_choice import draw_fit_lines, fit_legend, update_fit_lines
from ..sampling import sample
from ._base import Explorer, new_figure


@dataclass(frozen=True)
class Pitfall:
    """One scenario: data, named starts (each with its own ``min_sd``, None for the default)."""

    x: np.ndarray
    starts: dict = field(default_factory=dict)  # name -> (MixtureParams, min_sd or None)
    xlabel: str = "x"


def default_pitfalls() -> dict[str, Pitfall]:
    """The scenarios of notebook 06, all seeded.

    Examples
    --------
    >>> sorted(default_pitfalls())[0]
    'collapse onto one waiting time'
    """
    waiting = old_faithful()["waiting"]
    eruptions = old_faithful()["eruptions"]
    truth, n, p0 = original_example()
    x = sample(truth, n, rng=0)
    m, s = float(x.mean()), float(x.std())
    overlap = sample(MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), 1000, rng=1)
    spike = MixtureParams([0.35, 0.6, 0.05], [54.6, 80.0, 78.0], [5.9, 5.9, 0.5])
    return {
        "collapse onto one waiting time": Pitfall(waiting, {
            "spike at 78 min, default floor": (spike, None),
            "spike at 78 min, floor 0.5 min": (spike, 0.5),
        }, "waiting (minutes)"),
        "identical components": Pitfall(x, {
            "identical components": (MixtureParams([0.5, 0.5], [m, m], [s, s]), None),
            "same means, sds 10% apart": (MixtureParams([0.5, 0.5], [m, m], [0.9 * s, 1.1 * s]), None),
        }, "x"),
        "local optima (eruptions, K = 3)": Pitfall(eruptions, {
            "start A": (MixtureParams(np.full(3, 1 / 3), [4.583, 3.733, 4.55], [1.139] * 3), None),
            "start B": (MixtureParams(np.full(3, 1 / 3), [4.033, 4.433, 4.083], [1.139] * 3), None),
        }, "eruption duration (minutes)"),
        "label switching": Pitfall(x, {
            "the script's p0": (p0, None),
            "p0 with labels swapped": (
                MixtureParams(p0.weights[::-1], p0.means[::-1], p0.sds[::-1]), None),
        }, "x"),
        "slow convergence (1 sd apart)": Pitfall(overlap, {
            "means -1 and 2": (MixtureParams([0.5, 0.5], [-1.0, 2.0], [1.0, 1.0]), None),
            "the true values": (MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), None),
        }, "x"),
    }


def readout_texts(x, iteration, params):
    """The readouts' text after ``iteration`` EM steps at ``params`` (widget and ``expected``)."""
    return {
        "iteration": f"iteration: {iteration}",
        "log_likelihood": f"log-likelihood: {log_likelihood(x, params):.4f}",
        "smallest_sd": f"smallest sd: {float(params.sds.min()):.4g}",
    }


def replay(x, start, min_sd, n_steps):
    """``n_steps`` applications of ``mixlib.em_step`` from ``start``: the list of iterates."""
    iterates = [start]
    for _ in range(n_steps):
        iterates.append(em_step(x, iterates[-1], min_sd=min_sd))
    return iterates


def run_status(history, n_points, tol, *, stopped_by_cap):
    """What the ``status`` readout says after a Run: converged, or stopped short and why.

    A small change per step is not convergence when EM crawls: with a rate ``r`` (the ratio of
    the last two changes) the log-likelihood still has about ``change * r / (1 - r)`` to gain.
    Run counts as converged only when that projected remaining gain per point is below ``tol``.

    Examples
    --------
    >>> run_status([0.0, 1.0, 1.5], 10, 1e-8, stopped_by_cap=True).split(": ")[1]
    'at the current rate (0.5000) about 0.5 still to gain (press Run to go on)'
    >>> run_status([0.0, 1.0, 1.0], 10, 1e-8, stopped_by_cap=False)
    'converged after 2 steps'
    """
    steps = len(history) - 1
    remaining = projected_gain(history)
    if remaining / n_points < tol and not stopped_by_cap:
        return f"converged after {steps} steps"
    if not np.isfinite(remaining):
        return (f"stopped after {steps} steps, NOT converged: the steps are not shrinking yet "
                "(press Run to go on)")
    before, last = history[-2] - history[-3], history[-1] - history[-2]
    return (f"stopped after {steps} steps, NOT converged: at the current rate ({last / before:.4f}) "
            f"about {remaining:.2g} still to gain (press Run to go on)")


def projected_gain(history):
    """The log-likelihood still to come if EM keeps shrinking its steps at the current rate."""
    if len(history) < 3:
        return float("inf")
    before, last = history[-2] - history[-3], history[-1] - history[-2]
    if last <= 0:
        return 0.0  # no climb left (rounding noise at the top, or a fixed point)
    rate = last / before if before > 0 else 1.0
    return float("inf") if rate >= 1 else last * rate / (1 - rate)


def pitfall_explorer(pitfalls=None, *, tol=1e-8, max_run=2000):
    """Pick a pitfall and a start, then Step, Step x10 or Run EM and watch the fit and its trace.

    Parameters
    ----------
    pitfalls : dict name -> Pitfall, or None for ``default_pitfalls()``
    tol : float
        Run stops when the log-likelihood still to gain per point, projected from the current
        rate of EM (``projected_gain``), is below ``tol``: a small step alone is not enough,
        because when components overlap EM crawls with tiny steps far from the maximum.
    max_run : int, Run stops after this many steps at most (press Run again to go on); the
        ``status`` readout then says that EM has NOT converged.

    Returns
    -------
    Explorer with controls ``pitfall`` and ``start`` (Dropdowns), ``step``, ``step10``, ``run``
    and ``reset`` (Buttons), readouts ``iteration``, ``log_likelihood``, ``smallest_sd`` and
    ``status`` (after a Run: converged, or stopped short), and
    attributes ``iterates`` (MixtureParams from the start on, each ``mixlib.em_step`` of the one
    before, with the start's ``min_sd``), ``fit_artists`` and ``trace_line``.
    """
    pitfalls = dict(pitfalls) if pitfalls is not None else default_pitfalls()
    for name, pitfall in pitfalls.items():
        as_data(pitfall.x, name=f"pitfalls[{name!r}].x")
        for start_name, (params, _) in pitfall.starts.items():
            check_params(params, f"pitfalls[{name!r}].starts[{start_name!r}]")
    max_k = max(params.k for p in pitfalls.values() for params, _ in p.starts.values())

    first = next(iter(pitfalls))
    first_start = next(iter(pitfalls[first].starts.values()))[0]
    fig, (ax_fit, ax_trace) = new_figure(1, 2, figsize=(10, 3.8), width_ratios=[1.3, 1])
    fit_artists = draw_fit_lines(ax_fit, pitfalls[first].x, first_start, max_k=max_k,
                                 xlabel=pitfalls[first].xlabel)
    fit_legend(ax_fit, fit_artists, fontsize="x-small", loc="upper center")  # drawn components only
    (trace_line,) = ax_trace.plot([], [], color=PALETTE[0], marker=".", ms=3, lw=1.2)
    ax_trace.set_xlabel("EM iteration")
    ax_trace.set_ylabel("log-likelihood")
    fig.tight_layout()

    controls = {
        "pitfall": widgets.Dropdown(options=list(pitfalls), value=first, description="pitfall",
                                    layout=widgets.Layout(width="340px")),
        "start": widgets.Dropdown(options=list(pitfalls[first].starts), description="start",
                                  layout=widgets.Layout(width="340px")),
        "step": widgets.Button(description="Step", tooltip="one EM iteration"),
        "step10": widgets.Button(description="Step x10", tooltip="ten EM iterations"),
        "run": widgets.Button(description="Run", tooltip=f"until converged (at most {max_run} steps)"),
        "reset": widgets.Button(description="Reset", tooltip="back to the chosen start"),
    }
    readouts = {name: widgets.HTML() for name in ("iteration", "log_likelihood", "smallest_sd")}
    status = widgets.HTML()  # not a readout of the iterate: says whether a Run converged
    status.add_class("mixlib-readout-status")
    state = {"pitfall": first}
    iterates, history = [], []
    explorer = None

    def current():
        pitfall = pitfalls[controls["pitfall"].value]
        params, min_sd = pitfall.starts[controls["start"].value]
        return pitfall, params, min_sd

    def show():
        pitfall, _, _ = current()
        params = iterates[-1]
        update_fit_lines(fit_artists, params)
        peak = float(np.nanmax(fit_artists["mixture"].get_ydata()))
        bars = max(bar.get_height() for bar in fit_artists["bars"])
        ax_fit.set_ylim(0, 1.15 * min(max(bars, peak), 4 * bars))  # a collapsed spike is off the top
        trace_line.set_data(np.arange(len(history)), history)
        low, high = min(history), max(history)
        span = max(high - low, 1.0)
        ax_trace.set_xlim(-0.5, max(len(history) - 0.5, 1.5))
        ax_trace.set_ylim(low - 0.05 * span, high + 0.05 * span)
        for name, text in readout_texts(pitfall.x, len(iterates) - 1, params).items():
            readouts[name].value = text
        if explorer is not None:
            explorer.redraw()

    def change_pitfall(_=None):
        name = controls["pitfall"].value
        if name != state["pitfall"]:
            pitfall = pitfalls[name]
            for bar in fit_artists["bars"]:
                bar.remove()
            for line in [fit_artists["mixture"], *fit_artists["components"]]:
                line.remove()
            first_params = next(iter(pitfall.starts.values()))[0]
            fit_artists.update(draw_fit_lines(ax_fit, pitfall.x, first_params, max_k=max_k,
                                              xlabel=pitfall.xlabel))
            ax_fit.relim()
            ax_fit.autoscale_view()
            state["pitfall"] = name
            controls["start"].unobserve(reset, names="value")
            controls["start"].options = list(pitfall.starts)
            controls["start"].value = next(iter(pitfall.starts))
            controls["start"].observe(reset, names="value")
        reset()

    def reset(_=None):
        pitfall, params, _ = current()
        iterates.clear()
        history.clear()
        iterates.append(params)
        history.append(log_likelihood(pitfall.x, params))
        status.value = ""
        show()

    def advance(n_steps, stop_at_tol=False):
        pitfall, _, min_sd = current()
        converged = False
        for _ in range(n_steps):
            iterates.append(em_step(pitfall.x, iterates[-1], min_sd=min_sd))
            history.append(log_likelihood(pitfall.x, iterates[-1]))
            if stop_at_tol and projected_gain(history) / pitfall.x.size < tol:
                converged = True
                break
        status.value = (run_status(history, pitfall.x.size, tol, stopped_by_cap=not converged)
                        if stop_at_tol else "")
        show()

    def expected():
        # Afresh from mixlib: replay em_step from the start as many times as the widget stepped.
        pitfall, params, min_sd = current()
        steps = len(iterates) - 1
        final = replay(pitfall.x, params, min_sd, steps)[-1]
        return readout_texts(pitfall.x, steps, final)

    reset()
    rows = [
        widgets.HBox([controls["pitfall"], controls["start"]]),
        widgets.HBox([controls["step"], controls["step10"], controls["run"], controls["reset"]]),
        status,
    ]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected)
    explorer.iterates = iterates
    explorer.history = history
    explorer.fit_artists = fit_artists
    explorer.trace_line = trace_line
    explorer.status = status
    controls["pitfall"].observe(change_pitfall, names="value")
    controls["start"].observe(reset, names="value")
    controls["step"].on_click(lambda _: advance(1))
    controls["step10"].on_click(lambda _: advance(10))
    controls["run"].on_click(lambda _: advance(max_run, stop_at_tol=True))
    controls["reset"].on_click(reset)
    plt.close(fig)
    return explorer
