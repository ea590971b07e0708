"""Re-make nelder_mead_stalls.json: on which of twenty samples Nelder-Mead stalls (notebook 03).

Notebook 03 asks whether its sample (seed 17) is special: on twenty samples of the original
example's mixture (seeds 0-19) it runs Nelder-Mead from p0 with scipy's default simplex and with
a simplex of 0.1 steps in every coordinate, and counts a stall when the result is more than one
log-likelihood unit below BFGS's maximum. Those 40 Nelder-Mead runs take seconds, so the notebook
loads the result and reruns one sample live. tests/test_stored_results.py recomputes this file
from the stored settings and checks it agrees.

Run from the repository root:  .venv/bin/python notebooks/data/nelder_mead_stalls.py
"""

import json
from pathlib import Path

import numpy as np
from scipy import optimize

import mixlib

SETTINGS = {"seeds": list(range(20)), "even_step": 0.1, "stall_below_maximum": 1.0}
PATH = Path(__file__).with_name("nelder_mead_stalls.json")
MADE_BY = ".venv/bin/python notebooks/data/nelder_mead_stalls.py"


def stalls_on(seed, settings):
    """Which simplexes ("default", "even") stall on the sample drawn with ``seed``."""
    truth, n, p0 = mixlib.datasets.original_example()
    theta0 = mixlib.to_unconstrained(p0)
    even_simplex = np.vstack([theta0, theta0 + settings["even_step"] * np.eye(theta0.size)])
    xs = mixlib.sample(truth, n, rng=seed)
    top = -optimize.minimize(mixlib.negloglik, theta0, args=(xs,), jac=mixlib.negloglik_grad,
                             method="BFGS").fun
    stalled = []
    for label, options in [("default", {}), ("even", {"initial_simplex": even_simplex})]:
        r = optimize.minimize(mixlib.negloglik, theta0, args=(xs,), method="Nelder-Mead",
                              options=options)
        if top + r.fun > settings["stall_below_maximum"]:
            stalled.append(label)
    return stalled


def compute_stalls(settings):
    """``{"default": seeds where it stalls, "even": seeds where it stalls}``."""
    found = {seed: stalls_on(seed, settings) for seed in settings["seeds"]}
    return {label: [seed for seed, labels in found.items() if label in labels]
            for label in ("default", "even")}


def load_stalls(path=PATH):
    """Read the stored result: ``(stalls, settings)``."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return document["stalls"], document["settings"]


if __name__ == "__main__":
    stalls = compute_stalls(SETTINGS)
    PATH.write_text(json.dumps({"made_by": MADE_BY, "settings": SETTINGS, "stalls": stalls},
                               indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PATH}: {stalls}")
