"""When an EM widget's Run stops, and the status line that says whether it converged.

One rule for every EM stepper (04's ``em_stepper``, 06's ``pitfall_explorer``, 07's
``em_stepper_2d``). A small change per step is not convergence: when components overlap, EM
crawls with tiny steps far from the maximum (notebook 06). So Run stops when the log-likelihood
*still to gain*, projected from EM's current rate, is below ``tol`` per point, or after its cap
of steps; the status line then says "converged" or "NOT converged".
"""

from __future__ import annotations

import numpy as np


def _increments(history):
    """The last three increases of ``history`` (None with fewer than four values), and the
    level below which an increase is rounding noise in a sum of that size."""
    if len(history) < 4:
        return None, 0.0
    h = [float(v) for v in history[-4:]]
    return (h[1] - h[0], h[2] - h[1], h[3] - h[2]), 1e-12 * max(1.0, abs(h[3]))


def current_rate(history):
    """The rate at which EM's increases shrink: the larger of the last two ratios of successive
    increases (nan when it cannot be read: too few steps, a step that gained nothing).

    Two ratios, not one: after a large first step, one tiny increase gives a tiny ratio even
    when EM is leaving a saddle point with increases that *grow* (07's "both in the middle"
    start with tied covariances: +227, then +0.0048, +0.0055, +0.0062, ...).

    Examples
    --------
    >>> current_rate([0.0, 1.0, 1.5, 1.75])
    0.5
    """
    steps, noise = _increments(history)
    if steps is None or not all(np.isfinite(steps)) or min(steps[:2]) <= noise:
        return float("nan")
    return max(steps[1] / steps[0], steps[2] / steps[1])


def projected_gain(history):
    """The log-likelihood still to come if EM keeps shrinking its steps at the current rate.

    With the last increase ``last`` and the rate ``r`` (``current_rate``), the increases left
    form a geometric series ``last * (r + r^2 + ...) = last * r / (1 - r)``. (``r`` is the rate
    of the log-likelihood; near a maximum it is the square of the rate at which the parameter
    error shrinks.)

    Parameters
    ----------
    history : sequence of float, the log-likelihood of each iterate from the start on

    Returns
    -------
    float: 0.0 when the last step gained nothing beyond rounding (a fixed point, or the top);
    ``inf`` with fewer than four values, when the steps are not shrinking (r >= 1), or when the
    rate cannot be read (values not finite, an earlier step that gained nothing).

    Examples
    --------
    >>> projected_gain([0.0, 1.0, 1.5, 1.75])
    0.25
    >>> projected_gain([0.0, 1.0, 1.5, 1.5]), projected_gain([0.0, 1.0, 1.5])
    (0.0, inf)
    >>> projected_gain([-772.0, -545.0, -544.9952, -544.9897])  # increases growing: a saddle
    inf
    """
    steps, noise = _increments(history)
    if steps is None or not all(np.isfinite(steps)):
        return float("inf")
    if steps[2] <= noise:
        return 0.0  # no climb left (rounding noise at the top, or a fixed point)
    rate = current_rate(history)
    return float("inf") if not rate < 1 else float(steps[2] * rate / (1 - rate))


def run_converged(history, n_points, tol):
    """Run's stopping rule: the projected gain per point (``projected_gain``) is below ``tol``.

    Examples
    --------
    >>> run_converged([0.0, 1.0, 1.5, 1.75], 10, 1e-8), run_converged([0.0, 1.0, 1.5, 1.5], 10, 1e-8)
    (False, True)
    """
    return projected_gain(history) / n_points < tol


def run_status(history, n_points, tol):
    """What the ``status`` line says after a Run: converged, or stopped short and why.

    Run stops either by ``run_converged`` or after its most steps, so when the rule does not
    hold the Run was stopped short.

    Parameters
    ----------
    history : sequence of float, the log-likelihood of each iterate from the start on
    n_points : int, the number of data points (``tol`` is per point)
    tol : float, the rule of ``run_converged``

    Returns
    -------
    str: "converged after N steps", or "stopped after N steps, NOT converged: ..." with the
    rate of the log-likelihood's increases (``current_rate``) and the projected gain still to
    come (N counts every step since the start).

    Examples
    --------
    >>> run_status([0.0, 1.0, 1.5, 1.75], 10, 1e-8).split(": ")[1]
    'each step gains 0.5000 times the one before, so about 0.25 is still to gain (press Run to go on)'
    >>> run_status([0.0, 1.0, 1.5, 1.5], 10, 1e-8)
    'converged after 3 steps'
    """
    steps = len(history) - 1
    remaining = projected_gain(history)
    if remaining / n_points < tol:
        return f"converged after {steps} steps"
    if not np.isfinite(remaining):
        return (f"stopped after {steps} steps, NOT converged: the steps are not shrinking yet "
                "(press Run to go on)")
    rate = current_rate(history)  # finite remaining above tol: a rate below 1 was read
    return (f"stopped after {steps} steps, NOT converged: each step gains {rate:.4f} times the one "
            f"before, so about {remaining:.2g} is still to gain (press Run to go on)")
