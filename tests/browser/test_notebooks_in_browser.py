"""Every notebook in notebooks/, opened in JupyterLab in headless Chromium as a student would:
Run All, no unexpected errors, widgets render, and each widget responds to its controls with the
figure redrawn and readouts equal to what mixlib computes for the new values.

Parametrised over the notebooks present when the tests are collected, so new notebooks are
covered with no change here. Run only these: ``pytest -m browser tests/browser``.
"""

import pytest

import mixlib.widgets

from . import lab

pytestmark = pytest.mark.browser

WIDGET_FUNCTIONS = tuple(n for n in mixlib.widgets.__all__ if n != "Explorer")


def _stem(notebook):
    return notebook.rsplit(".", 1)[0]


@pytest.mark.parametrize("notebook", lab.notebook_names())
def test_notebook_in_jupyterlab(notebook, lab_server, browser, latency_log, docs_dir):
    nb = lab.LabNotebook(browser, lab_server, notebook)
    try:
        nb.open()
        # What a student sees on opening, before running anything: saved outputs, saved widgets.
        state = nb.wait_widgets_rendered(timeout_s=20)
        assert not state["errorDisplaying"], f"{notebook}: 'Error displaying widget' on opening"
        cells = nb.run_all()
        errors = nb.error_outputs(cells)
        assert not errors, f"{notebook}: error output outside cells tagged raises-exception:\n" + "\n".join(errors)

        state = nb.wait_widgets_rendered()
        assert not state["errorDisplaying"], f"{notebook}: 'Error displaying widget' in the page"
        assert state["rendered"] == state["views"], (
            f"{notebook}: only {state['rendered']} of {state['views']} widget views rendered; "
            f"browser console errors: {nb.console_errors[-5:]}")

        explorers = nb.explorers(cells, WIDGET_FUNCTIONS)
        if docs_dir is not None and explorers:
            nb.screenshot(explorers[0], docs_dir / "screenshots" / f"{_stem(notebook)}.png")
        for handle in explorers:
            try:
                nb.check_readouts(handle, "Run All")
                nb.drive(handle)
                problems = handle.locator.evaluate(
                    "(el) => [...el.querySelectorAll('.jp-OutputArea-output[data-mime-type="
                    "\"application/vnd.jupyter.stderr\"]')].map(o => o.textContent.slice(-500))")
                assert not problems, f"{notebook}, {handle.name}: errors inside the widget:\n" + "\n".join(problems)
            finally:
                latency_log.add(notebook, handle.name, handle.changes)

        assert not nb.outputs_text_has("Error displaying widget"), f"{notebook}: 'Error displaying widget' in the page"
        errors = nb.error_outputs(nb.page.evaluate(lab.JS_CELLS))
        assert not errors, f"{notebook}: error output after using the widgets:\n" + "\n".join(errors)
    finally:
        nb.close()
