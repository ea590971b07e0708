"""Notebook 03: watch ``scipy.optimize.minimize`` climb the log-likelihood from a start you choose."""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from scipy import optimize

from .. import direct
from .._checks import as_data
from ..params import MixtureParams, check_params
from ..plotting import PALETTE, plot_log_likelihood_contour
from ..plotting.axes_limits import nice_ceiling, round_limits
from ..plotting.optimiser import draw_path, update_path_means
from ._base import Explorer, float_slider, new_figure

METHODS = ("Nelder-Mead", "Powell", "BFGS", "L-BFGS-B")
GRADIENT_FREE = ("Nelder-Mead", "Powell")


def _start_with_means(start, mu1, mu2):
    means = np.array(start.means, dtype=float)
    means[0], means[1] = mu1, mu2
    return MixtureParams(start.weights, means, start.sds)


def run_fit(x, start, method, use_gradient):
    """The plain call notebook 03 teaches, from ``start``, with its path and what it raised.

    ``scipy.optimize.minimize(mixlib.negloglik, to_unconstrained(start), args=(x,), method=method,
    jac=mixlib.negloglik_grad if use_gradient else None)`` (no gradient for Nelder-Mead and
    Powell), with a callback recording each iterate.

    Returns
    -------
    PlainFit: ``result`` (scipy's OptimizeResult, or None if ``minimize`` raised), ``path``
    (unconstrained vectors, the start first), ``history`` (the log-likelihood along the path),
    ``warnings`` (the distinct "Category: message" texts raised during the run) and ``error``
    (the text of an exception ``minimize`` raised, or "").
    """
    u_start = direct.to_unconstrained(start)
    path = [u_start]
    jac = direct.negloglik_grad if use_gradient and method not in GRADIENT_FREE else None
    result, error = None, ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = optimize.minimize(direct.negloglik, u_start, args=(x,), method=method, jac=jac,
                                       callback=lambda u: path.append(np.array(u, dtype=float)))
        except (ValueError, FloatingPointError, OverflowError, np.linalg.LinAlgError) as exc:
            # e.g. a line search trying an sd that is not a normal float: negloglik refuses it
            error = f"{type(exc).__name__}: {exc}"
        history = np.array([_loglik_or_nan(x, u) for u in path])
    texts = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in texts:
            texts.append(text)
    return PlainFit(result, path, history, tuple(texts), error)


@dataclass(frozen=True)
class PlainFit:
    """What ``run_fit`` returns (see there)."""

    result: object
    path: list
    history: np.ndarray
    warnings: tuple
    error: str


def _loglik_or_nan(x, u):
    try:
        with np.errstate(over="ignore"):  # a far-out iterate: its log-likelihood is -inf, fine
            return -direct.negloglik(u, x)
    except ValueError:
        return np.nan


def gradient_norm(x, params_or_u):
    """Euclidean norm of ``mixlib.negloglik_grad`` (data units, unconstrained coordinates).

    ``params_or_u`` is a MixtureParams or an unconstrained vector; NaN where the gradient cannot
    be computed (sds that are not normal floats).
    """
    u = params_or_u if not isinstance(params_or_u, MixtureParams) else direct.to_unconstrained(params_or_u)
    try:
        with np.errstate(all="ignore"):
            return float(np.linalg.norm(direct.negloglik_grad(u, x)))
    except ValueError:
        return float("nan")


def readout_texts(x, fit):
    """The readouts' text for a ``run_fit`` result (shared by the widget and its ``expected``).

    HTML-escaped: the readouts are HTML widgets, and a warning's message may contain ``<``.
    """
    return {name: html.escape(text) for name, text in _plain_readout_texts(x, fit).items()}


def _plain_readout_texts(x, fit):
    res = fit.result
    if res is None:
        final = fit.history[-1]
        return {
            "log_likelihood": f"last log-likelihood on the path: {final:.4f}",
            "iterations": f"iterations before the error: {len(fit.path) - 1}",
            "gradient": "gradient norm: -",
            "success": "minimize raised an error (see below)",
            "warnings": "; ".join((fit.error,) + fit.warnings),
        }
    nit = getattr(res, "nit", len(fit.path) - 1)
    return {
        "log_likelihood": f"final log-likelihood: {-float(res.fun):.4f}",
        "iterations": f"iterations: {nit}, function evaluations: {res.nfev}",
        "gradient": f"gradient norm: {gradient_norm(x, res.x):.2e}",
        "success": f"minimize reported success: {bool(res.success)}",
        "warnings": "warnings: " + ("; ".join(fit.warnings) if fit.warnings else "none"),
    }


def optimiser_explorer(x, start, *, best=None, mu_range=None, grid_size=60):
    """Choose a method and a start; see the optimiser's path over the (mu1, mu2) contour.

    Each run is the plain call notebook 03 teaches (``run_fit``): ``scipy.optimize.minimize`` on
    ``mixlib.negloglik`` in unconstrained coordinates, from the start with the sliders' means, so
    from the notebook's start it ends where the notebook's table says.

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
    ``mu2_start`` (sliders), readouts ``log_likelihood``, ``iterations``, ``gradient``,
    ``success`` and ``warnings`` (what the run raised: a warning inside a widget's callback
    reaches no one otherwise), and attributes ``path_artists`` (see
    ``mixlib.plotting.optimiser``), ``trace_line`` and ``last_fit`` (the ``run_fit`` result).

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
    # on the sliders' 0.01 grid, so that a dragged start lands on round values such as -0.19
    low, high = np.floor(100 * (low - pad)) / 100, np.ceil(100 * (high + pad)) / 100
    grid = np.linspace(low, high, grid_size)

    fig, (ax_path, ax_trace) = new_figure(1, 2, figsize=(10, 4), width_ratios=[1.2, 1])
    plot_log_likelihood_contour(ax_path, x, best, grid, grid, levels=25, floor_below_max=400)
    # white with a black edge: visible on the dark contour and on the white legend
    ax_path.plot(best.means[0], best.means[1], "X", color="white", markeredgecolor="black", ms=9,
                 label="maximum (slice)")
    ax_path.set_xlabel(r"$\mu_1$ (units of the data)")
    ax_path.set_ylabel(r"$\mu_2$ (units of the data)")
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
    ax_trace.set_ylabel(f"log-likelihood of the run (nats, N = {x.size})")
    # the trace's axis on the right, away from the contour's colour bar and its own label
    ax_trace.yaxis.set_label_position("right")
    ax_trace.yaxis.tick_right()
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
    readouts = {name: widgets.HTML() for name in ("log_likelihood", "iterations", "gradient", "success",
                                                   "warnings")}

    def current():
        return (_start_with_means(start, controls["mu1_start"].value, controls["mu2_start"].value),
                controls["method"].value, controls["gradient"].value)

    explorer = None

    def update(_change=None):
        this_start, method, use_gradient = current()
        fit = run_fit(x, this_start, method, use_gradient)
        path = np.array(fit.path)
        update_path_means(path_artists, path[:, 0], path[:, 1])
        history = fit.history[np.isfinite(fit.history)]
        if history.size == 0:
            history = np.array([np.nan])
        trace_line.set_data(np.arange(history.size), history)
        # show the last 80% of the climb: the first steps are often far below everything else
        shown = history[history.size // 5:] if history.size > 5 else history
        top = max(np.nanmax(shown) if np.isfinite(shown).any() else 0.0, ax_trace.get_lines()[-1].get_ydata()[0])
        low = np.nanmin(shown) if np.isfinite(shown).any() else top - 1.0
        span = max(top - low, 1.0)
        # rounded outwards: a small move of a start often keeps the axes (and their labels) still
        ax_trace.set_xlim(-0.5, nice_ceiling(max(history.size - 1, 1)) + 0.5)
        ax_trace.set_ylim(*round_limits(low - 0.1 * span, top + 0.1 * span))
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
        return readout_texts(x, run_fit(x, this_start, method, use_gradient))

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
