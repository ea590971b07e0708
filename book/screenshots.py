"""Screenshots of the course website for docs/screenshots/site/ (``make site-screenshots``).

Serves build/book/ (built by ``make book``) on 127.0.0.1, opens the landing page and notebook 03 in
headless Chromium at a phone's width (390 px) and a desktop's (1280 px), and saves the first screen
of each, plus the phone's navigation opened from its button. Nothing is fetched from another host.

Usage: .venv/bin/python book/screenshots.py [--out docs/screenshots/site]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "build" / "book"
CHROMIUM = "/usr/bin/chromium"
PAGES = {"index": "index.html", "03_direct_optimisation": "notebooks/03_direct_optimisation.html"}
WIDTHS = {390: 844, 1280: 800}  # width: height of the window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots" / "site")
    args = parser.parse_args()
    args.out = args.out.resolve()
    if not (SITE / "index.html").exists():
        raise SystemExit("book/screenshots.py: no build/book/index.html: run 'make book' first")
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}"
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--disable-gpu", "--disable-dev-shm-usage"])
            for width, height in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server)
                              else r.abort())
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(f"{server}/{path}", wait_until="load")
                    page.evaluate("async () => { if (window.MathJax && MathJax.startup) "
                                  "await MathJax.startup.promise; }")
                    page.wait_for_timeout(300)
                    out = args.out / f"{name}_{width}.png"
                    page.screenshot(path=str(out))
                    print(f"wrote {out}")
                if width < 992:  # the phone's navigation, opened from its button
                    page.goto(f"{server}/index.html", wait_until="load")
                    page.locator(".primary-toggle:visible").first.click()
                    page.wait_for_timeout(400)
                    out = args.out / f"index_{width}_navigation.png"
                    page.screenshot(path=str(out))
                    print(f"wrote {out}")
                context.close()
            browser.close()
    finally:
        httpd.shutdown()


if __name__ == "__main__":
    main()
