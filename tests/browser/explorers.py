"""Find the ``mixlib.widgets.Explorer`` boxes in an open notebook and drive them as a student does.

Each box in the page is matched with its Explorer in the kernel (``probe.py``, run through
``jupyter_client``), so after every change the readouts the page shows can be compared with what
mixlib computes for the new control values. The controls are found and moved through the DOM
ipywidgets renders (``.widget-slider``, ``.noUi-handle``, ``.widget-checkbox``, ...).
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .latency import Change, measure_change
from .page import LabNotebook, js, norm_text, widget_views

PROBE = (Path(__file__).resolve().parent / "probe.py").read_text(encoding="utf-8")


def html_text(value: str) -> str:
    """Plain text of an HTML fragment with whitespace collapsed (how a readout reads on screen)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def _ancestor(css_class: str) -> str:
    """XPath to the nearest ancestor with this CSS class (the control's box, holding its label)."""
    return f"xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')][1]"


@dataclass
class ExplorerHandle:
    index: int
    cell: int
    name: str
    locator: object
    model_id: str
    info: dict
    changes: list = field(default_factory=list)


def probe(nb: LabNotebook, views: list[str]) -> dict:
    """What the kernel's Explorers hold for these widget views (see probe.py)."""
    code = (f"exec({PROBE!r}, __mixnb_probe := {{}})\n"
            f"__mixnb_probe['probe']({json.dumps(views)})\n"
            "del __mixnb_probe\n")
    return json.loads(nb.run_in_kernel(code).strip().splitlines()[-1])


def find_explorers(nb: LabNotebook, cells: list[dict], widget_names=()) -> list[ExplorerHandle]:
    """Every Explorer box shown in the page, matched with its Explorer in the kernel.

    ``cells`` are the saved notebook's cells (they give each widget view's model id); a box is
    named after the first of ``widget_names`` called in its cell's source (``name(``).
    """
    marks = nb.call("mark_explorers", widget_views(cells))
    views = sorted({m["view"] for m in marks})
    if not views:
        return []
    probed = probe(nb, views)
    handles = []
    for i, m in enumerate(marks):
        boxes = probed.get(m["view"], [])
        if m["position"] >= len(boxes):
            raise AssertionError(f"the page shows an Explorer (cell {m['cell']}) the kernel does "
                                 "not know: its widget model is not live in the kernel")
        info = boxes[m["position"]]
        source = cells[m["cell"]]["source"]
        fn = next((n for n in widget_names if re.search(rf"\b{n}\s*\(", source)), None)
        locator = nb.page.locator(f'[data-mix-view="{m["view"]}"][data-mix-position="{m["position"]}"]')
        handles.append(ExplorerHandle(i, m["cell"], fn or f"cell {m['cell']}", locator,
                                      info["model_id"], info))
    return handles


def explorer_state(nb: LabNotebook, handle: ExplorerHandle) -> dict:
    view = handle.locator.get_attribute("data-mix-view")
    position = int(handle.locator.get_attribute("data-mix-position"))
    return probe(nb, [view])[view][position]


def check_readouts(nb: LabNotebook, handle: ExplorerHandle, what: str, timeout_s: float = 10) -> dict:
    """After a change: the page's readouts equal what mixlib computes for the new values."""
    state = explorer_state(nb, handle)
    expected = state["expected"]
    problems = []
    missing = sorted(set(expected) - set(state["readouts"]))
    if missing:
        problems.append(f"expected_readouts() names {missing} that are not readouts")
    unchecked = sorted(set(state["readouts"]) - set(expected))
    if unchecked:
        problems.append(f"readouts {unchecked} have no value in expected_readouts(): the page "
                        "cannot be checked against mixlib")
    for name in sorted(set(expected) & set(state["shown"])):
        if html_text(str(state["shown"][name])) != html_text(str(expected[name])):
            problems.append(f"kernel readout {name!r} holds {state['shown'][name]!r}, "
                            f"mixlib says {expected[name]!r}")
    deadline = time.monotonic() + timeout_s
    while True:
        page = handle.locator.evaluate(js("readouts"),
                                       {"names": list(handle.info["readouts"]), "expected": expected})
        wrong = {n: (page["shown"].get(n), page["want"][n]) for n in page["want"]
                 if page["shown"].get(n) is None
                 or norm_text(page["shown"][n]) != norm_text(page["want"][n])}
        if not wrong or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for n, (shown, want) in wrong.items():
        problems.append(f"page readout {n!r} shows {shown!r}, mixlib says {want!r}")
    if problems:
        raise AssertionError(f"{nb.name}, {handle.name}, after {what}:\n  " + "\n  ".join(problems))
    return state


def _change(nb: LabNotebook, handle: ExplorerHandle, act, control: str, how: str,
            must_change: bool, timeout_s: float = 30) -> Change:
    """One timed change; a slider or dropdown must redraw the figure within ``timeout_s``."""
    change = measure_change(nb.page, handle.locator, act, control, how,
                            timeout_s if must_change else 8)
    nb.wait_kernel_idle()
    if must_change and not change.figure_changed:
        raise AssertionError(f"{nb.name}, {handle.name}: figure did not change within "
                             f"{timeout_s} s after {how} on {control!r}")
    handle.changes.append(change)
    return change


def drive(nb: LabNotebook, handle: ExplorerHandle) -> list[Change]:
    """Move each slider by keyboard and by mouse, click each checkbox, pick another option in
    each dropdown, click each button; after each change check that the readouts match mixlib and
    that the figure changed (sliders and dropdowns must redraw it; a checkbox or a button may
    legitimately leave it as it was, e.g. "reset" at the start: noted, not failed)."""
    page, box = nb.page, handle.locator
    box.scroll_into_view_if_needed()
    sliders = box.locator(".widget-slider:not(.widget-readout)")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        knob = slider.locator(".noUi-handle").first
        if knob.count() == 0 or slider.locator(".noUi-target[disabled]").count():
            continue
        label = norm_text(slider.locator(".widget-label").first.text_content() or f"slider {i}")
        before = explorer_state(nb, handle)["controls"]

        # keyboard: focus the handle, one step right (left when already at the maximum)
        now, top = knob.get_attribute("aria-valuenow"), knob.get_attribute("aria-valuemax")
        key = "ArrowLeft" if now is not None and top is not None and float(now) >= float(top) else "ArrowRight"

        def press(h=knob, k=key):
            h.focus()
            page.keyboard.press(k)

        _change(nb, handle, press, label, f"keyboard {key}", must_change=True)
        after = check_readouts(nb, handle, f"{key} on slider {label!r}")
        if after["controls"] == before:
            raise AssertionError(f"{nb.name}, {handle.name}: {key} on slider {label!r} did not "
                                 "change any control value in the kernel")

        # mouse: drag the handle to the other half of the track
        def drag(s=slider):
            s.scroll_into_view_if_needed()
            track = s.locator(".noUi-target").first.bounding_box()
            at = s.locator(".noUi-handle").first.bounding_box()
            x0, y0 = at["x"] + at["width"] / 2, at["y"] + at["height"] / 2
            frac = 0.25 if x0 > track["x"] + track["width"] / 2 else 0.75
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move(track["x"] + frac * track["width"], y0, steps=6)
            page.mouse.up()

        before = after["controls"]
        _change(nb, handle, drag, label, "mouse drag", must_change=True)
        after = check_readouts(nb, handle, f"dragging slider {label!r}")
        if after["controls"] == before:
            raise AssertionError(f"{nb.name}, {handle.name}: dragging slider {label!r} did not "
                                 "change any control value in the kernel")

    checkboxes = box.locator(".widget-checkbox input[type=checkbox]:not([disabled])")
    for i in range(checkboxes.count()):
        tick = checkboxes.nth(i)
        label = norm_text(tick.locator(_ancestor("widget-checkbox")).text_content() or "") or f"checkbox {i}"
        _change(nb, handle, lambda t=tick: t.click(), label, "checkbox click", must_change=False)
        check_readouts(nb, handle, f"clicking checkbox {label!r}")

    selects = box.locator(".widget-dropdown select:not([disabled])")
    for i in range(selects.count()):
        sel = selects.nth(i)
        options = sel.locator("option")
        if options.count() < 2:
            continue
        current = sel.input_value()
        values = [options.nth(j).get_attribute("value") for j in range(options.count())]
        target = next(v for v in values if v != current)
        label = norm_text(sel.locator(_ancestor("widget-dropdown")).locator(".widget-label").first
                          .text_content() or "") or f"dropdown {i}"
        _change(nb, handle, lambda s=sel, t=target: s.select_option(t), label, "dropdown choice",
                must_change=True)
        check_readouts(nb, handle, f"choosing another option in {label!r}")

    buttons = box.locator(".widget-button:not([disabled]), .widget-toggle-button:not([disabled])")
    for i in range(buttons.count()):
        button = buttons.nth(i)
        label = norm_text(button.text_content() or "") or (button.get_attribute("title") or f"button {i}")
        _change(nb, handle, lambda b=button: b.click(), label, "button click", must_change=False)
        check_readouts(nb, handle, f"clicking button {label!r}")
    return handle.changes
