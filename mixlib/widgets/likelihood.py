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
# sigma1's slider is logarithmic down to 10**SIG1_MIN_EXPONENT: notebook 02's spike (mu1 on a
# data point, sigma1 -> 0) only climbs back above its start below about 1e-10 and passes the EM
# maximum near 1e-189, so a linear slider stopping at 0.01 shows the opposite of the lesson.
SIG1_MIN_EXPONENT = -250


def nearest_point(x, value):
    """The data point of ``x`` nearest ``value`` (exactly, as a float: a spike needs mu1 = x_i)."""
    x = np.asarray(x, dtype=float)
    return float(x[np.argmin(np.abs(x - value))])


def slider_params(x, controls) -> MixtureParams:
    """The parameters the widget shows: the sliders' values, with mu1 moved exactly onto the
    nearest data point when the ``on_point`` checkbox is ticked."""
    values = [controls[name].value for name in NAMES]
    if controls["on_point"].value:
        values[0] = nearest_point(x, values[0])
    return MixtureParams.from_vector(values)


def readout_texts(x, params, best, on_point=False):
    """The readouts' text (plain text) for ``params``; ``best`` is the maximum's FitResult;
    ``on_point`` says whether mu1 was put on a data point (the ``mu1`` readout says which)."""
    with np.errstate(over="ignore"):  # a tiny sd: (x - mu)^2 / sd^2 = inf is a density of 0
        loglik = log_likelihood(x, params)
    mu1 = float(params.means[0])
    gap = best.log_likelihood - loglik
    return {
        "loglik": f"log-likelihood here: {loglik:.2f}",
        # The EM fit is a local maximum only: a spike (mu1 on a point, sigma1 -> 0) passes it.
        "maximum": f"EM fit (a local maximum): {best.log_likelihood:.2f}, "
                   + (f"{gap:.2f} above" if gap >= 0 else f"{-gap:.2f} below the value here"),
        "mu1": (f"μ₁ = {mu1:.6f}, exactly the data point nearest the slider" if on_point
                else f"μ₁ = {mu1:.3f} (the slider's value)"),
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

    sigma1's slider is logarithmic, from ``10**SIG1_MIN_EXPONENT`` (1e-250) up to the largest sd
    (you can also type a value into its box), and a checkbox puts mu1 exactly on the data point
    nearest its slider: together they show that the likelihood is unbounded (notebook 02,
    section 6). sigma2's slider is linear, from about a hundredth of the data's span up.

    Parameters
    ----------
    x : 1-D array-like, the data
    start : MixtureParams with two components, where the sliders start
        (default: the original script's ``p0``)
    fit : FitResult or None, the maximum to compare with (default ``mixlib.fit_em(x, start)``)
    xlabel : str, the x-axis label (say the units)

    Returns
    -------
    Explorer with controls ``mu1, sig1, mu2, sig2, pi1`` and ``on_point`` (the checkbox) and
    readouts ``loglik`` (``mixlib.log_likelihood`` at the shown parameters), ``maximum`` (the
    fit's) and ``mu1`` (the mean of component 1 in use).

    Examples
    --------
    >>> import mixlib
    >>> truth, n, p0 = mixlib.datasets.original_example()
    >>> x = mixlib.sample(truth, n, rng=0)
    >>> box = likelihood_explorer(x, p0)
    >>> box.controls["mu2"].value = 0.6
    >>> box.readout_texts() == box.expected_readouts()
    True
    >>> box.controls["on_point"].value = True
    >>> box.controls["sig1"].value = 1e-200
    >>> box.readout_texts()["mu1"] == f"μ₁ = {nearest_point(x, -0.2):.6f}, exactly the data point nearest the slider"
    True
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
        "sig1": widgets.FloatLogSlider(
            value=sig1, base=10, min=SIG1_MIN_EXPONENT, max=float(np.log10(sd_high)), step=0.01,
            description="σ₁ (log scale)", readout_format=".3g", continuous_update=False,
            style={"description_width": "initial"}),
        "mu2": float_slider("μ₂", mu2, mean_low, mean_high, mean_step),
        "sig2": float_slider("σ₂", sig2, sd_low, sd_high, sd_step),
        "pi1": float_slider("π₁", pi1, 0.01, 0.99, 0.01, ".2f"),
        "on_point": widgets.Checkbox(value=False, description="put μ₁ exactly on the nearest data point",
                                     indent=False),
    }
    readouts = {"loglik": widgets.HTML(), "maximum": widgets.HTML(), "mu1": widgets.HTML()}

    fig, ax = new_figure(figsize=(7, 3.5))
    grid = np.linspace(mean_low, mean_high, 500)
    density_view = draw_density_view(ax, x, start, bins=40, grid=grid, xlabel=xlabel,
                                     mixture_label="mixture density (sliders)")
    # A fixed y-range: a tiny sd makes a tall spike, and a jumping axis would hide it.
    ax.set_ylim(0, 1.4 * density_view.histogram.get_data().values.max())
    ax.set_xlim(mean_low, mean_high)
    # A component narrower than the grid's step falls between grid points and draws as nothing:
    # a dotted line then marks where its spike stands.
    grid_step = float(grid[1] - grid[0])
    spike = ax.axvline(mu1, color=density_view.components[0].get_color(), lw=1.5, ls=":",
                       visible=sig1 < grid_step, label="_spike")
    fig.tight_layout()

    def show(params):
        for name, text in readout_texts(x, params, fit, controls["on_point"].value).items():
            readouts[name].value = text

    def expected():
        return readout_texts(x, slider_params(x, controls), fit, controls["on_point"].value)

    show(slider_params(x, controls))
    rows = [
        widgets.HBox([controls["mu1"], controls["sig1"]]),
        widgets.HBox([controls["mu2"], controls["sig2"]]),
        widgets.HBox([controls["pi1"], controls["on_point"]]),
    ]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected,
                        handles={"fit": fit, "density_view": density_view, "spike": spike})

    def on_change(_change):
        params = slider_params(x, controls)
        with np.errstate(over="ignore"):  # as in readout_texts: far from a tiny sd, density 0
            density_view.show_params(params)
        spike.set_xdata([params.means[0]] * 2)
        spike.set_visible(bool(params.sds[0] < grid_step))
        show(params)
        explorer.redraw()

    for control in controls.values():
        control.observe(on_change, names="value")
    return explorer
