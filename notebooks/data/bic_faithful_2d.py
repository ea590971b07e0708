"""Re-make bic_faithful_2d.json: notebook 07's BIC table over covariance structures and K.

Notebook 07 fits both Old Faithful columns, standardised, with each covariance structure and
K = 1..4, the best of 3 starts each, and compares the BIC values with R's mclust. The 48 EM runs
take seconds (some random starts run for hundreds of iterations), so the notebook loads the
table and refits one entry live. tests/test_stored_results.py recomputes this file from the
stored settings and checks it agrees.

Run from the repository root:  .venv/bin/python notebooks/data/bic_faithful_2d.py
"""

import json
from pathlib import Path

import numpy as np

import mixlib
from mixlib import multivariate as mv

SETTINGS = {"ks": [1, 2, 3, 4], "covariances": list(mv.COVARIANCE_TYPES), "n_init": 3, "rng": 0}
PATH = Path(__file__).with_name("bic_faithful_2d.json")
MADE_BY = ".venv/bin/python notebooks/data/bic_faithful_2d.py"


def standardised_faithful():
    """Old Faithful's (eruptions, waiting) columns, standardised, as notebook 07 fits them."""
    faithful = mixlib.datasets.old_faithful()
    return mv.standardise(np.column_stack([faithful["eruptions"], faithful["waiting"]]))


def compute_bics(Z, settings):
    """``{covariance: [BIC for each K]}``, each the best of ``n_init`` starts of ``mv.fit_em``."""
    return {c: [mv.bic(Z, mv.fit_em(Z, k=k, covariance=c, n_init=settings["n_init"],
                                    rng=settings["rng"]).params, c)
                for k in settings["ks"]]
            for c in settings["covariances"]}


def load_bics(path=PATH):
    """Read the stored table: ``(bics, settings)``."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return document["bic"], document["settings"]


if __name__ == "__main__":
    bics = compute_bics(standardised_faithful(), SETTINGS)
    PATH.write_text(json.dumps({"made_by": MADE_BY, "settings": SETTINGS, "bic": bics}, indent=1)
                    + "\n", encoding="utf-8")
    print(f"wrote {PATH}")
