"""Matplotlib views of mixtures. The numerics never import this; widgets build on it.

Every figure uses a colour-blind-safe palette with 3:1 contrast on white (``PALETTE``) and labels
its axes. Imported in a notebook, it displays figures sharp on high-density screens (``inline``).
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
from .trace import draw_trace, update_trace
from .inline import use_sharp_figures

# In a notebook (inline backend): figures at twice the pixels in 256 colours (see inline.py).
use_sharp_figures()

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
