"""The one view of a mixture density over a histogram of data, updated in place by widgets.

Every notebook draws it: the true density against a sample (01), a guess against the data
(02), EM's iterates (04), fits with any K (05, 06). ``draw_density_view`` returns a
``DensityView`` holding its artists; widgets change it with ``show_params`` (new parameters)
and ``show_data`` (new data, a new histogram and grid).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import as_data
from ..density import weighted_component_logpdf
from ..params import check_params
from .axes_limits import nice_ceiling
from .core import HISTOGRAM_COLOUR, HISTOGRAM_EDGE_COLOUR, MIXTURE_COLOUR, PALETTE

# Headroom above the tallest bar or peak, so the top of a curve is never cut by the frame.
HEADROOM = 1.15


def density_grid(x, params, n_points=400, pad=0.15):
    """A grid covering the data and every component's mean +/- 3 sds.

    Parameters
    ----------
    x : 1-D array-like of real numbers
    params : MixtureParams
    n_points : int, grid size
    pad : float, extra margin as a fraction of the span

    Returns
    -------
    numpy.ndarray of shape (n_points,)

    Examples
    --------
    >>> density_grid([0.0, 1.0], mixlib.MixtureParams([1.0], [0.5], [0.1]), n_points=3).round(3).tolist()
    [-0.15, 0.5, 1.15]
    """
    x = as_data(x)
    params = check_params(params)
    low = min(x.min(), (params.means - 3 * params.sds).min())
    high = max(x.max(), (params.means + 3 * params.sds).max())
    span = high - low
    return np.linspace(low - pad * span, high + pad * span, n_points)


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


def weighted_component_densities(grid, params):
    """K x len(grid) array of the weighted components ``w_k N(grid | mu_k, sd_k^2)``.

    Examples
    --------
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    >>> weighted_component_densities([0.0], p).round(4).tolist()
    [[0.1995], [0.121]]
    """
    params = check_params(params)
    grid = as_data(grid, name="grid")
    return np.exp(weighted_component_logpdf(grid, np.log(params.weights), params.means,
                                            np.log(params.sds)))


@dataclass(eq=False)
class DensityView:
    """The artists of ``draw_density_view``: a histogram, the mixture and its components.

    Attributes
    ----------
    ax : the matplotlib Axes drawn on
    histogram : the StepPatch of the data's density histogram (``get_data()`` gives heights, edges)
    mixture : Line2D of the mixture density on ``grid``
    components : list of Line2D, one slot per component the view has room for; slots beyond the
        shown parameters' K hold NaN (drawn as nothing) and stay out of the legend
    grid : the x values the lines are drawn at
    legend_kwargs : how the legend was drawn (None: no legend); it is redrawn when K changes
    """

    ax: object
    histogram: object
    mixture: object
    components: list
    grid: np.ndarray
    legend_kwargs: dict | None = None
    shown_k: int = field(default=0)

    def show_params(self, params):
        """Draw the mixture and its weighted components for ``params`` (at most len(components)).

        Examples
        --------
        >>> fig, ax = plt.subplots()
        >>> view = draw_density_view(ax, [0.0, 1.0], mixlib.MixtureParams([1.0], [0.5], [1.0]), max_k=2)
        >>> view.show_params(mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.3, 0.3]))
        >>> bool(np.isfinite(view.components[1].get_ydata()).all())
        True
        """
        params = check_params(params)
        if params.k > len(self.components):
            raise ValueError(f"params: has {params.k} components, the view has room for "
                             f"{len(self.components)}")
        weighted = weighted_component_densities(self.grid, params)
        self.mixture.set_data(self.grid, weighted.sum(axis=0))
        for k, line in enumerate(self.components):
            shown = k < params.k
            line.set_data(self.grid, weighted[k] if shown else np.full_like(self.grid, np.nan))
            # a leading underscore keeps an unused slot out of the legend
            line.set_label(f"{'' if shown else '_'}{line.get_label().lstrip('_')}")
        if params.k != self.shown_k and self.legend_kwargs is not None:
            self.ax.legend(**self.legend_kwargs)
        self.shown_k = params.k

    def show_data(self, x, params, *, bins=None, grid=None):
        """Replace the histogram (new data or new bins) and the grid, then draw ``params``.

        ``bins`` and ``grid`` as for ``draw_density_view``; the x-range follows the new grid.

        Examples
        --------
        >>> fig, ax = plt.subplots()
        >>> p = mixlib.MixtureParams([1.0], [0.5], [1.0])
        >>> view = draw_density_view(ax, [0.0, 1.0], p)
        >>> view.show_data([10.0, 11.0, 12.0], p)
        >>> view.histogram.get_data().edges.tolist()
        [9.5, 10.5, 11.5, 12.5]
        """
        x = as_data(x)
        params = check_params(params)
        edges = histogram_bins(x) if bins is None else _edges(x, bins)
        self.histogram.set_data(histogram_density(x, edges), edges)
        self.grid = density_grid(x, params) if grid is None else as_data(grid, name="grid")
        self.show_params(params)
        self.ax.set_xlim(min(edges[0], self.grid[0]), max(edges[-1], self.grid[-1]))

    def fit_height(self, *, spike_cap=None):
        """Set the top of the y-axis above the tallest bar or peak (the bottom stays where it is).

        The top is ``nice_ceiling(HEADROOM * tallest)``, a round number, and it stays where it is
        while that shows everything and leaves less than a third of the height empty (a current
        top between 1 and 1.5 times the needed one): a widget's axis then keeps still for most
        moves, which makes two pictures easy to compare (and saves redrawing the axis).

        ``spike_cap``: show at most this many times the tallest bar, so a collapsing component's
        spike goes off the top instead of flattening the histogram.
        """
        bars = float(self.histogram.get_data().values.max())
        top = max(bars, float(np.nanmax(self.mixture.get_ydata())))
        if spike_cap is not None:
            top = min(top, spike_cap * bars)
        needed = nice_ceiling(HEADROOM * top)
        bottom, current = self.ax.get_ylim()
        if not needed <= current <= 1.5 * needed:
            self.ax.set_ylim(bottom, needed)

    def fit_height_to_all(self, fits):
        """Set the top of the y-axis above the tallest bar and the peak of every mixture in
        ``fits`` (MixtureParams, drawn on this view's grid); the bottom stays where it is.

        For a view that flips between known fits (05's K slider): one scale for all of them, so
        the eye compares the curves, not the axes, and a move redraws no axis. Unlike
        ``fit_height`` the top does not depend on what was shown before.

        Examples
        --------
        >>> fig, ax = plt.subplots()
        >>> wide = mixlib.MixtureParams([1.0], [0.5], [1.0])
        >>> view = draw_density_view(ax, [0.0, 1.0], wide)
        >>> view.fit_height_to_all([wide, mixlib.MixtureParams([1.0], [0.5], [0.1])])
        >>> [float(limit) for limit in ax.get_ylim()]
        [0.0, 5.0]
        """
        peaks = [float(weighted_component_densities(self.grid, params).sum(axis=0).max())
                 for params in fits]
        top = max([float(self.histogram.get_data().values.max()), *peaks])
        self.ax.set_ylim(self.ax.get_ylim()[0], nice_ceiling(HEADROOM * top))


def _edges(x, bins):
    if np.ndim(bins) == 0:
        return histogram_bins(x, n_bins=int(bins))
    return np.asarray(bins, dtype=float)


def draw_density_view(ax, x, params, *, max_k=None, bins=None, grid=None, xlabel="x",
                      data_label="data", mixture_label="mixture density",
                      component_labels=None, legend=None):
    """Draw a density histogram of ``x`` with the mixture density and each weighted component.

    Parameters
    ----------
    ax : matplotlib Axes
    x : 1-D array-like, the data
    params : MixtureParams, the mixture drawn first
    max_k : int or None, room for this many components (default ``params.k``), so one view
        can show fits with any K up to it
    bins : int, sequence of edges or None
        about this many bins, or the edges (default ``histogram_bins(x)``: 30 bins, edges at
        halves for whole-number data)
    grid : array or None, where to evaluate the densities (default ``density_grid(x, params)``)
    xlabel : str, the x-axis label (say the units)
    data_label, mixture_label : str, legend labels of the histogram and the mixture curve
    component_labels : list of str or None, one per slot (default ``"component k"``)
    legend : dict or None, keyword arguments of ``ax.legend`` (default: small, upper right);
        ``False`` for no legend

    Returns
    -------
    DensityView

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    >>> view = draw_density_view(ax, mixlib.sample(p, 200, rng=0), p, max_k=3)
    >>> len(view.components), [t.get_text() for t in ax.get_legend().get_texts()]
    (3, ['data', 'component 1', 'component 2', 'mixture density'])
    """
    x = as_data(x)
    params = check_params(params)
    max_k = params.k if max_k is None else max_k
    if component_labels is None:
        component_labels = [f"component {k + 1}" for k in range(max_k)]
    histogram = ax.stairs([0.0], [0.0, 1.0], fill=True, facecolor=HISTOGRAM_COLOUR,
                          edgecolor=HISTOGRAM_EDGE_COLOUR, linewidth=0.8, label=data_label)
    components = [
        ax.plot([], [], color=PALETTE[k % len(PALETTE)], lw=1.5, ls="--", zorder=3,
                label=component_labels[k])[0]
        for k in range(max_k)
    ]
    (mixture,) = ax.plot([], [], color=MIXTURE_COLOUR, lw=2, label=mixture_label)
    legend_kwargs = None if legend is False else (legend or {"loc": "upper right",
                                                             "fontsize": "small"})
    view = DensityView(ax, histogram, mixture, components, np.empty(0), legend_kwargs)
    view.show_data(x, params, bins=bins, grid=grid)
    ax.set_ylim(0, 1.0)
    view.fit_height()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    return view
