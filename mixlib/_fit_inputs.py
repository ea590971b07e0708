"""Validation of the arguments ``fit_em`` and ``fit_direct`` share (one place, one message style)."""

from __future__ import annotations

import numpy as np

from ._checks import as_data, as_rng, check_int, check_positive_float
from .params import MixtureParams

# The sd of a uniform rounding error of width h is h / sqrt(12).
_ROUNDING_SD_PER_STEP = 1.0 / np.sqrt(12.0)


def rounding_sd(x: np.ndarray) -> float:
    """The sd of the rounding error of ``x``: (smallest gap between distinct values) / sqrt(12).

    Whole minutes give 0.289 minutes: a component narrower than that would describe the rounding,
    not the process, and its likelihood would grow without bound on one repeated value.
    """
    gaps = np.diff(np.unique(x))
    if gaps.size == 0:
        raise ValueError("x: all values are identical, so there is no rounding step for min_sd")
    return float(gaps.min()) * _ROUNDING_SD_PER_STEP


def check_min_sd(min_sd, x=None):
    """``None`` (the default floor), ``"rounding"`` (see ``rounding_sd``) or a finite float > 0."""
    if isinstance(min_sd, str):
        if min_sd != "rounding":
            raise TypeError(f"min_sd: expected a positive number, None or 'rounding', got {min_sd!r}")
        return rounding_sd(x)
    return None if min_sd is None else check_positive_float(min_sd, "min_sd")


def check_k_and_init(init, k):
    """The number of components, from ``init`` or ``k`` (default 2); they must agree."""
    if init is not None and not isinstance(init, MixtureParams):
        raise TypeError(f"init: expected a MixtureParams or None, got {type(init).__name__}")
    if init is None:
        return 2 if k is None else check_int(k, "k", 1)
    if k is not None and check_int(k, "k", 1) != init.k:
        raise ValueError(
            f"k: is {k} but init has {init.k} components; pass one of them (k is taken from init)"
        )
    return init.k


def check_fit_inputs(x, init, k, min_sd, n_init, callback, rng):
    """Validate the shared fitter arguments; return ``(x, k, min_sd, n_init, rng)``.

    ``k`` is taken from ``init`` when one is given; ``x`` must hold at least ``k`` distinct values,
    since a component per value would already give an unbounded likelihood.
    """
    k = check_k_and_init(init, k)
    x = as_data(x, min_points=k)
    n_distinct = np.unique(x).size
    if n_distinct < k:
        if n_distinct == 1:
            raise ValueError("x: all values are identical, so there is no spread to fit")
        raise ValueError(
            f"x: has only {n_distinct} distinct values, fewer than the k={k} components: each "
            "component could sit on one value with sd 0 (fit fewer components)"
        )
    min_sd = check_min_sd(min_sd, x)
    n_init = check_int(n_init, "n_init", 1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable or None, got {type(callback).__name__}")
    return x, k, min_sd, n_init, as_rng(rng)
