"""Fits run on standardised data, ``(x - centre) / scale``, and report in data units.

One module for 1-D (``Scaling``) and d-D (``PointScaling``) fits, on one range-safe core
(``column_centres_and_spreads``). EM and maximum likelihood are equivariant under
``x -> a + b x`` (and, in d dimensions, under a separate ``a_j + b_j x_j`` per column for the
full, diag and tied structures), so fitting standardised data and mapping back gives the same
answer while keeping every internal number near 1: data around 1e8, scaled by 1e-200 or in mixed
units (one column near 1e3, another near 1e-3) fit as well as data around 0, and the floors (sd,
variance) scale with the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_MIN_SD_FRACTION = 1e-6
# The floor on every eigenvalue of a d-D covariance in standardised units: (1e-6 x the data's
# spread)^2, the 1-D default sd floor squared (``mixlib._degeneracy`` reports fits at it).
VARIANCE_FLOOR = DEFAULT_MIN_SD_FRACTION ** 2
_TINY = float(np.finfo(np.float64).tiny)
_HUGE = float(np.finfo(np.float64).max)


def power_of_two_sizes(X: np.ndarray) -> np.ndarray:
    """Per column, a power of two at least the largest ``|value|`` (1 for a column of zeros).

    Dividing by a power of two is exact, so statistics of ``X / size`` times ``size`` (or
    ``size**2``) are those of the plain formulas wherever these do not over- or underflow.
    """
    size = np.max(np.abs(X), axis=0)
    return np.ldexp(1.0, np.frexp(np.where(size > 0, size, 1.0))[1])


def column_centres_and_spreads(X: np.ndarray, name: str = "x"):
    """Per-column means and standard deviations of a (n, d) array, without overflow or underflow.

    Each column is divided by a power of two near its largest ``|value|`` first: the mean and the
    squares of data near 1e160 overflow, and those of data near 1e-300 underflow to 0.

    Returns
    -------
    centres, spreads : two (d,) float arrays; ``spreads`` may hold 0 (a constant column)

    Examples
    --------
    >>> c, s = column_centres_and_spreads(np.array([[1e-300, 1e300], [3e-300, 3e300]]))
    >>> (c / [1e-300, 1e300]).round(12).tolist(), (s / [1e-300, 1e300]).round(12).tolist()
    ([2.0, 2.0], [1.0, 1.0])
    """
    safe = power_of_two_sizes(X)
    Y = X / safe
    centre = Y.mean(axis=0)
    spread = Y.std(axis=0)
    return centre * safe, spread * safe


def rms(values: np.ndarray) -> float:
    """``sqrt(mean(values**2))`` without overflow or underflow in the squares."""
    size = float(np.max(np.abs(values)))
    return size * float(np.sqrt(np.mean((values / size) ** 2))) if size > 0 else 0.0


@dataclass(frozen=True)
class Scaling:
    """The standardisation of one 1-D sample: ``centre`` and ``scale`` are floats."""

    centre: float
    scale: float
    n: int

    @classmethod
    def of(cls, x: np.ndarray) -> "Scaling":
        centre, spread = column_centres_and_spreads(x[:, None])
        scale = float(spread[0])
        if not scale > 0:
            if x.min() == x.max():
                raise ValueError("x: all values are identical, so there is no spread to fit")
            raise ValueError(f"x: its spread (from {x.min():.3g} to {x.max():.3g}) is below the "
                             "range of floats; rescale x (for example to units near 1)")
        return cls(float(centre[0]), scale, x.size)

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return (x - self.centre) / self.scale

    def params_to_std(self, params):
        from .params import MixtureParams

        return MixtureParams(
            params.weights, (params.means - self.centre) / self.scale, params.sds / self.scale
        )

    def params_from_std(self, params):
        from .params import MixtureParams

        return MixtureParams(
            params.weights, self.centre + self.scale * params.means, self.scale * params.sds
        )

    def component_to_data(self, mean, sd):
        """One component's (mean, sd) in data units."""
        return self.centre + self.scale * mean, self.scale * sd

    def loglik_from_std(self, loglik_std):
        """Densities scale by 1/scale, so each point's log-density shifts by -log(scale)."""
        return loglik_std - self.n * np.log(self.scale)

    def min_sd_std(self, min_sd) -> float:
        """The sd floor in standardised units: ``min_sd / scale``, or 1e-6 (that is, 1e-6 x std(x))."""
        return DEFAULT_MIN_SD_FRACTION if min_sd is None else min_sd / self.scale


@dataclass(frozen=True)
class PointScaling:
    """The standardisation of (n, d) points: ``centre`` and ``scale`` are (d,) arrays.

    ``common=False`` (full, diag, tied) scales each column by its own spread, so data in mixed
    units keep every column's variance near 1. ``common=True`` (spherical) uses one scale for
    every column (the root-mean-square of the column spreads): a spherical component ``s^2 I``
    stays spherical only if all coordinates are scaled alike, so the spherical model is *not*
    equivariant under a change of one column's units, and its fit depends on them.
    """

    centre: np.ndarray
    scale: np.ndarray
    n: int

    @classmethod
    def of(cls, X: np.ndarray, common: bool = False, name: str = "X") -> "PointScaling":
        centre, spread = column_centres_and_spreads(X, name)
        constant = np.flatnonzero(~(spread > 0))
        if constant.size:
            raise ValueError(
                f"{name}: column {int(constant[0])} is constant, so there is no spread to fit")
        if common:
            spread = np.full(spread.size, rms(spread))
        # every covariance in data units is a standardised one times spread_i spread_j: the
        # variance floor (1e-12 spread^2) must not underflow, nor spread^2 overflow
        with np.errstate(over="ignore"):
            low = np.flatnonzero(spread * spread * VARIANCE_FLOOR < _TINY)
        high = np.flatnonzero(~(spread < np.sqrt(_HUGE) / 16))
        for bad, what in ((low, "below"), (high, "above")):
            if bad.size:
                j = int(bad[0])
                raise ValueError(
                    f"{name}: column {j} has spread {spread[j]:.3g}, so its variance is {what} "
                    "the range of floats and no covariance in these units can be represented; "
                    f"rescale {name} (for example to units near 1)")
        return cls(centre, spread, X.shape[0])

    def standardise(self, X: np.ndarray) -> np.ndarray:
        return (X - self.centre) / self.scale

    def _outer(self):
        return self.scale[:, None] * self.scale[None, :]

    def params_to_std(self, p, name: str = "init"):
        """``p`` in the standardised units; a ValueError naming ``name`` (the caller's argument)
        if its covariances there are outside the range of floats."""
        from .multivariate.params import MultivariateParams

        try:
            with np.errstate(over="ignore", under="ignore"):
                return MultivariateParams(p.weights, (p.means - self.centre) / self.scale,
                                          p.covariances / self._outer())
        except ValueError as exc:
            raise ValueError(f"{name}: its covariances are out of all proportion to the data's "
                             f"spread ({exc})") from None

    def params_from_std(self, p, name: str = "X"):
        """``p`` in data units; a ValueError naming ``name`` (the data) if a covariance in data
        units is outside the range of floats (a component far wider than the data's spread)."""
        from .multivariate.params import MultivariateParams

        with np.errstate(over="ignore", under="ignore"):
            means = self.centre + self.scale * p.means
            covariances = p.covariances * self._outer()
        if not (np.isfinite(means).all() and np.isfinite(covariances).all()):
            raise ValueError(f"{name}: the fitted components' spreads in these units are outside "
                             f"the range of floats; rescale {name} (for example to units near 1)")
        try:
            return MultivariateParams(p.weights, means, covariances)
        except ValueError as exc:  # an underflowed covariance: say which argument to change
            raise ValueError(f"{name}: the fitted covariances in these units are outside the "
                             f"range of floats ({exc}); rescale {name} (for example to units "
                             "near 1)") from None

    def loglik_from_std(self, loglik_std):
        """Densities in d dimensions scale by ``1 / prod_j scale_j``."""
        return loglik_std - self.n * float(np.sum(np.log(self.scale)))
