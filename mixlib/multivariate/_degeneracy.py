"""Is a multivariate fit degenerate? The 1-D checks (``mixlib._degeneracy``) in d dimensions.

A component whose covariance has collapsed onto a point or a line sits at the variance floor
(its likelihood would grow without bound without it); one holding under two points' worth of
data describes nothing; two identical components are one.
"""

from __future__ import annotations

import numpy as np

from .._degeneracy import MIN_POINTS_PER_COMPONENT

# The floor on every eigenvalue of a covariance in the M-step, in standardised units: (1e-6 x
# the data's spread)^2, the 1-D default sd floor squared. It keeps a collapsing component
# factorisable (and reported as degenerate).
VARIANCE_FLOOR = 1e-12
_AT_FLOOR = 2.0
_SAME_COMPONENT = 1e-5


def degeneracies(weights, means, covariances, n, scale) -> tuple[str, ...]:
    """Sentences describing each degeneracy of a fit on standardised data (empty if none);
    ``scale`` converts standardised spreads to data units for the sentences."""
    k = len(weights)
    problems = []
    smallest = np.linalg.eigvalsh(covariances)[:, 0]
    for j in range(k):
        mass = n * weights[j]
        if mass < MIN_POINTS_PER_COMPONENT:
            problems.append(
                f"component {j + 1} of {k} holds {mass:.3g} points' worth of data (fewer than "
                f"{MIN_POINTS_PER_COMPONENT:g}), so it describes no part of the data"
            )
        elif smallest[j] <= VARIANCE_FLOOR * _AT_FLOOR:
            problems.append(
                f"component {j + 1} of {k} has collapsed onto a point or a line (smallest "
                f"variance {smallest[j] * scale**2:.3g}, at the floor; {mass:.3g} points' worth "
                "of data): its likelihood would grow without bound without the floor"
            )
    for i in range(k):
        for j in range(i + 1, k):
            if (np.abs(means[i] - means[j]).max() <= _SAME_COMPONENT
                    and np.abs(covariances[i] - covariances[j]).max()
                    <= _SAME_COMPONENT * np.abs(covariances[i]).max()):
                problems.append(f"components {i + 1} and {j + 1} are identical: this is a "
                                f"{k - 1}-component fit")
    return tuple(problems)
