"""Has EM converged? The log-likelihood still to gain, projected from EM's rate.

A small change per step is not convergence: when components overlap, EM crawls with tiny steps
far from the maximum (notebook 06). The rule here projects the gain still to come from the rate
at which EM's increases shrink, and calls a run converged when that is below ``tol`` per point.
It is the rule of every EM widget's Run (``mixlib.widgets``) and notebook 06's defence against
slow convergence; it needs only numpy.
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

    Parameters
    ----------
    history : sequence of float, the log-likelihood of each iterate from the start on

    Returns
    -------
    float: the rate of the log-likelihood's increases (near a maximum, the square of the rate at
    which the parameter error shrinks), or nan

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
    """Has EM converged? The projected gain per point (``projected_gain``) is below ``tol``.

    The stopping rule of every EM widget's Run. Unlike a test on the last change alone, it keeps
    going while EM crawls: a tiny change at a rate near 1 still projects a large gain.

    Parameters
    ----------
    history : sequence of float, the log-likelihood of each iterate from the start on
    n_points : int, the number of data points (``tol`` is per point)
    tol : float, the largest projected gain per point still called converged

    Returns
    -------
    bool

    Examples
    --------
    >>> run_converged([0.0, 1.0, 1.5, 1.75], 10, 1e-8), run_converged([0.0, 1.0, 1.5, 1.5], 10, 1e-8)
    (False, True)
    """
    return projected_gain(history) / n_points < tol
