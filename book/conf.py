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
    "navigation_with_keys": False,
    # pydata-sphinx-theme: no version check or analytics that would call out.
    "check_switcher": False,
}
