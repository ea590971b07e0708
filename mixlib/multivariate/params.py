"""``MultivariateParams`` under its old module name; it lives in ``mixlib.params`` with the 1-D
``MixtureParams``."""

from ..params import MultivariateParams, cholesky_or_raise  # noqa: F401
from ..params import check_multivariate_params as check_params  # noqa: F401
