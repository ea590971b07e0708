"""Matplotlib views of mixtures. The numerics never import this; widgets build on it.

Every figure uses the Okabe-Ito colour-blind-safe palette (``PALETTE``) and labels its axes.
Topic views live in submodules (``mixlib.plotting.<topic>``); the shared views are here.
"""

from .core import (
    PALETTE,
    component_densities,
    density_grid,
    log_likelihood_surface,
    plot_density_over_histogram,
    plot_log_likelihood_contour,
    plot_trace,
    update_density_lines,
)

__all__ = [
    "PALETTE",
    "component_densities",
    "density_grid",
    "log_likelihood_surface",
    "plot_density_over_histogram",
    "plot_log_likelihood_contour",
    "plot_trace",
    "update_density_lines",
]
