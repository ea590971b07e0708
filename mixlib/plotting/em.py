"""Views for notebook 04: points coloured by their responsibility, under a histogram."""

from __future__ import annotations

import numpy as np

from .._checks import as_data
from ..density import responsibilities

# cividis is designed to be read the same with any colour vision.
RESPONSIBILITY_CMAP = "cividis"


def draw_responsibility_rug(ax, x, params, *, component=0, height=None, colorbar=True):
    """Draw the data as a rug under the histogram, coloured by ``r_ik`` for one component.

    Parameters
    ----------
    ax : matplotlib Axes (usually holding ``plot_density_over_histogram``)
    x : 1-D array-like, the data
    params : MixtureParams, where the responsibilities are computed
    component : int, which column ``k`` of ``responsibilities`` colours the points
    height : float or None, how far below 0 the rug sits (default 4% of the current y-range)
    colorbar : bool, add a colour bar labelled with the responsibility

    Returns
    -------
    the PathCollection (its ``get_array()`` holds ``r_ik``); update it with
    ``update_responsibility_rug``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    >>> rug = draw_responsibility_rug(ax, [0.0, 2.0], p, colorbar=False)
    >>> rug.get_array().round(3).tolist()
    [0.5, 0.018]
    >>> plt.close(fig)
    """
    x = as_data(x)
    top = ax.get_ylim()[1]
    height = 0.04 * top if height is None else height
    rug = ax.scatter(x, np.full(x.size, -height), c=np.zeros(x.size), cmap=RESPONSIBILITY_CMAP,
                     vmin=0.0, vmax=1.0, marker="|", s=80, linewidths=0.8)
    rug.mixlib_component = component
    ax.set_ylim(-2.5 * height, top)
    if colorbar:
        ax.figure.colorbar(rug, ax=ax, label=rf"responsibility $r_{{i{component + 1}}}$")
    update_responsibility_rug(rug, x, params)
    return rug


def update_responsibility_rug(rug, x, params):
    """Recolour the rug by the responsibilities at ``params`` (E-step from ``mixlib``)."""
    rug.set_array(responsibilities(x, params)[:, rug.mixlib_component])
