"""``FitResult``: what a fitter returns, and the warning it raises when it stops early."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .params import MixtureParams


class ConvergenceWarning(UserWarning):
    """A fit stopped at its iteration limit before meeting its convergence test."""


class DegenerateFitWarning(UserWarning):
    """A fit ended degenerate: an sd at the floor, a component holding fewer than about two
    points' worth of data, or two identical components. Its likelihood (and any criterion built
    on it) says nothing about the number of components; ``FitResult.degenerate`` says why."""


@dataclass(frozen=True, repr=False)
class FitResult:
    """The outcome of ``fit_em`` or ``fit_direct``.

    Attributes
    ----------
    params : MixtureParams
        The fitted parameters.
    log_likelihood : float
        Total log-likelihood of the data at ``params``.
    n_iter : int
        EM iterations, or the optimiser's iterations.
    converged : bool
        Whether the stopping rule was met (EM) or ``minimize`` reported success (direct).
    message : str
        A sentence on why the fit stopped.
    history : numpy.ndarray
        Total log-likelihood at the start (``history[0]``) and after each iteration.
    nfev : int or None
        Objective evaluations, where ``minimize`` reports them (``None`` for EM).
    method : str
        ``"EM"`` or the ``minimize`` method name.
    degenerate : tuple of str
        Empty for a sound fit; otherwise one sentence per problem (an sd at the floor, a
        component with fewer than two points' worth of data, identical components), also in
        ``message`` and in the ``DegenerateFitWarning`` the fitter raised.
    equal_sds : bool
        Whether the fit constrained all components to one common sd.
    prior : mixlib.priors.ConjugatePrior, MultivariateConjugatePrior or None
        The prior of a MAP fit (``fit_em(..., prior=...)``, 1-D or d-D); ``None`` for maximum
        likelihood.
    penalised_history : numpy.ndarray or None
        With a prior: log-likelihood + log prior at the start and after each iteration (it
        never falls; ``history`` holds the log-likelihood alone, which may).
    log_prior, penalised_log_likelihood : float (properties)
        Log prior density at ``params`` (0.0 without a prior) and ``log_likelihood + log_prior``.

    Examples
    --------
    >>> import mixlib
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 4], [1, 1]), 500, rng=0)
    >>> fit = mixlib.fit_em(x)
    >>> fit.converged, bool(fit.history[0] <= fit.log_likelihood), fit.degenerate
    (True, True, ())
    """

    params: MixtureParams
    log_likelihood: float
    n_iter: int
    converged: bool
    message: str
    history: np.ndarray = field(default_factory=lambda: np.empty(0))
    nfev: int | None = None
    method: str = "EM"
    degenerate: tuple = ()
    equal_sds: bool = False
    prior: object = None
    penalised_history: np.ndarray | None = None

    @property
    def log_prior(self) -> float:
        if self.prior is None:
            return 0.0
        return self.prior.log_density(self.params, equal_sds=self.equal_sds)

    @property
    def penalised_log_likelihood(self) -> float:
        return self.log_likelihood + self.log_prior

    def __repr__(self):
        return (
            f"FitResult(method={self.method!r}, converged={self.converged}, n_iter={self.n_iter}, "
            f"log_likelihood={self.log_likelihood:.6f},"
            + (" degenerate=True," if self.degenerate else "")
            + ("" if self.prior is None else f" log_prior={self.log_prior:.6f},")
            + f"\n          params={self.params!r})"
        )
