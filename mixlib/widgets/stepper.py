"""Notebook 04: step through EM one iteration at a time and watch the responsibilities move."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_data
from ..density import log_likelihood
from ..em import em_step
from ..params import MixtureParams, check_params
from ..plotting import PALETTE, plot_density_over_histogram, update_density_lines
from ..plotting.em import draw_responsibility_rug, update_responsibility_rug
from ._base import Explorer, new_figure


def default_starts(start):
    """The given start and the same start with its two components' labels swapped."""
    swapped = MixtureParams(start.weights[::-1], start.means[::-1], start.sds[::-1])
    return {"the given start": start, "labels swapped": swapped}


def readout_texts(x, iteration, params):
    """The readouts' text at ``params`` after ``iteration`` EM steps (widget and ``expected``)."""
    return {
        "iteration": f"iteration: {iteration}",
        "log_likelihood": f"log-likelihood: {log_likelihood(x, params):.4f}",
    }


def em_stepper(x, start, *, starts=None, tol=1e-8, max_run=1000, xlabel="x"):
    """An EM stepper: Step, Run and Reset buttons, and a choice of start.

    Parameters
    ----------
    x : 1-D array-like, the data
    start : MixtureParams, the default start
    starts : dict of name -> MixtureParams or None
        The starts to choose from (default: ``start`` and ``start`` with its labels swapped).
    tol : float, Run stops when the change in mean log-likelihood per point is below ``tol``
        (the same test as ``mixlib.fit_em``)
    max_run : int, Run stops after this many steps at most
    xlabel : str, the x-axis label (say the units)

    Returns
    -------
    Explorer with controls ``start`` (Dropdown), ``step``, ``run`` and ``reset`` (Buttons),
    readouts ``iteration`` and ``log_likelihood``, and attributes ``iterates`` (the list of
    MixtureParams from the start on, each one ``mixlib.em_step`` of the one before),
    ``density_artists``, ``rug`` and ``trace_line``.
    """
    x = as_data(x)
    start = check_params(start, "start")
    starts = dict(starts) if starts is not None else default_starts(start)
    for name, params in starts.items():
        check_params(params, f"starts[{name!r}]")

    # constrained layout re-spaces at every draw: the trace's tick labels grow as EM runs
    fig, (ax_hist, ax_trace) = new_figure(1, 2, figsize=(10, 3.8), width_ratios=[1.4, 1],
                                          layout="constrained")
    first = next(iter(starts.values()))
    density_artists = plot_density_over_histogram(ax_hist, x, first, xlabel=xlabel)
    rug = draw_responsibility_rug(ax_hist, x, first)
    (trace_line,) = ax_trace.plot([], [], color=PALETTE[0], marker=".", lw=1.2)
    ax_trace.set_xlabel("EM iteration")
    ax_trace.set_ylabel("log-likelihood")

    controls = {
        "start": widgets.Dropdown(options=list(starts), description="start"),
        "step": widgets.Button(description="Step", tooltip="one EM iteration"),
        "run": widgets.Button(description="Run", tooltip=f"iterate until converged (at most {max_run} steps)"),
        "reset": widgets.Button(description="Reset", tooltip="back to the chosen start"),
    }
    readouts = {"iteration": widgets.HTML(), "log_likelihood": widgets.HTML()}
    iterates = []
    history = []
    explorer = None

    def show():
        params = iterates[-1]
        update_density_lines(density_artists, params)
        update_responsibility_rug(rug, x, params)
        trace_line.set_data(np.arange(len(history)), history)
        low, high = min(history), max(history)
        span = max(high - low, 1.0)
        ax_trace.set_xlim(-0.5, max(len(history) - 0.5, 1.5))
        ax_trace.set_ylim(low - 0.05 * span, high + 0.05 * span)
        for name, text in readout_texts(x, len(iterates) - 1, params).items():
            readouts[name].value = text
        if explorer is not None:
            explorer.redraw()

    def reset(_=None):
        iterates.clear()
        history.clear()
        iterates.append(starts[controls["start"].value])
        history.append(log_likelihood(x, iterates[-1]))
        show()

    def one_step():
        iterates.append(em_step(x, iterates[-1]))
        history.append(log_likelihood(x, iterates[-1]))
        return abs(history[-1] - history[-2]) / x.size

    def step(_=None):
        one_step()
        show()

    def run(_=None):
        for _ in range(max_run):
            if one_step() < tol:
                break
        show()

    def expected():
        return readout_texts(x, len(iterates) - 1, iterates[-1])

    reset()
    rows = [widgets.HBox([controls["start"], controls["step"], controls["run"], controls["reset"]])]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected)
    explorer.iterates = iterates
    explorer.density_artists = density_artists
    explorer.rug = rug
    explorer.trace_line = trace_line
    controls["start"].observe(reset, names="value")
    controls["step"].on_click(step)
    controls["run"].on_click(run)
    controls["reset"].on_click(reset)
    plt.close(fig)
    return explorer
