"""Round axis limits that move in steps, so a small change leaves a widget's axes still.

A widget whose limits follow the data exactly changes its tick labels on every slider move or EM
step: the eye loses the scale, and the figure's axes must be laid out and drawn again (most of a
redraw's cost, see ``mixlib.widgets._render``). Limits rounded outwards to round numbers change
only when the data cross one.
"""

from __future__ import annotations

import numpy as np

_NICE_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
_STEP_MANTISSAS = (1.0, 2.0, 5.0, 10.0)


def _smallest_at_least(value, mantissas):
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"value: expected a positive finite number, got {value}")
    power = 10.0 ** np.floor(np.log10(value))
    for mantissa in mantissas:
        candidate = round(mantissa * power, 12)
        if candidate >= value * (1 - 1e-12):  # 0.1 * 3 is 0.30000000000000004, above 0.3
            return float(candidate)
    raise AssertionError("unreachable: the last mantissa is 10")


def nice_ceiling(value):
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of 10 that is >= ``value``.

    At most 25% above ``value``. Raises ValueError unless ``value`` is positive and finite.

    Examples
    --------
    >>> nice_ceiling(2.31), nice_ceiling(2.5), nice_ceiling(0.0071)
    (2.5, 2.5, 0.008)
    """
    return _smallest_at_least(value, _NICE_MANTISSAS)


def round_step(size):
    """The smallest of 1, 2, 5 times a power of 10 that is >= ``size`` (a tick-like step).

    Examples
    --------
    >>> round_step(0.07), round_step(3.0), round_step(120.0)
    (0.1, 5.0, 200.0)
    """
    return _smallest_at_least(size, _STEP_MANTISSAS)


def round_limits(low, high, n_steps=10):
    """``(low, high)`` widened to multiples of ``round_step((high - low) / n_steps)``.

    Parameters
    ----------
    low, high : float, low < high
    n_steps : int, about how many steps span the range (more: tighter limits, moving more often)

    Examples
    --------
    >>> round_limits(-0.32, 1.08, n_steps=20)
    (-0.4, 1.1)
    """
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"low, high: expected finite low < high, got {low}, {high}")
    step = round_step((high - low) / n_steps)
    return (float(round(np.floor(low / step + 1e-9) * step, 12)),
            float(round(np.ceil(high / step - 1e-9) * step, 12)))
