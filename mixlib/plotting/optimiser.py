"""Views for notebook 03: an optimiser's path over the (mu1, mu2) log-likelihood contour."""

from __future__ import annotations

import numpy as np

from .core import PALETTE


def means_path(params_path):
    """The first two means of each point on a path, as two arrays ``(mu1, mu2)``.

    Parameters
    ----------
    params_path : sequence of MixtureParams (the start, then one per iteration)

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> import mixlib
    >>> p = mixlib.MixtureParams([0.5, 0.5], [-0.2, 0.8], [0.2, 0.2])
    >>> [a.tolist() for a in means_path([p, p])]
    [[-0.2, -0.2], [0.8, 0.8]]
    """
    means = np.array([p.means[:2] for p in params_path], dtype=float).reshape(-1, 2)
    return means[:, 0], means[:, 1]


def draw_path(ax, colour=PALETTE[5], label="optimiser path", *, marker=".", ls="-"):
    """Empty artists for a path on a (mu1, mu2) plot: the line, a start and an end marker.

    Parameters
    ----------
    ax : matplotlib Axes (usually holding ``plot_log_likelihood_contour``)
    colour : str, the line colour
    label : str, the legend label of the line
    marker, ls : the iterates' marker and the line style; give two paths on one plot different
        ones, so they differ without colour too

    Returns
    -------
    dict with ``"line"``, ``"start"`` and ``"end"`` (Line2D), filled by ``update_path``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> sorted(draw_path(ax))
    ['end', 'line', 'start']
    >>> plt.close(fig)
    """
    (line,) = ax.plot([], [], color=colour, marker=marker, ms=4, lw=1.2, ls=ls, label=label)
    (start,) = ax.plot([], [], color=colour, marker="o", ms=8, mfc="white", ls="none", label="start")
    (end,) = ax.plot([], [], color=colour, marker="*", ms=12, mec="black", ls="none", label="end")
    return {"line": line, "start": start, "end": end}


def update_path(artists, params_path):
    """Show ``params_path`` (start first) in the artists made by ``draw_path``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> artists = draw_path(ax)
    >>> p = mixlib.MixtureParams([0.5, 0.5], [-0.2, 0.8], [0.2, 0.2])
    >>> update_path(artists, [p])
    >>> artists["end"].get_xdata().tolist()
    [-0.2]
    >>> plt.close(fig)
    """
    update_path_means(artists, *means_path(params_path))


def update_path_means(artists, mu1, mu2):
    """Show a path given as its two means' values (start first) in the artists of ``draw_path``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_path(ax)
    >>> update_path_means(artists, [0.0, 0.1], [1.0, 0.9])
    >>> artists["start"].get_xdata().tolist(), artists["end"].get_ydata().tolist()
    ([0.0], [0.9])
    >>> plt.close(fig)
    """
    mu1, mu2 = np.asarray(mu1, dtype=float), np.asarray(mu2, dtype=float)
    artists["line"].set_data(mu1, mu2)
    artists["start"].set_data(mu1[:1], mu2[:1])
    artists["end"].set_data(mu1[-1:], mu2[-1:])
