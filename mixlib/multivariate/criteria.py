"""The d-D criteria under their short names; they live with the 1-D ones in ``mixlib.criteria``."""

from ..criteria import multivariate_aic as aic  # noqa: F401
from ..criteria import multivariate_bic as bic  # noqa: F401
from ..criteria import multivariate_icl as icl  # noqa: F401
