"""Widget latencies measured in the browser: time from a student's change (key press, mouse
release, click) to the new figure image in the page. Reported, never asserted.

``measure_change`` times one change (``js/latency_arm.js`` watches the figure's image);
``LatencyLog`` collects every change of a session and writes the tables ``make screenshots``
publishes (docs/widget-latency.md and the README's latency table).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))  # machine.py: a script
from machine import describe  # noqa: E402
from readme_block import replace_block  # noqa: E402

from .page import js  # noqa: E402

LAST_LOG = None


@dataclass
class Change:
    """One student action on a widget and what it took to see the new figure."""

    control: str
    how: str
    latency_ms: float | None
    figure_changed: bool
    note: str = ""


def measure_change(page, box, act, control: str, how: str, timeout_s: float) -> Change:
    """Do ``act()`` on the widget ``box`` (a locator) and wait up to ``timeout_s`` for a new
    figure image in it. ``latency_ms`` is from the last key / pointer / change event before the
    new image to the image; None when the figure did not change (the caller decides if it must)."""
    if not box.evaluate(js("latency_arm")):
        raise AssertionError(f"no figure image in the widget to time {how} on {control!r}")
    try:
        act()
        deadline = time.monotonic() + timeout_s
        while True:
            state = page.evaluate(js("latency_read"), False)
            if state["changed"] or time.monotonic() > deadline:
                break
            time.sleep(0.02)
    finally:
        page.evaluate(js("latency_read"), True)
    latency = state["t1"] - state["t0"] if state["changed"] and state["t0"] is not None else None
    return Change(control, how, latency, state["changed"], "" if state["changed"] else "figure unchanged")


def _chromium_version() -> str:
    try:
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                             timeout=30).stdout
        return out.strip().splitlines()[-1] if out.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _load() -> str:
    """The 1, 5 and 15 minute load averages, as text."""
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


class LatencyLog:
    def __init__(self):
        self.rows = []  # (notebook, widget, control, how, latency_ms or None, note)

    def add(self, notebook: str, widget: str, changes) -> None:
        for c in changes:
            self.rows.append((notebook, widget, c.control, c.how, c.latency_ms, c.note))

    def slider_median(self, notebook: str, widget: str):
        """Median over the slider changes alone (keyboard and mouse), or None."""
        ms = [r[4] for r in self.rows if r[:2] == (notebook, widget) and r[4] is not None
              and r[3].startswith(("keyboard", "mouse"))]
        return statistics.median(ms) if ms else None

    def per_widget(self):
        """[(notebook, widget, n, median_ms, worst_ms, worst_change, unchanged)] in run order."""
        groups = {}
        for nb, widget, control, how, ms, note in self.rows:
            groups.setdefault((nb, widget), []).append((ms, f"{how} on {control!r}", note))
        out = []
        for (nb, widget), items in groups.items():
            timed = [(ms, what) for ms, what, _ in items if ms is not None]
            unchanged = [what for ms, what, note in items if ms is None]
            if timed:
                worst = max(timed)
                out.append((nb, widget, len(timed), statistics.median(ms for ms, _ in timed),
                            worst[0], worst[1], unchanged))
            else:
                out.append((nb, widget, 0, None, None, "", unchanged))
        return out

    def summary_table(self) -> str:
        lines = [f"{'notebook':28} {'widget':24} {'n':>3} {'median ms':>10} {'worst ms':>9}  worst change"]
        for nb, widget, n, med, worst, what, unchanged in self.per_widget():
            med_s = f"{med:.0f}" if med is not None else "-"
            worst_s = f"{worst:.0f}" if worst is not None else "-"
            lines.append(f"{nb:28} {widget:24} {n:>3} {med_s:>10} {worst_s:>9}  {what}")
            for u in unchanged:
                lines.append(f"{'':28} {'':24} figure unchanged after {u}")
        return "\n".join(lines)

    def readme_block(self) -> str:
        """The README's latency table (between <!-- latency-table --> markers), machine named."""
        lines = [
            f"Measured {time.strftime('%Y-%m-%d')} by `make screenshots` on {describe()}, load average",
            f"{_load()} when written (details and every change: `docs/widget-latency.md`):",
            "",
            "| notebook | widget | median (ms) | worst (ms) |",
            "| --- | --- | ---: | ---: |",
        ]
        for nb, widget, n, med, worst, what, unchanged in self.per_widget():
            med_s = f"{med:.0f}" if med is not None else "-"
            worst_s = f"{worst:.0f}" if worst is not None else "-"
            lines.append(f"| {nb[:2]} | `{widget}` | {med_s} | {worst_s} |")
        return "\n".join(lines)

    def write_readme(self, readme: Path) -> None:
        replace_block("latency-table", self.readme_block(), readme)

    def write_markdown(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            "# Widget latency in JupyterLab",
            "",
            "Time from a student's change (key press on a slider handle, release of a mouse drag,",
            "a dropdown choice, a button click) to the new figure image appearing in the page,",
            "measured in headless Chromium by the browser tests (`tests/browser/`). Written by",
            "`make screenshots`; do not edit by hand. Reported, not asserted (a timing test fails",
            "on a busy machine for no fault of the code): the aim is a median under 200 ms and a",
            "worst change under 400 ms for every widget on 2 cores. Where the time goes inside the",
            "kernel (the widget's own computation, drawing, PNG encoding) is measured by",
            "`python benchmarks/bench_widgets.py`; the rest is the comm round trip and the browser.",
            "",
            f"Measured {time.strftime('%Y-%m-%d')} on {describe()}, {_chromium_version()},",
            f"load average {_load()} when the table was written (the browser, JupyterLab and the",
            "kernel share the cores; other work on the machine adds to every figure).",
            "",
            "| notebook | widget | changes | median (ms) | worst (ms) | worst change | sliders alone: median (ms) |",
            "|---|---|---:|---:|---:|---|---:|",
        ]
        notes = []
        for nb, widget, n, med, worst, what, unchanged in self.per_widget():
            med_s = f"{med:.0f}" if med is not None else "-"
            worst_s = f"{worst:.0f}" if worst is not None else "-"
            slider = self.slider_median(nb, widget)
            slider_s = f"{slider:.0f}" if slider is not None else "-"
            lines.append(f"| {nb} | `{widget}` | {n} | {med_s} | {worst_s} | {what} | {slider_s} |")
            notes += [f"- {nb}, `{widget}`: figure unchanged after {u} (not timed)." for u in unchanged]
        lines += ["", "## Every change", "", "| notebook | widget | control | action | ms |",
                  "|---|---|---|---|---:|"]
        for nb, widget, control, how, ms, note in self.rows:
            ms_s = f"{ms:.0f}" if ms is not None else note or "-"
            lines.append(f"| {nb} | `{widget}` | {control} | {how} | {ms_s} |")
        if notes:
            lines += ["", *notes]
        path.write_text("\n".join(lines) + "\n")
