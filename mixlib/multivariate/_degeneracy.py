"""Kept for imports of the old names: the degeneracy rules live in ``mixlib._degeneracy``."""

from .._degeneracy import covariance_degeneracies as degeneracies  # noqa: F401
from .._scaling import VARIANCE_FLOOR  # noqa: F401
