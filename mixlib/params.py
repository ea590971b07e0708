"""Mixture parameters, validated once: ``MixtureParams`` (weights, means and sds of a 1-D
mixture) and ``MultivariateParams`` (weights, mean vectors and covariance matrices in d
dimensions), with one set of checks (weights, finiteness, shapes) for both."""

from __future__ import annotations

import numpy as np

from ._checks import _finite_floats, _real_array, as_vector, check_instance

WEIGHT_SUM_TOLERANCE = 1e-9


def check_weights(weights):
    """Raise ValueError unless every weight is > 0 and they sum to 1 (within rounding).

    Examples
    --------
    >>> check_weights(np.array([0.3, 0.7]))
    >>> check_weights(np.array([0.5, 0.6]))
    Traceback (most recent call last):
    ...
    ValueError: weights: must sum to 1, got sum 1.1
    """
    if np.any(weights <= 0):
        raise ValueError(f"weights: must all be > 0, got {weights.tolist()}")
    if abs(weights.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"weights: must sum to 1, got sum {weights.sum():.12g}")
_SMALLEST_SD = float(np.finfo(np.float64).tiny)


def _frozen(values: np.ndarray) -> np.ndarray:
    values = np.array(values, dtype=np.float64)
    values.setflags(write=False)
    return values


class MixtureParams:
    """Parameters of a K-component 1-D Gaussian mixture: immutable and validated.

    Parameters
    ----------
    weights : array-like of K positive floats summing to 1 (within 1e-9)
    means : array-like of K finite floats
    sds : array-like of K positive floats (standard deviations, not variances)

    Attributes
    ----------
    weights, means, sds : read-only float arrays of length ``k``
    k : the number of components

    Examples
    --------
    >>> p = MixtureParams(weights=[0.3, 0.7], means=[0.0, 0.6], sds=[0.08, 0.12])
    >>> p.k
    2
    >>> p
    MixtureParams(weights=[0.3, 0.7], means=[0, 0.6], sds=[0.08, 0.12])
    """

    __slots__ = ("_weights", "_means", "_sds")

    def __init__(self, weights, means, sds):
        weights = as_vector(weights, "weights")
        means = as_vector(means, "means")
        sds = as_vector(sds, "sds")
        if not (weights.size == means.size == sds.size):
            raise ValueError(
                "weights, means, sds: must have equal lengths, got "
                f"{weights.size}, {means.size}, {sds.size}"
            )
        if np.any(sds <= 0):
            raise ValueError(f"sds: must all be > 0, got {sds.tolist()}")
        if np.any(sds < _SMALLEST_SD):
            # 1 / sd would overflow and the log-density turn into NaN
            raise ValueError(
                f"sds: must all be >= {_SMALLEST_SD:.3g} (the smallest normal float), "
                f"got {sds.tolist()}"
            )
        check_weights(weights)
        object.__setattr__(self, "_weights", _frozen(weights))
        object.__setattr__(self, "_means", _frozen(means))
        object.__setattr__(self, "_sds", _frozen(sds))

    @classmethod
    def _valid(cls, weights, means, sds) -> "MixtureParams":
        """Parameters that are valid by construction (a softmax's weights, exp's sds), unchecked:
        a fitter reporting every iterate would otherwise spend more time checking than fitting."""
        params = object.__new__(cls)
        object.__setattr__(params, "_weights", _frozen(weights))
        object.__setattr__(params, "_means", _frozen(means))
        object.__setattr__(params, "_sds", _frozen(sds))
        return params

    def __setattr__(self, name, value):
        raise AttributeError("MixtureParams is immutable: build a new one instead")

    @property
    def weights(self) -> np.ndarray:
        return self._weights

    @property
    def means(self) -> np.ndarray:
        return self._means

    @property
    def sds(self) -> np.ndarray:
        return self._sds

    @property
    def k(self) -> int:
        return int(self._weights.size)

    @classmethod
    def from_vector(cls, p) -> "MixtureParams":
        """Build from the original script's flat vector.

        The layout is ``(mu1, sig1, mu2, sig2, ..., muK, sigK, pi1, ..., pi_{K-1})``: for K=2 that
        is the original script's ``(mu1, sig1, mu2, sig2, pi1)``. The last weight is
        ``1 - sum`` of the others. The length must be ``3K - 1``.

        Examples
        --------
        >>> MixtureParams.from_vector([-0.2, 0.2, 0.8, 0.2, 0.5])
        MixtureParams(weights=[0.5, 0.5], means=[-0.2, 0.8], sds=[0.2, 0.2])
        """
        p = as_vector(p, "p")
        if (p.size + 1) % 3 != 0:
            raise ValueError(
                f"p: expected length 3K-1 (mu1, sig1, ..., muK, sigK, pi1, ..., pi_(K-1)), "
                f"got length {p.size}"
            )
        k = (p.size + 1) // 3
        pairs = p[: 2 * k].reshape(k, 2)
        first_weights = p[2 * k :]
        weights = np.append(first_weights, 1.0 - first_weights.sum())
        return cls(weights=weights, means=pairs[:, 0], sds=pairs[:, 1])

    def to_vector(self) -> np.ndarray:
        """The flat vector ``(mu1, sig1, ..., muK, sigK, pi1, ..., pi_{K-1})``; see ``from_vector``.

        Examples
        --------
        >>> MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12]).to_vector().tolist()
        [0.0, 0.08, 0.6, 0.12, 0.3]
        """
        pairs = np.column_stack([self._means, self._sds]).ravel()
        return np.concatenate([pairs, self._weights[:-1]])

    def sorted_by_mean(self) -> "MixtureParams":
        """The same mixture with components ordered by increasing mean (undoes label switching).

        Examples
        --------
        >>> MixtureParams([0.7, 0.3], [0.6, 0.0], [0.12, 0.08]).sorted_by_mean().means.tolist()
        [0.0, 0.6]
        """
        order = np.argsort(self._means, kind="stable")
        return MixtureParams(self._weights[order], self._means[order], self._sds[order])

    def __eq__(self, other):
        if not isinstance(other, MixtureParams):
            return NotImplemented
        return (
            np.array_equal(self._weights, other._weights)
            and np.array_equal(self._means, other._means)
            and np.array_equal(self._sds, other._sds)
        )

    def __hash__(self):
        return hash((self._weights.tobytes(), self._means.tobytes(), self._sds.tobytes()))

    def __repr__(self):
        def fmt(values):
            return "[" + ", ".join(f"{v:.4g}" for v in values) + "]"

        return (
            f"MixtureParams(weights={fmt(self._weights)}, means={fmt(self._means)}, "
            f"sds={fmt(self._sds)})"
        )

    def __reduce__(self):
        return (MixtureParams, (self._weights, self._means, self._sds))


def check_params(params, name: str = "params") -> MixtureParams:
    """Return ``params`` if it is a ``MixtureParams``, else raise ``TypeError``."""
    return check_instance(params, MixtureParams, name,
                          "build one with MixtureParams(weights, means, sds) or "
                          "MixtureParams.from_vector(p)")


# ---- d dimensions --------------------------------------------------------------------------

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
        check_weights(weights)
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


def check_multivariate_params(params, name: str = "params") -> MultivariateParams:
    """Return ``params`` if it is a ``MultivariateParams``, else raise ``TypeError``."""
    return check_instance(params, MultivariateParams, name,
                          "build one with MultivariateParams(weights, means, covariances)")
