"""Make a re-executed notebook byte-identical to its last saved version when nothing changed.

`make notebooks` runs this after nbconvert has executed and saved the notebooks (without
execution timestamps: ``record_timing=False``; older ones are removed here). Three things still differ between two runs of an
unchanged notebook, and this script removes them:

* **Widget model ids.** ipywidgets names every widget model with a random uuid4; nbclient saves
  the models' state (so GitHub and the website can show the widgets) under those ids. They are
  renamed here to ids derived from the notebook's name and the order in which the models are
  reached from the cells' outputs, so the same widgets get the same ids on every run.
* **Stream chunks.** The kernel sends a cell's printed text in one message or several,
  depending on timing; consecutive chunks of the same stream are joined into one output.
* **Machine-dependent outputs.** A cell tagged ``nbval-ignore-output`` prints what differs
  between runs and machines (timings, evaluation counts, widget views): the tests never compare
  it. When such a cell's source is unchanged, its previously saved outputs are kept, so a
  re-run does not rewrite them. ``--fresh`` (``make notebooks FRESH=1``) keeps the new ones.

It also keeps the course's one convention for prose checks (README, "For contributors"): every
cell tagged ``check`` is saved collapsed (``"jupyter": {"source_hidden": true}``), whatever the
editor that last saved it did, so a student sees one folded line.

Usage: ``python tests/normalise_notebooks.py [--fresh] NOTEBOOK...`` (the previous version of each
notebook is read from git's HEAD).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")
REPO = Path(__file__).resolve().parents[1]


def stable_id(stem: str, index: int) -> str:
    """The id of the ``index``-th widget model reached in notebook ``stem``: 32 hex digits.

    >>> stable_id("02_likelihood", 0) == stable_id("02_likelihood", 0) != stable_id("02_likelihood", 1)
    True
    """
    return hashlib.md5(f"{stem}:{index}".encode()).hexdigest()


def _view_ids(nb: dict) -> list[str]:
    ids = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id"):
                ids.append(view["model_id"])
    return ids


def widget_id_map(nb: dict, stem: str) -> dict[str, str]:
    """Old model id -> stable id, in the order models are reached from the displayed views."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order, queue = [], list(_view_ids(nb))
    while queue:
        model = queue.pop(0)
        if model in order or model not in state:
            continue
        order.append(model)
        queue += MODEL_REF.findall(json.dumps(state[model], sort_keys=True))
    # Models no view reaches (rare): ordered by their content, which does not depend on the ids.
    rest = sorted((m for m in state if m not in order),
                  key=lambda m: MODEL_REF.sub("", json.dumps(state[m], sort_keys=True)))
    return {old: stable_id(stem, i) for i, old in enumerate(order + rest)}


def coalesce_streams(cell: dict) -> None:
    """One output per run of stdout (or stderr) text: the kernel flushes a cell's prints in one
    message or several depending on timing, which nbval ignores but a diff would show."""
    merged = []
    for out in cell.get("outputs", []):
        if (merged and out.get("output_type") == "stream" and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            text = "".join(merged[-1]["text"]) + "".join(out["text"])
            merged[-1]["text"] = text.splitlines(keepends=True)
        else:
            merged.append(out)
    if "outputs" in cell:
        cell["outputs"] = merged


def keep_machine_outputs(nb: dict, previous: dict) -> None:
    """Put back the saved outputs of unchanged nbval-ignore-output cells (matched by cell id)."""
    before = {c.get("id"): c for c in previous.get("cells", [])}
    for cell in nb.get("cells", []):
        old = before.get(cell.get("id"))
        if (cell["cell_type"] == "code" and old is not None
                and "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
                and old.get("source") == cell.get("source")):
            cell["outputs"] = old.get("outputs", [])


CHECK_TAG = "check"


def collapse_checks(nb: dict) -> None:
    """Every ``check`` cell collapsed: its source hidden in JupyterLab (the website drops it)."""
    for cell in nb.get("cells", []):
        if cell["cell_type"] == "code" and CHECK_TAG in cell.get("metadata", {}).get("tags", []):
            cell["metadata"].setdefault("jupyter", {})["source_hidden"] = True


def normalise(path: Path, fresh: bool = False) -> bool:
    """Normalise one saved notebook in place; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    if nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE):
        # Ids from this run's own views first: restored outputs below carry the same stable ids.
        renamed = text
        for old, new in widget_id_map(nb, path.stem).items():
            renamed = renamed.replace(old, new)
        nb = json.loads(renamed)
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)  # timestamps from runs before record_timing=False
        coalesce_streams(cell)
    collapse_checks(nb)
    if not fresh:
        relative = path.resolve().relative_to(REPO).as_posix()
        shown = subprocess.run(["git", "show", f"HEAD:{relative}"], capture_output=True, text=True,
                               cwd=REPO)
        if shown.returncode == 0:
            keep_machine_outputs(nb, json.loads(shown.stdout))
    # nbformat's own layout: sorted keys, one-space indent, UTF-8 kept, a final newline.
    new_text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if new_text != text:
        path.write_text(new_text, encoding="utf-8")
        return True
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="keep the new machine-dependent outputs")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"{path}: {'normalised' if normalise(path, args.fresh) else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
