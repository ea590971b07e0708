"""Views of 2-D mixtures: points coloured by their responsibilities, covariances as ellipses."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from ..multivariate import responsibilities
from ..multivariate.params import check_params
from .core import PALETTE

_CIRCLE = np.linspace(0.0, 2.0 * np.pi, 97)


def ellipse_points(mean, covariance, n_sd=2.0) -> np.ndarray:
    """(97, 2) points on the ellipse ``(x - mean)^T covariance^-1 (x - mean) = n_sd^2``.

    With ``covariance = L L^T`` the ellipse is ``mean + n_sd L u`` for unit vectors ``u``: the
    Cholesky factor maps the unit circle onto it (no inverse, no eigen-decomposition).

    Parameters
    ----------
    mean : array-like (2,)
    covariance : array-like (2, 2), symmetric positive definite
    n_sd : float, the Mahalanobis radius (2: about 86% of a 2-D normal's mass inside)

    Returns
    -------
    numpy.ndarray (97, 2), closed (the last point repeats the first)

    Examples
    --------
    >>> pts = ellipse_points([0.0, 0.0], [[4.0, 0.0], [0.0, 1.0]], n_sd=1.0)
    >>> np.abs(pts).max(axis=0).round(3).tolist()
    [2.0, 1.0]
    """
    chol = np.linalg.cholesky(np.asarray(covariance, dtype=float))
    unit = np.stack([np.cos(_CIRCLE), np.sin(_CIRCLE)])
    return (np.asarray(mean, dtype=float)[:, None] + n_sd * chol @ unit).T


def component_colour(j):
    """The colour of component ``j`` (0-based): the palette's, cycling after its last.

    Examples
    --------
    >>> component_colour(0) == component_colour(len(PALETTE)) == PALETTE[0]
    True
    """
    return PALETTE[j % len(PALETTE)]


def responsibility_colours(resp) -> np.ndarray:
    """(n, 3) RGB colours: each point's mix of the component colours, weighted by its
    responsibilities (a sure point has its component's colour, a boundary point a blend).

    Examples
    --------
    >>> responsibility_colours(np.array([[1.0, 0.0]])).round(3).tolist()
    [[0.0, 0.447, 0.698]]
    """
    palette = np.array([to_rgb(component_colour(j)) for j in range(resp.shape[1])])
    return resp @ palette


class MixtureView2D:
    """The artists of a 2-D mixture view, updated in place by ``show_params``.

    Any number of components: ``show_params`` adds ellipses for components it has not drawn
    before and empties those of components the new parameters lack, so one view shows a K = 2
    start, then a K = 3 one, then K = 2 again.

    Attributes: ``points`` (the scatter), ``ellipses`` (one line per component and radius, in
    component order; those past ``params.k`` are empty), ``centres`` (the means), ``params``
    (what is shown).
    """

    def __init__(self, ax, X, params, n_sds=(1.0, 2.0), xlabel="x1", ylabel="x2", size=14):
        self.ax = ax
        self.X = np.asarray(X, dtype=float)
        self.n_sds = tuple(n_sds)
        self.points = ax.scatter(self.X[:, 0], self.X[:, 1], s=size, linewidths=0)
        self.ellipses = []
        self.centres = ax.scatter(params.means[:, 0], params.means[:, 1], marker="X", s=80,
                                  c=[component_colour(j) for j in range(params.k)],
                                  edgecolors="black", zorder=3)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        self.params = None
        self.show_params(params)

    def _add_ellipses(self, k):
        """Lines for the ellipses of components up to ``k`` (those not drawn before)."""
        while len(self.ellipses) < k * len(self.n_sds):
            j, i = divmod(len(self.ellipses), len(self.n_sds))
            (line,) = self.ax.plot([], [], color=component_colour(j), lw=2.0 if i == 0 else 1.0,
                                   alpha=1.0 if i == 0 else 0.6)
            self.ellipses.append(line)

    def show_params(self, params):
        """Recolour the points and move the ellipses and centres to ``params`` (any K)."""
        params = check_params(params)
        self._add_ellipses(params.k)
        self.points.set_facecolor(responsibility_colours(responsibilities(self.X, params)))
        lines = iter(self.ellipses)
        for mean, cov in zip(params.means, params.covariances):
            for n_sd in self.n_sds:
                pts = ellipse_points(mean, cov, n_sd)
                next(lines).set_data(pts[:, 0], pts[:, 1])
        for line in lines:  # components the new parameters lack
            line.set_data([], [])
        self.centres.set_offsets(params.means)
        self.centres.set_facecolor([component_colour(j) for j in range(params.k)])
        self.params = params


def draw_mixture_2d(ax, X, params, *, n_sds=(1.0, 2.0), xlabel="x1", ylabel="x2", title=None):
    """Draw 2-D points coloured by responsibility, with each component's 1- and 2-sd ellipses.

    Parameters
    ----------
    ax : matplotlib Axes
    X : array-like (n, 2)
    params : MultivariateParams with d = 2
    n_sds : the Mahalanobis radii of the ellipses drawn per component
    xlabel, ylabel, title : str (say the units)

    Returns
    -------
    MixtureView2D, whose ``show_params`` moves the view to other parameters

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mixlib.multivariate import MultivariateParams
    >>> p = MultivariateParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])
    >>> fig, ax = plt.subplots()
    >>> view = draw_mixture_2d(ax, [[0.0, 0.0], [1.0, 1.0]], p)
    >>> len(view.ellipses)
    4
    >>> plt.close(fig)
    """
    view = MixtureView2D(ax, X, check_params(params), n_sds, xlabel, ylabel)
    if title is not None:
        ax.set_title(title, fontsize="small")
    return view
