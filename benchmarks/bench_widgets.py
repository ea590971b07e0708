"""Benchmark: where a widget update spends its time in the kernel, before and after FigureRenderer.

Reproduce (from the repository root, after `make test` or `make lab` has made .venv):

    .venv/bin/python benchmarks/bench_widgets.py            # every widget, 5 rounds (~1 minute)
    .venv/bin/python benchmarks/bench_widgets.py --rounds 1 sampling

Each widget is built with the arguments its notebook uses; then every control is moved in turn
(sliders one step up and back, dropdowns to the next option, buttons clicked), and for each move:

- callback: the widget's Python work (mixlib numerics and artist updates), drawing switched off;
- before: what the inline backend did per update until issue 18, ``display(figure)``: the PNG
  formatter's ``print_figure(bbox_inches="tight")``, which lays the figure out and draws it twice;
- after: ``Explorer.renderer.png()``, the cached background with the data drawn on top (and an
  axes' decoration when its limits changed), of which ``encode`` is the level-1 PNG encoding.

What the browser adds (the comm message, the image transfer, decoding) is the browser tests'
latency (docs/widget-latency.md) minus callback + after. Medians over moves and rounds.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
import statistics
import time
import warnings

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402
from PIL import Image  # noqa: E402

import mixlib  # noqa: E402
import mixlib.widgets as W  # noqa: E402
from mixlib import multivariate as mv  # noqa: E402
from mixlib.stored_choices import load_choices  # noqa: E402
from mixlib.widgets._base import Explorer  # noqa: E402
from machine import describe  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def notebook_widgets():
    """name -> (notebook, builder), with the data and arguments the notebooks use."""
    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=42)
    fit = mixlib.fit_em(x, p0)
    faithful = mixlib.datasets.old_faithful()
    data = {"waiting": faithful["waiting"], "eruptions": faithful["eruptions"]}
    Z = mv.standardise(np.column_stack([faithful["eruptions"], faithful["waiting"]]))
    bishop = mv.MultivariateParams([0.5, 0.5], [[-1.5, 1.0], [1.5, -1.0]], [np.eye(2)] * 2)
    tables, settings = load_choices(ROOT / "notebooks" / "data" / "choose_k_faithful.json")
    settings = {k: settings[k] for k in ("ks", "n_init", "n_folds", "rng")}
    spike = mixlib.MixtureParams([0.4, 0.55, 0.05], [55.0, 80.0, 78.0], [6.0, 6.0, 0.3])
    return {
        "sampling": ("01", lambda: W.sampling_explorer(truth, n=n, seed=0)),
        "likelihood": ("02", lambda: W.likelihood_explorer(x, p0, fit=fit)),
        "optimiser": ("03", lambda: W.optimiser_explorer(x, p0, best=fit.params)),
        "em_stepper": ("04", lambda: W.em_stepper(x, p0)),
        "model_choice": ("05", lambda: W.model_choice_explorer(data, tables=tables, **settings)),
        "pitfalls": ("06", lambda: W.pitfall_explorer(mixlib.datasets.pitfall_scenarios())),
        "em_stepper_2d": ("07", lambda: W.em_stepper_2d(Z, {"poor": bishop}, limits=(-2.6, 2.6))),
        "prior": ("08", lambda: W.prior_explorer(faithful["waiting"], spike)),
    }


def moves(box):
    """Callables, each one student move on a control of ``box``."""
    out = []
    for name, control in box.controls.items():
        if hasattr(control, "click"):
            out.append((name, control.click))
        elif hasattr(control, "options"):
            def next_option(control=control):
                control.index = (control.index + 1) % len(control.options)
            out.append((name, next_option))
        elif getattr(control, "step", None):
            def up_and_back(control=control, sign=[1]):
                value = control.value + sign[0] * control.step
                control.value = min(max(value, control.min), control.max)
                sign[0] = -sign[0]
            out.append((name, up_and_back))
    return out


def encode_only(buffer):
    start = time.perf_counter()
    image = Image.fromarray(buffer, "RGBA").convert("RGB")
    image.save(io.BytesIO(), format="png", compress_level=1)
    return time.perf_counter() - start


def bench_widget(build, rounds):
    box = build()
    box.renderer.png()  # the first picture, drawn when a notebook displays the widget
    times = {"callback": [], "before": [], "after": [], "encode": []}
    sizes = {"before": [], "after": []}
    for _ in range(rounds):
        for name, move in moves(box):
            if getattr(box.controls[name], "disabled", False):
                continue
            Explorer.render_outside_kernel = False  # the callback alone
            start = time.perf_counter()
            move()
            times["callback"].append(time.perf_counter() - start)
            start = time.perf_counter()
            old = print_figure(box.figure, "png", bbox_inches="tight")
            times["before"].append(time.perf_counter() - start)
            start = time.perf_counter()
            new = box.renderer.png()
            times["after"].append(time.perf_counter() - start)
            times["encode"].append(encode_only(box.renderer.render()))
            sizes["before"].append(len(old))
            sizes["after"].append(len(new))
    matplotlib.pyplot.close(box.figure)
    row = {k: 1e3 * statistics.median(v) for k, v in times.items()}
    row.update({f"{k}_kb": statistics.median(v) / 1024 for k, v in sizes.items()})
    row["moves"] = len(times["after"])
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("widgets", nargs="*", help="widget names (default: all)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Machine: {describe()}")
    print(f"{'nb':<4}{'widget':<15}{'moves':>6}{'callback ms':>13}{'before ms':>11}{'after ms':>10}"
          f"{'of which PNG':>14}{'x faster':>10}{'PNG kB before/after':>21}")
    for name, (nb, build) in notebook_widgets().items():
        if args.widgets and name not in args.widgets:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the optimiser explorer's Nelder-Mead warns by design
            r = bench_widget(build, args.rounds)
        print(f"{nb:<4}{name:<15}{r['moves']:>6}{r['callback']:>13.1f}{r['before']:>11.1f}"
              f"{r['after']:>10.1f}{r['encode']:>14.1f}{r['before'] / r['after']:>10.1f}"
              f"{r['before_kb']:>12.0f} / {r['after_kb']:.0f}")
    print("\ncallback: the widget's own Python work per move; before: display(figure) through the "
          "inline backend\n(two draws, zlib level 6); after: FigureRenderer.png() (partial draw, "
          "level-1 PNG). Load average at the end: "
          + " ".join(f"{v:.2f}" for v in __import__("os").getloadavg()))


if __name__ == "__main__":
    main()
