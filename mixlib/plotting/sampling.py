"""Views for notebook 01: a sample's histogram against the true mixture density.

The view is ``draw_density_view``; here its bins and grid follow the true parameters (every
component's mean +/- 4 sds, widened to round numbers), so moving a slider moves the window with
the mixture in steps, and the bins narrow with the narrowest component, so the histogram can
follow a narrow component (``sample_bins``).
"""

from __future__ import annotations

import numpy as np

from ..params import check_params
from .axes_limits import round_limits
from .density_view import draw_density_view


def view_range(params, n_sds=4.0):
    """``(low, high)``: every component's mean +/- ``n_sds`` sds, widened to round numbers.

    The ends are multiples of a round step (1, 2 or 5 times a power of 10, about a twentieth of
    the width), so a small slider move keeps the window where it is: steadier to compare, and the
    widget need not redraw the axis.

    Examples
    --------
    >>> view_range(mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]))
    (-0.4, 1.1)
    """
    params = check_params(params)
    low = float((params.means - n_sds * params.sds).min())
    high = float((params.means + n_sds * params.sds).max())
    return round_limits(low, high, n_steps=20)


# Bins at most half the narrowest sd wide (a component then spans 16 bins over its +/- 4 sds),
# but never fewer than MIN_BINS (a wide mixture still looks like a histogram) nor more than
# MAX_BINS (a tiny sd next to a wide one: on 01's sliders bins are then at most 0.625 of it).
MIN_BINS, MAX_BINS = 50, 400
# The density curve: at least 10 grid points per narrowest sd, so its peak is drawn at its height.
MIN_GRID, MAX_GRID = 400, 4000


def sample_bins(params):
    """The number of histogram bins over ``view_range(params)``: bins at most half the narrowest
    sd wide, clipped to ``MIN_BINS``..``MAX_BINS``.

    Examples
    --------
    >>> sample_bins(mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]))
    50
    >>> sample_bins(mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.02, 0.12]))
    120
    """
    params = check_params(params)
    low, high = view_range(params)
    return int(np.clip(np.ceil((high - low) / (params.sds.min() / 2) - 1e-9), MIN_BINS, MAX_BINS))


def _grid_size(params):
    low, high = view_range(params)
    return int(np.clip(np.ceil(10 * (high - low) / params.sds.min()), MIN_GRID, MAX_GRID))


def plot_sample_against_density(ax, x, params, *, n_bins=None, n_grid=None, xlabel="x"):
    """Draw a sample's histogram, the true mixture density and its weighted components.

    Parameters
    ----------
    ax : matplotlib Axes
    x : 1-D array-like, the sample
    params : MixtureParams, the mixture the sample was drawn from
    n_bins, n_grid : int or None, number of histogram bins and density grid points over
        ``view_range``; None: ``sample_bins(params)`` bins and at least 10 grid points per
        narrowest sd
    xlabel : str, x-axis label (say the units)

    Returns
    -------
    DensityView; change it with ``show_sample``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    >>> view = plot_sample_against_density(ax, mixlib.sample(p, 200, rng=0), p)
    >>> len(view.histogram.get_data().values), len(view.components)
    (50, 2)
    """
    params = check_params(params)
    labels = [fr"$\pi_{k + 1}\,\mathcal{{N}}(\mu_{k + 1}, \sigma_{k + 1}^2)$" for k in range(params.k)]
    view = draw_density_view(ax, x, params, bins=_edges(params, n_bins or sample_bins(params)),
                             grid=_grid(params, n_grid or _grid_size(params)), xlabel=xlabel,
                             data_label="sample (histogram)", mixture_label="true density",
                             component_labels=labels, legend={"loc": "upper left",
                                                              "fontsize": "small"})
    show_sample(view, x, params, n_bins=n_bins, n_grid=n_grid)
    return view


def show_sample(view, x, params, *, n_bins=None, n_grid=None):
    """Show a new sample and parameters in ``view``; its window follows ``view_range(params)``.

    ``n_bins``, ``n_grid``: as for ``plot_sample_against_density`` (None: they follow the
    narrowest sd of ``params``).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.1, 0.1])
    >>> view = plot_sample_against_density(ax, [0.0, 1.0], p)
    >>> show_sample(view, [0.0, 0.1, 1.0], p)
    >>> round(float(view.histogram.get_data().values.sum() * 0.036), 12)  # bin width 1.8 / 50
    1.0
    """
    params = check_params(params)
    view.show_data(x, params, bins=_edges(params, n_bins or sample_bins(params)),
                   grid=_grid(params, n_grid or _grid_size(params)))
    view.ax.set_xlim(*view_range(params))
    view.fit_height()


def _edges(params, n_bins):
    return np.linspace(*view_range(params), n_bins + 1)


def _grid(params, n_points):
    return np.linspace(*view_range(params), n_points)

