"""JupyterLab started with ``make lab`` and driven in headless Chromium through Playwright.

The pieces the browser tests and ``make screenshots`` share: the server (a context manager),
the browser, and a ``LabNotebook`` page object that opens one notebook, runs all its cells the
way a student's "Run All" does, and finds and drives the ``mixlib.widgets.Explorer`` boxes.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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


def notebook_dir() -> Path:
    """The notebooks under test: notebooks/ (MIXNB_BROWSER_NOTEBOOKS overrides it, for development)."""
    return Path(os.environ.get("MIXNB_BROWSER_NOTEBOOKS", REPO / "notebooks")).resolve()


def notebook_names() -> list[str]:
    """Every notebook present now, sorted: later notebooks are covered with no change here."""
    return sorted(p.name for p in notebook_dir().glob("*.ipynb"))


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_json(url: str, method: str = "GET", timeout: float = 5):
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
    return json.loads(body) if body else None


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token, and the directory it serves."""

    url: str
    token: str
    root: Path
    log: Path

    def api(self, path: str, method: str = "GET"):
        sep = "&" if "?" in path else "?"
        return _http_json(f"{self.url}/api/{path}{sep}token={self.token}", method=method)

    def shutdown_kernels(self) -> None:
        """Shut down every kernel cleanly (kernels live in their own session, not our group)."""
        with contextlib.suppress(OSError, ValueError):
            for kernel in self.api("kernels"):
                with contextlib.suppress(OSError, ValueError):
                    self.api(f"kernels/{kernel['id']}", method="DELETE")

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


@contextlib.contextmanager
def jupyterlab(startup_timeout: float = 120):
    """Start JupyterLab with ``make lab`` (free port, random token, 127.0.0.1); stop it after.

    The server serves a temporary copy of the notebooks directory, so nothing the browser does
    (autosave, checkpoints) can touch the committed notebooks, and notebooks other people are
    editing cannot change under a running test. Workspaces and user settings are temporary too.
    """
    with tempfile.TemporaryDirectory(prefix="mixnb-lab-") as tmp:
        tmp = Path(tmp)
        root = tmp / "notebooks"
        shutil.copytree(notebook_dir(), root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for sub in ("workspaces", "settings", "runtime"):
            (tmp / sub).mkdir()
        port, token = _free_port(), secrets.token_hex(24)
        venv = Path(sys.prefix)
        lab_args = " ".join([
            "--no-browser",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            f"--LabApp.user_settings_dir={tmp / 'settings'}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.port_retries=0",
        ])
        # The repo's Makefile run from the temporary directory, so its --ServerApp.root_dir=notebooks
        # is the copy. -o: the environment running this test is installed; never pip-install here.
        cmd = ["make", "--no-print-directory", "-f", str(REPO / "Makefile"),
               "-o", f"{venv}/.lab-installed", "lab", f"VENV={venv}", f"PORT={port}",
               f"TOKEN={token}", f"LAB_ARGS={lab_args}"]
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
        log = tmp / "lab.log"
        with open(log, "wb") as log_file:
            proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, cwd=tmp,
                                    start_new_session=True)
        server = LabServer(f"http://127.0.0.1:{port}", token, root, log)
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"make lab exited with {proc.returncode}:\n{server.log_tail()}")
                with contextlib.suppress(OSError, ValueError):
                    if server.api("status") is not None:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer within {startup_timeout} s:\n"
                                       f"{server.log_tail()}")
                time.sleep(0.25)
            yield server
        finally:
            if proc.poll() is None:
                server.shutdown_kernels()
            _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """Terminate the whole process group of ``make lab`` (make and jupyter), then wait."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # make may have exited before jupyter did: give the group a moment, then make sure it is gone.
    for _ in range(50):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


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


def html_text(value: str) -> str:
    """Plain text of an HTML fragment with whitespace collapsed (how a readout reads on screen)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def norm_text(value: str) -> str:
    """Whitespace collapsed, zero-width spaces (ipywidgets puts one in labels) removed."""
    return " ".join(value.replace("\u200b", "").split())


# ---------------------------------------------------------------------------------------------
# JavaScript run in the page. `window.jupyterapp` is there because of expose_app_in_browser.

JS_NOTEBOOK = "window.jupyterapp.shell.currentWidget"

JS_KERNEL_READY = f"""(path) => {{
  const w = {JS_NOTEBOOK};
  if (!w || !w.context || w.context.path !== path || !w.context.isReady) return false;
  const k = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}}"""

JS_KERNEL_STATUS = f"""() => {{
  const w = {JS_NOTEBOOK};
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? k.connectionStatus + ':' + k.status : 'none';
}}"""

# One summary per cell: kind, blank or not, count, prompt text, tags, and small output summaries
# (never the image data, which is large).
JS_CELLS = f"""() => {{
  const nb = {JS_NOTEBOOK}.content;
  return nb.widgets.map((cell, index) => {{
    const m = cell.model;
    const out = {{index, type: m.type, blank: m.sharedModel.getSource().trim() === '',
                 source: m.sharedModel.getSource().slice(0, 2000),
                 tags: (m.getMetadata && m.getMetadata('tags')) || [],
                 count: null, prompt: '', outputs: []}};
    if (m.type !== 'code') return out;
    out.count = m.executionCount === undefined ? null : m.executionCount;
    const p = cell.node.querySelector('.jp-InputPrompt');
    out.prompt = p ? p.textContent.trim() : '';
    for (let j = 0; j < m.outputs.length; j++) {{
      const o = m.outputs.get(j).toJSON();
      const s = {{type: o.output_type}};
      if (o.output_type === 'error') {{ s.ename = o.ename; s.evalue = o.evalue; }}
      if (o.output_type === 'stream') {{
        s.name = o.name;
        s.text = (Array.isArray(o.text) ? o.text.join('') : o.text).slice(0, 2000);
      }}
      if (o.data) {{
        s.mimes = Object.keys(o.data);
        const v = o.data['{WIDGET_MIME}'];
        if (v) s.model_id = v.model_id;
        const t = o.data['text/plain'];
        if (t) s.text = (Array.isArray(t) ? t.join('') : t).slice(0, 500);
      }}
      out.outputs.push(s);
    }}
    return out;
  }});
}}"""

# Run code in the notebook's kernel (not a cell: no prompt, no history) and return its stdout.
JS_KERNEL_EXEC = f"""async (code) => {{
  const k = {JS_NOTEBOOK}.sessionContext.session.kernel;
  const future = k.requestExecute({{code, silent: false, store_history: false}});
  let stdout = '', error = null;
  future.onIOPub = (msg) => {{
    const t = msg.header.msg_type;
    if (t === 'stream' && msg.content.name === 'stdout') stdout += msg.content.text;
    if (t === 'error') error = msg.content.ename + ': ' + msg.content.evalue;
  }};
  await future.done;
  return {{stdout, error}};
}}"""

# Mark every Explorer box in the page with the model id of the widget view output holding it
# and its position inside that view, so the kernel can say which Explorer each box is.
JS_MARK_EXPLORERS = f"""() => {{
  const nb = {JS_NOTEBOOK}.content;
  const found = [];
  nb.widgets.forEach((cell, ci) => {{
    if (cell.model.type !== 'code') return;
    const children = cell.node.querySelectorAll('.jp-OutputArea-child');
    for (let j = 0; j < cell.model.outputs.length; j++) {{
      const data = cell.model.outputs.get(j).toJSON().data || {{}};
      const view = data['{WIDGET_MIME}'];
      if (!view || !children[j]) continue;
      children[j].querySelectorAll('.mixlib-explorer').forEach((el, position) => {{
        el.setAttribute('data-mix-view', view.model_id);
        el.setAttribute('data-mix-position', String(position));
        found.push({{cell: ci, view: view.model_id, position}});
      }});
    }}
  }});
  return found;
}}"""

# Render state of widget views: how many outputs hold a widget view, how many rendered, errors.
JS_WIDGET_RENDER_STATE = f"""() => {{
  const node = {JS_NOTEBOOK}.content.node;
  const outs = node.querySelectorAll('.jp-OutputArea-output[data-mime-type="{WIDGET_MIME}"]');
  let rendered = 0;
  outs.forEach((o) => {{ if (o.querySelector('.jupyter-widgets, .lm-Widget')) rendered++; }});
  // Outputs only: the prose may well mention the error message.
  const text = [...node.querySelectorAll('.jp-OutputArea-output')].map((o) => o.textContent).join(' ');
  return {{views: outs.length, rendered,
           errorDisplaying: text.includes('Error displaying widget'),
           loading: text.includes('Loading widget')}};
}}"""

# Kernel-side probe: for each displayed view, the Explorers it contains (depth first, the DOM
# order), each with its controls' values, the readouts it shows and what mixlib says they should.
PY_PROBE = r"""
def __mixnb_probe(views):
    import json
    from ipywidgets.widgets.widget import _instances
    from mixlib.widgets import Explorer

    def explorers_in(widget, seen):
        if id(widget) in seen:
            return []
        seen.add(id(widget))
        if isinstance(widget, Explorer):
            return [widget]
        found = []
        for child in getattr(widget, "children", ()) or ():
            found += explorers_in(child, seen)
        return found

    def jsonable(v):
        try:
            json.dumps(v)
            return v
        except TypeError:
            return repr(v)

    result = {}
    for view in views:
        top = _instances.get(view)
        boxes = explorers_in(top, set()) if top is not None else []
        result[view] = [{
            "model_id": box.model_id,
            "controls": {name: {"type": type(c).__name__,
                                "value": jsonable(getattr(c, "value", None)),
                                "description": getattr(c, "description", "")}
                         for name, c in box.controls.items()},
            "readouts": {name: type(r).__name__ for name, r in box.readouts.items()},
            "shown": box.readout_texts(),
            "expected": box.expected_readouts(),
        } for box in boxes]
    print(json.dumps(result))
"""

# Arm a latency measurement on one Explorer: remember the figure image, then record the time of
# the student's action (the last keydown / pointer / change event before the first new image)
# and of the first new image.
JS_ARM = """(el) => {
  const out = el.querySelector(':scope > .widget-output') ||
              [...el.querySelectorAll('.widget-output')].pop();
  const img = () => { const i = out && out.querySelector('img'); return i ? i.getAttribute('src') : null; };
  const st = window.__mix || (window.__mix = {});
  if (st.observer) st.observer.disconnect();
  if (!st.listening) {
    st.listening = true;
    // The last of these before the new image is the change (press then release for a drag;
    // a slider that updates while dragging shows its first new image before the release).
    for (const type of ['keydown', 'pointerdown', 'pointerup', 'change']) {
      document.addEventListener(type, () => { if (window.__mix.armed) window.__mix.t0 = performance.now(); }, true);
    }
  }
  Object.assign(st, {armed: true, t0: null, t1: null, base: img(), src: null});
  st.observer = new MutationObserver(() => {
    const src = img();
    if (st.t1 === null && src && src !== st.base) { st.t1 = performance.now(); st.src = src; st.armed = false; }
  });
  if (out) st.observer.observe(out, {subtree: true, childList: true, attributes: true});
  return st.base !== null;
}"""

JS_ARMED_STATE = """() => { const s = window.__mix; return {t0: s.t0, t1: s.t1, changed: s.t1 !== null}; }"""

JS_DISARM = """() => { const s = window.__mix; if (s) { s.armed = false; if (s.observer) s.observer.disconnect(); } }"""

# Text each readout shows in the page; the expected HTML is rendered the same way (innerHTML).
JS_READOUTS = """([el, names, expected]) => {
  const shown = {}, want = {};
  const render = (v) => { const d = document.createElement('div'); d.innerHTML = v; return d.textContent; };
  for (const name of names) {
    const r = el.querySelector('.mixlib-readout-' + CSS.escape(name));
    if (!r) { shown[name] = null; continue; }
    const content = r.querySelector('.widget-html-content');
    if (content) {
      shown[name] = content.textContent;
      if (name in expected) want[name] = render(expected[name]);
    } else {
      shown[name] = r.textContent;  // a Label: its text is the value
      if (name in expected) want[name] = expected[name];
    }
  }
  return {shown, want};
}"""


def _ancestor(css_class: str) -> str:
    """XPath to the nearest ancestor with this CSS class (the control's box, holding its label)."""
    return f"xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')][1]"


@dataclass
class Change:
    """One student action on a widget and what it took to see the new figure."""

    control: str
    how: str
    latency_ms: float | None
    figure_changed: bool
    note: str = ""


@dataclass
class ExplorerHandle:
    index: int
    cell: int
    name: str
    locator: object
    model_id: str
    info: dict
    changes: list = field(default_factory=list)


class LabNotebook:
    """One notebook open in its own browser context (its own workspace, its own kernel)."""

    def __init__(self, browser, server: LabServer, name: str):
        self.server, self.name = server, name
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            kernel = self.page.evaluate(
                f"() => {{ const w = {JS_NOTEBOOK}; const s = w && w.sessionContext && w.sessionContext.session;"
                " return s && s.kernel ? s.kernel.id : null; }")
            if kernel:
                self.server.api(f"kernels/{kernel}", method="DELETE")
        with contextlib.suppress(Exception):
            self.context.close()

    # -- opening and running -------------------------------------------------------------------
    def open(self, timeout_s: float = 120) -> None:
        """Load JupyterLab at the notebook and wait until its kernel is connected *and* idle."""
        workspace = "t" + secrets.token_hex(6)  # a fresh workspace: nothing else reopens
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{self.name}"
                       f"?token={self.server.token}", wait_until="domcontentloaded",
                       timeout=timeout_s * 1000)
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=timeout_s * 1000)
        self.page.wait_for_function(JS_KERNEL_READY, arg=self.name, timeout=timeout_s * 1000,
                                    polling=200)

    def run_all(self, timeout_s: float = 300) -> list[dict]:
        """Clear outputs, Run All (not awaited: awaiting it runs only the first cell), wait until every code cell has run.

        Returns the cell summaries. Raises AssertionError when the run stops early (an error in
        a cell without the ``raises-exception`` tag stops Run All) or times out.
        """
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        self.page.wait_for_function(
            f"() => {JS_NOTEBOOK}.content.widgets.every(c => c.model.type !== 'code' || "
            "(c.model.executionCount === null && c.model.outputs.length === 0))", timeout=30000)
        self.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        deadline = time.monotonic() + timeout_s
        idle_since = None
        while True:
            cells = self.page.evaluate(JS_CELLS)
            code = [c for c in cells if c["type"] == "code" and not c["blank"]]
            pending = [c for c in code if c["count"] is None or "*" in c["prompt"]]
            status = self.page.evaluate(JS_KERNEL_STATUS)
            if not pending and status == "connected:idle":
                return cells
            if status == "connected:idle" and not any("*" in c["prompt"] for c in code):
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 3:
                    raise AssertionError(
                        f"Run All stopped before cells {[c['index'] for c in pending]} ran; "
                        f"errors: {self.error_outputs(cells, allowed=False)}")
            else:
                idle_since = None
            if time.monotonic() > deadline:
                raise AssertionError(f"Run All did not finish in {timeout_s} s (kernel {status}); "
                                     f"cells still pending: {[c['index'] for c in pending]}")
            time.sleep(0.25)

    @staticmethod
    def error_outputs(cells: list[dict], allowed: bool = False) -> list[str]:
        """Error outputs (and tracebacks on stderr) outside cells tagged raises-exception."""
        found = []
        for c in cells:
            if c["type"] != "code" or ("raises-exception" in c["tags"]) != allowed:
                continue
            for o in c["outputs"]:
                if o["type"] == "error":
                    found.append(f"cell {c['index']}: {o['ename']}: {o['evalue']}")
                elif o["type"] == "stream" and o.get("name") == "stderr" and "Traceback" in o.get("text", ""):
                    found.append(f"cell {c['index']}: traceback on stderr: {o['text'][-300:]}")
        return found

    def wait_widgets_rendered(self, timeout_s: float = 60) -> dict:
        """Wait until every widget view output has rendered (or shows its error)."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = self.page.evaluate(JS_WIDGET_RENDER_STATE)
            if state["errorDisplaying"] or (state["rendered"] == state["views"] and not state["loading"]):
                return state
            if time.monotonic() > deadline:
                return state
            time.sleep(0.2)

    def outputs_text_has(self, text: str) -> bool:
        """Whether any cell output in the page (not the prose) contains ``text``."""
        return self.page.evaluate(
            f"(t) => [...{JS_NOTEBOOK}.content.node.querySelectorAll('.jp-OutputArea-output')]"
            ".some((o) => o.textContent.includes(t))", text)

    # -- the kernel ----------------------------------------------------------------------------
    def kernel_exec(self, code: str, timeout_s: float = 120) -> str:
        result = self.page.evaluate(JS_KERNEL_EXEC, code)
        if result["error"]:
            raise AssertionError(f"kernel probe failed: {result['error']}")
        return result["stdout"]

    def probe(self, views: list[str]) -> dict:
        """What the kernel's Explorers hold for these views (see PY_PROBE)."""
        out = self.kernel_exec(PY_PROBE + f"\n__mixnb_probe({json.dumps(views)})\n")
        return json.loads(out.strip().splitlines()[-1])

    def wait_kernel_idle(self, timeout_s: float = 60) -> None:
        self.page.wait_for_function(f"() => ({JS_KERNEL_STATUS})() === 'connected:idle'",
                                    timeout=timeout_s * 1000, polling=50)

    # -- explorers -----------------------------------------------------------------------------
    def explorers(self, cells: list[dict], widget_names=()) -> list[ExplorerHandle]:
        """Every Explorer box shown in the page, matched with its Explorer in the kernel."""
        marks = self.page.evaluate(JS_MARK_EXPLORERS)
        views = sorted({m["view"] for m in marks})
        if not views:
            return []
        probed = self.probe(views)
        handles = []
        for i, m in enumerate(marks):
            boxes = probed.get(m["view"], [])
            if m["position"] >= len(boxes):
                raise AssertionError(f"the page shows an Explorer (cell {m['cell']}) the kernel does "
                                     "not know: its widget model is not live in the kernel")
            info = boxes[m["position"]]
            source = cells[m["cell"]]["source"]
            fn = next((n for n in widget_names if re.search(rf"\b{n}\s*\(", source)), None)
            label = fn or f"cell {m['cell']}"
            locator = self.page.locator(
                f'[data-mix-view="{m["view"]}"][data-mix-position="{m["position"]}"]')
            handles.append(ExplorerHandle(i, m["cell"], label, locator, info["model_id"], info))
        return handles

    def explorer_state(self, handle: ExplorerHandle) -> dict:
        view = handle.locator.get_attribute("data-mix-view")
        pos = int(handle.locator.get_attribute("data-mix-position"))
        return self.probe([view])[view][pos]

    def readouts_in_page(self, handle: ExplorerHandle, expected: dict) -> dict:
        return handle.locator.evaluate(
            "(el, arg) => (" + JS_READOUTS + ")([el, arg.names, arg.expected])",
            {"names": list(handle.info["readouts"]), "expected": expected})

    def check_readouts(self, handle: ExplorerHandle, what: str, timeout_s: float = 10) -> dict:
        """After a change: the page's readouts equal what mixlib computes for the new values."""
        state = self.explorer_state(handle)
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
            page = self.readouts_in_page(handle, expected)
            wrong = {n: (page["shown"].get(n), page["want"][n]) for n in page["want"]
                     if page["shown"].get(n) is None
                     or norm_text(page["shown"][n]) != norm_text(page["want"][n])}
            if not wrong or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        for n, (shown, want) in wrong.items():
            problems.append(f"page readout {n!r} shows {shown!r}, mixlib says {want!r}")
        if problems:
            raise AssertionError(f"{self.name}, {handle.name}, after {what}:\n  " + "\n  ".join(problems))
        return state

    def _measure(self, handle: ExplorerHandle, act, control: str, how: str,
                 must_change: bool, timeout_s: float = 30) -> Change:
        has_image = handle.locator.evaluate(JS_ARM)
        if not has_image:
            raise AssertionError(f"{self.name}, {handle.name}: no figure image in the Explorer")
        try:
            act()
            deadline = time.monotonic() + (timeout_s if must_change else 8)
            while True:
                st = self.page.evaluate(JS_ARMED_STATE)
                if st["changed"] or time.monotonic() > deadline:
                    break
                time.sleep(0.02)
        finally:
            self.page.evaluate(JS_DISARM)
        self.wait_kernel_idle()
        latency = (st["t1"] - st["t0"]) if st["changed"] and st["t0"] is not None else None
        change = Change(control, how, latency, st["changed"])
        if not st["changed"]:
            if must_change:
                raise AssertionError(f"{self.name}, {handle.name}: figure did not change within "
                                     f"{timeout_s} s after {how} on {control!r}")
            change.note = "figure unchanged"
        handle.changes.append(change)
        return change

    def drive(self, handle: ExplorerHandle) -> list[Change]:
        """Move each slider by keyboard and by mouse, click each checkbox, pick another option in
        each dropdown, click each button; after each change check that the readouts match mixlib and
        that the figure changed (sliders and dropdowns must redraw it; a checkbox or a button may
        legitimately leave it as it was, e.g. "reset" at the start: noted, not failed)."""
        box = handle.locator
        box.scroll_into_view_if_needed()
        sliders = box.locator(".widget-slider:not(.widget-readout)")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            handle_el = slider.locator(".noUi-handle").first
            if handle_el.count() == 0 or slider.locator(".noUi-target[disabled]").count():
                continue
            label = norm_text(slider.locator(".widget-label").first.text_content() or f"slider {i}")
            before = self.explorer_state(handle)["controls"]

            # keyboard: focus the handle, one step right (left when already at the maximum)
            now, top = (handle_el.get_attribute("aria-valuenow"), handle_el.get_attribute("aria-valuemax"))
            key = "ArrowLeft" if now is not None and top is not None and float(now) >= float(top) else "ArrowRight"

            def press(h=handle_el, k=key):
                h.focus()
                self.page.keyboard.press(k)

            self._measure(handle, press, label, f"keyboard {key}", must_change=True)
            after = self.check_readouts(handle, f"{key} on slider {label!r}")
            if after["controls"] == before:
                raise AssertionError(f"{self.name}, {handle.name}: {key} on slider {label!r} did not "
                                     "change any control value in the kernel")

            # mouse: drag the handle to the other half of the track
            def drag(s=slider):
                s.scroll_into_view_if_needed()
                track = s.locator(".noUi-target").first.bounding_box()
                knob = s.locator(".noUi-handle").first.bounding_box()
                x0, y0 = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
                frac = 0.25 if x0 > track["x"] + track["width"] / 2 else 0.75
                x1 = track["x"] + frac * track["width"]
                self.page.mouse.move(x0, y0)
                self.page.mouse.down()
                self.page.mouse.move(x1, y0, steps=6)
                self.page.mouse.up()

            before = after["controls"]
            self._measure(handle, drag, label, "mouse drag", must_change=True)
            after = self.check_readouts(handle, f"dragging slider {label!r}")
            if after["controls"] == before:
                raise AssertionError(f"{self.name}, {handle.name}: dragging slider {label!r} did not "
                                     "change any control value in the kernel")

        checkboxes = box.locator(".widget-checkbox input[type=checkbox]:not([disabled])")
        for i in range(checkboxes.count()):
            tick = checkboxes.nth(i)
            label = norm_text(tick.locator(_ancestor("widget-checkbox")).text_content() or "") or f"checkbox {i}"
            self._measure(handle, lambda t=tick: t.click(), label, "checkbox click", must_change=False)
            self.check_readouts(handle, f"clicking checkbox {label!r}")

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
            self._measure(handle, lambda s=sel, t=target: s.select_option(t), label,
                          "dropdown choice", must_change=True)
            self.check_readouts(handle, f"choosing another option in {label!r}")

        buttons = box.locator(".widget-button:not([disabled]), .widget-toggle-button:not([disabled])")
        for i in range(buttons.count()):
            button = buttons.nth(i)
            label = norm_text(button.text_content() or "") or (button.get_attribute("title") or f"button {i}")
            self._measure(handle, lambda b=button: b.click(), label, "button click", must_change=False)
            self.check_readouts(handle, f"clicking button {label!r}")
        return handle.changes

    def screenshot(self, handle: ExplorerHandle, path: Path, width: int = 900) -> None:
        """A small PNG of the Explorer box (scaled to ``width`` px), for the README."""
        from PIL import Image

        handle.locator.scroll_into_view_if_needed()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle.locator.screenshot(path=str(path), animations="disabled")
        with Image.open(path) as img:
            img = img.convert("RGB")
            if img.width > width:
                img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
            img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            img.save(path, optimize=True)
