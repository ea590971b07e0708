"""The course website (``make book``, build/book/) in headless Chromium, as a reader opens it.

Builds the site with ``make book`` (incremental: quick when nothing changed), serves build/book/
on 127.0.0.1 with Python's http.server, opens every page and records every request. It asserts:

- no console error, no page error, no failed request or HTTP error, and no request to any host
  but the one serving the site (those are blocked and recorded, so the test never goes online);
- every ``<img>`` loaded (naturalWidth > 0);
- the maths typeset: MathJax rendered every math element, no MathJax error, and no ``$``-delimited
  TeX (nor ``\\(`` or ``\\[``) left in the text outside code;
- axe-core (npm, fetched and checked like MathJax, injected from disk) finds no serious or critical
  accessibility violation on any page (code blocks, styled alike everywhere, checked on one page); every image has alt text that is not a file name;
- on a phone (390 px) and a desktop (1280 px) no page is wider than the window, and no equation is
  cut (long ones scroll); at 390 px the navigation and the page's contents open from their buttons;
- every link to the site resolves to a file in build/book/, and its #anchor to an id there;
- each notebook has a page with its learning goals (the "You will learn" box), a Binder link at
  the release tag and a download link to the notebook as saved (under the title and in the
  page's header buttons), copy buttons on its code cells, no cell tagged ``check``, and each
  widget of the notebook shows as a static picture or a caption (no "Loading widget...", no
  "Error displaying widget").

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
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_VERSION = "4.14.1"
# npm's "integrity" of axe-core-4.14.1.tgz (npm view axe-core@4.14.1 dist.integrity).
AXE_SHA512 = "FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

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
    alts: [...document.querySelectorAll('main img')].map(i => ({src: i.getAttribute('src'), alt: i.getAttribute('alt')})),
    favicon: [...document.querySelectorAll('link[rel~="icon"]')].map(l => l.href),
    copyButtons: document.querySelectorAll('.cell_input button.copybtn').length,
    apiLinks: [...(document.querySelector('main') || document).querySelectorAll('a[href*="generated/mixlib."]')]
        .map(a => a.textContent.trim()),
    codeCells: document.querySelectorAll('.cell_input').length,
    headerDownload: [...document.querySelectorAll('.article-header-buttons .dropdown-download-buttons a')].map(a => a.getAttribute('href')),
    headerLaunch: [...document.querySelectorAll('.article-header-buttons .dropdown-launch-buttons a')].map(a => a.href),
  };
}"""

# After JS_PAGE (the page settled): what is wider than the window, and which equations are cut.
JS_LAYOUT = r"""() => {
  const cut = [...document.querySelectorAll('.math, .math mjx-container, mjx-container')].filter(e => {
    const s = getComputedStyle(e);
    return (s.overflowX === 'hidden' || s.overflowX === 'clip') && e.scrollWidth > e.clientWidth + 1;
  }).map(e => e.textContent.slice(0, 60));
  const width = document.documentElement.scrollWidth;
  const wide = width <= window.innerWidth ? [] : [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.right > window.innerWidth + 1 && r.width > 0 && getComputedStyle(e).position !== 'fixed';
  }).slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ': ' + (e.textContent || '').trim().slice(0, 50));
  return {width, window: window.innerWidth, cut, wide};
}"""

# axe-core's verdict, serious and critical only (the others are listed by the test's message).
# Code blocks hold most of a notebook page's elements (one per highlighted token) and are styled
# alike on every page: axe-core checks them in full on AXE_CODE_PAGE only (3x quicker elsewhere).
AXE_CODE_PAGE = "notebooks/00_start_here.html"
JS_AXE = r"""async (withCode) => {
  const context = withCode ? document : {exclude: [['div.highlight pre']]};
  const r = await axe.run(context, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,
                                  first: v.nodes[0].target.join(' ')}));
}"""


def _norm(text: str) -> str:
    """Whitespace collapsed, typographic quotes (Sphinx's smart quotes) made plain."""
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site():
    """build/book/ freshly built by ``make book`` (or the built site MIXNB_BOOK_DIR names)."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the website test cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    if os.environ.get("MIXNB_BOOK_DIR"):  # a site built elsewhere (an older build, to compare)
        site = Path(os.environ["MIXNB_BOOK_DIR"]).resolve()
        assert (site / "index.html").exists(), f"MIXNB_BOOK_DIR={site} has no index.html"
        return site
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
def axe_js(site) -> Path:
    """axe-core's axe.min.js from the npm registry (cached in build/cache/, checked by sha512)."""
    import sys
    import tarfile

    sys.path.insert(0, str(REPO / "book"))
    from stage import CACHE, npm_tarball

    dest = CACHE / f"axe-core-{AXE_VERSION}.min.js"
    if not dest.exists():
        with tarfile.open(npm_tarball("axe-core", AXE_VERSION, AXE_SHA512)) as tar:
            dest.write_bytes(tar.extractfile("package/axe.min.js").read())
    return dest


def _settle(page) -> None:
    """MathJax done and every image loaded (lazy ones included)."""
    page.evaluate("""async () => {
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
      await Promise.all([...document.images].map(img => { img.loading = 'eager';
        return img.complete ? null : new Promise(r => { img.onload = img.onerror = r; }); }));
    }""")


def _open_sidebar(page, side: str) -> dict | None:
    """Click the visible ``.{side}-toggle`` and report what the theme's dialog then shows, or None
    when the page has no visible button for that side."""
    toggle = page.locator(f".{side}-toggle:visible")
    if toggle.count() == 0:
        return None
    toggle.first.click()
    try:  # the theme opens its dialog at once; give up after a second (then "open" is False)
        page.wait_for_function(f"document.getElementById('pst-{side}-sidebar-modal')?.open === true",
                               timeout=1000)
    except Exception:  # playwright's TimeoutError: reported below as not open
        pass
    state = page.evaluate("""(side) => {
      const d = document.getElementById(`pst-${side}-sidebar-modal`);
      return {open: !!(d && d.open), links: d ? [...d.querySelectorAll('a[href]')]
        .filter(a => a.offsetParent !== null && a.getBoundingClientRect().width > 0)
        .map(a => a.getAttribute('href')) : []};
    }""", side)
    page.keyboard.press("Escape")
    return state


@pytest.fixture(scope="module")
def pages(site, server, axe_js):
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
                current = {"problems": []}

                def route(r):
                    if r.request.url.startswith(server + "/"):
                        r.continue_()
                    else:  # never go online: record it and refuse
                        current["problems"].append(f"request to another host: {r.request.url}")
                        r.abort()

                pending = set()  # requests in flight (Request objects: one per request)

                def new_page(viewport):
                    context = browser.new_context(viewport=viewport)
                    context.route("**/*", route)
                    context.on("requestfailed", lambda req: current["problems"].append(
                        f"failed request: {req.url} ({req.failure})"))
                    context.on("response", lambda resp: resp.status >= 400 and current["problems"].append(
                        f"HTTP {resp.status}: {resp.url}"))
                    context.on("request", lambda req: pending.add(req))
                    context.on("requestfinished", lambda req: pending.discard(req))
                    context.on("requestfailed", lambda req: pending.discard(req))
                    page = context.new_page()
                    page.set_default_timeout(90_000)  # a loaded 2-core machine (30 s timed out)
                    page.on("console", lambda msg: msg.type == "error" and current["problems"].append(
                        f"console error: {msg.text}"))
                    page.on("pageerror", lambda err: current["problems"].append(f"page error: {err}"))
                    return page

                # A desktop window: everything the page loads and shows, then axe-core's verdict.
                timing = {"desktop": time.monotonic(), "axe": 0.0}
                page = new_page(DESKTOP)
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
                    info["desktop"] = page.evaluate(JS_LAYOUT)
                    started = time.monotonic()
                    page.add_script_tag(path=str(axe_js))  # inlined: no request
                    info["axe"] = page.evaluate(JS_AXE, path == AXE_CODE_PAGE)
                    timing["axe"] += time.monotonic() - started
                    # After axe-core: the sidebar's fade while it reopens would read as low contrast.
                    if path == "index.html":  # the sidebar's button on a desktop hides the sidebar
                        hidden = "document.getElementById('pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"
                        before = page.evaluate(hidden)
                        page.locator(".primary-toggle:visible").first.click()
                        page.wait_for_timeout(200)
                        info["desktopToggle"] = [before, page.evaluate(hidden)]
                        page.locator(".primary-toggle:visible").first.click()
                    info["problems"] = current["problems"]
                    results[path] = info
                page.context.close()

                timing["desktop"] = time.monotonic() - timing["desktop"]
                # A phone: widths, equations, and the two sidebars from their buttons.
                timing["phone"] = time.monotonic()
                page = new_page(PHONE)
                for path in paths:
                    current = {"problems": []}
                    page.goto(f"{server}/{path}", wait_until="load")
                    _settle(page)
                    phone = page.evaluate(JS_LAYOUT)
                    phone["primary"] = _open_sidebar(page, "primary")
                    phone["secondary"] = _open_sidebar(page, "secondary")
                    results[path]["phone"] = phone
                    results[path]["problems"] += [f"at {PHONE['width']} px: {p}" for p in current["problems"]]
                page.context.close()
                timing["phone"] = time.monotonic() - timing["phone"]
                print(f"test_book: {len(paths)} pages; desktop pass {timing['desktop']:.0f} s "
                      f"(axe-core {timing['axe']:.0f} s), phone pass {timing['phone']:.0f} s")
                others = {}
                for info in results.values():
                    for v in info["axe"]:
                        others[(v["impact"], v["id"])] = others.get((v["impact"], v["id"]), 0) + v["n"]
                print("test_book: axe-core, elements flagged over the site: "
                      + (", ".join(f"{i} {r} x{n}" for (i, r), n in sorted(others.items())) or "none"))
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


# TeX left untypeset: a $-delimited span ($x$, $$...$$) or \\( \\) \\[ \\] in the text outside code.
RAW_TEX = re.compile(r"\$\$?[^$]{1,400}?\$\$?|\\[()\[\]]")


def test_maths_is_typeset(pages):
    problems = []
    for path, info in pages.items():
        problems += [f"{path}: not typeset: {m!r}" for m in info["mathUnrendered"]]
        problems += [f"{path}: MathJax error: {m!r}" for m in info["mathErrors"]]
        prose = " ".join(info["prose"].split())
        for raw in RAW_TEX.finditer(prose):
            problems.append(f"{path}: raw TeX in the text: ...{prose[max(raw.start() - 40, 0):raw.end() + 20]!r}")
    typeset = sum(info["mathRendered"] for info in pages.values())
    assert typeset > 50, f"only {typeset} maths elements typeset over the whole site"
    assert not problems, "\n".join(problems)


def test_raw_tex_rule_finds_what_it_should():
    """The rule above, on text like the failures it exists for (08's list item, in 2026-12)."""
    assert RAW_TEX.search("so $ sigma_k^2 = frac{W_k}{N_k} $ The 3 counts the powers of")
    assert RAW_TEX.search("the mean $mu_k$ here") and RAW_TEX.search("a \\(x\\) here")
    assert not RAW_TEX.search("no maths here, one price of 5 dollars")


def test_no_serious_accessibility_violation(pages):
    """axe-core on every page: no serious or critical violation (moderate/minor ones are listed)."""
    assert AXE_CODE_PAGE in pages, f"{AXE_CODE_PAGE}, where code blocks are checked, is gone"
    bad = [f"{path}: {v['impact']} {v['id']} x{v['n']} ({v['help']}; first: {v['first']})"
           for path, info in pages.items() for v in info["axe"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{len(bad)} serious/critical axe-core violations:\n" + "\n".join(bad)


def test_every_image_has_alt_text(pages):
    bad = [f"{path}: {img['src']} alt={img['alt']!r}" for path, info in pages.items()
           for img in info["alts"]
           if not (img["alt"] or "").strip() or re.search(r"\.(png|svg|jpe?g|gif)\b|_images/", img["alt"])]
    assert not bad, "images without meaningful alt text:\n" + "\n".join(bad)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_page_wider_than_the_window(pages, viewport):
    bad = [f"{path}: {info[viewport]['width']} px in a {info[viewport]['window']} px window "
           f"(e.g. {info[viewport]['wide']})"
           for path, info in pages.items() if info[viewport]["width"] > info[viewport]["window"]]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_equation_is_cut(pages, viewport):
    bad = [f"{path}: {m!r}" for path, info in pages.items() for m in info[viewport]["cut"]]
    assert not bad, f"equations cut off (overflow hidden) at {viewport} width:\n" + "\n".join(bad)


def test_navigation_opens_on_a_phone(pages):
    """At 390 px the buttons that open the list of notebooks and the page's contents work."""
    notebook_pages = {f"{nb.stem}.html" for nb in NOTEBOOKS}
    problems = []
    for path, info in pages.items():
        primary, secondary = info["phone"]["primary"], info["phone"]["secondary"]
        if primary is None:
            problems.append(f"{path}: no visible button for the site navigation")
            continue
        # (the current page's own entry links to "#")
        linked = {urlsplit(h).path.rsplit("/", 1)[-1] or path.rsplit("/", 1)[-1] for h in primary["links"]}
        if not primary["open"] or not notebook_pages <= linked:
            problems.append(f"{path}: the navigation button opened {primary}")
        if secondary is not None and not (secondary["open"] and secondary["links"]):
            problems.append(f"{path}: the contents button opened {secondary}")
    assert sum(info["phone"]["secondary"] is not None for info in pages.values()) >= len(NOTEBOOKS)
    assert not problems, "\n".join(problems)


def test_the_sidebar_button_works_on_a_desktop(pages):
    assert pages["index.html"]["desktopToggle"] == [False, True], (
        "at 1280 px the navigation button did not hide the sidebar "
        f"(hidden before, after: {pages['index.html']['desktopToggle']})")


def test_every_page_has_a_favicon(pages, site, server):
    bad = [path for path, info in pages.items()
           if not info["favicon"] or _link_problem(site, server, path, info["favicon"][0])]
    assert not bad, f"pages without a favicon that loads: {bad}"


def test_every_internal_link_resolves(pages, site, server):
    problems = {_link_problem(site, server, path, href)
                for path, info in pages.items() for href in info["links"]}
    problems.discard(None)
    assert not problems, "\n".join(sorted(problems))


def test_the_landing_page_links_every_notebook_and_the_reference(pages):
    linked = {urlsplit(href).path.rsplit("/", 1)[-1] for href in pages["index.html"]["links"]}
    wanted = {f"{nb.stem}.html" for nb in NOTEBOOKS} | {"coursework.html", "api.html"}
    assert wanted <= linked, f"index.html does not link {sorted(wanted - linked)}"
    text = _norm(pages["index.html"]["text"])
    for wanted_text in ("Binder", "JupyterLab", ".ipynb"):  # the three ways to use the course
        assert wanted_text in text, f"the landing page does not say how to use {wanted_text}"
    for contributors in ("make test", "contributor", "CI"):
        assert contributors not in text.split(), f"the landing page speaks to contributors: {contributors!r}"
    for nb in NOTEBOOKS:  # each notebook with the time its first cell states
        stated = re.search(r"\*\*(?:Working time|Time):\*\*\s*([^.\n]+)",
                           "".join(json.loads(nb.read_text(encoding="utf-8"))["cells"][0]["source"]))
        assert stated and _norm(stated[1]) in text, f"the landing page lacks {nb.name}'s stated time"
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

    assert info["headerDownload"] and info["headerDownload"][0] == notebook.name, (
        f"{path}: the header's download menu offers {info['headerDownload']}")
    assert info["headerLaunch"] == [release_binder_url(notebook.name)], (
        f"{path}: the header's launch menu offers {info['headerLaunch']}")
    assert info["codeCells"] and info["copyButtons"] == info["codeCells"], (
        f"{path}: {info['copyButtons']} copy buttons for {info['codeCells']} code cells")

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    import sys

    sys.path.insert(0, str(REPO / "book"))
    from stage import API_NAME, documented_names

    names = documented_names()
    mentioned = {m["name"] for c in nb["cells"] if c["cell_type"] == "markdown"
                 for m in API_NAME.finditer("".join(c["source"])) if m["name"] in names}
    linked = {text.split("(")[0] for text in info["apiLinks"]}
    assert mentioned <= linked, f"{path}: mixlib names not linked to the API: {sorted(mentioned - linked)}"
    for cell in nb["cells"]:  # prose guards for the course's tests, never for readers
        if "check" in cell.get("metadata", {}).get("tags", []):
            first_line = next((line for line in "".join(cell["source"]).splitlines() if line.strip()), "")
            assert _norm(first_line) not in _norm(info["outputs"] + info["text"]), (
                f"{path}: a cell tagged 'check' shows on the page: {first_line!r}")
    views = sum(WIDGET_VIEW in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    assert text.count(WIDGET_CAPTION) == views, (
        f"{path}: {views} widget views in the notebook, {text.count(WIDGET_CAPTION)} captions")
    if views and (REPO / "docs" / "screenshots" / f"{notebook.stem}.png").exists():
        assert info["widgetFigures"] >= 1, f"{path}: the widget's screenshot is not on the page"
    for bad in ("Loading widget", "Error displaying widget"):  # (00's prose names the latter)
        assert bad not in info["outputs"], f"{path}: {bad!r} in a cell output"


def test_staging_hides_check_cells():
    """book/stage.py tags cells tagged ``check`` remove-cell (myst-nb leaves them out entirely)."""
    import sys

    sys.path.insert(0, str(REPO / "book"))
    from stage import hide_check_cells

    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["check"]}, "source": "assert 1"},
                    {"cell_type": "code", "metadata": {"tags": ["check", "remove-cell"]}, "source": ""},
                    {"cell_type": "markdown", "metadata": {}, "source": "prose"}]}
    assert hide_check_cells(nb) == 2
    assert [c["metadata"].get("tags") for c in nb["cells"]] == [
        ["check", "remove-cell"], ["check", "remove-cell"], None]
