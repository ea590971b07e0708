"""Validation of the arguments ``fit_em`` and ``fit_direct`` share (one place, one message style)."""

from __future__ import annotations

from ._checks import as_data, as_rng, check_int, check_positive_float
from .params import MixtureParams


def check_min_sd(min_sd):
    """``None`` (the default floor) or a finite float > 0."""
    return None if min_sd is None else check_positive_float(min_sd, "min_sd")


def check_fit_inputs(x, init, k, min_sd, n_init, callback, rng):
    """Validate the shared fitter arguments; return ``(x, k, min_sd, n_init, rng)``.

    ``k`` is taken from ``init`` when one is given; ``x`` must hold at least ``k`` points.
    """
    if init is not None and not isinstance(init, MixtureParams):
        raise TypeError(f"init: expected a MixtureParams or None, got {type(init).__name__}")
    k = init.k if init is not None else check_int(k, "k", 1)
    x = as_data(x, min_points=k)
    min_sd = check_min_sd(min_sd)
    n_init = check_int(n_init, "n_init", 1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable or None, got {type(callback).__name__}")
    return x, k, min_sd, n_init, as_rng(rng)
