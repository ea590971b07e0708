"""The page driver: headless Chromium through Playwright, and ``LabNotebook``, one notebook open
in JupyterLab, run with Run All the way a student does.

How this talks to JupyterLab, so that an upgrade breaks one place:

- actions go through JupyterLab's command registry (``js/lab_command.js``:
  ``notebook:clear-all-cell-outputs``, ``notebook:run-all-cells``, ``docmanager:save``);
- progress and what the student sees are read from the DOM (``js/notebook_cells.js``,
  ``js/widget_views.js``: cell prompts, output areas, widget views);
- what ran (outputs, errors, tags, widget model ids) is read from the notebook file the page saved,
  with nbformat;
- ``js/lab_kernel.js`` is the one script that reads JupyterLab's objects (the page's kernel
  connection), for the wait before Run All.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from functools import cache
from pathlib import Path

import nbformat

from .server import LabServer

CHROMIUM = "/usr/bin/chromium"
# Playwright adds --no-sandbox itself (needed as root).
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
JS_DIR = Path(__file__).resolve().parent / "js"


@cache
def js(name: str) -> str:
    """The function expression in ``js/<name>.js`` (Playwright calls it with the argument)."""
    return (JS_DIR / f"{name}.js").read_text(encoding="utf-8")


def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when Chromium and Playwright are present."""
    if not os.access(CHROMIUM, os.X_OK):
        return (f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium) "
                "to run the JupyterLab browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python playwright is not installed (it is in the 'test' extra: make test installs it)"
    return None


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, through Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def norm_text(value: str) -> str:
    """Whitespace collapsed, zero-width spaces (ipywidgets puts one in labels) removed."""
    return " ".join(value.replace("\u200b", "").split())


def cell_summaries(nb) -> list[dict]:
    """One summary per cell of a notebook read with nbformat: kind, source, tags, outputs."""
    cells = []
    for index, cell in enumerate(nb.cells):
        summary = {"index": index, "type": cell.cell_type, "source": cell.source,
                   "blank": not cell.source.strip(), "tags": cell.metadata.get("tags", []),
                   "count": cell.get("execution_count"), "outputs": []}
        for output in cell.get("outputs", []):
            summary["outputs"].append(dict(output))
        cells.append(summary)
    return cells


def error_outputs(cells: list[dict], allowed: bool = False) -> list[str]:
    """Error outputs (and tracebacks on stderr) outside cells tagged raises-exception."""
    found = []
    for c in cells:
        if c["type"] != "code" or ("raises-exception" in c["tags"]) != allowed:
            continue
        for o in c["outputs"]:
            if o["output_type"] == "error":
                found.append(f"cell {c['index']}: {o['ename']}: {o['evalue']}")
            elif (o["output_type"] == "stream" and o.get("name") == "stderr"
                  and "Traceback" in o.get("text", "")):
                found.append(f"cell {c['index']}: traceback on stderr: {o['text'][-300:]}")
    return found


def widget_views(cells: list[dict]) -> list[dict]:
    """[{cell, output, view}]: every widget view output, its place and its model id."""
    return [{"cell": c["index"], "output": j, "view": o["data"][WIDGET_MIME]["model_id"]}
            for c in cells for j, o in enumerate(c["outputs"])
            if WIDGET_MIME in o.get("data", {})]


class LabNotebook:
    """One notebook open in its own browser context (its own workspace, its own kernel)."""

    def __init__(self, browser, server: LabServer, name: str):
        self.server, self.name = server, name
        self.path = server.root / name
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.kernel_id: str | None = None
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    def call(self, script: str, arg=None):
        """Run ``js/<script>.js`` in the page with ``arg`` and return its result."""
        return self.page.evaluate(js(script), arg)

    def command(self, command_id: str, wait: bool = True) -> None:
        """Run a JupyterLab command (``wait=False``: do not await its promise)."""
        self.call("lab_command", [command_id, wait])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            kernel = self.kernel_id or self.server.kernel_id(self.name)
            if kernel:
                self.server.shutdown_kernel(kernel)
        with contextlib.suppress(Exception):
            self.context.close()

    # -- opening, running, saving --------------------------------------------------------------
    def open(self, timeout_s: float = 120) -> None:
        """Load JupyterLab at the notebook and wait until its kernel is connected *and* idle."""
        workspace = "t" + secrets.token_hex(6)  # a fresh workspace: nothing else reopens
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{self.name}"
                       f"?token={self.server.token}", wait_until="domcontentloaded",
                       timeout=timeout_s * 1000)
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=timeout_s * 1000)
        self.wait_kernel_idle(timeout_s, opened=True)
        self.kernel_id = self.call("lab_kernel", self.name)["id"]
        # JupyterLab attaches the cells to the page a few at a time after opening (its default
        # windowingMode, contentVisibility, then keeps them all): wait for every one.
        on_disk = len(nbformat.read(self.path, as_version=4).cells)
        deadline = time.monotonic() + timeout_s
        while len(self.call("notebook_cells") or []) < on_disk and time.monotonic() < deadline:
            time.sleep(0.2)

    def wait_kernel_idle(self, timeout_s: float = 60, opened: bool = False) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            kernel = self.call("lab_kernel", self.name)
            if kernel["state"] == "connected:idle" and (kernel["opened"] or not opened):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: the kernel is not connected and idle after "
                                     f"{timeout_s} s (it is {kernel['state']})")
            time.sleep(0.05 if not opened else 0.2)

    def page_cells(self) -> list[dict]:
        """The cells as the page shows them (see js/notebook_cells.js), checked against the file."""
        cells = self.call("notebook_cells") or []
        on_disk = len(nbformat.read(self.path, as_version=4).cells)
        if len(cells) != on_disk:
            raise AssertionError(f"{self.name}: the page shows {len(cells)} cells, the file has "
                                 f"{on_disk}: has JupyterLab stopped attaching every cell to the DOM "
                                 "(the notebook's windowingMode setting)?")
        return cells

    def saved_cells(self) -> list[dict]:
        """Save the notebook from the page (``docmanager:save``) and read back what ran."""
        self.command("docmanager:save")
        return cell_summaries(nbformat.read(self.path, as_version=4))

    def run_all(self, timeout_s: float = 300) -> list[dict]:
        """Clear outputs, Run All (not awaited), wait until every code cell has run, save.

        Returns the cell summaries of the saved notebook. Raises AssertionError when the run stops
        early (an error in a cell without the ``raises-exception`` tag stops Run All) or times out.
        """
        to_run = [c["index"] for c in cell_summaries(nbformat.read(self.path, as_version=4))
                  if c["type"] == "code" and not c["blank"]]
        self.command("notebook:clear-all-cell-outputs")
        deadline = time.monotonic() + 30
        while True:
            shown = [(i, c["prompt"], c["outputs"]) for i, c in enumerate(self.page_cells())
                     if c["code"] and (c["prompt"] != "[ ]:" or c["outputs"])]
            if not shown:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: outputs still shown 30 s after clearing them "
                                     f"(cell, prompt, outputs: {shown[:5]})")
            time.sleep(0.1)
        self.command("notebook:run-all-cells", wait=False)
        deadline = time.monotonic() + timeout_s
        idle_since = None
        while True:
            cells = self.page_cells()
            pending = [i for i in to_run if not re.fullmatch(r"\[\d+\]:", cells[i]["prompt"])]
            running = any("*" in c["prompt"] for c in cells)
            state = self.call("lab_kernel", self.name)["state"]
            if not pending and state == "connected:idle":
                saved = self.saved_cells()
                unsaved = [i for i in to_run if saved[i]["count"] is None]
                if unsaved:
                    raise AssertionError(f"{self.name}: the page ran every cell but the saved file "
                                         f"has no execution count for cells {unsaved}")
                return saved
            if state == "connected:idle" and not running:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 15:  # a loaded machine can pause the page for seconds
                    errors = [f"cell {i}: {text}" for i, c in enumerate(cells) for text in c["stderr"]]
                    raise AssertionError(f"{self.name}: Run All stopped before cells {pending} ran; "
                                         f"stderr outputs: {errors}")
            else:
                idle_since = None
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: Run All did not finish in {timeout_s} s (kernel "
                                     f"{state}); cells still pending: {pending}")
            time.sleep(0.25)

    def wait_widgets_rendered(self, timeout_s: float = 60) -> dict:
        """Wait until every widget view output has rendered (or shows its error)."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = self.call("widget_views")
            if state["errorDisplaying"] or (state["rendered"] == state["views"] and not state["loading"]):
                return state
            if time.monotonic() > deadline:
                return state
            time.sleep(0.2)

    def outputs_text_has(self, text: str) -> bool:
        """Whether any cell output in the page (not the prose) contains ``text``."""
        return self.call("outputs_text", text)

    def run_in_kernel(self, code: str) -> str:
        """Run code in this notebook's kernel (not in a cell) and return its stdout."""
        return self.server.run_in_kernel(self.kernel_id, code)

    def screenshot(self, locator, path: Path, width: int = 900) -> None:
        """A small PNG of an element (scaled to ``width`` px), for the README."""
        from PIL import Image

        locator.scroll_into_view_if_needed()
        path.parent.mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=str(path), animations="disabled")
        with Image.open(path) as img:
            img = img.convert("RGB")
            if img.width > width:
                img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
            img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            img.save(path, optimize=True)
