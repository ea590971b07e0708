"""The d-D starts under their old module name; they live with the 1-D ones in ``mixlib.starts``."""

from ..starts import kmeans_start, principal_axis_start  # noqa: F401
from ..starts import multivariate_starting_points as starting_points  # noqa: F401
from ..starts import random_point_start as random_start  # noqa: F401
