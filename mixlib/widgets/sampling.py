"""Notebook 01's widget: draw a sample from a two-component mixture and compare it with the truth."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..params import MixtureParams, check_params
from ..plotting.sampling import plot_sample_against_density, show_sample
from ..sampling import sample
from ._base import Explorer, float_slider, new_figure


# The sample sizes on the N slider: 1, 2, 5 times powers of ten.
SIZES = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000)


def _params_from(controls) -> MixtureParams:
    w1 = controls["w1"].value
    return MixtureParams(
        weights=[w1, 1.0 - w1],
        means=[controls["mu1"].value, controls["mu2"].value],
        sds=[controls["sd1"].value, controls["sd2"].value],
    )


def draw(controls, seed):
    """The sample the widget shows for the controls' values: ``mixlib.sample`` with ``rng=seed``."""
    params = _params_from(controls)
    x, labels = sample(params, controls["n"].value, rng=seed, return_labels=True)
    return params, x, labels


def readout_texts(params, n, labels):
    """The readouts' text (plain text, no markup) for a sample of size ``n`` with ``labels``."""
    counts = np.bincount(labels, minlength=params.k)
    expected = n * params.weights
    return {
        "n": f"sample size N = {n}",
        "counts": (
            "points per component: "
            + ", ".join(f"{c}" for c in counts)
            + " (expected N·πₖ: "
            + ", ".join(f"{e:.1f}" for e in expected)
            + ")"
        ),
    }


def sampling_explorer(params=None, n=1000, seed=0, xlabel="x"):
    """Sliders for the weight, means, sds and sample size of a two-component mixture.

    Every change draws a fresh sample with ``mixlib.sample(params, n, rng=seed)`` (the same seed,
    so a change you see is caused by the slider, not by new random numbers) and redraws its
    histogram against the true density.

    Parameters
    ----------
    params : MixtureParams with two components, the start (default: the original example)
    n : int, the starting sample size
    seed : int, the seed of every draw
    xlabel : str, the x-axis label

    Returns
    -------
    Explorer with controls ``w1, mu1, sd1, mu2, sd2, n`` and readouts ``n`` and ``counts``.
    ``n`` is a slider over 10, 20, 50, ..., 20,000 (and ``n`` itself), so every size the
    notebook suggests can be reached by dragging; the histogram's bins narrow with the narrowest
    sd (``mixlib.plotting.sampling.sample_bins``).

    Examples
    --------
    >>> box = sampling_explorer(n=500)
    >>> box.controls["n"].value = 200
    >>> box.readout_texts()["n"]
    'sample size N = 200'
    >>> box.readout_texts() == box.expected_readouts()
    True
    """
    if params is None:
        params = MixtureParams([0.3, 0.7], [0.0, 0.6], [0.08, 0.12])
    params = check_params(params)
    if params.k != 2:
        raise ValueError(f"params: sampling_explorer shows two components, got k={params.k}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n: expected a positive whole number of points, got {n!r}")
    sizes = sorted({*SIZES, int(n)})
    controls = {
        "w1": float_slider("weight π₁", float(params.weights[0]), 0.05, 0.95, 0.05, ".2f"),
        "mu1": float_slider("mean μ₁", float(params.means[0]), -1.0, 1.5, 0.05, ".2f"),
        "sd1": float_slider("sd σ₁", float(params.sds[0]), 0.02, 0.5, 0.01, ".2f"),
        "mu2": float_slider("mean μ₂", float(params.means[1]), -1.0, 1.5, 0.05, ".2f"),
        "sd2": float_slider("sd σ₂", float(params.sds[1]), 0.02, 0.5, 0.01, ".2f"),
        # 1-2-5 steps: on a linear 10..20,000 slider one pixel is about 70 points, and N = 50
        # (the notebook's suggestion) could not be reached by dragging.
        "n": widgets.SelectionSlider(options=sizes, value=int(n), description="N",
                                     continuous_update=False),
    }
    readouts = {"n": widgets.HTML(), "counts": widgets.HTML()}

    fig, ax = new_figure(figsize=(7, 3.5))
    start, x, labels = draw(controls, seed)
    view = plot_sample_against_density(ax, x, start, xlabel=xlabel)
    fig.tight_layout()

    def show(params, x, labels):
        for name, text in readout_texts(params, x.size, labels).items():
            readouts[name].value = text
        ax.set_title(f"N = {x.size} draws against the true density")

    def expected():
        params, x, labels = draw(controls, seed)
        return readout_texts(params, x.size, labels)

    show(start, x, labels)
    rows = [
        widgets.HBox([controls["w1"], controls["n"]]),
        widgets.HBox([controls["mu1"], controls["sd1"]]),
        widgets.HBox([controls["mu2"], controls["sd2"]]),
    ]
    explorer = Explorer(controls, fig, readouts, layout_rows=rows, expected=expected)

    def on_change(_change):
        params, x, labels = draw(controls, seed)
        show_sample(view, x, params)
        show(params, x, labels)
        explorer.redraw()

    for control in controls.values():
        control.observe(on_change, names="value")
    return explorer
