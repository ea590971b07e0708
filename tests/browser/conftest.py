"""Fixtures for the browser tests: JupyterLab started by ``make lab``, headless Chromium, and the
widget latencies collected over the session.

Under ``CI=true`` a missing /usr/bin/chromium fails the run; elsewhere the tests skip with the
reason. ``MIXNB_DOCS_DIR=docs`` (what ``make screenshots`` sets) also saves a screenshot of each
notebook's main widget to ``docs/screenshots/`` and the latency table to ``docs/widget-latency.md``.
``MIXNB_BROWSER_NOTEBOOKS=<dir>`` tests the notebooks in another directory (for developing these
tests on scratch notebooks). The server always serves a temporary copy: the tests never write
to notebooks/.
"""

import os
from pathlib import Path

import pytest

from . import latency, page, server


def _require_browser():
    reason = page.browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_server():
    """JupyterLab from ``make lab`` on a free port with a random token; stopped at the end."""
    _require_browser()
    with server.jupyterlab() as lab:
        yield lab


@pytest.fixture(scope="session")
def browser(lab_server):
    with page.chromium() as b:
        yield b


@pytest.fixture(scope="session")
def docs_dir():
    """Where to write screenshots and the latency table, or None (ordinary test runs)."""
    value = os.environ.get("MIXNB_DOCS_DIR")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="session")
def latency_log(docs_dir):
    """Every measured change, by widget; written to docs/widget-latency.md when asked."""
    log = latency.LatencyLog()
    yield log
    if docs_dir is not None and log.rows:
        log.write_markdown(docs_dir / "widget-latency.md")
        log.write_readme(Path(__file__).resolve().parents[2] / "README.md")
    latency.LAST_LOG = log


def pytest_terminal_summary(terminalreporter):
    log = latency.LAST_LOG
    if log is not None and log.rows:
        terminalreporter.section("widget latency (change -> new figure)")
        terminalreporter.write_line(log.summary_table())
