"""The course website (``make book``, build/book/) in headless Chromium, as a reader opens it.

Builds the site with ``make book`` (incremental: quick when nothing changed), serves build/book/
on 127.0.0.1 with Python's http.server, opens every page and records every request. It asserts:

- no console error, no page error, no failed request or HTTP error, and no request to any host
  but the one serving the site (those are blocked and recorded, so the test never goes online);
- every ``<img>`` loaded (naturalWidth > 0);
- the maths typeset: MathJax rendered every math element, no MathJax error, and no raw ``$$``,
  ``\\(`` or ``\\[`` left in the text outside code;
- every link to the site resolves to a file in build/book/, and its #anchor to an id there;
- each notebook has a page with its learning goals (the "You will learn" box), a Binder link at
  the release tag and a download link to the notebook as saved, and each widget of the notebook
  shows as a static picture or a caption (no "Loading widget...", no "Error displaying widget");
  no assert or comment line of a ``check`` cell (the prose checks) is on the page.

Self-contained (its own server and browser): it does not depend on tests/browser/lab.py.
Under ``CI=true`` a missing Chromium fails; elsewhere the test skips with the reason.
"""

from __future__ import annotations

import concurrent.futures
import functools
import http.server
import json
import os
import re
import subprocess
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "build" / "book"
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--no-first-run"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_CAPTION = "This page has no Python kernel"

# Collect every page's problems first, then assert, so one run reports them all.
JS_PAGE = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all([...document.images].map(img => {
    img.loading = 'eager';
    return img.complete ? null : new Promise(r => { img.onload = img.onerror = r; });
  }));
  const text = (root) => {
    const copy = root.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container, mjx-assistive-mml, .highlight')
        .forEach(e => e.remove());
    return copy.textContent;
  };
  const main = document.querySelector('main') || document.body;
  return {
    images: [...document.images].map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    mathElements: document.querySelectorAll('.math').length,
    mathRendered: document.querySelectorAll('.math mjx-container, mjx-container.MathJax').length,
    mathUnrendered: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container'))
        .map(e => e.textContent.slice(0, 80)),
    mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 80)),
    prose: text(main),
    text: main.innerText,
    binder: [...document.querySelectorAll('a.launch-binder')].map(a => a.href),
    download: [...document.querySelectorAll('a.download-ipynb')].map(a => a.getAttribute('href')),
    widgetFigures: document.querySelectorAll('figure.widget-static img').length,
    outputs: [...document.querySelectorAll('.cell_output')].map(e => e.innerText).join('\n'),
  };
}"""


def _norm(text: str) -> str:
    """Whitespace collapsed, typographic quotes (Sphinx's smart quotes) made plain."""
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site():
    """build/book/ freshly built by ``make book``."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the website test cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    build = subprocess.run(["make", "book"], cwd=REPO, capture_output=True, text=True)
    assert build.returncode == 0, f"make book failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
    assert (SITE / "index.html").exists(), "make book wrote no build/book/index.html"
    return SITE


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def pages(site, server):
    """{path relative to build/book: what the page showed and every problem it had}."""
    from playwright.sync_api import sync_playwright

    # Every page; _static/ holds the theme's Jinja macro files (*.html), not pages.
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if not p.relative_to(site).as_posix().startswith("_static/"))

    def visit_every_page():
        results = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                current = {"problems": []}

                def route(r):
                    if r.request.url.startswith(server + "/"):
                        r.continue_()
                    else:  # never go online: record it and refuse
                        current["problems"].append(f"request to another host: {r.request.url}")
                        r.abort()

                context.route("**/*", route)
                context.on("requestfailed", lambda req: current["problems"].append(
                    f"failed request: {req.url} ({req.failure})"))
                context.on("response", lambda resp: resp.status >= 400 and current["problems"].append(
                    f"HTTP {resp.status}: {resp.url}"))
                page = context.new_page()
                page.on("console", lambda msg: msg.type == "error" and current["problems"].append(
                    f"console error: {msg.text}"))
                page.on("pageerror", lambda err: current["problems"].append(f"page error: {err}"))
                pending = set()  # requests in flight (Request objects: one per request)
                context.on("request", lambda req: pending.add(req))
                context.on("requestfinished", lambda req: pending.discard(req))
                context.on("requestfailed", lambda req: pending.discard(req))
                for path in paths:
                    current = {"problems": []}
                    page.goto(f"{server}/{path}", wait_until="load")
                    info = page.evaluate(JS_PAGE)
                    # What the page loads late (fonts, MathJax's parts) is checked too: wait until
                    # no request has been in flight for 0.5 s.
                    quiet_since, deadline = None, time.monotonic() + 15
                    while time.monotonic() < deadline:
                        page.wait_for_timeout(100)
                        if pending:
                            quiet_since = None
                        elif quiet_since is None:
                            quiet_since = time.monotonic()
                        elif time.monotonic() - quiet_since >= 0.5:
                            break
                    else:
                        current["problems"].append(
                            f"requests still open after 15 s: {sorted(r.url for r in pending)}")
                    info["problems"] = current["problems"]
                    results[path] = info
            finally:
                browser.close()
        return results

    # Playwright's sync API cannot start inside another sync_playwright in the same thread, and
    # the JupyterLab browser tests keep theirs open for the whole session: visit in a thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(visit_every_page).result()


def _link_problem(site: Path, server: str, page_path: str, href: str) -> str | None:
    """Why an internal link does not resolve, or None."""
    if not href.startswith(server + "/"):
        return None  # another site (Binder, GitHub): a link, never loaded here
    parts = urlsplit(href)
    target = site / unquote(parts.path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"{page_path}: link to a missing file {href}"
    if parts.fragment and target.suffix == ".html":
        html = target.read_text(encoding="utf-8", errors="replace")
        if not re.search(r"""\bid=["']%s["']""" % re.escape(unquote(parts.fragment)), html):
            return f"{page_path}: link to a missing anchor {href}"
    return None


def learning_goals(notebook: Path) -> list[str]:
    """The bullets of the notebook's "You will learn" box, as plain text."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    source = "".join(nb["cells"][0]["source"])
    box = source.split("**You will learn**", 1)
    assert len(box) == 2, f"{notebook.name}: no '**You will learn**' box in the first cell"
    bullets, current = [], None
    for line in box[1].strip().splitlines():
        if line.startswith("- "):
            current = line[2:]
            bullets.append(current)
        elif line.startswith("  ") and bullets:
            bullets[-1] += " " + line.strip()
        else:
            break
    assert bullets, f"{notebook.name}: the 'You will learn' box has no bullets"
    return bullets


def goal_fragments(bullet: str) -> list[str]:
    """The bullet's prose between maths, without markdown marks: what the page must show."""
    pieces = re.split(r"\$[^$]+\$", bullet)
    out = []
    for piece in pieces:
        piece = re.sub(r"[`*]", "", piece)
        piece = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", piece)
        piece = _norm(piece.strip(" ;,.:"))
        if len(piece) >= 3:
            out.append(piece)
    return out


def release_binder_url(notebook: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    owner, repo = re.search(r"https://mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)/", readme).groups()
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/v{version}?urlpath=lab/tree/notebooks/{notebook}"


# --- every page -----------------------------------------------------------------------------------

def test_every_page_loads_offline_with_no_error(pages):
    problems = [f"{path}: {p}" for path, info in pages.items() for p in info["problems"]]
    assert "index.html" in pages and len(pages) > len(NOTEBOOKS)
    assert not problems, "\n".join(problems)


def test_every_image_loads(pages):
    broken = [f"{path}: {img['src']}" for path, info in pages.items()
              for img in info["images"] if not img["ok"]]
    assert any(info["images"] for info in pages.values()), "no page has an image"
    assert not broken, "images that did not load:\n" + "\n".join(broken)


def test_maths_is_typeset(pages):
    problems = []
    for path, info in pages.items():
        problems += [f"{path}: not typeset: {m!r}" for m in info["mathUnrendered"]]
        problems += [f"{path}: MathJax error: {m!r}" for m in info["mathErrors"]]
        for raw in ("$$", "\\(", "\\[", "\\)", "\\]"):
            if raw in info["prose"]:
                at = info["prose"].index(raw)
                problems.append(f"{path}: raw {raw!r} in the text: ...{info['prose'][at - 60:at + 60]!r}")
    typeset = sum(info["mathRendered"] for info in pages.values())
    assert typeset > 50, f"only {typeset} maths elements typeset over the whole site"
    assert not problems, "\n".join(problems)


def test_every_internal_link_resolves(pages, site, server):
    problems = {_link_problem(site, server, path, href)
                for path, info in pages.items() for href in info["links"]}
    problems.discard(None)
    assert not problems, "\n".join(sorted(problems))


def test_the_landing_page_links_every_notebook_and_the_reference(pages):
    linked = {urlsplit(href).path.rsplit("/", 1)[-1] for href in pages["index.html"]["links"]}
    wanted = {f"{nb.stem}.html" for nb in NOTEBOOKS} | {"coursework.html", "api.html"}
    assert wanted <= linked, f"index.html does not link {sorted(wanted - linked)}"
    assert "For students" in pages["index.html"]["text"]
    api = pages["api.html"]["text"]
    for name in ("fit_em", "fit_direct", "sample", "sampling_explorer"):
        assert name in api, f"the API reference does not list {name}"


# --- every notebook -------------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_page(notebook, pages, site):
    path = f"notebooks/{notebook.stem}.html"
    assert path in pages, f"no page {path} for {notebook.name}"
    info = pages[path]
    text = _norm(info["text"])

    missing = [f for bullet in learning_goals(notebook) for f in goal_fragments(bullet)
               if f not in text]
    assert not missing, f"{path}: learning goals missing from the page: {missing}"

    assert info["binder"] == [release_binder_url(notebook.name)], (
        f"{path}: Binder links {info['binder']}, expected the release tag's")
    assert info["download"] == [notebook.name], f"{path}: download links {info['download']}"
    assert (site / "notebooks" / notebook.name).read_bytes() == notebook.read_bytes(), (
        f"the download {notebook.name} is not the notebook as saved")

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    views = sum(WIDGET_VIEW in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    assert text.count(WIDGET_CAPTION) == views, (
        f"{path}: {views} widget views in the notebook, {text.count(WIDGET_CAPTION)} captions")
    if views and (REPO / "docs" / "screenshots" / f"{notebook.stem}.png").exists():
        assert info["widgetFigures"] >= 1, f"{path}: the widget's screenshot is not on the page"
    for bad in ("Loading widget", "Error displaying widget"):  # (00's prose names the latter)
        assert bad not in info["outputs"], f"{path}: {bad!r} in a cell output"

    # The prose checks (cells tagged 'check') are not for readers: none of their asserts is shown
    # (their other lines may repeat a line of the cell they check).
    check_lines = {line.strip() for c in nb["cells"] if "check" in c.get("metadata", {}).get("tags", [])
                   for line in "".join(c["source"]).splitlines() if line.lstrip().startswith(("assert ", "#"))}
    shown = [line for line in check_lines if _norm(line) in text]
    assert not shown, f"{path}: lines of check cells on the page: {shown[:3]}"
