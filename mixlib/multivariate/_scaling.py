"""Kept for imports of the old name: the scaling of d-D fits lives in ``mixlib._scaling``."""

from .._scaling import PointScaling as MultivariateScaling  # noqa: F401
