"""The status line an EM widget's Run shows: converged, or stopped short and why.

One rule for every EM stepper (04's ``em_stepper``, 06's ``pitfall_explorer``, 07's
``em_stepper_2d``): Run stops when ``mixlib.convergence.run_converged`` holds (the log-likelihood
still to gain, projected from EM's current rate, is below ``tol`` per point) or after its cap of
steps; the status line then says "converged" or "NOT converged".
"""

from __future__ import annotations

import numpy as np

from ..convergence import current_rate, projected_gain


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
