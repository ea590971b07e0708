"""``choose_k`` tables stored as JSON, so a notebook can load in milliseconds what takes seconds.

``choose_k`` over several K, starts and folds runs hundreds of EM fits. A notebook that teaches
how to read its table need not make every student wait for it: a script computes the table once
with ``save_choices`` and the notebook loads it with ``load_choices``; a test recomputes it from
the stored settings and checks that the file still agrees.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .model_selection import KChoice, choose_k
from .params import MixtureParams
from .result import FitResult

FORMAT = "mixlib.choose_k tables, version 1"


def compute_choices(data, settings):
    """``choose_k(data[name], **settings)`` for every variable: ``{name: rows}``.

    Examples
    --------
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 60, rng=0)
    >>> tables = compute_choices({"x": x}, {"ks": [1, 2], "n_init": 1, "n_folds": 3, "rng": 0})
    >>> [row.k for row in tables["x"]]
    [1, 2]
    """
    settings = dict(settings)
    return {name: choose_k(x, **settings) for name, x in data.items()}


def save_choices(path, tables, settings, *, made_by):
    """Write ``tables`` (``{name: list of KChoice}``) and the ``choose_k`` settings to JSON.

    Parameters
    ----------
    path : str or Path, the file to write
    tables : dict name -> list of KChoice, from ``compute_choices(data, settings)``
    settings : dict, the keyword arguments of ``choose_k`` that made them (``ks`` as a list)
    made_by : str, the command that re-makes the file (said in the file)

    Returns
    -------
    Path of the file written

    Examples
    --------
    >>> import tempfile
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 60, rng=0)
    >>> settings = {"ks": [1, 2], "n_init": 1, "n_folds": 3, "rng": 0}
    >>> tables = compute_choices({"x": x}, settings)
    >>> path = save_choices(Path(tempfile.mkdtemp()) / "t.json", tables, settings, made_by="doctest")
    >>> load_choices(path)[0]["x"][1].fit.params == tables["x"][1].fit.params
    True
    """
    if not isinstance(made_by, str) or not made_by:
        raise ValueError("made_by: say which command re-makes the file")
    document = {
        "format": FORMAT,
        "made_by": made_by,
        "settings": {key: list(value) if key == "ks" else value for key, value in settings.items()},
        "tables": {name: [_row_to_dict(row) for row in rows] for name, rows in tables.items()},
    }
    path = Path(path)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


def load_choices(path):
    """Read a file written by ``save_choices``: ``(tables, settings)``.

    The fits come back as ``FitResult`` objects with the stored parameters, log-likelihood,
    iteration count and flags (no history: ``history`` is empty).

    Returns
    -------
    tables : dict name -> list of KChoice
    settings : dict, the ``choose_k`` keyword arguments that made them
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT:
        raise ValueError(f"path: {path} is not a file written by save_choices ({FORMAT!r})")
    tables = {name: [_row_from_dict(item, path) for item in rows]
              for name, rows in document["tables"].items()}
    return tables, document["settings"]


def _row_to_dict(row):
    fit = row.fit
    return {
        "k": row.k, "n_parameters": row.n_parameters, "log_likelihood": row.log_likelihood,
        "aic": row.aic, "bic": row.bic, "held_out": row.held_out,
        "degenerate": list(row.degenerate),
        "fit": {
            "weights": fit.params.weights.tolist(), "means": fit.params.means.tolist(),
            "sds": fit.params.sds.tolist(), "log_likelihood": fit.log_likelihood,
            "n_iter": fit.n_iter, "converged": fit.converged, "degenerate": list(fit.degenerate),
        },
    }


def _row_from_dict(item, path):
    stored = item["fit"]
    fit = FitResult(
        params=MixtureParams(stored["weights"], stored["means"], stored["sds"]),
        log_likelihood=stored["log_likelihood"], n_iter=stored["n_iter"],
        converged=stored["converged"], message=f"stored in {Path(path).name}",
        history=np.empty(0), degenerate=tuple(stored["degenerate"]),
    )
    return KChoice(k=item["k"], fit=fit, n_parameters=item["n_parameters"],
                   log_likelihood=item["log_likelihood"], aic=item["aic"], bic=item["bic"],
                   held_out=item["held_out"], degenerate=tuple(item["degenerate"]))
