"""Notebook 07: step through EM in two dimensions and watch the ellipses and responsibilities move."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._checks import as_points
from ..multivariate import em_step, log_likelihood
from ..multivariate.covariance import check_covariance_type
from ..multivariate.params import check_params
from ..plotting import draw_trace, update_trace
from ..plotting.multivariate import draw_mixture_2d
from ._base import Explorer, new_figure
from ._session import EMSession, connect_em_buttons, new_status_line


def readout_texts(X, iteration, params):
    """The readouts' text at ``params`` after ``iteration`` EM steps (widget and ``expected``)."""
    return {"iteration": f"iteration: {iteration}",
            "log_likelihood": f"log-likelihood: {log_likelihood(X, params):.4f}"}


def em_stepper_2d(X, starts, *, covariance="full", tol=1e-8, max_run=500, xlabel="x1",
                  ylabel="x2", limits=None):
    """A 2-D EM stepper: Step, Run and Reset buttons, a choice of start and of covariance
    structure; points coloured by their responsibilities, each component's 1- and 2-sd ellipses,
    and the log-likelihood trace.

    Parameters
    ----------
    X : array-like (n, 2), the data
    starts : dict of name -> MultivariateParams (d = 2), the starts to choose from
    covariance : the structure ``em_step`` imposes first ("full", "diag", "spherical", "tied")
    tol : float
        Run stops when the log-likelihood still to gain per point, projected from EM's current
        rate, is below ``tol`` (the rule of every EM widget, ``mixlib.convergence``)
    max_run : int, Run stops after this many steps at most (press Run again to go on); the
        ``status`` line then says that EM has NOT converged.
    xlabel, ylabel : str, the axis labels (say the units)
    limits : (low, high) or None, the same limits on both axes (default: matplotlib's)

    Returns
    -------
    Explorer with controls ``start``, ``covariance`` (Dropdowns), ``step``, ``run``, ``reset``
    (Buttons), readouts ``iteration`` and ``log_likelihood``, and attributes ``status`` (an HTML
    line: after a Run, "converged after N steps" or "stopped after N steps, NOT converged: ...";
    empty after Step, Reset or a new start or structure), ``session`` (its
    ``iterates`` are the start and each ``mv.em_step`` of the one before), ``view`` (a
    ``MixtureView2D``) and ``trace_line``.
    """
    X = as_points(X)
    if X.shape[1] != 2:
        raise ValueError(f"X: expected 2 columns for a 2-D view, got {X.shape[1]}")
    starts = dict(starts)
    for name, params in starts.items():
        if check_params(params, f"starts[{name!r}]").d != 2:
            raise ValueError(f"starts[{name!r}]: expected 2-dimensional components")
    covariance = check_covariance_type(covariance)

    fig, (ax_data, ax_trace) = new_figure(1, 2, figsize=(10, 4.2), width_ratios=[1.2, 1],
                                          layout="constrained")
    first = next(iter(starts.values()))
    controls = {
        "start": widgets.Dropdown(options=list(starts), description="start"),
        "covariance": widgets.Dropdown(options=["full", "diag", "spherical", "tied"],
                                       value=covariance, description="covariance"),
        "step": widgets.Button(description="Step", tooltip="one EM iteration"),
        "run": widgets.Button(description="Run",
                              tooltip=f"iterate until converged (at most {max_run} steps)"),
        "reset": widgets.Button(description="Reset", tooltip="back to the chosen start"),
    }
    session = EMSession(lambda p: em_step(X, p, controls["covariance"].value),
                       lambda p: log_likelihood(X, p), first)
    view = draw_mixture_2d(ax_data, X, first, xlabel=xlabel, ylabel=ylabel)
    if limits is not None:
        ax_data.set(xlim=limits, ylim=limits)
    ax_data.set_aspect("equal")
    trace_line = draw_trace(ax_trace)
    readouts = {"iteration": widgets.HTML(), "log_likelihood": widgets.HTML()}
    rows = [widgets.HBox([controls["start"], controls["covariance"]]),
            widgets.HBox([controls["step"], controls["run"], controls["reset"]])]
    status = new_status_line()
    rows.append(status)

    def draw(params):
        view.show_params(params)
        # says which structure Step and Run impose, so a new choice shows before the first step
        ax_data.set_title(f"{controls['covariance'].value} covariances, iteration "
                          f"{session.iteration}", fontsize="small")
        update_trace(trace_line, session.history)

    # Lay the figure out with the start drawn (the trace's labels at their width), not empty.
    draw(first)

    explorer = Explorer(controls, fig, readouts, layout_rows=rows,
                        expected=lambda: readout_texts(X, session.iteration, session.current),
                        handles={"session": session, "view": view, "trace_line": trace_line,
                                 "status": status})
    connect_em_buttons(explorer, session, lambda: starts[controls["start"].value], draw,
                       lambda iteration, params: readout_texts(X, iteration, params),
                       max_run=max_run, n_points=X.shape[0], tol=tol, status=status,
                       reset_on=("start", "covariance"))
    plt.close(fig)
    return explorer
