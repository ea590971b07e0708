"""Shared views: a mixture density over a histogram, a log-likelihood contour, a trace."""

from __future__ import annotations

import numpy as np

from .._checks import as_data
from ..density import log_likelihood, pdf
from ..params import MixtureParams, check_params

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MIXTURE_COLOUR = "#000000"
HISTOGRAM_COLOUR = "#BBBBBB"


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
    >>> import mixlib
    >>> density_grid([0.0, 1.0], mixlib.MixtureParams([1.0], [0.5], [0.1]), n_points=3).round(3).tolist()
    [-0.15, 0.5, 1.15]
    """
    x = as_data(x)
    params = check_params(params)
    low = min(x.min(), (params.means - 3 * params.sds).min())
    high = max(x.max(), (params.means + 3 * params.sds).max())
    span = high - low
    return np.linspace(low - pad * span, high + pad * span, n_points)


def plot_density_over_histogram(ax, x, params, *, bins=40, show_components=True, grid=None,
                                xlabel="x", label="mixture density"):
    """Draw a density histogram of ``x`` with the mixture density (and each weighted component).

    Parameters
    ----------
    ax : matplotlib Axes
    x : 1-D array-like, the data
    params : MixtureParams, the mixture to draw
    bins : int or sequence, histogram bins
    show_components : bool, also draw ``w_k N(x | mu_k, sd_k^2)`` for each component
    grid : array or None, where to evaluate the density (default ``density_grid``)
    xlabel : str, the x-axis label (say the units)
    label : str, legend label of the mixture curve

    Returns
    -------
    dict with ``"grid"``, ``"mixture"`` (the Line2D of the mixture density) and ``"components"``
    (a list of Line2D), so a widget can update them with ``update_density_lines``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    >>> artists = plot_density_over_histogram(ax, mixlib.sample(p, 200, rng=0), p)
    >>> len(artists["components"])
    2
    >>> plt.close(fig)
    """
    x = as_data(x)
    params = check_params(params)
    if grid is None:
        grid = density_grid(x, params)
    ax.hist(x, bins=bins, density=True, color=HISTOGRAM_COLOUR, edgecolor="white", label="data")
    components = []
    if show_components:
        for k in range(params.k):
            (line,) = ax.plot(grid, np.zeros_like(grid), color=PALETTE[k % len(PALETTE)],
                              lw=1.5, ls="--", label=f"component {k + 1}")
            components.append(line)
    (mixture,) = ax.plot(grid, np.zeros_like(grid), color=MIXTURE_COLOUR, lw=2, label=label)
    artists = {"grid": grid, "mixture": mixture, "components": components}
    update_density_lines(artists, params)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.legend(loc="upper right", fontsize="small")
    return artists


def component_densities(grid, params):
    """K x len(grid) array of the weighted components ``w_k N(grid | mu_k, sd_k^2)``.

    Examples
    --------
    >>> import mixlib
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    >>> component_densities([0.0], p).round(4).tolist()
    [[0.1995], [0.121]]
    """
    params = check_params(params)
    grid = as_data(grid, name="grid")
    return np.array([
        w * pdf(grid, MixtureParams([1.0], [mu], [sd]))
        for w, mu, sd in zip(params.weights, params.means, params.sds)
    ])


def update_density_lines(artists, params):
    """Set the y-data of the lines drawn by ``plot_density_over_histogram`` for new ``params``.

    Parameters
    ----------
    artists : dict returned by ``plot_density_over_histogram``
    params : MixtureParams with the same number of components

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.2, 0.2])
    >>> artists = plot_density_over_histogram(ax, [0.0, 1.0], p)
    >>> update_density_lines(artists, mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.3, 0.3]))
    >>> plt.close(fig)
    """
    params = check_params(params)
    grid = artists["grid"]
    artists["mixture"].set_ydata(pdf(grid, params))
    for line, component in zip(artists["components"], component_densities(grid, params)):
        line.set_ydata(component)


def log_likelihood_surface(x, params, mu1_values, mu2_values):
    """Log-likelihood over a grid of the first two means, other parameters held at ``params``.

    Parameters
    ----------
    x : 1-D array-like, the data
    params : MixtureParams with at least two components
    mu1_values, mu2_values : 1-D arrays, the grid

    Returns
    -------
    numpy.ndarray of shape (len(mu2_values), len(mu1_values)) (rows follow mu2, as contour expects)

    Examples
    --------
    >>> import mixlib
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.5, 0.5])
    >>> log_likelihood_surface([0.0, 1.0], p, [0.0, 1.0], [0.0, 1.0, 2.0]).shape
    (3, 2)
    """
    x = as_data(x)
    params = check_params(params)
    if params.k < 2:
        raise ValueError(f"params: a surface over (mu1, mu2) needs k >= 2, got k={params.k}")
    surface = np.empty((len(mu2_values), len(mu1_values)))
    for i, mu2 in enumerate(mu2_values):
        for j, mu1 in enumerate(mu1_values):
            means = params.means.copy()
            means[0], means[1] = mu1, mu2
            surface[i, j] = log_likelihood(x, MixtureParams(params.weights, means, params.sds))
    return surface


def plot_log_likelihood_contour(ax, x, params, mu1_values, mu2_values, *, levels=30,
                                floor_below_max=None):
    """Contour plot of ``log_likelihood_surface`` with labelled axes and a colour bar.

    Parameters
    ----------
    ax : matplotlib Axes
    x, params, mu1_values, mu2_values : as for ``log_likelihood_surface``
    levels : int, number of contour levels
    floor_below_max : float or None, clip the surface this far below its maximum so the
        interesting region keeps its contours

    Returns
    -------
    (surface, contour set)

    Examples
    --------
    >>> import matplotlib.pyplot as plt, numpy as np, mixlib
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.5, 0.5], [0.0, 1.0], [0.5, 0.5])
    >>> grid = np.linspace(-1, 2, 5)
    >>> surface, _ = plot_log_likelihood_contour(ax, [0.0, 1.0], p, grid, grid)
    >>> surface.shape
    (5, 5)
    >>> plt.close(fig)
    """
    surface = log_likelihood_surface(x, params, mu1_values, mu2_values)
    shown = surface if floor_below_max is None else np.maximum(surface, surface.max() - floor_below_max)
    contours = ax.contourf(mu1_values, mu2_values, shown, levels=levels, cmap="viridis")
    ax.figure.colorbar(contours, ax=ax, label="log-likelihood")
    ax.set_xlabel(r"$\mu_1$")
    ax.set_ylabel(r"$\mu_2$")
    return surface, contours


def plot_trace(ax, history, *, label="log-likelihood", xlabel="iteration"):
    """Plot a log-likelihood history (``FitResult.history``) against iteration.

    Parameters
    ----------
    ax : matplotlib Axes
    history : 1-D array-like, ``history[0]`` at the start
    label, xlabel : str, axis labels

    Returns
    -------
    the Line2D

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> line = plot_trace(ax, [-10.0, -5.0, -4.0])
    >>> line.get_xdata().tolist()
    [0, 1, 2]
    >>> plt.close(fig)
    """
    history = as_data(history, name="history")
    (line,) = ax.plot(np.arange(history.size), history, color=PALETTE[0], marker=".", lw=1.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label)
    return line
