"""Views for notebook 05: AIC, BIC and held-out log-likelihood against K.

The fit itself is ``mixlib.plotting.draw_density_view`` with ``max_k`` slots.
"""

from __future__ import annotations

import numpy as np

from .core import PALETTE

CRITERIA_STYLES = {
    "aic": ("AIC", PALETTE[0], "o"),
    "bic": ("BIC", PALETTE[1], "s"),
    "held_out": (r"$-2\times$ held-out log-lik.", PALETTE[2], "^"),
}


def criteria_values(rows):
    """The criteria of ``mixlib.choose_k`` rows on one "smaller is better" scale.

    Returns
    -------
    dict with ``"k"`` and the arrays ``"aic"``, ``"bic"`` and ``"held_out"`` (the last as
    ``-2 x`` the held-out log-likelihood, the deviance scale AIC and BIC use).

    Examples
    --------
    >>> import mixlib
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 100, rng=0)
    >>> values = criteria_values(mixlib.choose_k(x, [1, 2], n_init=1))
    >>> values["k"].tolist()
    [1, 2]
    """
    return {
        "k": np.array([r.k for r in rows]),
        "aic": np.array([r.aic for r in rows]),
        "bic": np.array([r.bic for r in rows]),
        "held_out": -2.0 * np.array([r.held_out for r in rows]),
    }


def plot_criteria(ax, rows, *, title=None):
    """AIC, BIC and ``-2 x`` held-out log-likelihood against K, each with its minimum ringed.

    Parameters
    ----------
    ax : matplotlib Axes
    rows : list of ``mixlib.KChoice`` (from ``mixlib.choose_k``)
    title : str or None

    Returns
    -------
    dict name -> Line2D for ``"aic"``, ``"bic"``, ``"held_out"``, and ``"best"`` -> dict of the
    ringed-minimum Line2D; update with ``update_criteria``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, mixlib
    >>> fig, ax = plt.subplots()
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 100, rng=0)
    >>> lines = plot_criteria(ax, mixlib.choose_k(x, [1, 2], n_init=1))
    >>> sorted(lines)
    ['aic', 'best', 'bic', 'held_out']
    >>> plt.close(fig)
    """
    lines = {"best": {}}
    for name, (label, colour, marker) in CRITERIA_STYLES.items():
        lines[name] = ax.plot([], [], color=colour, marker=marker, lw=1.5, label=label)[0]
        lines["best"][name] = ax.plot([], [], ls="none", marker="o", ms=13, mfc="none",
                                      mec=colour, mew=1.5)[0]
    ax.set_xlabel("number of components K")
    ax.set_ylabel("criterion (smaller is better)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small", loc="upper right")  # a fixed place: "best" would jump as K moves
    update_criteria(ax, lines, rows)
    return lines


def update_criteria(ax, lines, rows):
    """Set the criteria lines of ``plot_criteria`` to new rows and rescale the axes."""
    values = criteria_values(rows)
    for name in CRITERIA_STYLES:
        lines[name].set_data(values["k"], values[name])
        best = int(np.argmin(values[name]))
        lines["best"][name].set_data([values["k"][best]], [values[name][best]])
    ax.set_xticks(values["k"])
    ax.relim()
    ax.autoscale_view()
