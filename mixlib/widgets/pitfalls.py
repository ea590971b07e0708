"""Notebook 06: pick a pitfall and a start, step through EM, and watch it fail or recover."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._checks import as_data
from ..density import log_likelihood
from ..em import em_step
from ..params import check_params
from ..plotting import draw_density_view, draw_trace, update_trace
from ._base import Explorer, new_figure
from ._session import EMSession, new_status_line

# A collapsing component's spike is drawn up to this many times the tallest bar, then off the top.
SPIKE_CAP = 4.0


def readout_texts(x, iteration, params):
    """The readouts' text after ``iteration`` EM steps at ``params`` (widget and ``expected``)."""
    return {
        "iteration": f"iteration: {iteration}",
        "log_likelihood": f"log-likelihood: {log_likelihood(x, params):.4f}",
        "smallest_sd": f"smallest sd: {float(params.sds.min()):.4g}",
    }


def em_functions(x, min_sd):
    """``(step, log_likelihood)`` of EM on ``x`` with floor ``min_sd``, for an ``EMSession``."""
    return (lambda p: em_step(x, p, min_sd=min_sd)), (lambda p: log_likelihood(x, p))


def replay(x, start, min_sd, n_steps):
    """``n_steps`` applications of ``mixlib.em_step`` from ``start``: the list of iterates."""
    iterates = [start]
    for _ in range(n_steps):
        iterates.append(em_step(x, iterates[-1], min_sd=min_sd))
    return iterates


def pitfall_explorer(pitfalls, *, tol=1e-8, max_run=2000):
    """Pick a pitfall and a start, then Step, Step x10 or Run EM and watch the fit and its trace.

    Parameters
    ----------
    pitfalls : dict name -> ``mixlib.datasets.Pitfall`` (data, named starts each with its
        ``min_sd``, x-axis label); notebook 06 passes ``mixlib.datasets.pitfall_scenarios()``
    tol : float
        Run stops when the log-likelihood still to gain per point, projected from the current
        rate of EM, is below ``tol`` (the rule of every EM widget,
        ``mixlib.convergence``): a small step alone is not enough, because when
        components overlap EM crawls with tiny steps far from the maximum.
    max_run : int, Run stops after this many steps at most (press Run again to go on); the
        ``status`` readout then says that EM has NOT converged.

    Returns
    -------
    Explorer with controls ``pitfall`` and ``start`` (Dropdowns), ``step``, ``step10``, ``run``
    and ``reset`` (Buttons), readouts ``iteration``, ``log_likelihood``, ``smallest_sd`` and
    ``status`` (after a Run: converged, or stopped short), and attributes ``session`` (an
    ``EMSession``: ``session.iterates`` lists the MixtureParams from the start on, each
    ``mixlib.em_step`` of the one before, with the start's ``min_sd``), ``density_view`` and
    ``trace_line``.
    """
    pitfalls = dict(pitfalls)
    for name, pitfall in pitfalls.items():
        as_data(pitfall.x, name=f"pitfalls[{name!r}].x")
        for start_name, (params, _) in pitfall.starts.items():
            check_params(params, f"pitfalls[{name!r}].starts[{start_name!r}]")
    max_k = max(params.k for p in pitfalls.values() for params, _ in p.starts.values())

    first = next(iter(pitfalls))
    first_start = next(iter(pitfalls[first].starts.values()))[0]
    fig, (ax_fit, ax_trace) = new_figure(1, 2, figsize=(10, 3.8), width_ratios=[1.3, 1])
    density_view = draw_density_view(ax_fit, pitfalls[first].x, first_start, max_k=max_k,
                                     xlabel=pitfalls[first].xlabel, mixture_label="mixture",
                                     legend={"fontsize": "x-small", "loc": "upper center"})
    trace_line = draw_trace(ax_trace, ms=3)
    # room between the panels for the trace's tick labels to widen as the log-likelihood moves
    # (the layout is fixed at the first draw): they would touch the fit's frame, and the renderer
    # would then have to redraw both panels on every step (mixlib.widgets._render)
    fig.tight_layout(w_pad=3.0)

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
    status = new_status_line()
    state = {"pitfall": first}
    session = EMSession(*em_functions(pitfalls[first].x, None), first_start)
    explorer = None

    def current():
        pitfall = pitfalls[controls["pitfall"].value]
        params, min_sd = pitfall.starts[controls["start"].value]
        return pitfall, params, min_sd

    def show():
        pitfall, _, _ = current()
        density_view.show_params(session.current)
        density_view.fit_height(spike_cap=SPIKE_CAP)
        update_trace(trace_line, session.history)
        for name, text in readout_texts(pitfall.x, session.iteration, session.current).items():
            readouts[name].value = text
        if explorer is not None:
            explorer.redraw()

    def change_pitfall(_=None):
        name = controls["pitfall"].value
        if name != state["pitfall"]:
            pitfall = pitfalls[name]
            density_view.show_data(pitfall.x, next(iter(pitfall.starts.values()))[0])
            ax_fit.set_xlabel(pitfall.xlabel)
            state["pitfall"] = name
            controls["start"].unobserve(reset, names="value")
            controls["start"].options = list(pitfall.starts)
            controls["start"].value = next(iter(pitfall.starts))
            controls["start"].observe(reset, names="value")
        reset()

    def reset(_=None):
        pitfall, params, min_sd = current()
        step, loglik = em_functions(pitfall.x, min_sd)
        session.reset(params, step=step, log_likelihood=loglik)
        status.value = ""
        show()

    def advance(n_steps):
        session.advance(n_steps)
        status.value = ""
        show()

    def run(_=None):
        status.value = session.run(max_run, current()[0].x.size, tol)
        show()

    def expected():
        # Afresh from mixlib: replay em_step from the start as many times as the widget stepped.
        pitfall, params, min_sd = current()
        final = replay(pitfall.x, params, min_sd, session.iteration)[-1]
        return readout_texts(pitfall.x, session.iteration, final)

    reset()
    rows = [
        widgets.HBox([controls["pitfall"], controls["start"]]),
        widgets.HBox([controls["step"], controls["step10"], controls["run"], controls["reset"]]),
        status,
    ]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected,
                        handles={"session": session, "density_view": density_view,
                                 "trace_line": trace_line, "status": status})
    controls["pitfall"].observe(change_pitfall, names="value")
    controls["start"].observe(reset, names="value")
    controls["step"].on_click(lambda _: advance(1))
    controls["step10"].on_click(lambda _: advance(10))
    controls["run"].on_click(run)
    controls["reset"].on_click(reset)
    plt.close(fig)
    return explorer
