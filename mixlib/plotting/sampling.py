"""Views for notebook 01: a sample's histogram against the true mixture density.

The histogram is drawn as a filled step patch (``Axes.stairs``) so that a widget can replace its
heights *and* its bin edges in place when the parameters or the sample size change.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_data
from ..params import check_params
from ..density import pdf
from .core import HISTOGRAM_COLOUR, MIXTURE_COLOUR, PALETTE, component_densities


def view_range(params, n_sds=4.0):
    """``(low, high)``: every component's mean +/- ``n_sds`` sds.

    Examples
    --------
    >>> import mixlib
    >>> view_range(mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]))
    (-0.32, 1.08)
    """
    params = check_params(params)
    low = float((params.means - n_sds * params.sds).min())
    high = float((params.means + n_sds * params.sds).max())
    return round(low, 12), round(high, 12)


def histogram_density(x, edges):
    """Histogram heights scaled so the bars' total area is the *fraction* of ``x`` inside ``edges``.

    Unlike ``np.histogram(..., density=True)``, points outside the edges are not silently
    re-spread over the bars, so the bars stay comparable with the true density.

    Examples
    --------
    >>> histogram_density([0.1, 0.2, 0.7, 5.0], [0.0, 0.5, 1.0]).tolist()
    [1.0, 0.5]
    """
    x = as_data(x)
    edges = np.asarray(edges, dtype=float)
    counts, _ = np.histogram(x, bins=edges)
    return counts / (x.size * np.diff(edges))


def plot_sample_against_density(ax, x, params, *, n_bins=50, n_grid=400, xlabel="x",
                                labels=None):
    """Draw a sample's histogram, the true mixture density and its weighted components.

    Parameters
    ----------
    ax : matplotlib Axes
    x : 1-D array-like, the sample
    params : MixtureParams, the mixture the sample was drawn from
    n_bins, n_grid : int, number of histogram bins and density grid points
    xlabel : str, x-axis label (say the units)
    labels : array of component labels or None; if given, the legend shows the counts

    Returns
    -------
    dict of artists (``"stairs"``, ``"mixture"``, ``"components"``) and settings, to pass to
    ``update_sample_against_density``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    >>> artists = plot_sample_against_density(ax, mixlib.sample(p, 200, rng=0), p)
    >>> len(artists["stairs"].get_data().values), len(artists["components"])
    (50, 2)
    >>> plt.close(fig)
    """
    params = check_params(params)
    artists = {"ax": ax, "n_bins": n_bins, "n_grid": n_grid}
    artists["stairs"] = ax.stairs(np.zeros(n_bins), np.arange(n_bins + 1.0), fill=True,
                                  color=HISTOGRAM_COLOUR, label="sample (histogram)")
    artists["components"] = [
        ax.plot([], [], color=PALETTE[k % len(PALETTE)], lw=1.5, ls="--", zorder=3,
                label=fr"$\pi_{k + 1}\,\mathcal{{N}}(\mu_{k + 1}, \sigma_{k + 1}^2)$")[0]
        for k in range(params.k)
    ]
    (artists["mixture"],) = ax.plot([], [], color=MIXTURE_COLOUR, lw=2, label="true density")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    update_sample_against_density(artists, x, params)
    ax.legend(loc="upper left", fontsize="small")
    return artists


def update_sample_against_density(artists, x, params):
    """Redraw the view of ``plot_sample_against_density`` for a new sample and parameters.

    The bin edges and the grid follow ``view_range(params)``; the axis limits are reset.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.1, 0.1])
    >>> artists = plot_sample_against_density(ax, [0.0, 1.0], p)
    >>> update_sample_against_density(artists, [0.0, 0.1, 1.0], p)
    >>> round(float(artists["stairs"].get_data().values.sum() * 0.036), 12)  # bin width 1.8 / 50
    1.0
    >>> plt.close(fig)
    """
    params = check_params(params)
    x = as_data(x)
    low, high = view_range(params)
    edges = np.linspace(low, high, artists["n_bins"] + 1)
    heights = histogram_density(x, edges)
    artists["stairs"].set_data(heights, edges)
    grid = np.linspace(low, high, artists["n_grid"])
    density = pdf(grid, params)
    artists["mixture"].set_data(grid, density)
    for line, component in zip(artists["components"], component_densities(grid, params)):
        line.set_data(grid, component)
    ax = artists["ax"]
    ax.set_xlim(low, high)
    ax.set_ylim(0, 1.15 * max(heights.max(), density.max()))
