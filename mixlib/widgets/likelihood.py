"""Notebook 02's widget: the five parameters, the density over the data, the log-likelihood live."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._checks import as_data
from ..density import log_likelihood
from ..em import fit_em
from ..params import MixtureParams, check_params
from ..plotting import draw_density_view
from ..result import FitResult
from ._base import Explorer, float_slider, new_figure

# The original script's parameter order.
NAMES = ("mu1", "sig1", "mu2", "sig2", "pi1")


def _params_from(controls) -> MixtureParams:
    return MixtureParams.from_vector([controls[name].value for name in NAMES])


def readout_texts(x, params, best):
    """The readouts' text (plain text) for ``params``; ``best`` is the maximum's FitResult."""
    loglik = log_likelihood(x, params)
    return {
        "loglik": f"log-likelihood here: {loglik:.2f}",
        "maximum": f"maximum (EM fit): {best.log_likelihood:.2f}, "
                   f"{best.log_likelihood - loglik:.2f} above",
    }


def _slider_ranges(x):
    """Slider (low, high, step) for the means and the sds, from the data's spread."""
    span = float(np.ptp(x)) or 1.0
    step = 10.0 ** np.floor(np.log10(span / 100))
    low = np.floor((x.min() - 0.25 * span) / step) * step
    high = np.ceil((x.max() + 0.25 * span) / step) * step
    mean_range = (round(float(low), 10), round(float(high), 10), float(step))
    sd_range = (float(step), round(float(np.ceil(0.5 * span / step) * step), 10), float(step) / 2)
    return mean_range, sd_range


def likelihood_explorer(x, start=None, fit=None, xlabel="x"):
    """Five sliders ``(mu1, sig1, mu2, sig2, pi1)``, the density over the histogram, the log-likelihood.

    Parameters
    ----------
    x : 1-D array-like, the data
    start : MixtureParams with two components, where the sliders start
        (default: the original script's ``p0``)
    fit : FitResult or None, the maximum to compare with (default ``mixlib.fit_em(x, start)``)
    xlabel : str, the x-axis label (say the units)

    Returns
    -------
    Explorer with controls ``mu1, sig1, mu2, sig2, pi1`` and readouts ``loglik``
    (``mixlib.log_likelihood`` at the sliders' values) and ``maximum`` (the fit's).

    Examples
    --------
    >>> import mixlib
    >>> truth, n, p0 = mixlib.datasets.original_example()
    >>> x = mixlib.sample(truth, n, rng=0)
    >>> box = likelihood_explorer(x, p0)
    >>> box.controls["mu2"].value = 0.6
    >>> box.readout_texts() == box.expected_readouts()
    True
    """
    x = as_data(x, min_points=2)
    if start is None:
        start = MixtureParams.from_vector([-0.2, 0.2, 0.8, 0.2, 0.5])
    start = check_params(start)
    if start.k != 2:
        raise ValueError(f"start: likelihood_explorer shows two components, got k={start.k}")
    if fit is None:
        fit = fit_em(x, start)
    if not isinstance(fit, FitResult):
        raise TypeError(f"fit: expected a FitResult or None, got {type(fit).__name__}")

    (mean_low, mean_high, mean_step), (sd_low, sd_high, sd_step) = _slider_ranges(x)
    mu1, sig1, mu2, sig2, pi1 = (float(v) for v in start.to_vector())
    controls = {
        "mu1": float_slider("μ₁", mu1, mean_low, mean_high, mean_step),
        "sig1": float_slider("σ₁", sig1, sd_low, sd_high, sd_step),
        "mu2": float_slider("μ₂", mu2, mean_low, mean_high, mean_step),
        "sig2": float_slider("σ₂", sig2, sd_low, sd_high, sd_step),
        "pi1": float_slider("π₁", pi1, 0.01, 0.99, 0.01, ".2f"),
    }
    readouts = {"loglik": widgets.HTML(), "maximum": widgets.HTML()}

    fig, ax = new_figure(figsize=(7, 3.5))
    grid = np.linspace(mean_low, mean_high, 500)
    density_view = draw_density_view(ax, x, start, bins=40, grid=grid, xlabel=xlabel,
                                     mixture_label="mixture density (sliders)")
    # A fixed y-range: a tiny sd makes a tall spike, and a jumping axis would hide it.
    ax.set_ylim(0, 1.4 * density_view.histogram.get_data().values.max())
    ax.set_xlim(mean_low, mean_high)
    fig.tight_layout()

    def show(params):
        for name, text in readout_texts(x, params, fit).items():
            readouts[name].value = text

    def expected():
        return readout_texts(x, _params_from(controls), fit)

    show(start)
    rows = [
        widgets.HBox([controls["mu1"], controls["sig1"]]),
        widgets.HBox([controls["mu2"], controls["sig2"]]),
        controls["pi1"],
    ]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected,
                        handles={"fit": fit, "density_view": density_view})

    def on_change(_change):
        params = _params_from(controls)
        density_view.show_params(params)
        show(params)
        explorer.redraw()

    for control in controls.values():
        control.observe(on_change, names="value")
    return explorer
