"""Sphinx configuration of the course website (``make book``; sources staged by book/stage.py).

Offline by design: notebooks are rendered from their saved outputs (never executed), MathJax is
served from the site (_static/mathjax, fetched from the npm registry by stage.py), and nothing in
the theme or the pages loads from another host. tests/test_book.py checks that in Chromium.
"""

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STAGE = REPO / "build" / "book-src"
sys.path.insert(0, str(REPO))

_project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]

project = "Fitting Gaussian mixtures"
author = "mixture-notebooks contributors"
copyright = "mixture-notebooks contributors; prose CC BY 4.0, code MIT"
release = version = _project["version"]

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.githubpages",  # .nojekyll, for a fork that publishes from a branch
    "sphinx_copybutton",  # a copy button on code cells; its clipboard.js is served from the site
]

root_doc = "index"
exclude_patterns = ["_extra", "_static", "**/.ipynb_checkpoints"]

# --- notebooks: saved outputs only, never executed ------------------------------------------------
nb_execution_mode = "off"
nb_merge_streams = True
# No ipywidgets JavaScript (a CDN script, and no kernel to talk to): stage.py replaces every widget
# view with a static picture and a caption.
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# --- API reference ---------------------------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# --- maths: a local MathJax 3 (mathjax_path is relative to _static/) ----------------------------
mathjax_path = "mathjax/tex-chtml.js"

# --- HTML ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Fitting Gaussian mixtures"
html_static_path = [str(STAGE / "_static"), str(REPO / "book" / "static")]
html_css_files = ["book.css"]
html_js_files = ["book.js"]  # the theme's navigation on a phone, and other repairs (see the file)
html_favicon = str(REPO / "book" / "static" / "favicon.svg")
html_extra_path = [str(STAGE / "_extra")]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# A first visit has no stored light/dark choice: without a default the theme logs a console error.
html_context = {"default_mode": "light"}
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "launch_buttons": {},
    "show_toc_level": 2,
    # A compact sidebar: the notebooks, the coursework page and the API page, not the 46 pages
    # generated for the API (the API page lists them; their expander had no accessible name).
    "max_navbar_depth": 1,
    "navigation_with_keys": False,
    # pydata-sphinx-theme: no version check or analytics that would call out.
    "check_switcher": False,
}

# --- copy buttons: on code cells and shell/Python blocks, not on outputs -------------------------
copybutton_selector = "div.cell_input pre, div.highlight-bash pre, div.highlight-python pre"
copybutton_exclude = ".linenos, .gp, .go"

# --- a download menu and a launch button on every notebook page ------------------------------------
# The theme's own buttons would offer the staged copy of a notebook (its widget views replaced by
# pictures) and need the sources copied into the site; these offer the notebook as saved and
# JupyterLab on Binder at the release tag (the same URLs as the links under each title).
sys.path.insert(0, str(REPO / "book"))
from stage import Repository  # noqa: E402


def _notebook_buttons(app, pagename, templatename, context, doctree):
    if not (pagename.startswith("notebooks/") and (STAGE / f"{pagename}.ipynb").exists()):
        return
    name = pagename.split("/", 1)[1] + ".ipynb"
    repo = Repository((REPO / "README.md").read_text(encoding="utf-8"))
    context.setdefault("header_buttons", [])
    context["header_buttons"][:0] = [
        {"type": "group", "tooltip": "Download this notebook", "icon": "fas fa-download",
         "label": "download-buttons", "buttons": [
             {"type": "link", "url": name, "text": ".ipynb", "icon": "fas fa-code",
              "tooltip": "The notebook as saved, to run in JupyterLab", "label": "download-notebook-button"},
             {"type": "javascript", "javascript": "window.print()", "text": ".pdf", "icon": "fas fa-file-pdf",
              "tooltip": "Print to PDF", "label": "download-pdf-button"}]},
        {"type": "group", "tooltip": "Run this notebook", "icon": "fas fa-rocket",
         "label": "launch-buttons", "buttons": [
             {"type": "link", "url": repo.binder(f"notebooks/{name}"), "text": "Binder",
              "icon": "fas fa-play", "tooltip": "Open this notebook in JupyterLab on Binder",
              "label": "binder-launch-button"}]},
    ]


def setup(app):
    app.connect("html-page-context", _notebook_buttons, priority=502)
