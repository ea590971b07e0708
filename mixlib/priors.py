"""Conjugate priors for MAP-EM: a principled cure for the unbounded likelihood (notebook 08).

Each component's mean and variance get a normal-inverse-gamma prior, the weights a symmetric
Dirichlet prior (Fraley and Raftery 2007, "Bayesian regularization for normal mixture estimation
and model-based clustering", Journal of Classification 24, 155-181):

    mu_k | sigma_k^2 ~ N(mean, sigma_k^2 / shrinkage)
    sigma_k^2        ~ InverseGamma(dof / 2, scale / 2)
    weights          ~ Dirichlet(dirichlet, ..., dirichlet)

EM with the M-step replaced by the posterior mode (MAP) raises the *penalised* log-likelihood
``log L + log prior`` every step, and the mode of the variance is bounded below by
``scale / (n + dof + 3)``: no component can shrink onto a single value.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from ._checks import as_data, check_int
from ._scaling import power_of_two_sizes
from .params import check_params

# mclust's priorControl() defaults (its defaultPrior; Fraley and Raftery 2007), for d = 1.
DEFAULT_SHRINKAGE = 0.01
DEFAULT_DOF = 3.0  # d + 2
_TINY = float(np.finfo(np.float64).tiny)
_HUGE = float(np.finfo(np.float64).max)


def _check_hyper(value, name, minimum, strict=True):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    value = float(value)
    ok = np.isfinite(value) and (value > minimum if strict else value >= minimum)
    if not ok:
        bound = "" if minimum == -np.inf else f" {'>' if strict else '>='} {minimum:g}"
        raise ValueError(f"{name}: must be a finite number{bound}, got {value}")
    return value


@dataclass(frozen=True)
class ConjugatePrior:
    """Normal-inverse-gamma prior on each component's (mean, variance), Dirichlet on the weights.

    Parameters
    ----------
    mean : float, the prior mean of every component's mean (data units)
    shrinkage : float > 0, kappa: the prior mean counts as ``shrinkage`` observations
    dof : float > 0, nu: degrees of freedom of the inverse-gamma prior on each variance
    scale : float > 0, varsigma^2: the inverse gamma's scale (data units squared)
    dirichlet : float >= 1, alpha: the symmetric Dirichlet's parameter; 1 is flat (no weight prior)

    Examples
    --------
    >>> prior = ConjugatePrior(mean=0.0, shrinkage=0.01, dof=3.0, scale=0.25)
    >>> prior.dirichlet
    1.0
    >>> ConjugatePrior(0.0, 0.01, 3.0, scale=0.0)
    Traceback (most recent call last):
    ...
    ValueError: scale: must be a finite number > 0, got 0.0
    """

    mean: float
    shrinkage: float
    dof: float
    scale: float
    dirichlet: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "mean", _check_hyper(self.mean, "mean", -np.inf))
        object.__setattr__(self, "shrinkage", _check_hyper(self.shrinkage, "shrinkage", 0.0))
        object.__setattr__(self, "dof", _check_hyper(self.dof, "dof", 0.0))
        object.__setattr__(self, "scale", _check_hyper(self.scale, "scale", 0.0))
        # alpha < 1 puts the mode of the weights on the boundary (a weight of 0): no MAP M-step
        object.__setattr__(self, "dirichlet",
                           _check_hyper(self.dirichlet, "dirichlet", 1.0, strict=False))

    @classmethod
    def default(cls, x, k) -> "ConjugatePrior":
        """Fraley and Raftery's default (mclust's ``priorControl()``) for ``k`` components.

        Prior mean the data's mean, shrinkage 0.01, dof 3 (= d + 2), scale
        ``var(x) / k**2`` (their ``var / G^(2/d)`` with d = 1; ``var`` with the n - 1 divisor,
        as R's), and a flat Dirichlet (``dirichlet=1``: mclust puts no prior on the weights).

        Parameters
        ----------
        x : 1-D array-like of real numbers, at least two distinct values
        k : int >= 1, the number of components

        Returns
        -------
        ConjugatePrior

        Examples
        --------
        >>> p = ConjugatePrior.default([0.0, 1.0, 2.0, 3.0], 2)
        >>> p.mean, p.shrinkage, p.dof, round(p.scale, 4)
        (1.5, 0.01, 3.0, 0.4167)
        """
        x = as_data(x, min_points=2)
        k = check_int(k, "k", 1)
        if x.min() == x.max():
            raise ValueError("x: all values are identical, so there is no spread for the prior")
        # range-safe mean and spread (np.var squares the data: 0 at 1e-200, inf at 1e200)
        size = float(power_of_two_sizes(x[:, None])[0])
        y = x / size
        with np.errstate(over="ignore", under="ignore"):
            scale = float(np.var(y, ddof=1)) * size * size / k**2  # R's n - 1 divisor
        if not _TINY <= scale <= _HUGE:
            sd = float(np.std(y, ddof=1)) * size
            raise ValueError(
                f"x: its sd ({sd:.3g}) squared is outside the range of floats, so the default "
                "prior's scale var(x) / k^2 (a variance) cannot be represented; rescale x "
                "(for example to units near 1)")
        return cls(float(np.mean(y)) * size, DEFAULT_SHRINKAGE, DEFAULT_DOF, scale)

    def log_density(self, params, *, equal_sds=False) -> float:
        """Log prior density of ``params`` with respect to (means, variances, weights).

        With ``equal_sds=True`` the common variance gets one inverse-gamma term.

        Parameters
        ----------
        params : MixtureParams
        equal_sds : bool

        Returns
        -------
        float

        Examples
        --------
        >>> from mixlib import MixtureParams
        >>> prior = ConjugatePrior(0.0, 1.0, 2.0, 2.0)
        >>> round(prior.log_density(MixtureParams([1.0], [0.0], [1.0])), 4)  # N(0;0,1) * IG(1;1,1)
        -1.9189
        """
        params = check_params(params)
        return log_prior_density(self, params.weights, params.means, params.sds, bool(equal_sds))

    def standardised(self, centre, spread) -> "ConjugatePrior":
        """The same prior for the data ``(x - centre) / spread`` (fits run on standardised data).

        Examples
        --------
        >>> ConjugatePrior(10.0, 0.01, 3.0, 4.0).standardised(8.0, 2.0).scale
        1.0
        """
        # each ratio taken before any difference or square, so none overflows
        return ConjugatePrior(self.mean / spread - centre / spread, self.shrinkage, self.dof,
                              (np.sqrt(self.scale) / spread) ** 2, self.dirichlet)


def log_jacobian(spread, k, equal_sds=False) -> float:
    """``log prior(data units) - log prior(standardised units)`` for a fit with ``k`` components.

    Each mean scales by ``spread`` and each variance by ``spread**2``, so the density of the
    prior over them falls by ``spread`` per mean and ``spread**2`` per variance.

    Parameters
    ----------
    spread : float > 0, the standardising scale
    k : int, the number of components
    equal_sds : bool, one common variance instead of ``k``

    Returns
    -------
    float

    Examples
    --------
    >>> round(log_jacobian(np.e, 2), 12), round(log_jacobian(np.e, 2, equal_sds=True), 12)
    (-6.0, -4.0)
    """
    n_variances = 1 if equal_sds else k
    return -(k + 2 * n_variances) * float(np.log(spread))


def log_prior_density(prior, weights, means, sds, equal_sds):
    """``prior.log_density`` on plain arrays, unchecked (EM calls it every iteration).

    Parameters
    ----------
    prior : ConjugatePrior
    weights, means, sds : 1-D arrays of one length K
    equal_sds : bool

    Returns
    -------
    float

    Examples
    --------
    >>> prior = ConjugatePrior(0.0, 1.0, 2.0, 2.0)
    >>> round(log_prior_density(prior, np.ones(1), np.zeros(1), np.ones(1), False), 4)
    -1.9189
    """
    k = len(means)
    # in log sds and ratios, never sds squared: sd 1e-200 squares to 0 (log 0, 0 / 0)
    log_sds = np.log(sds)
    kappa, nu, varsigma2 = prior.shrinkage, prior.dof, prior.scale
    with np.errstate(over="ignore"):
        # mu_k | sigma_k^2 ~ N(mean, sigma_k^2 / kappa)
        gaps = (0.5 * means - 0.5 * prior.mean) / sds  # halves: means - mean cannot overflow
        log_normal = np.sum(-0.5 * np.log(2 * np.pi / kappa) - log_sds
                            - 2.0 * kappa * gaps ** 2)
        # sigma^2 ~ InverseGamma(nu / 2, varsigma2 / 2): once per variance
        ig = slice(0, 1) if equal_sds else slice(None)
        log_ig = np.sum(0.5 * nu * np.log(0.5 * varsigma2) - gammaln(0.5 * nu)
                        - (nu + 2) * log_sds[ig] - 0.5 * (np.sqrt(varsigma2) / sds[ig]) ** 2)
    alpha = prior.dirichlet
    log_dirichlet = gammaln(k * alpha) - k * gammaln(alpha)
    if alpha != 1.0:
        log_dirichlet += (alpha - 1) * np.sum(np.log(weights))
    return float(log_normal + log_ig + log_dirichlet)


def posterior_mode(prior, mass, means, scatter, equal_sds=False):
    """The MAP M-step: weights, means and variances that maximise E[log complete posterior].

    ``mass``, ``means`` and ``scatter`` are the responsibility-weighted counts n_k, means
    xbar_k and sums of squares about them W_k = sum_i r_ik (x_i - xbar_k)^2 (Fraley and Raftery
    2007, Table 2, models "V" and "E" in one dimension):

        mu_k      = (n_k xbar_k + kappa mean) / (n_k + kappa)
        sigma_k^2 = (scale + W_k + kappa n_k / (n_k + kappa) (xbar_k - mean)^2) / (n_k + nu + 3)
        pi_k      = (n_k + alpha - 1) / (n + K (alpha - 1))

    With equal sds the numerators add over k and the divisor is ``n + K + nu + 2``.

    Parameters
    ----------
    prior : ConjugatePrior (in the units of the data the moments come from)
    mass, means, scatter : 1-D arrays of length K (n_k, xbar_k, W_k)
    equal_sds : bool

    Returns
    -------
    (weights, means, variances), three arrays of length K

    Examples
    --------
    >>> prior = ConjugatePrior(mean=0.0, shrinkage=1.0, dof=1.0, scale=1.0)
    >>> w, m, v = posterior_mode(prior, np.array([4.0]), np.array([5.0]), np.array([8.0]))
    >>> w.tolist(), m.tolist(), v.tolist()   # mean 4 x 5 / (4 + 1); (1 + 8 + 4/5 x 25) / (4 + 4)
    ([1.0], [4.0], [3.625])
    """
    kappa, nu = prior.shrinkage, prior.dof
    k = mass.size
    new_means = (mass * means + kappa * prior.mean) / (mass + kappa)
    numerators = scatter + kappa * mass / (mass + kappa) * (means - prior.mean) ** 2
    if equal_sds:
        variances = np.full(k, (prior.scale + numerators.sum()) / (mass.sum() + k + nu + 2))
    else:
        variances = (prior.scale + numerators) / (mass + nu + 3)
    alpha = prior.dirichlet
    weights = (mass + alpha - 1) / (mass.sum() + k * (alpha - 1))
    return weights, new_means, variances


def check_prior(prior, x, k) -> ConjugatePrior | None:
    """``None``, ``"default"`` (``ConjugatePrior.default(x, k)``) or a ``ConjugatePrior``.

    Parameters
    ----------
    prior : the ``prior`` argument of ``fit_em`` or ``em_step``
    x : 1-D float array, the data (for "default")
    k : int, the number of components (for "default")

    Returns
    -------
    ConjugatePrior or None

    Examples
    --------
    >>> check_prior("default", np.array([0.0, 1.0, 2.0, 3.0]), 2).dof
    3.0
    >>> check_prior(None, np.zeros(3), 2) is None
    True
    """
    if prior is None:
        return None
    if isinstance(prior, ConjugatePrior):
        return check_prior_against_data(prior, x)
    if isinstance(prior, str):
        if prior != "default":
            raise ValueError(f"prior: expected None, 'default' or a ConjugatePrior, got {prior!r}")
        return ConjugatePrior.default(x, k)
    raise TypeError(
        f"prior: expected None, 'default' or a ConjugatePrior, got {type(prior).__name__}")


# In the data's standardised units, a prior mean this many sds from the data's centre or a
# scale this far from the data's variance would overflow the posterior mode's squares.
_FARTHEST_MEAN = 1e100
_SCALE_RANGE = (1e-200, 1e200)


def check_prior_against_data(prior, x) -> ConjugatePrior:
    """``prior`` if its hyperparameters are within reach of the data ``x``, else a ValueError
    naming ``prior``: fits run in the data's standardised units, where a prior mean 1e300 data
    sds away or a scale 1e-300 times the data's variance overflows the posterior mode.

    Examples
    --------
    >>> check_prior_against_data(ConjugatePrior(1e300, 0.01, 3.0, 1.0), np.array([0.0, 1.0]))
    Traceback (most recent call last):
    ...
    ValueError: prior: its mean 1e+300 lies 2e+300 data sds from the data's centre 0.5: too far for the posterior mode's arithmetic (at most 1e+100); choose a prior mean within reach of the data
    """
    from ._scaling import Scaling  # here: _scaling imports the params modules lazily too

    scaling = Scaling.of(x)
    with np.errstate(over="ignore"):
        gap = abs(prior.mean / scaling.scale - scaling.centre / scaling.scale)
        reach = gap * np.sqrt(max(prior.shrinkage, 1.0))
    if not reach <= _FARTHEST_MEAN:
        raise ValueError(
            f"prior: its mean {prior.mean:.3g} lies {gap:.3g} data sds from the data's "
            f"centre {scaling.centre:.3g}: too far for the posterior mode's arithmetic (at most "
            f"{_FARTHEST_MEAN:.3g}); choose a prior mean within reach of the data")
    log_ratio = np.log(prior.scale) - 2.0 * np.log(scaling.scale)
    low, high = _SCALE_RANGE
    if not np.log(low) <= log_ratio <= np.log(high):
        raise ValueError(
            f"prior: its scale {prior.scale:.3g} is 10^{log_ratio / np.log(10):.0f} times the "
            f"data's variance, outside [{low:.3g}, {high:.3g}]; choose a scale (a variance) in "
            "the data's units")
    return prior


# ---- d dimensions: mclust's conjugate prior for the four covariance structures -------------------

_LOG_2PI = float(np.log(2.0 * np.pi))


def _multigammaln(a, d):
    return d * (d - 1) / 4.0 * np.log(np.pi) + float(np.sum(gammaln(a - 0.5 * np.arange(d))))


class MultivariateConjugatePrior:
    """mclust's conjugate prior (Fraley and Raftery 2007) for a d-D mixture with one of the four
    covariance structures; ``mixlib.multivariate.fit_em(..., prior=...)`` then runs MAP-EM.

    Each mean ``mu_k | Sigma_k ~ N(mean, Sigma_k / shrinkage)``, and the covariances:

    - "full" (mclust VVV): each ``Sigma_k ~ InverseWishart(dof, scale)``
    - "tied" (EEE): the one shared ``Sigma ~ InverseWishart(dof, scale)``
    - "diag" (VVI): each variance ``sigma_kj^2 ~ InverseGamma(dof / 2, scale_jj / 2)``
    - "spherical" (VII): each ``sigma_k^2 ~ InverseGamma(dof / 2, trace(scale) / (2 d))``

    No prior on the weights (mclust's default). In one dimension, "full" is the 1-D
    ``ConjugatePrior`` with unequal sds and "tied" with equal sds.

    Parameters
    ----------
    mean : array-like (d,), the prior mean of every component's mean
    shrinkage : float > 0, kappa
    dof : float > d - 1, nu
    scale : array-like (d, d), symmetric positive definite (data units squared); the
        diag and spherical structures use its diagonal and its mean diagonal
    covariance : the structure this prior is for

    Examples
    --------
    >>> prior = MultivariateConjugatePrior([0.0, 0.0], 0.01, 4.0, np.eye(2))
    >>> prior.d, prior.covariance
    (2, 'full')
    """

    __slots__ = ("mean", "shrinkage", "dof", "scale", "covariance", "_scale_cholesky")

    def __init__(self, mean, shrinkage, dof, scale, covariance="full"):
        from ._checks import _finite_floats, _real_array
        from .multivariate.covariance import check_covariance_type

        mean = _finite_floats(_real_array(mean, "mean", "a 1-D array (d,)"), "mean")
        if mean.ndim != 1:
            raise ValueError(f"mean: expected a 1-D array (d,), got shape {mean.shape}")
        d = mean.size
        scale = _finite_floats(_real_array(scale, "scale", "a (d, d) array"), "scale")
        if scale.shape != (d, d):
            raise ValueError(f"scale: expected shape ({d}, {d}) for a {d}-dimensional mean, "
                             f"got {scale.shape}")
        scale = 0.5 * (scale + scale.T)
        try:
            chol = np.linalg.cholesky(scale)
        except np.linalg.LinAlgError:
            raise ValueError("scale: must be positive definite") from None
        for name, value in (("mean", mean), ("scale", scale)):
            value.setflags(write=False)
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "shrinkage", _check_hyper(shrinkage, "shrinkage", 0.0))
        object.__setattr__(self, "dof", _check_hyper(dof, "dof", d - 1.0))
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "covariance", check_covariance_type(covariance))
        object.__setattr__(self, "_scale_cholesky", chol)

    def __setattr__(self, name, value):
        raise AttributeError("MultivariateConjugatePrior is immutable: build a new one instead")

    d = property(lambda self: int(self.mean.size))

    def __repr__(self):
        return (f"MultivariateConjugatePrior(mean={self.mean.tolist()}, shrinkage={self.shrinkage}"
                f", dof={self.dof}, scale={self.scale.tolist()}, covariance={self.covariance!r})")

    @classmethod
    def default(cls, X, k, covariance="full") -> "MultivariateConjugatePrior":
        """mclust's ``defaultPrior`` (``priorControl()``) for ``k`` components and a structure.

        Mean ``colMeans(X)``, shrinkage 0.01, dof ``d + 2``; scale ``cov(X) / k^(2/d)`` for
        "full" and "tied", ``mean(diag(cov(X))) / k^(2/d) I`` for "diag" and "spherical"
        (covariances with R's n - 1 divisor).

        Parameters
        ----------
        X : array-like (n, d), at least two distinct points, no constant column
        k : int >= 1
        covariance : "full", "diag", "spherical" or "tied"

        Returns
        -------
        MultivariateConjugatePrior

        Examples
        --------
        >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
        >>> p = MultivariateConjugatePrior.default(X, 2)
        >>> p.mean.tolist(), p.dof, p.scale.round(4).tolist()
        ([1.0, 1.0], 4.0, [[0.6667, 0.0], [0.0, 0.6667]])
        """
        from ._checks import as_points
        from ._scaling import PointScaling

        X = as_points(X, min_points=2)
        k = check_int(k, "k", 1)
        n, d = X.shape
        scaling = PointScaling.of(X)  # range-safe centre and spreads; names X if out of range
        Z = scaling.standardise(X)
        cov_std = Z.T @ Z / (n - 1.0)
        fac = float(k) ** (-2.0 / d)
        with np.errstate(over="ignore", under="ignore"):
            if covariance in ("diag", "spherical"):
                scale = np.mean(np.diag(cov_std) * scaling.scale**2) * np.eye(d)
            else:
                scale = cov_std * np.outer(scaling.scale, scaling.scale)
            scale = fac * scale
        if not np.all(np.isfinite(scale)) or np.any(np.diag(scale) < _TINY):
            raise ValueError("X: its covariance is outside the range of floats, so the default "
                             "prior's scale cannot be represented; rescale X")
        return cls(scaling.centre, DEFAULT_SHRINKAGE, d + 2.0, scale, covariance)

    def standardised(self, centre, spread) -> "MultivariateConjugatePrior":
        """The same prior for the points ``(X - centre) / spread`` (``spread`` per column)."""
        centre, spread = np.asarray(centre, float), np.asarray(spread, float)
        return MultivariateConjugatePrior(self.mean / spread - centre / spread, self.shrinkage,
                                          self.dof, self.scale / np.outer(spread, spread),
                                          self.covariance)

    def log_density(self, params, *, equal_sds=False) -> float:
        """Log prior density of ``params`` (a ``MultivariateParams``) with respect to the means
        and the free covariance entries of this prior's structure (``equal_sds`` is ignored: the
        structure says whether covariances are shared).

        Examples
        --------
        >>> from mixlib.multivariate import MultivariateParams
        >>> prior = MultivariateConjugatePrior([0.0], 1.0, 2.0, [[2.0]])
        >>> p = MultivariateParams([1.0], [[0.0]], [[[1.0]]])
        >>> round(prior.log_density(p), 4)  # the 1-D ConjugatePrior(0, 1, 2, 2) at N(0, 1)
        -1.9189
        """
        from .params import check_multivariate_params

        params = check_multivariate_params(params)
        if params.d != self.d:
            raise ValueError(f"params: describe {params.d}-dimensional components but the prior "
                             f"is {self.d}-dimensional")
        return multivariate_log_prior_density(self, params.means, params.cholesky)


def multivariate_log_prior_density(prior, means, cholesky) -> float:
    """``MultivariateConjugatePrior.log_density`` on arrays: (K, d) means and the (K, d, d)
    Cholesky factors of the covariances; in log determinants and triangular solves, so a
    covariance near the float limits gives ``-inf``, never NaN."""
    from .multivariate.density import forward_substitution

    k, d = means.shape
    kappa, nu = prior.shrinkage, prior.dof
    log_diag = np.log(np.diagonal(cholesky, axis1=1, axis2=2))  # (K, d)
    total = 0.0
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for j in range(k):
            if prior.covariance in ("full", "tied"):
                # mu_k | Sigma ~ N(mean, Sigma / kappa)
                z = forward_substitution(cholesky[j], (means[j] - prior.mean)[:, None].copy())
                total += (-0.5 * d * (_LOG_2PI - np.log(kappa)) - log_diag[j].sum()
                          - 0.5 * kappa * float(np.sum(z * z)))
                if prior.covariance == "full" or j == 0:
                    # Sigma ~ IW(nu, Lambda): |Lambda|^(nu/2) |Sigma|^(-(nu+d+1)/2)
                    #   exp(-tr(Lambda Sigma^-1) / 2) / (2^(nu d / 2) Gamma_d(nu / 2))
                    c = forward_substitution(cholesky[j], prior._scale_cholesky.copy())
                    total += (nu * np.log(np.diagonal(prior._scale_cholesky)).sum()
                              - 0.5 * nu * d * np.log(2.0) - _multigammaln(0.5 * nu, d)
                              - (nu + d + 1) * log_diag[j].sum() - 0.5 * float(np.sum(c * c)))
            else:
                # independent coordinates: the 1-D prior per variance (spherical: one shared)
                varsigma2 = (np.diag(prior.scale) if prior.covariance == "diag"
                             else np.full(d, np.trace(prior.scale) / d))
                log_sds = log_diag[j]
                sds = np.diagonal(cholesky[j])
                gaps = (0.5 * means[j] - 0.5 * prior.mean) / sds
                total += np.sum(-0.5 * (_LOG_2PI - np.log(kappa)) - log_sds
                                - 2.0 * kappa * gaps ** 2)
                ig = slice(None) if prior.covariance == "diag" else slice(0, 1)
                total += np.sum(0.5 * nu * np.log(0.5 * varsigma2[ig]) - gammaln(0.5 * nu)
                                - (nu + 2) * log_sds[ig]
                                - 0.5 * (np.sqrt(varsigma2[ig]) / sds[ig]) ** 2)
    return float(total)


def multivariate_posterior_mode(prior, mass, xbar, scatter):
    """The MAP M-step in d dimensions (Fraley and Raftery 2007, Table 2; checked against
    mclust's ``mstep`` with ``priorControl()``): weights, means and covariances from the weighted
    counts ``mass`` (K,), means ``xbar`` (K, d) and scatter matrices ``scatter`` (K, d, d),
    ``sum_i r_ik (x_i - xbar_k)(x_i - xbar_k)^T``.

    With ``S_k = scatter_k + kappa n_k / (n_k + kappa) (xbar_k - mean)(xbar_k - mean)^T``:

    - full: ``Sigma_k = (scale + S_k) / (nu + n_k + d + 2)``
    - tied: ``Sigma = (scale + sum_k S_k) / (nu + n + d + K + 1)``
    - diag: ``sigma_kj^2 = (scale_jj + S_k,jj) / (nu + n_k + 3)``
    - spherical: ``sigma_k^2 = (trace(scale) / d + trace(S_k)) / (nu + (n_k + 1) d + 2)``
    """
    k, d = xbar.shape
    kappa, nu = prior.shrinkage, prior.dof
    means = (mass[:, None] * xbar + kappa * prior.mean) / (mass + kappa)[:, None]
    diff = xbar - prior.mean
    S = scatter + (kappa * mass / (mass + kappa))[:, None, None] * diff[:, :, None] * diff[:, None, :]
    if prior.covariance == "full":
        cov = (prior.scale + S) / (nu + mass + d + 2)[:, None, None]
    elif prior.covariance == "tied":
        cov = np.repeat(((prior.scale + S.sum(axis=0)) / (nu + mass.sum() + d + k + 1))[None],
                        k, axis=0)
    elif prior.covariance == "diag":
        v = (np.diag(prior.scale) + np.diagonal(S, axis1=1, axis2=2)) / (nu + mass + 3)[:, None]
        cov = v[:, :, None] * np.eye(d)
    else:
        s2 = ((np.trace(prior.scale) / d + np.trace(S, axis1=1, axis2=2))
              / (nu + (mass + 1) * d + 2))
        cov = s2[:, None, None] * np.eye(d)
    return mass / mass.sum(), means, cov


def multivariate_log_jacobian(spread, k, covariance) -> float:
    """``log prior(data units) - log prior(standardised units)``: each mean vector scales by
    ``prod(spread)``, each full or tied covariance by ``prod(spread)^(d + 1)``, each diag one by
    ``prod(spread)^2``, each spherical variance by ``spread^2``.

    Examples
    --------
    >>> multivariate_log_jacobian(np.full(1, np.e), 2, "full")  # the 1-D log_jacobian
    -6.0
    """
    spread = np.asarray(spread, float)
    d, log_s = spread.size, float(np.sum(np.log(spread)))
    per_cov = {"full": k * (d + 1) * log_s, "tied": (d + 1) * log_s, "diag": 2 * k * log_s,
               "spherical": 2 * k * float(np.log(spread[0]))}[covariance]
    return -(k * log_s + per_cov)


def check_multivariate_prior(prior, X, k, covariance):
    """``None``, ``"default"`` (mclust's ``defaultPrior`` for ``k`` and ``covariance``) or a
    ``MultivariateConjugatePrior`` for the same structure and dimension, within reach of ``X``
    (a ValueError naming ``prior`` otherwise)."""
    if prior is None:
        return None
    if isinstance(prior, str):
        if prior != "default":
            raise ValueError(
                f"prior: expected None, 'default' or a MultivariateConjugatePrior, got {prior!r}")
        return MultivariateConjugatePrior.default(X, k, covariance)
    if not isinstance(prior, MultivariateConjugatePrior):
        raise TypeError("prior: expected None, 'default' or a MultivariateConjugatePrior, got "
                        f"{type(prior).__name__}")
    if prior.covariance != covariance:
        raise ValueError(f"prior: is for covariance={prior.covariance!r} but the fit uses "
                         f"covariance={covariance!r}")
    if prior.d != X.shape[1]:
        raise ValueError(f"prior: is {prior.d}-dimensional but X has {X.shape[1]} columns")
    from ._scaling import PointScaling

    scaling = PointScaling.of(X, common=covariance == "spherical")
    with np.errstate(over="ignore"):
        gap = np.abs(prior.mean / scaling.scale - scaling.centre / scaling.scale).max()
    if not gap * np.sqrt(max(prior.shrinkage, 1.0)) <= _FARTHEST_MEAN:
        raise ValueError(
            f"prior: its mean lies {gap:.3g} data sds from the data's centre: too far for the "
            f"posterior mode's arithmetic (at most {_FARTHEST_MEAN:.3g}); choose a prior mean "
            "within reach of the data")
    log_ratio = (np.log(np.diag(prior.scale)) - 2.0 * np.log(scaling.scale))
    low, high = _SCALE_RANGE
    if not (np.log(low) <= log_ratio.min() and log_ratio.max() <= np.log(high)):
        raise ValueError(
            f"prior: its scale's diagonal is outside [{low:.3g}, {high:.3g}] times the data's "
            "variances; choose a scale (a covariance) in the data's units")
    return prior
