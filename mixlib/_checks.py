"""Input validation shared by every public function, with one message style.

Every message starts with the argument's name, then the problem, for example
``ValueError("x: contains 3 NaN values")``, so a student sees at once which argument to fix.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_data(x, name: str = "x", min_points: int = 1) -> np.ndarray:
    """Return ``x`` as a 1-D float64 array, or raise a clear error.

    Rejects non-numeric data (``TypeError``), and empty, multi-dimensional, NaN or infinite data,
    or fewer than ``min_points`` values (``ValueError``).
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name}: expected a 1-D array-like of real numbers, got a string")
    if isinstance(x, np.ma.MaskedArray):
        # np.asarray would drop the mask and fit the masked values as data
        raise TypeError(
            f"{name}: masked arrays are not supported (the mask would be ignored); "
            f"pass {name}.compressed() to drop the masked values"
        )
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name}: cannot be read as an array of real numbers ({exc})") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        kind = "complex" if arr.dtype.kind == "c" else f"dtype {arr.dtype}"
        raise TypeError(f"{name}: expected real numbers, got {kind}")
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected 1-D data, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: is empty")
    arr = arr.astype(np.float64, copy=False)
    n_nan = int(np.isnan(arr).sum())
    if n_nan:
        raise ValueError(f"{name}: contains {n_nan} NaN value{'s' if n_nan > 1 else ''}")
    n_inf = int(np.isinf(arr).sum())
    if n_inf:
        raise ValueError(f"{name}: contains {n_inf} infinite value{'s' if n_inf > 1 else ''}")
    if arr.size < min_points:
        raise ValueError(
            f"{name}: has {arr.size} point{'s' if arr.size > 1 else ''}, "
            f"fewer than the {min_points} components to fit"
        )
    return arr


def as_vector(values, name: str) -> np.ndarray:
    """Return a 1-D float64 array of finite numbers (for parameter vectors)."""
    return as_data(values, name=name)


def check_int(value, name: str, minimum: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {value}")
    return int(value)


def check_positive_float(value, name: str) -> float:
    """Return ``value`` as a finite float > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a positive number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: must be a finite number > 0, got {value}")
    return value


def as_rng(rng) -> np.random.Generator:
    """Turn ``rng`` (None, an integer seed or a Generator) into a ``numpy.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"rng: a seed must be >= 0, got {rng}")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng: expected None, an integer seed or a numpy.random.Generator, got {type(rng).__name__}"
    )
