"""Views for notebook 05: a fit with any number of components, and criteria against K."""

from __future__ import annotations

import numpy as np

from .._checks import as_data
from ..density import pdf
from ..params import MixtureParams, check_params
from .core import HISTOGRAM_COLOUR, MIXTURE_COLOUR, PALETTE

CRITERIA_STYLES = {
    "aic": ("AIC", PALETTE[0], "o"),
    "bic": ("BIC", PALETTE[1], "s"),
    "held_out": (r"$-2\times$ held-out log-lik.", PALETTE[2], "^"),
}


def histogram_bins(x, n_bins=30):
    """Bin edges for ``x``: on whole numbers (like waiting times in minutes), edges at halves.

    Bins of a width that is not a whole number alias with data recorded to whole numbers,
    leaving empty bins between full ones; half-integer edges avoid that.

    Examples
    --------
    >>> histogram_bins(np.array([1.0, 2.0, 4.0])).tolist()
    [0.5, 1.5, 2.5, 3.5, 4.5]
    >>> histogram_bins(np.array([0.1, 0.25]), n_bins=3).round(2).tolist()
    [0.1, 0.15, 0.2, 0.25]
    """
    x = as_data(x)
    if np.all(x == np.round(x)):
        width = max(1.0, float(np.round((x.max() - x.min()) / n_bins)))
        return np.arange(x.min() - 0.5, x.max() + 0.5 + width, width)
    return np.linspace(x.min(), x.max(), n_bins + 1)


def draw_fit_lines(ax, x, params, *, max_k, bins=None, xlabel="x"):
    """Histogram of ``x`` with the mixture density and room for up to ``max_k`` components.

    Unused component lines hold NaN (drawn as nothing), so one set of artists serves every K.

    Parameters
    ----------
    ax : matplotlib Axes
    x : 1-D array-like, the data
    params : MixtureParams with at most ``max_k`` components
    max_k : int, the most components the view will show
    bins : int, sequence or None, histogram bins (default ``histogram_bins(x)``)
    xlabel : str, the x-axis label (say the units)

    Returns
    -------
    dict with ``"grid"``, ``"mixture"`` (Line2D), ``"components"`` (``max_k`` Line2D) and
    ``"bars"`` (the histogram's patches); update with ``update_fit_lines``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> p = MixtureParams([1.0], [0.0], [1.0])
    >>> artists = draw_fit_lines(ax, [-1.0, 0.0, 1.0], p, max_k=3)
    >>> int(np.isnan(artists["components"][2].get_ydata()).sum()) == artists["grid"].size
    True
    >>> plt.close(fig)
    """
    x = as_data(x)
    params = check_params(params)
    pad = 0.1 * (x.max() - x.min())
    grid = np.linspace(x.min() - pad, x.max() + pad, 400)
    bins = histogram_bins(x) if bins is None else bins
    _, _, bars = ax.hist(x, bins=bins, density=True, color=HISTOGRAM_COLOUR, edgecolor="white",
                         label="data")
    components = [
        ax.plot(grid, np.full_like(grid, np.nan), color=PALETTE[j % len(PALETTE)], lw=1.3,
                ls="--", label=f"component {j + 1}")[0]
        for j in range(max_k)
    ]
    (mixture,) = ax.plot(grid, np.zeros_like(grid), color=MIXTURE_COLOUR, lw=2, label="mixture")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    artists = {"grid": grid, "mixture": mixture, "components": components, "bars": bars}
    update_fit_lines(artists, params)
    return artists


def update_fit_lines(artists, params):
    """Set the mixture and component lines of ``draw_fit_lines`` to ``params`` (NaN for unused).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_fit_lines(ax, [0.0, 1.0], MixtureParams([1.0], [0.5], [1.0]), max_k=2)
    >>> update_fit_lines(artists, MixtureParams([0.5, 0.5], [0.0, 1.0], [0.3, 0.3]))
    >>> bool(np.isfinite(artists["components"][1].get_ydata()).all())
    True
    >>> plt.close(fig)
    """
    params = check_params(params)
    grid = artists["grid"]
    if params.k > len(artists["components"]):
        raise ValueError(f"params: has {params.k} components, the view has room for "
                         f"{len(artists['components'])}")
    artists["mixture"].set_ydata(pdf(grid, params))
    for j, line in enumerate(artists["components"]):
        if j < params.k:
            single = MixtureParams([1.0], [params.means[j]], [params.sds[j]])
            line.set_ydata(params.weights[j] * pdf(grid, single))
            line.set_label(f"component {j + 1}")
        else:
            line.set_ydata(np.full_like(grid, np.nan))
            line.set_label(f"_component {j + 1}")  # a leading underscore keeps it out of the legend
    if "legend" in artists:
        fit_legend(artists["mixture"].axes, artists, **artists["legend"])


def fit_legend(ax, artists, **kwargs):
    """A legend for ``draw_fit_lines`` that lists only the components drawn; kept up to date.

    ``update_fit_lines`` rebuilds it (with the same ``kwargs``) whenever the number of components
    changes, so a K = 2 fit never lists a third, undrawn component.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_fit_lines(ax, [0.0, 1.0], MixtureParams([1.0], [0.5], [1.0]), max_k=3)
    >>> [t.get_text() for t in fit_legend(ax, artists).get_texts()]
    ['data', 'component 1', 'mixture']
    >>> update_fit_lines(artists, MixtureParams([0.5, 0.5], [0.0, 1.0], [0.3, 0.3]))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['data', 'component 1', 'component 2', 'mixture']
    >>> plt.close(fig)
    """
    artists["legend"] = dict(kwargs)
    return ax.legend(**kwargs)


def criteria_values(rows):
    """The criteria of ``mixlib.choose_k`` rows on one "smaller is better" scale.

    Returns
    -------
    dict with ``"k"`` and the arrays ``"aic"``, ``"bic"`` and ``"held_out"`` (the last as
    ``-2 x`` the held-out log-likelihood, the deviance scale AIC and BIC use).

    Examples
    --------
    >>> import mixlib
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 100, rng=0)
    >>> values = criteria_values(mixlib.choose_k(x, [1, 2], n_init=1))
    >>> values["k"].tolist()
    [1, 2]
    """
    return {
        "k": np.array([r.k for r in rows]),
        "aic": np.array([r.aic for r in rows]),
        "bic": np.array([r.bic for r in rows]),
        "held_out": -2.0 * np.array([r.held_out for r in rows]),
    }


def plot_criteria(ax, rows, *, title=None):
    """AIC, BIC and ``-2 x`` held-out log-likelihood against K, each with its minimum ringed.

    Parameters
    ----------
    ax : matplotlib Axes
    rows : list of ``mixlib.KChoice`` (from ``mixlib.choose_k``)
    title : str or None

    Returns
    -------
    dict name -> Line2D for ``"aic"``, ``"bic"``, ``"held_out"``, and ``"best"`` -> dict of the
    ringed-minimum Line2D; update with ``update_criteria``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 100, rng=0)
    >>> lines = plot_criteria(ax, mixlib.choose_k(x, [1, 2], n_init=1))
    >>> sorted(lines)
    ['aic', 'best', 'bic', 'held_out']
    >>> plt.close(fig)
    """
    lines = {"best": {}}
    for name, (label, colour, marker) in CRITERIA_STYLES.items():
        lines[name] = ax.plot([], [], color=colour, marker=marker, lw=1.5, label=label)[0]
        lines["best"][name] = ax.plot([], [], ls="none", marker="o", ms=13, mfc="none",
                                      mec=colour, mew=1.5)[0]
    ax.set_xlabel("number of components K")
    ax.set_ylabel("criterion (smaller is better)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    update_criteria(ax, lines, rows)
    return lines


def update_criteria(ax, lines, rows):
    """Set the criteria lines of ``plot_criteria`` to new rows and rescale the axes."""
    values = criteria_values(rows)
    for name in CRITERIA_STYLES:
        lines[name].set_data(values["k"], values[name])
        best = int(np.argmin(values[name]))
        lines["best"][name].set_data([values["k"][best]], [values[name][best]])
    ax.set_xticks(values["k"])
    ax.relim()
    ax.autoscale_view()
