"""Interactive views (ipywidgets + the inline matplotlib backend), one module per notebook.

Each widget function takes the data and a start, returns an ``Explorer`` (an ipywidgets VBox that
keeps its ``controls``, ``figure`` and ``readouts``) so tests can set values and read what it
plots. Widgets hold no numerics of their own: they ask ``mixlib`` and draw with ``mixlib.plotting``.
The EM widgets (04, 06, 07) keep their iterates in one ``EMSession`` (``_session``) and stop Run by
one rule with one status line, "converged after N steps" or "stopped after N steps, NOT
converged: ..." (``mixlib.convergence``). ``tests/test_widgets_every_control.py`` drives every control
of every widget the notebooks build.
All are imported here (a lazy import saved nothing measurable: ``_base`` already loads
matplotlib and ipywidgets, which are the cost). A module never has its function's name:
importing a submodule sets it as an attribute of the package.
"""

from ._base import Explorer
from .likelihood import likelihood_explorer
from .model_choice import model_choice_explorer
from .optimiser import optimiser_explorer
from .pitfalls import pitfall_explorer
from .prior import prior_explorer
from .sampling import sampling_explorer
from .stepper import em_stepper
from .stepper2d import em_stepper_2d

# Which notebook each widget belongs to (module name beside it).
_WIDGET_MODULES = {
    "sampling_explorer": "sampling",        # notebook 01
    "likelihood_explorer": "likelihood",    # notebook 02
    "optimiser_explorer": "optimiser",      # notebook 03
    "em_stepper": "stepper",                # notebook 04
    "model_choice_explorer": "model_choice",  # notebook 05
    "pitfall_explorer": "pitfalls",         # notebook 06
    "em_stepper_2d": "stepper2d",           # notebook 07
    "prior_explorer": "prior",              # notebook 08
}

__all__ = ["Explorer", *_WIDGET_MODULES]

