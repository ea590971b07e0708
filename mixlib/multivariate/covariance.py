"""The four covariance structures, their parameter counts and their M-step estimates.

Names follow scikit-learn (mclust's model names in brackets, for its shapes):
"full" (VVV) each component its own matrix; "diag" (VVI) each its own axis-aligned matrix;
"spherical" (VII) each its own ``s^2 I``; "tied" (EEE) one matrix shared by all components.
"""

from __future__ import annotations

import numpy as np

from .._scaling import VARIANCE_FLOOR

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")


def check_covariance_type(covariance) -> str:
    """Return ``covariance`` if it names one of ``COVARIANCE_TYPES``, else a clear error."""
    if not isinstance(covariance, str):
        raise TypeError(
            f"covariance: expected one of {COVARIANCE_TYPES}, got {type(covariance).__name__}"
        )
    if covariance not in COVARIANCE_TYPES:
        raise ValueError(f"covariance: expected one of {COVARIANCE_TYPES}, got {covariance!r}")
    return covariance


def n_covariance_parameters(k: int, d: int, covariance: str) -> int:
    """Free parameters in the K covariance matrices of a d-dimensional mixture.

    Examples
    --------
    >>> [n_covariance_parameters(3, 2, c) for c in COVARIANCE_TYPES]
    [9, 6, 3, 3]
    """
    per_matrix = d * (d + 1) // 2
    return {"full": k * per_matrix, "diag": k * d, "spherical": k,
            "tied": per_matrix}[check_covariance_type(covariance)]


def n_free_parameters(k: int, d: int, covariance: str = "full") -> int:
    """Free parameters of a K-component mixture in d dimensions: ``K - 1`` weights, ``K d``
    mean coordinates and the covariance parameters (``n_covariance_parameters``).

    Parameters
    ----------
    k, d : int, components and dimensions
    covariance : "full", "diag", "spherical" or "tied"

    Returns
    -------
    int

    Examples
    --------
    >>> n_free_parameters(2, 2, "full"), n_free_parameters(2, 1, "full")  # 1-D: 3K - 1
    (11, 5)
    """
    return (k - 1) + k * d + n_covariance_parameters(k, d, covariance)


def with_structure(covariances: np.ndarray, covariance: str) -> np.ndarray:
    """The (K, d, d) ``covariances`` made to have the given structure: off-diagonals dropped
    ("diag"), the mean variance on the diagonal ("spherical"), the average matrix ("tied").

    Examples
    --------
    >>> with_structure(np.array([[[2.0, 1.0], [1.0, 4.0]]]), "spherical").tolist()
    [[[3.0, 0.0], [0.0, 3.0]]]
    """
    d = covariances.shape[1]
    if covariance == "diag":
        return covariances * np.eye(d)
    if covariance == "spherical":
        return (np.trace(covariances, axis1=1, axis2=2) / d)[:, None, None] * np.eye(d)
    if covariance == "tied":
        return np.repeat(covariances.mean(axis=0)[None], covariances.shape[0], axis=0)
    return covariances


def weighted_covariances(xt, resp, means, mass, covariance, scratch=None) -> np.ndarray:
    """The M-step's (K, d, d) covariances with the given structure.

    ``xt`` is the data transposed (d, n), ``resp`` the (K, n) responsibilities, ``means`` the
    updated (K, d) means and ``mass`` the (K,) sums of responsibilities. Spreads come from the
    centred data, ``sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T``, never ``E[x x^T] - mu mu^T``.
    """
    k, d = means.shape
    if scratch is None:
        scratch = np.empty_like(xt)
    out = np.empty((k, d, d))
    for j in range(k):
        np.subtract(xt, means[j][:, None], out=scratch)
        # single-threaded einsum dots per pair of coordinates: BLAS's threaded products (even
        # 1-D np.dot) stalled for milliseconds on a busy 2-core machine, and d is small
        weighted = scratch * resp[j]
        pairs = [(a, b) for a in range(d) for b in range(a + 1)] if covariance in (
            "full", "tied") else [(a, a) for a in range(d)]
        out[j] = 0.0
        for a, b in pairs:
            out[j, a, b] = out[j, b, a] = np.einsum("i,i->", weighted[a], scratch[b]) / mass[j]
    if covariance == "tied":
        out[:] = np.tensordot(mass / mass.sum(), out, axes=1)
        return out
    return with_structure(out, covariance)


def floor_eigenvalues(covariances):
    """Covariances with every eigenvalue raised to at least ``VARIANCE_FLOOR``.

    Clipping the eigenvalues (same eigenvectors) is the exact maximiser of the M-step's ``Q``
    under the constraint, so EM still never lowers the likelihood when a component collapses;
    fits that never reach the floor are untouched.
    """
    values, vectors = np.linalg.eigh(covariances)
    low = values[:, 0] < VARIANCE_FLOOR
    if low.any():
        values = np.maximum(values[low], VARIANCE_FLOOR)
        covariances = covariances.copy()
        covariances[low] = (vectors[low] * values[:, None, :]) @ vectors[low].transpose(0, 2, 1)
        covariances[low] = 0.5 * (covariances[low] + covariances[low].transpose(0, 2, 1))
    return covariances
