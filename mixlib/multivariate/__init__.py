"""Gaussian mixtures in d dimensions: parameters, densities, EM, covariance structures, clustering.

Also: ``sample``; ``choose_k`` and ``held_out_log_likelihood`` over K and covariance structures
(AIC, BIC, ICL, held-out); MAP-EM with mclust's conjugate prior (``fit_em(..., prior="default")``,
``MultivariateConjugatePrior``); a k-means start (``init_method="kmeans"``); ``reg_covar``. The
scaling, degeneracy rules, criteria, starts and parameter classes are shared with the 1-D core
(``mixlib._scaling``, ``mixlib._degeneracy``, ``mixlib.criteria``, ``mixlib.starts``,
``mixlib.params``).

The same care as the 1-D core (``mixlib``): validated immutable parameters, log space from
Cholesky factors (never an inverse or a determinant), vectorised over points, and a ``fit_em``
with the 1-D one's stopping rule, starts and warnings, returning a ``mixlib.FitResult``.

Examples
--------
>>> from mixlib import multivariate as mv
>>> rng = np.random.default_rng(1)
>>> X = np.r_[rng.normal(0, 1, (100, 2)), rng.normal(4, 0.5, (100, 2))]
>>> fit = mv.fit_em(X, k=2, covariance="diag")
>>> fit.converged, mv.hard_assignments(X, fit.params).shape
(True, (200,))
"""

from .clustering import (
    assignment_uncertainty,
    hard_assignments,
    kmeans,
    shared_spherical_em,
    standardise,
)
from .covariance import COVARIANCE_TYPES, n_covariance_parameters, n_free_parameters
from .criteria import aic, bic, icl
from .density import log_likelihood, logpdf, responsibilities
from .em import em_step, fit_em
from .params import MultivariateParams
from ..model_selection import MultivariateKChoice
from ..model_selection import multivariate_choose_k as choose_k
from ..model_selection import multivariate_held_out_log_likelihood as held_out_log_likelihood
from ..priors import MultivariateConjugatePrior
from ..sampling import multivariate_sample as sample

__all__ = [
    "COVARIANCE_TYPES",
    "MultivariateConjugatePrior",
    "MultivariateKChoice",
    "MultivariateParams",
    "aic",
    "assignment_uncertainty",
    "bic",
    "choose_k",
    "em_step",
    "fit_em",
    "hard_assignments",
    "held_out_log_likelihood",
    "icl",
    "kmeans",
    "log_likelihood",
    "logpdf",
    "n_covariance_parameters",
    "n_free_parameters",
    "responsibilities",
    "sample",
    "shared_spherical_em",
    "standardise",
]
