"""Views of EM at work (04, 06): points coloured by their responsibility (the trace is in
``mixlib.plotting.trace``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from .._checks import as_data
from ..density import responsibilities
from .core import PALETTE

# The rug's colour links a point to a component: r_ik = 1 in component k's own colour (the colour
# its curve has in draw_density_view), r_ik = 0 in the other component's colour, and grey between
# (a point EM is unsure about). The palette's blue and orange are told apart with any colour
# vision; the grey middle keeps "unsure" from reading as either component.
RESPONSIBILITY_MIDDLE = "#999999"


def responsibility_cmap(component=0, k=2):
    """The colour map of the rug for ``r_ik``: from another component's colour to component k's.

    Parameters
    ----------
    component : int, the component k whose responsibility is shown (its colour at r = 1)
    k : int, the number of components; with two, r = 0 means the other one and takes its colour,
        with more, r = 0 is white-grey (it could be any of the others)

    Returns
    -------
    matplotlib.colors.LinearSegmentedColormap

    Examples
    --------
    >>> from matplotlib.colors import to_hex
    >>> cmap = responsibility_cmap(0)
    >>> to_hex(cmap(1.0)).upper() == PALETTE[0], to_hex(cmap(0.0)).upper() == PALETTE[1]
    (True, True)
    """
    own = PALETTE[component % len(PALETTE)]
    other = PALETTE[(1 - component) % len(PALETTE)] if k == 2 else "#E6E6E6"
    return LinearSegmentedColormap.from_list(f"responsibility_{component}", [other, RESPONSIBILITY_MIDDLE, own])


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
    component : int, which column ``k`` of ``responsibilities`` colours the points: r_ik = 1 in
        component k's colour (as ``draw_density_view`` draws its curve), r_ik = 0 in the other
        component's colour, grey in between (``responsibility_cmap``)
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
    cmap = responsibility_cmap(component, params.k)
    points = ax.scatter(x, np.full(x.size, -height), c=np.zeros(x.size), cmap=cmap,
                        vmin=0.0, vmax=1.0, marker="|", s=80, linewidths=0.8)
    ax.set_ylim(-2.5 * height, top)
    if colorbar:
        ax.figure.colorbar(points, ax=ax, label=rf"responsibility $r_{{i{component + 1}}}$")
    rug = ResponsibilityRug(points, component)
    rug.show_params(x, params)
    return rug
