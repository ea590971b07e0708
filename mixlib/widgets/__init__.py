"""Interactive views (ipywidgets + the inline matplotlib backend), one module per notebook.

Each widget function takes the data and a start, returns an ``Explorer`` (an ipywidgets VBox that
keeps its ``controls``, ``figure`` and ``readouts``) so tests can set values and read what it
plots. Widgets hold no numerics of their own: they ask ``mixlib`` and draw with ``mixlib.plotting``.
The modules load on first use, so ``import mixlib.widgets`` stays cheap.
"""

import sys
import types
from importlib import import_module

from ._base import Explorer

_WIDGET_MODULES = {
    "sampling_explorer": "sampling",        # notebook 01
    "likelihood_explorer": "likelihood",    # notebook 02
    "optimiser_explorer": "optimiser",      # notebook 03
    "em_stepper": "em_stepper",             # notebook 04
    "model_choice_explorer": "model_choice",  # notebook 05
    "pitfall_explorer": "pitfalls",         # notebook 06
}

__all__ = ["Explorer", *_WIDGET_MODULES]


class _WidgetPackage(types.ModuleType):
    """Keep ``mixlib.widgets.em_stepper`` the function once its module ``em_stepper`` is imported.

    Importing a submodule sets it as an attribute of its package; for a widget whose module has
    the function's own name (``em_stepper``) that would replace the function by the module.
    """

    def __setattr__(self, name, value):
        if isinstance(value, types.ModuleType) and _WIDGET_MODULES.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _WidgetPackage


def __getattr__(name):
    if name in _WIDGET_MODULES:
        return getattr(import_module(f".{_WIDGET_MODULES[name]}", __name__), name)
    raise AttributeError(f"module 'mixlib.widgets' has no attribute {name!r}")
