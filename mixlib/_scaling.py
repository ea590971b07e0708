"""Fits run on standardised data, ``(x - centre) / scale``, and report in data units.

EM and maximum likelihood are equivariant under ``x -> a + b x``, so fitting standardised data
and mapping back gives the same answer, while keeping every internal number near 1: data around
1e8 or scaled by 1e-6 fit as well as data around 0, and the ``min_sd`` floor scales with the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import MixtureParams

DEFAULT_MIN_SD_FRACTION = 1e-6


@dataclass(frozen=True)
class Scaling:
    centre: float
    scale: float
    n: int

    @classmethod
    def of(cls, x: np.ndarray) -> "Scaling":
        # divide by the largest |value| first: the mean and the squares of data near 1e160
        # overflow, and those of data near 1e-300 underflow to 0
        size = float(np.max(np.abs(x)))
        if size == 0:
            raise ValueError("x: all values are identical, so there is no spread to fit")
        y = x / size
        centre = float(np.mean(y))
        scale = float(np.std(y - centre))
        if not scale > 0:
            raise ValueError("x: all values are identical, so there is no spread to fit")
        if not scale * size > 0 or not np.isfinite(scale * size):
            raise ValueError(
                f"x: its spread ({scale:.3g} x {size:.3g}) is outside the range of floats"
            )
        return cls(centre * size, scale * size, x.size)

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return (x - self.centre) / self.scale

    def params_to_std(self, params: MixtureParams) -> MixtureParams:
        return MixtureParams(
            params.weights, (params.means - self.centre) / self.scale, params.sds / self.scale
        )

    def params_from_std(self, params: MixtureParams) -> MixtureParams:
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
