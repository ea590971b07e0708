"""Shared look (colour-blind-safe palette) and the log-likelihood contour over two means."""

from __future__ import annotations

import numpy as np

from .._checks import as_data
from ..density import weighted_component_logpdf
from ..params import check_params

# Okabe & Ito's (2008) colour-blind-safe hues, darkened where needed so every colour has at least
# 3:1 contrast on white (WCAG 2.1, 1.4.11 for graphics): blue, ochre (was orange #E69F00, 2.2:1),
# bluish green, reddish purple, sky blue (#56B4E9, 2.3:1), brick red (vermillion #D55E00 would be
# confused with the darker ochre by deuteranopes), grey (yellow #F0E442, 1.3:1), black. Every pair
# among the first five, and the sixth and seventh against all others, stays >= 10 apart (CIELAB
# delta E) under simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009):
# tests/test_palette.py checks both.
PALETTE = ("#0072B2", "#B07200", "#009E73", "#C07199", "#3F8FBF", "#C0392B", "#767676", "#000000")
MIXTURE_COLOUR = "#000000"
# The histogram behind the curves: a light fill (the curves stay readable over it) and an outline
# with 4.5:1 contrast on white that carries its shape.
HISTOGRAM_COLOUR = "#D9D9D9"
HISTOGRAM_EDGE_COLOUR = "#767676"


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
    mu1_values, mu2_values = as_data(mu1_values, "mu1_values"), as_data(mu2_values, "mu2_values")
    log_weights, log_sds = np.log(params.weights), np.log(params.sds)

    def terms(k, means):
        # component k's log w_k + log N(x | mu, sd_k^2) for every mu on its axis: len(means) x N
        return weighted_component_logpdf(x, np.full(means.size, log_weights[k]), means,
                                         np.full(means.size, log_sds[k]))

    first, second = terms(0, mu1_values), terms(1, mu2_values)
    held = weighted_component_logpdf(x, log_weights[2:], params.means[2:], log_sds[2:])
    surface = np.empty((mu2_values.size, mu1_values.size))
    row = np.empty_like(first)
    for i in range(mu2_values.size):  # one grid row at a time: len(mu1) x N floats in memory
        np.logaddexp(first, second[i], out=row)
        for component in held:
            np.logaddexp(row, component, out=row)
        surface[i] = row.sum(axis=1)
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
