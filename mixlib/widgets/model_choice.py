"""Notebook 05: choose a variable and the number of components; see the fit and the criteria."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._checks import as_data, check_int
from ..criteria import aic, bic
from ..density import log_likelihood
from ..em import fit_em
from ..model_selection import choose_k
from ..plotting import draw_density_view
from ..plotting.model_choice import plot_criteria, update_criteria
from ._base import Explorer, new_figure


def readout_texts(x, params):
    """The readouts' text for a fit ``params`` of ``x`` (used by the widget and ``expected``)."""
    return {
        "log_likelihood": f"log-likelihood: {log_likelihood(x, params):.2f}",
        "aic": f"AIC: {aic(x, params):.2f}",
        "bic": f"BIC: {bic(x, params):.2f}",
    }


def model_choice_explorer(data, *, ks=range(1, 6), n_init=5, n_folds=5, rng=0, tables=None,
                          xlabels=None, k=2):
    """Choose a variable and K: the EM fit over the histogram, and AIC, BIC, held-out against K.

    Parameters
    ----------
    data : dict name -> 1-D array (for example ``mixlib.datasets.old_faithful()``)
    ks : the numbers of components offered
    n_init, n_folds, rng : as in ``mixlib.choose_k``; the fit shown for K is
        ``mixlib.fit_em(x, k=K, n_init=n_init, rng=rng)``
    tables : dict name -> list of KChoice, or None
        ``mixlib.choose_k(data[name], ks, n_init=n_init, n_folds=n_folds, rng=rng)`` for each
        variable, if already computed (it takes seconds); missing ones are computed on first use.
    xlabels : dict name -> str or None, each variable's x-axis label (say its units; default
        the variable's name)
    k : int, the K shown first

    The density's y-axis fits every K's mixture of the variable shown (``fit_height_to_all``):
    moving K changes the curves against one scale, and redraws no axis.

    Returns
    -------
    Explorer with controls ``variable`` (Dropdown) and ``k`` (IntSlider), readouts
    ``log_likelihood``, ``aic`` and ``bic`` for the fit shown, and attributes ``density_view``
    (a ``mixlib.plotting.DensityView`` with ``max(ks)`` component slots), ``criteria_lines``,
    ``current_marker`` (the vertical line at the chosen K), ``tables`` and ``current_fit``.
    """
    data = {name: as_data(values, name=f"data[{name!r}]") for name, values in data.items()}
    ks = [check_int(value, "ks", 1) for value in ks]
    k = check_int(k, "k", 1)
    if k not in ks:
        raise ValueError(f"k: must be one of ks={ks}, got {k}")
    tables = dict(tables or {})
    xlabels = {name: name for name in data} | dict(xlabels or {})

    def table(name):
        if name not in tables:
            tables[name] = choose_k(data[name], ks, n_init=n_init, n_folds=n_folds, rng=rng)
        return tables[name]

    def fit_for(name, k_value):
        return next(row.fit for row in table(name) if row.k == k_value)

    first = next(iter(data))
    fig, (ax_fit, ax_crit) = new_figure(1, 2, figsize=(10, 3.8), width_ratios=[1.3, 1])
    state = {"variable": first}
    density_view = draw_density_view(ax_fit, data[first], fit_for(first, k).params,
                                     max_k=max(ks), xlabel=xlabels[first], mixture_label="mixture",
                                     legend={"fontsize": "x-small", "loc": "upper left"})

    def fit_height(name):
        # one scale for every K of a variable: a K move changes the curves, not the axis
        density_view.fit_height_to_all([row.fit.params for row in table(name)])

    fit_height(first)
    criteria_lines = plot_criteria(ax_crit, table(first))
    current_marker = ax_crit.axvline(k, color="#767676", lw=1, ls=":")  # 4.5:1 on white
    # y=1.0: nothing sits above these axes, and a fixed height spares matplotlib measuring every
    # label to place the title whenever the axes is redrawn
    ax_crit.set_title(f"{first}: K = {k}", fontsize="medium", y=1.0)
    fig.tight_layout()

    controls = {
        "variable": widgets.Dropdown(options=list(data), value=first, description="variable"),
        "k": widgets.IntSlider(value=k, min=min(ks), max=max(ks), step=1, description="K",
                               continuous_update=False),
    }
    readouts = {name: widgets.HTML() for name in ("log_likelihood", "aic", "bic")}
    explorer = None

    def show(_=None):
        name, k_value = controls["variable"].value, controls["k"].value
        x = data[name]
        fit = fit_for(name, k_value)
        if name != state["variable"]:
            density_view.show_data(x, fit.params)
            ax_fit.set_xlabel(xlabels[name])
            update_criteria(ax_crit, criteria_lines, table(name))
            fit_height(name)
            state["variable"] = name
        density_view.show_params(fit.params)
        current_marker.set_xdata([k_value, k_value])
        ax_crit.set_title(f"{name}: K = {k_value}", fontsize="medium", y=1.0)
        explorer_state["fit"] = fit
        for key, text in readout_texts(x, fit.params).items():
            readouts[key].value = text
        if explorer is not None:
            explorer.current_fit = fit
            explorer.redraw()

    def expected():
        # Afresh from mixlib, not from the cached table.
        name, k_value = controls["variable"].value, controls["k"].value
        x = data[name]
        fit = fit_em(x, k=k_value, n_init=n_init, rng=rng)
        return readout_texts(x, fit.params)

    explorer_state = {}
    show()
    rows = [widgets.HBox([controls["variable"], controls["k"]])]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected,
                        handles={"density_view": density_view, "criteria_lines": criteria_lines,
                                 "current_marker": current_marker, "tables": tables,
                                 "current_fit": explorer_state["fit"]})
    for control in controls.values():
        control.observe(show, names="value")
    # Draw every variable's view once now: the renderer keeps each background it drew, so the
    # first switch of variable (new data, new criteria: both panels) is as quick as the later ones.
    for name in [*list(data)[1:], first] if len(data) > 1 else []:
        controls["variable"].value = name
    plt.close(fig)
    return explorer
