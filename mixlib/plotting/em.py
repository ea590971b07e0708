"""Views of EM at work (04, 06): points coloured by their responsibility (the trace is in
``mixlib.plotting.trace``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from .._checks import as_data
from ..density import responsibilities
from .axes_limits import nice_ceiling, round_limits
from .core import PALETTE

# cividis is designed to be read the same with any colour vision.
RESPONSIBILITY_CMAP = "cividis"


@dataclass(eq=False)
class ResponsibilityRug:
    """The rug of ``draw_responsibility_rug``: its points and the component colouring them."""

    points: object  # the PathCollection; get_array() holds r_ik
    component: int

    def show_params(self, x, params):
        """Recolour the rug by the responsibilities at ``params`` (E-step from ``mixlib``)."""
        self.points.set_array(responsibilities(x, params)[:, self.component])


def draw_responsibility_rug(ax, x, params, *, component=0, height=None, colorbar=True):
    """Draw the data as a rug under the histogram, coloured by ``r_ik`` for one component.

    Parameters
    ----------
    ax : matplotlib Axes (usually holding ``draw_density_view``)
    x : 1-D array-like, the data
    params : MixtureParams, where the responsibilities are computed
    component : int, which column ``k`` of ``responsibilities`` colours the points
    height : float or None, how far below 0 the rug sits (default 4% of the current y-range)
    colorbar : bool, add a colour bar labelled with the responsibility

    Returns
    -------
    ResponsibilityRug; recolour it with its ``show_params(x, params)``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> p = mixlib.MixtureParams([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    >>> rug = draw_responsibility_rug(ax, [0.0, 2.0], p, colorbar=False)
    >>> rug.points.get_array().round(3).tolist()
    [0.5, 0.018]
    """
    x = as_data(x)
    top = ax.get_ylim()[1]
    height = 0.04 * top if height is None else height
    points = ax.scatter(x, np.full(x.size, -height), c=np.zeros(x.size), cmap=RESPONSIBILITY_CMAP,
                        vmin=0.0, vmax=1.0, marker="|", s=80, linewidths=0.8)
    ax.set_ylim(-2.5 * height, top)
    if colorbar:
        ax.figure.colorbar(points, ax=ax, label=rf"responsibility $r_{{i{component + 1}}}$")
    rug = ResponsibilityRug(points, component)
    rug.show_params(x, params)
    return rug
