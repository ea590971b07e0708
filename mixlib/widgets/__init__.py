"""Interactive views (ipywidgets + the inline matplotlib backend), one module per notebook.

Each widget function takes the data and a start, returns an ``Explorer`` (an ipywidgets VBox that
keeps its ``controls``, ``figure`` and ``readouts``) so tests can set values and read what it
plots. Widgets hold no numerics of their own: they ask ``mixlib`` and draw with ``mixlib.plotting``.
The modules load on first use, so ``import mixlib.widgets`` stays cheap. A module never has
its function's name: importing a submodule sets it as an attribute of the package.
"""

from importlib import import_module

from ._base import Explorer

_WIDGET_MODULES = {
    "sampling_explorer": "sampling",        # notebook 01
    "likelihood_explorer": "likelihood",    # notebook 02
    "optimiser_explorer": "optimiser",      # notebook 03
    "em_stepper": "stepper",                # notebook 04
    "model_choice_explorer": "model_choice",  # notebook 05
    "pitfall_explorer": "pitfalls",         # notebook 06
}

__all__ = ["Explorer", *_WIDGET_MODULES]


def __getattr__(name):
    if name in _WIDGET_MODULES:
        return getattr(import_module(f".{_WIDGET_MODULES[name]}", __name__), name)
    raise AttributeError(f"module 'mixlib.widgets' has no attribute {name!r}")
