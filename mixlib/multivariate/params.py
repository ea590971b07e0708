"""``MultivariateParams``: weights, mean vectors and covariance matrices, validated once."""

from __future__ import annotations

import numpy as np

from .._checks import _finite_floats, _real_array
from ..params import WEIGHT_SUM_TOLERANCE, _frozen

# A covariance is symmetric up to rounding: |C - C^T| <= this x the largest |entry|.
_SYMMETRY_TOLERANCE = 1e-10


def _array(values, name, ndim, what):
    arr = _finite_floats(_real_array(values, name, what), name)
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected {what}, got an array of shape {arr.shape}")
    return arr


def cholesky_or_raise(covariances: np.ndarray, name: str = "covariances") -> np.ndarray:
    """Lower Cholesky factors (K, d, d) of a stack of covariances, or a ``ValueError`` naming the
    first one that is not positive definite."""
    try:
        return np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        for j, cov in enumerate(covariances):
            try:
                np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                smallest = float(np.linalg.eigvalsh(cov)[0])
                raise ValueError(
                    f"{name}: matrix {j + 1} of {len(covariances)} is not positive definite "
                    f"(smallest eigenvalue {smallest:.3g})"
                ) from None
        raise


class MultivariateParams:
    """Parameters of a K-component Gaussian mixture in d dimensions: immutable and validated.

    Parameters
    ----------
    weights : array-like (K,) of positive floats summing to 1 (within 1e-9)
    means : array-like (K, d), one mean vector per row
    covariances : array-like (K, d, d) of symmetric positive-definite matrices

    Attributes
    ----------
    weights, means, covariances : read-only float arrays
    k, d : the number of components and of dimensions
    cholesky : (K, d, d) lower Cholesky factors ``L`` with ``L L^T = covariance``

    Examples
    --------
    >>> from mixlib.multivariate import MultivariateParams
    >>> p = MultivariateParams([0.4, 0.6], [[0, 0], [3, 1]], [np.eye(2), 2 * np.eye(2)])
    >>> p.k, p.d
    (2, 2)
    """

    __slots__ = ("_weights", "_means", "_covariances", "_cholesky")

    def __init__(self, weights, means, covariances):
        weights = _array(weights, "weights", 1, "a 1-D array (K,)")
        means = _array(means, "means", 2, "a 2-D array (K, d)")
        covariances = _array(covariances, "covariances", 3, "a 3-D array (K, d, d)")
        k, d = means.shape
        if weights.size != k:
            raise ValueError(f"weights, means: {weights.size} weights but {k} mean vectors")
        if covariances.shape != (k, d, d):
            raise ValueError(
                f"covariances: expected shape ({k}, {d}, {d}) for {k} components in {d} "
                f"dimensions, got {covariances.shape}"
            )
        if np.any(weights <= 0):
            raise ValueError(f"weights: must all be > 0, got {weights.tolist()}")
        if abs(weights.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
            raise ValueError(f"weights: must sum to 1, got sum {weights.sum():.12g}")
        asymmetry = np.abs(covariances - covariances.transpose(0, 2, 1)).max(axis=(1, 2))
        size = np.abs(covariances).max(axis=(1, 2))
        bad = np.flatnonzero(asymmetry > _SYMMETRY_TOLERANCE * size)
        if bad.size:
            raise ValueError(
                f"covariances: matrix {bad[0] + 1} of {k} is not symmetric "
                f"(largest |C - C^T| is {asymmetry[bad[0]]:.3g})"
            )
        covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
        chol = cholesky_or_raise(covariances)
        if np.any(np.diagonal(chol, axis1=1, axis2=2) <= 0):  # positive but underflowed
            raise ValueError("covariances: a matrix is too close to singular to factorise")
        object.__setattr__(self, "_weights", _frozen(weights))
        object.__setattr__(self, "_means", _frozen(means))
        object.__setattr__(self, "_covariances", _frozen(covariances))
        object.__setattr__(self, "_cholesky", _frozen(chol))

    def __setattr__(self, name, value):
        raise AttributeError("MultivariateParams is immutable: build a new one instead")

    weights = property(lambda self: self._weights)
    means = property(lambda self: self._means)
    covariances = property(lambda self: self._covariances)
    cholesky = property(lambda self: self._cholesky)
    k = property(lambda self: int(self._weights.size))
    d = property(lambda self: int(self._means.shape[1]))

    def __eq__(self, other):
        if not isinstance(other, MultivariateParams):
            return NotImplemented
        return all(np.array_equal(a, b) for a, b in zip(self._arrays(), other._arrays()))

    def __hash__(self):
        return hash(tuple(a.tobytes() for a in self._arrays()))

    def _arrays(self):
        return self._weights, self._means, self._covariances

    def __repr__(self):
        def fmt(values):
            return np.array2string(np.asarray(values), precision=4, separator=", ",
                                   suppress_small=True).replace("\n", "")

        return (f"MultivariateParams(weights={fmt(self._weights)}, means={fmt(self._means)}, "
                f"covariances={fmt(self._covariances)})")

    def __reduce__(self):
        return (MultivariateParams, self._arrays())


def check_params(params, name: str = "params") -> MultivariateParams:
    """Return ``params`` if it is a ``MultivariateParams``, else raise ``TypeError``."""
    if not isinstance(params, MultivariateParams):
        raise TypeError(
            f"{name}: expected a MultivariateParams, got {type(params).__name__} "
            "(build one with MultivariateParams(weights, means, covariances))"
        )
    return params
