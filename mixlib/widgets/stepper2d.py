"""Notebook 07: step through EM in two dimensions and watch the ellipses and responsibilities move."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._checks import as_points
from ..multivariate import em_step, log_likelihood
from ..multivariate.covariance import check_covariance_type
from ..multivariate.params import check_params
from ..plotting.multivariate import draw_mixture_2d
from ._base import Explorer, new_figure


class _Session:
    """EM iterates and their log-likelihoods. The same API as ``widgets._session.EMSession``
    (on main since this module was written): replace this class by it when merging."""

    def __init__(self, step, log_likelihood, start):
        self._step, self._log_likelihood = step, log_likelihood
        self.iterates, self.history = [], []
        self.reset(start)

    current = property(lambda self: self.iterates[-1])
    iteration = property(lambda self: len(self.iterates) - 1)

    def reset(self, start=None):
        start = self.iterates[0] if start is None else start
        self.iterates[:] = [start]
        self.history[:] = [self._log_likelihood(start)]

    def advance(self, n_steps, stop=None):
        for _ in range(n_steps):
            self.iterates.append(self._step(self.iterates[-1]))
            self.history.append(self._log_likelihood(self.iterates[-1]))
            if stop is not None and stop(self.history):
                return True
        return False


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
    tol : float, Run stops when the change in mean log-likelihood per point is below ``tol``
    max_run : int, Run stops after this many steps at most
    xlabel, ylabel : str, the axis labels (say the units)
    limits : (low, high) or None, the same limits on both axes (default: matplotlib's)

    Returns
    -------
    Explorer with controls ``start``, ``covariance`` (Dropdowns), ``step``, ``run``, ``reset``
    (Buttons), readouts ``iteration`` and ``log_likelihood``, and attributes ``session`` (its
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
    session = _Session(lambda p: em_step(X, p, controls["covariance"].value),
                       lambda p: log_likelihood(X, p), first)
    view = draw_mixture_2d(ax_data, X, first, xlabel=xlabel, ylabel=ylabel)
    if limits is not None:
        ax_data.set(xlim=limits, ylim=limits)
    ax_data.set_aspect("equal")
    (trace_line,) = ax_trace.plot([], [], marker=".", color="black")
    ax_trace.set(xlabel="iteration", ylabel="log-likelihood")
    readouts = {"iteration": widgets.HTML(), "log_likelihood": widgets.HTML()}
    explorer = None

    def converged(history):
        return abs(history[-1] - history[-2]) / X.shape[0] < tol

    def show():
        view.show_params(session.current)
        trace_line.set_data(range(len(session.history)), session.history)
        ax_trace.relim()
        ax_trace.autoscale_view()
        for name, text in readout_texts(X, session.iteration, session.current).items():
            readouts[name].value = text
        if explorer is not None:
            explorer.redraw()

    def reset(_=None):
        session.reset(starts[controls["start"].value])
        show()

    def advance(n_steps, stop=None):
        session.advance(n_steps, stop)
        show()

    reset()
    rows = [widgets.HBox([controls["start"], controls["covariance"]]),
            widgets.HBox([controls["step"], controls["run"], controls["reset"]])]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows,
                        expected=lambda: readout_texts(X, session.iteration, session.current))
    explorer.session, explorer.view, explorer.trace_line = session, view, trace_line
    for name in ("start", "covariance"):
        controls[name].observe(reset, names="value")
    controls["step"].on_click(lambda _: advance(1))
    controls["run"].on_click(lambda _: advance(max_run, converged))
    controls["reset"].on_click(reset)
    plt.close(fig)
    return explorer
