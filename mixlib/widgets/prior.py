"""Notebook 08: how strong a prior? The MAP fit against the ML fit as the prior's scale changes.

One slider, the scale: every position it offers is fitted when the widget is built (the right
panel's curve), so moving it only redraws. A shrinkage slider would refit the whole curve on
every move (seconds on a busy machine); ``prior_explorer(..., prior=...)`` sets the shrinkage.
"""

from __future__ import annotations

import warnings

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_data
from ..density import log_likelihood, pdf
from ..em import fit_em
from ..params import check_params
from ..plotting import PALETTE, draw_density_view
from ..plotting.core import MIXTURE_COLOUR
from ..priors import ConjugatePrior
from ..result import ConvergenceWarning, DegenerateFitWarning
from ._base import Explorer, float_slider, new_figure

# The slider moves the prior's scale by powers of ten around the given prior's.
LOG10_RANGE = (-4.0, 1.0)


def prior_at(base, log10_scale, log10_shrinkage):
    """``base`` with its scale and shrinkage multiplied by ``10**log10_scale`` and ``10**log10_shrinkage``.

    Examples
    --------
    >>> p = prior_at(ConjugatePrior(0.0, 0.01, 3.0, 2.0), -1.0, 2.0)
    >>> round(p.scale, 6), round(p.shrinkage, 6)
    (0.2, 1.0)
    """
    return ConjugatePrior(base.mean, base.shrinkage * 10.0**log10_shrinkage, base.dof,
                          base.scale * 10.0**log10_scale, base.dirichlet)


def quiet_fit(x, start, prior=None, **kwargs):
    """``fit_em(x, start, prior=prior)`` with its warnings collected instead of shown.

    Returns
    -------
    (FitResult, list of warning categories' names)

    Examples
    --------
    >>> import mixlib
    >>> fit, caught = quiet_fit([0.0, 0.0, 0.0, 1.0, 2.0], mixlib.MixtureParams([0.5, 0.5], [0, 1.5], [0.5, 0.5]))
    >>> caught
    ['DegenerateFitWarning']
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_em(x, start, prior=prior, **kwargs)
    names = sorted({w.category.__name__ for w in caught
                    if issubclass(w.category, (ConvergenceWarning, DegenerateFitWarning))})
    return fit, names


def readout_texts(x, map_fit, map_warnings, ml_fit, units, resolution=None):
    """The readouts' text for a MAP fit and the ML fit of ``x`` (used by the widget and ``expected``)."""
    flag = f" ({', '.join(map_warnings)})" if map_warnings else ""
    smallest = map_fit.params.sds.min()
    below = (f", below the resolution {resolution:.3g}"
             if resolution is not None and smallest < resolution else "")
    return {
        "smallest_sd": (f"smallest sd: MAP {smallest:.3g}, "
                        f"ML {ml_fit.params.sds.min():.3g} {units}{below}{flag}"),
        "log_likelihood": (f"log-likelihood: MAP {log_likelihood(x, map_fit.params):.2f}, "
                           f"ML {log_likelihood(x, ml_fit.params):.2f}"),
        "log_prior": f"log prior at the MAP fit: {map_fit.log_prior:.2f}",
    }


def prior_explorer(x, start, *, prior=None, xlabel="x", units="data units", n_curve=11,
                   resolution=None):
    """Slide the prior's scale: the MAP fit against the ML fit, from one start.

    Parameters
    ----------
    x : 1-D array-like of real numbers (for example the Old Faithful waiting times)
    start : MixtureParams, the start of every fit (a start that collapses without a prior shows
        the cure best, such as notebook 06's spike at 78 minutes)
    prior : ConjugatePrior or None
        The prior at slider value 0 (``None``: ``ConjugatePrior.default(x, start.k)``,
        Fraley and Raftery's default). The slider multiplies its scale by powers of 10.
    xlabel, units : str, the x-axis label and the data's units, for the readouts and the right
        panel's axes (say them: notebook 08 passes "waiting time (minutes)" and "minutes")
    n_curve : int, scales at which the right panel's curve is computed (11: every slider step,
        so that moving the slider never waits for a fit)
    resolution : positive float or None
        The sd below which a component says more than the data's precision allows (for data
        rounded to a step h, the sd of a rounding error, h / sqrt(12)); drawn as a dashed line in
        the right panel, and the smallest-sd readout says when the MAP fit falls below it.

    Returns
    -------
    Explorer with control ``log10_scale`` (a FloatSlider, updates on release), readouts ``smallest_sd``, ``log_likelihood`` and ``log_prior``, and attributes
    ``density_view`` (the MAP fit, a ``mixlib.plotting.DensityView``; ``ml_line`` is the ML
    mixture on its grid and at the ML means, so that a collapsed component's spike is drawn),
    ``curve_line`` and
    ``marker`` (smallest MAP sd against the scale, and the current scale), ``ml_fit`` and
    ``current_fit``.

    Examples
    --------
    >>> import mixlib
    >>> x = mixlib.datasets.old_faithful()["waiting"]
    >>> spike = mixlib.MixtureParams([0.35, 0.6, 0.05], [54.6, 80.0, 78.0], [5.9, 5.9, 0.5])
    >>> box = prior_explorer(x, spike, units="minutes", n_curve=2, resolution=1 / 12**0.5)
    >>> box.readout_texts()["smallest_sd"]
    'smallest sd: MAP 1.8, ML 1.36e-05 minutes'
    >>> box.controls["log10_scale"].value = -4.0
    >>> box.readout_texts()["smallest_sd"]
    'smallest sd: MAP 0.175, ML 1.36e-05 minutes, below the resolution 0.289'
    >>> import matplotlib.pyplot as plt; plt.close(box.figure)
    """
    x = as_data(x)
    start = check_params(start)
    if resolution is not None:
        if isinstance(resolution, bool) or not isinstance(resolution, (int, float, np.floating, np.integer)):
            raise TypeError(f"resolution: expected a positive number or None, got {type(resolution).__name__}")
        resolution = float(resolution)
        if not np.isfinite(resolution) or resolution <= 0:
            raise ValueError(f"resolution: must be a positive number or None, got {resolution}")
    base = ConjugatePrior.default(x, start.k) if prior is None else prior
    if not isinstance(base, ConjugatePrior):
        raise TypeError(f"prior: expected a ConjugatePrior or None, got {type(base).__name__}")
    ml_fit, _ = quiet_fit(x, start)

    fig, (ax_fit, ax_sd) = new_figure(1, 2, figsize=(10, 3.8), width_ratios=[1.4, 1])
    # Fits by log10 scale: the curve's points are the slider's positions (steps of 0.5)
    fits = {}

    def fit_at(log10_scale):
        key = round(log10_scale, 9)
        if key not in fits:
            fits[key] = quiet_fit(x, start, prior_at(base, log10_scale, 0.0))
        return fits[key]

    map_fit, _ = fit_at(0.0)
    density_view = draw_density_view(ax_fit, x, map_fit.params, xlabel=xlabel,
                                     mixture_label="MAP mixture", legend=False)
    # The ML mixture on the grid and at its own means: a collapsed component is far narrower than
    # the grid's step (notebook 08: sd 1.4e-5 minutes against a step of 0.2), and a grid that
    # misses its mean would not draw its spike at all.
    ml_grid = np.union1d(density_view.grid, ml_fit.params.means)
    (ml_line,) = ax_fit.plot(ml_grid, pdf(ml_grid, ml_fit.params),
                             color=MIXTURE_COLOUR, lw=1, ls=":", label="ML mixture")
    ax_fit.legend(fontsize="x-small", loc="upper left")
    heights = density_view.histogram.get_data().values.max()
    ax_fit.set_ylim(0, 1.6 * heights)  # a collapsed ML component's spike leaves the top of the view

    ax_sd.set_xscale("log")
    ax_sd.set_yscale("log")
    ax_sd.axhline(ml_fit.params.sds.min(), color=MIXTURE_COLOUR, lw=1, ls=":",
                  label="ML (at the sd floor)" if ml_fit.degenerate else "ML")
    if resolution is not None:
        ax_sd.axhline(resolution, color="#767676", lw=1, ls="--", label="resolution")
    (curve_line,) = ax_sd.plot([], [], color=PALETTE[0], marker=".", label="MAP")
    (marker,) = ax_sd.plot([], [], ls="none", marker="o", ms=10, mfc="none", mec=PALETTE[1])
    ax_sd.set_xlabel(f"prior scale ({units} squared)")
    ax_sd.set_ylabel(f"smallest sd ({units})")
    ax_sd.legend(fontsize="x-small", loc="lower right")
    fig.tight_layout()

    controls = {
        "log10_scale": float_slider("log10(scale / default)", 0.0, *LOG10_RANGE, 0.5, ".1f"),
    }
    readouts = {name: widgets.HTML() for name in ("smallest_sd", "log_likelihood", "log_prior")}
    state = {}
    explorer = None
    exponents = np.linspace(*LOG10_RANGE, n_curve)
    curve_line.set_data([prior_at(base, e, 0.0).scale for e in exponents],
                        [fit_at(e)[0].params.sds.min() for e in exponents])
    ax_sd.relim()
    ax_sd.autoscale_view()

    def show(_=None):
        log10_scale = controls["log10_scale"].value
        current = prior_at(base, log10_scale, 0.0)
        fit, caught = fit_at(log10_scale)
        density_view.show_params(fit.params)
        marker.set_data([current.scale], [fit.params.sds.min()])
        ax_sd.set_title(f"shrinkage {current.shrinkage:.3g}, scale {current.scale:.3g}",
                        fontsize="small")
        for key, text in readout_texts(x, fit, caught, ml_fit, units, resolution).items():
            readouts[key].value = text
        state["fit"] = fit
        if explorer is not None:
            explorer.current_fit = fit
            explorer.redraw()

    def expected():
        current = prior_at(base, controls["log10_scale"].value, 0.0)
        fit, caught = quiet_fit(x, start, current)
        return readout_texts(x, fit, caught, quiet_fit(x, start)[0], units, resolution)

    show()
    explorer = Explorer(controls, fig, readouts, expected=expected,
                        handles={"density_view": density_view, "ml_line": ml_line,
                                 "curve_line": curve_line, "marker": marker, "ml_fit": ml_fit,
                                 "base_prior": base, "current_fit": state["fit"]})
    for control in controls.values():
        control.observe(show, names="value")
    plt.close(fig)
    return explorer

