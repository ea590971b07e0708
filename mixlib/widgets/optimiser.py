"""Notebook 03: watch ``scipy.optimize.minimize`` climb the log-likelihood from a start you choose."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import direct
from .._checks import as_data
from ..params import MixtureParams, check_params
from ..plotting import PALETTE, plot_log_likelihood_contour
from ..plotting.axes_limits import nice_ceiling, round_limits
from ..plotting.optimiser import draw_path, update_path
from ._base import Explorer, float_slider, new_figure

METHODS = ("Nelder-Mead", "Powell", "BFGS", "L-BFGS-B")
GRADIENT_FREE = ("Nelder-Mead", "Powell")


def _start_with_means(start, mu1, mu2):
    means = np.array(start.means, dtype=float)
    means[0], means[1] = mu1, mu2
    return MixtureParams(start.weights, means, start.sds)


def run_fit(x, start, method, use_gradient):
    """Fit with ``mixlib.fit_direct`` and collect the path: (FitResult, [start, params per iteration])."""
    path = [start]
    fit = direct.fit_direct(x, start, method=method, use_gradient=use_gradient,
                            callback=lambda it, params, ll: path.append(params))
    return fit, path


def gradient_norm(x, params):
    """Euclidean norm of ``mixlib.negloglik_grad`` at ``params`` (data units, theta coordinates)."""
    return float(np.linalg.norm(direct.negloglik_grad(direct.to_unconstrained(params), x)))


def readout_texts(x, fit):
    """The readouts' text for a fit (shared by the widget and its ``expected``)."""
    return {
        "log_likelihood": f"final log-likelihood: {fit.log_likelihood:.4f}",
        "iterations": f"iterations: {fit.n_iter}, function evaluations: {fit.nfev}",
        "gradient": f"gradient norm: {gradient_norm(x, fit.params):.2e}",
        "success": f"minimize reported success: {fit.converged}",
    }


def optimiser_explorer(x, start, *, best=None, mu_range=None, grid_size=60):
    """Choose a method and a start; see the optimiser's path over the (mu1, mu2) contour.

    Parameters
    ----------
    x : 1-D array-like, the data
    start : MixtureParams with two components: the start; the sliders move its two means
    best : MixtureParams or None
        Where the other parameters (weights, sds) are held for the contour, usually the maximum
        likelihood estimate. ``None`` fits one with ``mixlib.fit_direct(x, start, method="BFGS")``.
    mu_range : (low, high) or None, the range of both mean axes (default: the data's range)
    grid_size : int, contour grid points per axis

    Returns
    -------
    Explorer with controls ``method`` (Dropdown), ``gradient`` (Checkbox), ``mu1_start`` and
    ``mu2_start`` (sliders), readouts ``log_likelihood``, ``iterations``, ``gradient`` and
    ``success``, and attributes ``path_artists`` (see ``mixlib.plotting.optimiser``),
    ``trace_line`` and ``last_fit``.

    Notes
    -----
    The contour is a slice of a five-dimensional surface: the path moves the sds and weight too,
    so it need not follow the contour's uphill direction.
    """
    x = as_data(x)
    start = check_params(start, "start")
    if start.k != 2:
        raise ValueError(f"start: the explorer shows two means, got k={start.k}")
    if best is None:
        best = direct.fit_direct(x, start, method="BFGS").params
    best = check_params(best, "best")
    low, high = mu_range if mu_range is not None else (float(x.min()), float(x.max()))
    pad = 0.25 * (high - low)
    low, high = low - pad, high + pad
    grid = np.linspace(low, high, grid_size)

    fig, (ax_path, ax_trace) = new_figure(1, 2, figsize=(10, 4), width_ratios=[1.2, 1])
    plot_log_likelihood_contour(ax_path, x, best, grid, grid, levels=25, floor_below_max=400)
    ax_path.plot(best.means[0], best.means[1], "x", color="white", ms=8, label="maximum (slice)")
    path_artists = draw_path(ax_path)
    ax_path.legend(loc="lower left", fontsize="x-small")
    # y=1.0: titles at a fixed height (these axes have nothing on top to clear); matplotlib
    # otherwise measures every label to place them whenever an axes is redrawn (20 ms each time)
    ax_path.set_title(r"path over ($\mu_1$, $\mu_2$); other parameters at the maximum", fontsize="small",
                      y=1.0)
    (trace_line,) = ax_trace.plot([], [], color=PALETTE[0], marker=".", lw=1.2)
    ax_trace.axhline(direct.fit_direct(x, best, method="BFGS").log_likelihood, color=PALETTE[2],
                     ls="--", lw=1, label="maximum")
    ax_trace.set_xlabel("iteration")
    ax_trace.set_ylabel("log-likelihood")
    # as in mixlib.plotting.draw_trace: few ticks, whole iterations (a method switch redraws them)
    ax_trace.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax_trace.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax_trace.yaxis.get_major_formatter().set_useOffset(False)
    ax_trace.legend(loc="lower right", fontsize="small")
    fig.tight_layout()

    controls = {
        "method": widgets.Dropdown(options=list(METHODS), value="BFGS", description="method"),
        "gradient": widgets.Checkbox(value=True, description="analytic gradient"),
        "mu1_start": float_slider("start mu1", float(start.means[0]), low, high, 0.01),
        "mu2_start": float_slider("start mu2", float(start.means[1]), low, high, 0.01),
    }
    readouts = {name: widgets.HTML() for name in ("log_likelihood", "iterations", "gradient", "success")}

    def current():
        return (_start_with_means(start, controls["mu1_start"].value, controls["mu2_start"].value),
                controls["method"].value, controls["gradient"].value)

    explorer = None

    def update(_change=None):
        this_start, method, use_gradient = current()
        fit, path = run_fit(x, this_start, method, use_gradient)
        update_path(path_artists, path)
        history = np.asarray(fit.history)
        trace_line.set_data(np.arange(history.size), history)
        # show the last 80% of the climb: the first steps are often far below everything else
        shown = history[history.size // 5:] if history.size > 5 else history
        top = max(history.max(), ax_trace.get_lines()[-1].get_ydata()[0])
        span = max(top - shown.min(), 1.0)
        # rounded outwards: a small move of a start often keeps the axes (and their labels) still
        ax_trace.set_xlim(-0.5, nice_ceiling(max(history.size - 1, 1)) + 0.5)
        ax_trace.set_ylim(*round_limits(shown.min() - 0.1 * span, top + 0.1 * span))
        uses_gradient = method not in GRADIENT_FREE
        controls["gradient"].disabled = not uses_gradient
        how = " (analytic gradient)" if use_gradient else " (finite differences)"
        ax_trace.set_title(method + (how if uses_gradient else ""), fontsize="small", y=1.0)
        for name, text in readout_texts(x, fit).items():
            readouts[name].value = text
        if explorer is not None:
            explorer.last_fit = fit
            explorer.redraw()
        return fit

    def expected():
        this_start, method, use_gradient = current()
        fit, _ = run_fit(x, this_start, method, use_gradient)
        return readout_texts(x, fit)

    first_fit = update()
    rows = [widgets.HBox([controls["method"], controls["gradient"]]),
            widgets.HBox([controls["mu1_start"], controls["mu2_start"]])]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected,
                        handles={"path_artists": path_artists, "trace_line": trace_line,
                                 "last_fit": first_fit})
    for control in controls.values():
        control.observe(update, names="value")
    plt.close(fig)
    return explorer
