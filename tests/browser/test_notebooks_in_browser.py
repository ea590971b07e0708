"""Every notebook in notebooks/, opened in JupyterLab in headless Chromium as a student would:
Run All, no unexpected errors, widgets render, and each widget responds to its controls with the
figure redrawn and readouts equal to what mixlib computes for the new values.

Parametrised over the notebooks present when the tests are collected, so new notebooks are
covered with no change here. Run only these: ``pytest -m browser tests/browser``.
"""

import pytest

import mixlib.widgets

from . import explorers, page, server

pytestmark = pytest.mark.browser

WIDGET_FUNCTIONS = tuple(n for n in mixlib.widgets.__all__ if n != "Explorer")


def _stem(notebook):
    return notebook.rsplit(".", 1)[0]


@pytest.mark.parametrize("notebook", server.notebook_names())
def test_notebook_in_jupyterlab(notebook, lab_server, browser, latency_log, docs_dir):
    nb = page.LabNotebook(browser, lab_server, notebook)
    try:
        nb.open()
        # What a student sees on opening, before running anything: saved outputs, saved widgets.
        state = nb.wait_widgets_rendered(timeout_s=20)
        assert not state["errorDisplaying"], f"{notebook}: 'Error displaying widget' on opening"
        cells = nb.run_all()
        errors = page.error_outputs(cells)
        assert not errors, f"{notebook}: error output outside cells tagged raises-exception:\n" + "\n".join(errors)

        state = nb.wait_widgets_rendered()
        assert not state["errorDisplaying"], f"{notebook}: 'Error displaying widget' in the page"
        assert state["rendered"] == state["views"], (
            f"{notebook}: only {state['rendered']} of {state['views']} widget views rendered; "
            f"browser console errors: {nb.console_errors[-5:]}")

        found = explorers.find_explorers(nb, cells, WIDGET_FUNCTIONS)
        if docs_dir is not None and found:
            nb.screenshot(found[0].locator, docs_dir / "screenshots" / f"{_stem(notebook)}.png")
        for handle in found:
            try:
                explorers.check_readouts(nb, handle, "Run All")
                explorers.drive(nb, handle)
                problems = handle.locator.evaluate(page.js("widget_errors"))
                assert not problems, f"{notebook}, {handle.name}: errors inside the widget:\n" + "\n".join(problems)
            finally:
                latency_log.add(notebook, handle.name, handle.changes)

        assert not nb.outputs_text_has("Error displaying widget"), f"{notebook}: 'Error displaying widget' in the page"
        errors = page.error_outputs(nb.saved_cells())
        assert not errors, f"{notebook}: error output after using the widgets:\n" + "\n".join(errors)
    finally:
        nb.close()
