"""mixlib: 1-D Gaussian mixtures for the mixture-notebooks teaching collection.

The numerics (this namespace) need only numpy and scipy. Plots live in ``mixlib.plotting``
(matplotlib) and widgets in ``mixlib.widgets`` (ipywidgets); import those explicitly.

Examples
--------
>>> import mixlib
>>> truth, n, p0 = mixlib.datasets.original_example()
>>> x = mixlib.sample(truth, n, rng=0)
>>> fit = mixlib.fit_em(x, p0)
>>> fit.converged
True
"""

from . import datasets
from .criteria import aic, bic, icl, n_free_parameters
from .density import log_likelihood, logpdf, pdf, responsibilities
from .direct import (
    StandardErrors,
    fit_direct,
    from_unconstrained,
    negloglik,
    negloglik_grad,
    standard_errors,
    to_unconstrained,
)
from .convergence import projected_gain, run_converged
from .em import em_step, fit_em
from .model_selection import KChoice, choose_k, held_out_log_likelihood
from .params import MixtureParams
from .priors import ConjugatePrior
from .result import ConvergenceWarning, DegenerateFitWarning, FitResult
from .sampling import sample

__version__ = "0.1.0"

__all__ = [
    "ConjugatePrior",
    "ConvergenceWarning",
    "DegenerateFitWarning",
    "FitResult",
    "KChoice",
    "MixtureParams",
    "StandardErrors",
    "aic",
    "bic",
    "choose_k",
    "datasets",
    "em_step",
    "fit_direct",
    "fit_em",
    "from_unconstrained",
    "held_out_log_likelihood",
    "icl",
    "log_likelihood",
    "logpdf",
    "n_free_parameters",
    "negloglik",
    "negloglik_grad",
    "pdf",
    "projected_gain",
    "responsibilities",
    "run_converged",
    "sample",
    "standard_errors",
    "to_unconstrained",
]
