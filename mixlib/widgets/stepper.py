"""Notebook 04: step through EM one iteration at a time and watch the responsibilities move."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._checks import as_data
from ..density import log_likelihood
from ..em import em_step
from ..params import MixtureParams, check_params
from ..plotting import draw_density_view, draw_trace, update_trace
from ..plotting.em import draw_responsibility_rug
from ._base import Explorer, new_figure
from ._session import EMSession, connect_em_buttons, new_status_line


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
    tol : float
        Run stops when the log-likelihood still to gain per point, projected from EM's current
        rate, is below ``tol`` (the rule of every EM widget, ``mixlib.convergence``):
        a small step alone is not enough, because when components overlap EM crawls with tiny
        steps far from the maximum.
    max_run : int, Run stops after this many steps at most (press Run again to go on); the
        ``status`` line then says that EM has NOT converged.
    xlabel : str, the x-axis label (say the units)

    Returns
    -------
    Explorer with controls ``start`` (Dropdown), ``step``, ``run`` and ``reset`` (Buttons),
    readouts ``iteration`` and ``log_likelihood``, and attributes ``status`` (an HTML line: after
    a Run, "converged after N steps" or "stopped after N steps, NOT converged: ..."; empty after
    Step, Reset or a new start), ``session`` (an ``EMSession``:
    ``session.iterates`` lists the MixtureParams from the start on, each ``mixlib.em_step`` of the
    one before), ``density_view``, ``rug`` and ``trace_line``.
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
    session = EMSession(lambda p: em_step(x, p), lambda p: log_likelihood(x, p), first)
    density_view = draw_density_view(ax_hist, x, first, xlabel=xlabel)
    rug = draw_responsibility_rug(ax_hist, x, first)
    trace_line = draw_trace(ax_trace)

    controls = {
        "start": widgets.Dropdown(options=list(starts), description="start"),
        "step": widgets.Button(description="Step", tooltip="one EM iteration"),
        "run": widgets.Button(description="Run", tooltip=f"iterate until converged (at most {max_run} steps)"),
        "reset": widgets.Button(description="Reset", tooltip="back to the chosen start"),
    }
    readouts = {"iteration": widgets.HTML(), "log_likelihood": widgets.HTML()}
    status = new_status_line()
    rows = [widgets.HBox([controls["start"], controls["step"], controls["run"], controls["reset"]]),
            status]

    def draw(params):
        density_view.show_params(params)
        rug.show_params(x, params)
        update_trace(trace_line, session.history)

    # Lay the figure out with the start drawn (the trace's labels at their width), not empty.
    draw(first)

    explorer = Explorer(controls, fig, readouts, layout_rows=rows,
                        expected=lambda: readout_texts(x, session.iteration, session.current),
                        handles={"session": session, "density_view": density_view, "rug": rug,
                                 "trace_line": trace_line, "status": status})
    connect_em_buttons(explorer, session, lambda: starts[controls["start"].value], draw,
                       lambda iteration, params: readout_texts(x, iteration, params),
                       max_run=max_run, n_points=x.size, tol=tol, status=status)
    plt.close(fig)
    return explorer
