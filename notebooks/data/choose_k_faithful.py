"""Re-make choose_k_faithful.json: notebook 05's table of criteria over K for Old Faithful.

choose_k over K = 1..5 with 5 starts and 5 folds runs about 300 EM fits (tens of seconds on a
laptop), so notebook 05 loads the stored table instead of making every student wait for it.
tests/test_stored_results.py recomputes it from the stored settings and checks the file agrees.

Run from the repository root:  .venv/bin/python notebooks/data/choose_k_faithful.py
"""

from pathlib import Path

import mixlib
from mixlib.stored_choices import compute_choices, save_choices

SETTINGS = {"ks": [1, 2, 3, 4, 5], "n_init": 5, "n_folds": 5, "rng": 0}
PATH = Path(__file__).with_name("choose_k_faithful.json")

if __name__ == "__main__":
    tables = compute_choices(mixlib.datasets.old_faithful(), SETTINGS)
    save_choices(PATH, tables, SETTINGS,
                 made_by=".venv/bin/python notebooks/data/choose_k_faithful.py")
    print(f"wrote {PATH}")
