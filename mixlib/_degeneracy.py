"""Is a fitted mixture degenerate? One check per fit, in the fit's standardised units.

One module for 1-D fits (``degeneracies``: sds) and d-D fits (``covariance_degeneracies``:
covariance matrices), with one set of rules and thresholds.

A degenerate fit is one whose likelihood says nothing about the process: a component squeezed
to the sd floor on a few (often tied) values, where the likelihood grows without bound as the
floor falls; a component that holds almost no data; or two components that are one.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._scaling import VARIANCE_FLOOR
from .result import DegenerateFitWarning

# A component needs a couple of points to estimate a mean and an sd at all.
MIN_POINTS_PER_COMPONENT = 2.0
# EM clips exactly at the floor and L-BFGS-B stops exactly on its bound; allow for exp(log()).
_AT_FLOOR = 1.0 + 1e-6
# Components closer than this (standardised means, log sds) are the same component.
_SAME_COMPONENT = 1e-5


def degeneracies(weights, means, sds, n, floor, to_data_units) -> tuple[str, ...]:
    """Sentences describing each degeneracy of a fit on standardised data (empty if none).

    ``floor`` is the sd floor in the same (standardised) units; ``to_data_units(mean, sd)`` maps
    a component back so that the sentences speak in the user's units.
    """
    k = len(weights)
    problems = []
    for j in range(k):
        mean, sd = to_data_units(means[j], sds[j])
        mass = n * weights[j]
        # an empty component is the more basic fault (its sd then falls to the floor too)
        if mass < MIN_POINTS_PER_COMPONENT:
            problems.append(_empty_component(j, k, mass, f"; mean {mean:.6g}, sd {sd:.3g}"))
        elif sds[j] <= floor * _AT_FLOOR:
            problems.append(
                f"component {j + 1} of {k} sits at the sd floor (sd {sd:.3g}, mean {mean:.6g}, "
                f"{mass:.3g} points' worth of data): its likelihood would grow without bound "
                "without the floor"
            )
    log_sds = np.log(sds)
    for i in range(k):
        for j in range(i + 1, k):
            if (abs(means[i] - means[j]) <= _SAME_COMPONENT
                    and abs(log_sds[i] - log_sds[j]) <= _SAME_COMPONENT):
                mean, sd = to_data_units(means[i], sds[i])
                problems.append(
                    f"components {i + 1} and {j + 1} are identical (mean {mean:.6g}, sd {sd:.3g}): "
                    f"this is a {k - 1}-component fit"
                )
    return tuple(problems)


# a d-D component is at the floor when its smallest eigenvalue is within this factor of it
_AT_VARIANCE_FLOOR = 2.0


def _empty_component(j, k, mass, where=""):
    return (f"component {j + 1} of {k} holds {mass:.3g} points' worth of data (fewer than "
            f"{MIN_POINTS_PER_COMPONENT:g}{where}), so it describes no part of the data")


def covariance_degeneracies(weights, means, covariances, n, to_data_units) -> tuple[str, ...]:
    """The d-D rules: ``degeneracies`` for (K, d) means and (K, d, d) covariances on standardised
    data, whose eigenvalues the M-step floors at ``VARIANCE_FLOOR``; ``to_data_units(cov)`` maps
    one standardised covariance back, so that the sentences speak in the user's units.

    Examples
    --------
    >>> covariance_degeneracies(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]),
    ...                         np.array([np.eye(2), 1e-12 * np.eye(2)]), 100, lambda c: c)[0][:40]
    'component 2 of 2 has collapsed onto a po'
    """
    k = len(weights)
    problems = []
    smallest = np.linalg.eigvalsh(covariances)[:, 0]
    for j in range(k):
        mass = n * weights[j]
        if mass < MIN_POINTS_PER_COMPONENT:
            problems.append(_empty_component(j, k, mass))
        elif smallest[j] <= VARIANCE_FLOOR * _AT_VARIANCE_FLOOR:
            data_smallest = float(np.linalg.eigvalsh(to_data_units(covariances[j]))[0])
            problems.append(
                f"component {j + 1} of {k} has collapsed onto a point or a line (smallest "
                f"variance {data_smallest:.3g}, at the floor; {mass:.3g} points' worth "
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


ADVICE = ("fit fewer components, raise min_sd (min_sd='rounding' uses the data's rounding step) "
          "or try other starts (n_init)")


def warn_if_degenerate(fitter: str, degenerate, message: str, stacklevel: int = 3,
                       advice: str = ADVICE) -> str:
    """Warn (DegenerateFitWarning, at the user's call) about a degenerate fit; the new message.

    ``fitter`` names the public function ("fit_em", "fit_direct"); ``degenerate`` is what
    ``degeneracies`` returned (empty: no warning, message unchanged).
    """
    if not degenerate:
        return message
    reasons = "; ".join(degenerate)
    warnings.warn(f"{fitter}: degenerate fit: {reasons}. {advice}", DegenerateFitWarning,
                  stacklevel=stacklevel)
    return f"{message}; degenerate fit: {reasons}"
