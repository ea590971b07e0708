"""Multivariate fits run on ``(X - centre) / scale`` with one scale for every coordinate.

One common scale (not one per column) keeps every covariance structure equivariant: a spherical
component stays spherical only if all coordinates are scaled alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import MultivariateParams


@dataclass(frozen=True)
class MultivariateScaling:
    centre: np.ndarray
    scale: float
    n: int

    @classmethod
    def of(cls, X: np.ndarray) -> "MultivariateScaling":
        constant = np.flatnonzero(np.ptp(X, axis=0) == 0)
        if constant.size:
            raise ValueError(f"X: column {int(constant[0])} is constant, so there is no spread to fit")
        size = float(np.max(np.abs(X)))
        centre = X.mean(axis=0)
        spreads = (X / size).std(axis=0) * size  # / size: no overflow in the squares
        return cls(centre, float(np.sqrt(np.mean(spreads**2))), X.shape[0])

    def standardise(self, X: np.ndarray) -> np.ndarray:
        return (X - self.centre) / self.scale

    def params_to_std(self, p: MultivariateParams) -> MultivariateParams:
        return MultivariateParams(p.weights, (p.means - self.centre) / self.scale,
                                  p.covariances / self.scale**2)

    def params_from_std(self, p: MultivariateParams) -> MultivariateParams:
        return MultivariateParams(p.weights, self.centre + self.scale * p.means,
                                  p.covariances * self.scale**2)

    def loglik_from_std(self, loglik_std):
        """Densities in d dimensions scale by ``scale^-d``."""
        return loglik_std - self.n * self.centre.size * np.log(self.scale)
