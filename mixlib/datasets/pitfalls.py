"""The scenarios of notebook 06: data sets with named EM starts that fail, or recover."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..params import MixtureParams
from ..sampling import sample
from . import old_faithful, original_example


@dataclass(frozen=True)
class Pitfall:
    """One scenario: data, named starts (each with its own ``min_sd``, None for the default)."""

    x: np.ndarray
    starts: dict = field(default_factory=dict)  # name -> (MixtureParams, min_sd or None)
    xlabel: str = "x"


def pitfall_scenarios() -> dict[str, Pitfall]:
    """The scenarios of notebook 06, all seeded; ``mixlib.widgets.pitfall_explorer`` shows them.

    Returns
    -------
    dict name -> Pitfall

    Examples
    --------
    >>> scenarios = pitfall_scenarios()
    >>> sorted(scenarios)[0], scenarios["label switching"].x.size
    ('collapse onto one waiting time', 1000)
    """
    waiting = old_faithful()["waiting"]
    eruptions = old_faithful()["eruptions"]
    truth, n, p0 = original_example()
    x = sample(truth, n, rng=0)
    m, s = float(x.mean()), float(x.std())
    overlap = sample(MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), 1000, rng=1)
    # Two components at the waiting-time modes and a narrow third on one recorded value.
    spike = MixtureParams([0.35, 0.6, 0.05], [54.6, 80.0, 78.0], [5.9, 5.9, 0.5])
    return {
        "collapse onto one waiting time": Pitfall(waiting, {
            "spike at 78 min, default floor": (spike, None),
            "spike at 78 min, floor 0.5 min": (spike, 0.5),
        }, "waiting (minutes)"),
        "identical components": Pitfall(x, {
            "identical components": (MixtureParams([0.5, 0.5], [m, m], [s, s]), None),
            "same means, sds 10% apart": (MixtureParams([0.5, 0.5], [m, m], [0.9 * s, 1.1 * s]), None),
        }, "x"),
        "local optima (eruptions, K = 3)": Pitfall(eruptions, {
            "start A": (MixtureParams(np.full(3, 1 / 3), [4.583, 3.733, 4.55], [1.139] * 3), None),
            "start B": (MixtureParams(np.full(3, 1 / 3), [4.033, 4.433, 4.083], [1.139] * 3), None),
        }, "eruption duration (minutes)"),
        "label switching": Pitfall(x, {
            "the script's p0": (p0, None),
            "p0 with labels swapped": (
                MixtureParams(p0.weights[::-1], p0.means[::-1], p0.sds[::-1]), None),
        }, "x"),
        "slow convergence (1 sd apart)": Pitfall(overlap, {
            "means -1 and 2": (MixtureParams([0.5, 0.5], [-1.0, 2.0], [1.0, 1.0]), None),
            "the true values": (MixtureParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), None),
        }, "x"),
    }
