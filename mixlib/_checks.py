"""Input validation shared by every public function, with one message style.

Every message starts with the argument's name, then the problem, for example
``ValueError("x: contains 3 NaN values")``, so a student sees at once which argument to fix.
"""

from __future__ import annotations

import numbers

import numpy as np


def _real_array(x, name: str, expected: str) -> np.ndarray:
    """``x`` as a numpy array of real numbers (any shape), or a ``TypeError`` naming ``name``."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name}: expected {expected}, got a string")
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
    return arr


def _finite_floats(arr: np.ndarray, name: str) -> np.ndarray:
    """``arr`` as float64, or a ``ValueError`` counting its NaN or infinite values."""
    if arr.size == 0:
        raise ValueError(f"{name}: is empty")
    arr = arr.astype(np.float64, copy=False)
    if np.isfinite(arr).all():  # one pass in the usual case; count the bad values only on failure
        return arr
    n_nan = int(np.isnan(arr).sum())
    if n_nan:
        raise ValueError(f"{name}: contains {n_nan} NaN value{'s' if n_nan > 1 else ''}")
    n_inf = int(np.isinf(arr).sum())
    if n_inf:
        raise ValueError(f"{name}: contains {n_inf} infinite value{'s' if n_inf > 1 else ''}")
    return arr


def _check_enough_points(n: int, name: str, min_points: int) -> None:
    if n < min_points:
        raise ValueError(
            f"{name}: has {n} point{'s' if n > 1 else ''}, "
            f"fewer than the {min_points} components to fit"
        )


def as_data(x, name: str = "x", min_points: int = 1) -> np.ndarray:
    """Return ``x`` as a 1-D float64 array, or raise a clear error.

    Rejects non-numeric data (``TypeError``), and empty, multi-dimensional, NaN or infinite data,
    or fewer than ``min_points`` values (``ValueError``).
    """
    arr = _real_array(x, name, "a 1-D array-like of real numbers")
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected 1-D data, got an array of shape {arr.shape}")
    arr = _finite_floats(arr, name)
    _check_enough_points(arr.size, name, min_points)
    return arr


def as_points(x, name: str = "X", min_points: int = 1) -> np.ndarray:
    """Return ``x`` as an (n, d) float64 array of n points in d dimensions, or raise a clear error.

    Rejects what ``as_data`` rejects, and arrays that are not 2-D (a 1-D sample ``x`` is
    ``x[:, None]``: n points in one dimension).
    """
    arr = _real_array(x, name, "an (n, d) array-like of real numbers")
    if arr.ndim != 2:
        raise ValueError(
            f"{name}: expected an (n, d) array of n points in d dimensions, got shape {arr.shape}"
            + (f" (for one dimension pass {name}[:, None])" if arr.ndim == 1 else "")
        )
    arr = _finite_floats(arr, name)
    _check_enough_points(arr.shape[0], name, min_points)
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


# ---- The arguments fit_em and fit_direct share -------------------------------------------

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


def check_k_and_init(init, k, params_class=None):
    """The number of components, from ``init`` or ``k`` (default 2); they must agree.

    ``params_class``: what ``init`` must be (``MixtureParams`` unless given).
    """
    if params_class is None:
        from .params import MixtureParams as params_class  # here: params imports this module

    if init is not None and not isinstance(init, params_class):
        raise TypeError(
            f"init: expected a {params_class.__name__} or None, got {type(init).__name__}")
    if init is None:
        return 2 if k is None else check_int(k, "k", 1)
    if k is not None and check_int(k, "k", 1) != init.k:
        raise ValueError(
            f"k: is {k} but init has {init.k} components; pass one of them (k is taken from init)"
        )
    return init.k


def _distinct_values_up_to(x, k):
    """How many distinct values ``x`` holds, counted exactly only when fewer than ``k``.

    Sorting a million points (``np.unique``) cost a fit of them 20 ms; two distinct values need
    only ``min < max``, and a few thousand points usually show ``k`` distinct ones.
    """
    if k <= 2 and x.min() < x.max():
        return k
    if np.unique(x[:4096]).size >= k:
        return k
    return np.unique(x).size


def check_fit_inputs(x, init, k, min_sd, n_init, callback, rng):
    """Validate the shared fitter arguments; return ``(x, k, min_sd, n_init, rng)``.

    ``k`` is taken from ``init`` when one is given; ``x`` must hold at least ``k`` distinct values,
    since a component per value would already give an unbounded likelihood.
    """
    k = check_k_and_init(init, k)
    x = as_data(x, min_points=k)
    n_distinct = _distinct_values_up_to(x, k)
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


def check_instance(value, cls, name, how):
    """Return ``value`` if it is a ``cls``, else raise TypeError naming ``name`` and saying ``how``
    to build one.

    Examples
    --------
    >>> check_instance(3, str, "label", "quote it")
    Traceback (most recent call last):
    ...
    TypeError: label: expected a str, got int (quote it)
    """
    if not isinstance(value, cls):
        raise TypeError(f"{name}: expected a {cls.__name__}, got {type(value).__name__} ({how})")
    return value
