"""Matplotlib views of mixtures. The numerics never import this; widgets build on it.

Every figure uses the Okabe-Ito colour-blind-safe palette (``PALETTE``) and labels its axes.
The density over a histogram (``draw_density_view``) serves every notebook; topic views live in
submodules (``mixlib.plotting.<topic>``).
"""

from .core import PALETTE, log_likelihood_surface, plot_log_likelihood_contour
from .density_view import (
    DensityView,
    density_grid,
    draw_density_view,
    histogram_bins,
    weighted_component_densities,
)
from .em import draw_trace, update_trace

__all__ = [
    "PALETTE",
    "DensityView",
    "density_grid",
    "draw_density_view",
    "draw_trace",
    "histogram_bins",
    "log_likelihood_surface",
    "plot_log_likelihood_contour",
    "update_trace",
    "weighted_component_densities",
]
