"""Re-make choose_k_faithful_prior.json: notebook 08's MAP fits over K for Old Faithful.

Notebook 08 compares BIC with and without the default conjugate prior for K = 1..4, the best of
5 starts each. The ML column is notebook 05's stored table (choose_k_faithful.json, the same
fits); this file holds the MAP column: choose_k with prior="default" and otherwise the same
settings. Its 40 EM runs (5 starts for each K and variable) take seconds, so the notebook
loads them. tests/test_stored_results.py recomputes this file from the stored settings and
checks it agrees.

Run from the repository root:  .venv/bin/python notebooks/data/choose_k_faithful_prior.py
"""

from pathlib import Path

import mixlib
from mixlib.stored_choices import compute_choices, save_choices

SETTINGS = {"ks": [1, 2, 3, 4], "n_init": 5, "n_folds": 5, "rng": 0, "prior": "default"}
PATH = Path(__file__).with_name("choose_k_faithful_prior.json")

if __name__ == "__main__":
    tables = compute_choices(mixlib.datasets.old_faithful(), SETTINGS)
    save_choices(PATH, tables, SETTINGS,
                 made_by=".venv/bin/python notebooks/data/choose_k_faithful_prior.py")
    print(f"wrote {PATH}")
