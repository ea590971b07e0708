"""When an EM widget's Run stops, and the status line that says whether it converged.

One rule for every EM stepper (04's ``em_stepper``, 06's ``pitfall_explorer``, 07's
``em_stepper_2d``). A small change per step is not convergence: when components overlap, EM
crawls with tiny steps far from the maximum (notebook 06). So Run stops when the log-likelihood
*still to gain*, projected from EM's current rate, is below ``tol`` per point, or after its cap
of steps; the status line then says "converged" or "NOT converged".
"""

from __future__ import annotations

import numpy as np


def projected_gain(history):
    """The log-likelihood still to come if EM keeps shrinking its steps at the current rate.

    With the last two increases ``before`` and ``last`` and their ratio ``r = last / before``,
    the increases left form a geometric series ``last * (r + r^2 + ...) = last * r / (1 - r)``.
    (``r`` is the rate of the log-likelihood; near a maximum it is the square of the rate at
    which the parameter error shrinks.)

    Parameters
    ----------
    history : sequence of float, the log-likelihood of each iterate from the start on

    Returns
    -------
    float: ``inf`` with fewer than three values or when the steps are not shrinking (r >= 1, or
    not finite), 0.0 when the last step gained nothing (a fixed point, or rounding at the top).

    Examples
    --------
    >>> projected_gain([0.0, 1.0, 1.5])
    0.5
    >>> projected_gain([0.0, 1.0, 1.0]), projected_gain([0.0, 1.0])
    (0.0, inf)
    """
    if len(history) < 3:
        return float("inf")
    before, last = history[-2] - history[-3], history[-1] - history[-2]
    if not (np.isfinite(before) and np.isfinite(last)):
        return float("inf")
    if last <= 0:
        return 0.0  # no climb left (rounding noise at the top, or a fixed point)
    rate = last / before if before > 0 else 1.0
    return float("inf") if rate >= 1 else float(last * rate / (1 - rate))


def run_converged(history, n_points, tol):
    """Run's stopping rule: the projected gain per point (``projected_gain``) is below ``tol``.

    Examples
    --------
    >>> run_converged([0.0, 1.0, 1.5], 10, 1e-8), run_converged([0.0, 1.0, 1.0], 10, 1e-8)
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
    current rate and the projected gain still to come (N counts every step since the start).

    Examples
    --------
    >>> run_status([0.0, 1.0, 1.5], 10, 1e-8).split(": ")[1]
    'at the current rate (0.5000) about 0.5 still to gain (press Run to go on)'
    >>> run_status([0.0, 1.0, 1.0], 10, 1e-8)
    'converged after 2 steps'
    """
    steps = len(history) - 1
    remaining = projected_gain(history)
    if remaining / n_points < tol:
        return f"converged after {steps} steps"
    if not np.isfinite(remaining):
        return (f"stopped after {steps} steps, NOT converged: the steps are not shrinking yet "
                "(press Run to go on)")
    # finite and not below tol: the last two steps both climbed and shrink (projected_gain)
    rate = (history[-1] - history[-2]) / (history[-2] - history[-3])
    return (f"stopped after {steps} steps, NOT converged: at the current rate ({rate:.4f}) "
            f"about {remaining:.2g} still to gain (press Run to go on)")
