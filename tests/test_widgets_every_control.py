"""Every widget the notebooks build survives every value of every control, in more than one order.

The widget cells are found by scanning the notebooks (a cell that calls one of
``mixlib.widgets``' functions, or builds an ipywidgets control): each is run here from its own
source, so it gets the notebook's own arguments, after a setup that defines the names it uses
(``SETUPS``, one per notebook: keep it in step with the notebook's cells) and after the
notebook's earlier widget cells (a cell may use an earlier cell's widget). A notebook that builds a
widget this module has no setup for fails ``test_every_widget_cell_is_driven``.

Each widget is then driven generically over its ``controls`` (an Explorer's, or the controls in a
plain ipywidgets box): every option of a selection, a slider's two ends and middle, every button
after each of those values; forwards, backwards and in a seeded random order. A step fails on:

* an exception (trait observers raise into the setter);
* a traceback a button callback prints: ipywidgets' ``CallbackDispatcher`` catches a callback's
  exception and shows its traceback through IPython, so a plain ``.click()`` passes where the
  student sees a traceback. IPython is stood in for here and its ``showtraceback`` recorded;
* any "Traceback" printed to stdout or stderr;
* "nan" or "inf" in the text of any readout or status line of the widget.

Every failure is collected, with the notebook, cell, control and value, and reported together.
No number is compared, so the test holds under every emulated CPU profile. About 15 s here
(03's optimiser refits on every change: half of it).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import traceback
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

import mixlib
import mixlib.widgets
from mixlib.widgets._base import Explorer

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WIDGET_FUNCTIONS = tuple(mixlib.widgets._WIDGET_MODULES)
# ipywidgets classes a cell may build a control from (00's demonstration builds one directly)
_CONTROL_CLASSES = {name for name in dir(widgets)
                    if isinstance(getattr(widgets, name), type)
                    and issubclass(getattr(widgets, name), widgets.ValueWidget)} | {"Button"}
_BUILDS_CONTROL = re.compile(r"\bwidgets\.(" + "|".join(sorted(_CONTROL_CLASSES)) + r")\s*\(")
_CALLS_WIDGET = re.compile(r"\b(" + "|".join(WIDGET_FUNCTIONS) + r")\s*\(")
_NOT_FINITE = re.compile(r"(?i)(?<![a-z])(nan|inf)(?![a-z])")  # not "infinite", "information"


# --- what each notebook defines before its widget cells ------------------------------------------
# Replicates the notebooks' own setup cells (the cell ids are named); the widget cells' calls,
# with their arguments, are run from the notebooks themselves.

def _setup_00():
    return {}


def _setup_01():  # cell c03
    truth, n, p0 = mixlib.datasets.original_example()
    return {"mixlib": mixlib, "np": np, "truth": truth, "n": n, "p0": p0}


def _setup_02():  # cells c01, c22
    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=0)
    return {"mixlib": mixlib, "np": np, "truth": truth, "n": n, "p0": p0, "x": x,
            "best": mixlib.fit_em(x, p0)}


def _setup_03():  # cells e53b4d13, 220c6702 (BFGS with the analytic gradient from p0)
    from scipy import optimize

    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=17)
    res_grad = optimize.minimize(mixlib.negloglik, mixlib.to_unconstrained(p0), args=(x,),
                                 jac=mixlib.negloglik_grad, method="BFGS")
    return {"mixlib": mixlib, "np": np, "truth": truth, "n": n, "p0": p0, "x": x,
            "best": mixlib.from_unconstrained(res_grad.x)}


def _setup_04():  # cell 4a54959a
    truth, n, p0 = mixlib.datasets.original_example()
    return {"mixlib": mixlib, "np": np, "truth": truth, "n": n, "p0": p0,
            "x": mixlib.sample(truth, n, rng=17)}


def _setup_05():  # cells be82e94b, 6052dea9
    from mixlib.stored_choices import load_choices

    tables, _ = load_choices(NOTEBOOKS / "data" / "choose_k_faithful.json")
    return {"mixlib": mixlib, "np": np, "data": mixlib.datasets.old_faithful(), "tables": tables,
            "units": {"waiting": "waiting time (minutes)",
                      "eruptions": "eruption duration (minutes)"}}


def _setup_06():  # cell 0508fc16
    from mixlib.datasets import pitfall_scenarios

    return {"mixlib": mixlib, "np": np, "pitfall_scenarios": pitfall_scenarios}


def _setup_07():  # cells 859144f0, c0b19d0f
    from mixlib import multivariate as mv

    faithful = mixlib.datasets.old_faithful()
    Z = mv.standardise(np.column_stack([faithful["eruptions"], faithful["waiting"]]))
    return {"mixlib": mixlib, "np": np, "mv": mv, "Z": Z,
            "AXES": dict(xlabel="eruption duration (standardised)",
                         ylabel="waiting time (standardised)"),
            "bishop_start": mv.MultivariateParams([0.5, 0.5], [[-1.5, 1.0], [1.5, -1.0]],
                                                  [np.eye(2), np.eye(2)])}


def _setup_08():  # cell 31ca07d0
    waiting = mixlib.datasets.old_faithful()["waiting"]
    return {"mixlib": mixlib, "np": np, "waiting": waiting, "n": waiting.size,
            "spike": mixlib.MixtureParams([0.35, 0.6, 0.05], [54.6, 80.0, 78.0], [5.9, 5.9, 0.5])}


def _with_common_imports(setup):
    """What every notebook's first cell imports, beside the setup's own names."""
    return lambda: {"mixlib": mixlib, "np": np, "plt": plt, "widgets": widgets} | setup()


SETUPS = {"00": _setup_00, "01": _setup_01, "02": _setup_02, "03": _setup_03, "04": _setup_04,
          "05": _setup_05, "06": _setup_06, "07": _setup_07, "08": _setup_08}
SETUPS = {stem: _with_common_imports(setup) for stem, setup in SETUPS.items()}


def widget_cells():
    """(notebook stem, cell id, source) of every code cell that builds a widget."""
    found = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and (_CALLS_WIDGET.search(source)
                                                or _BUILDS_CONTROL.search(source)):
                found.append((path.stem, cell.get("id", "?"), source))
    return found


CELLS = widget_cells()


def test_the_scan_finds_every_widget_function():
    """The scan works: every widget of mixlib.widgets is built by some notebook cell."""
    called = {m.group(1) for _, _, source in CELLS for m in _CALLS_WIDGET.finditer(source)}
    assert called == set(WIDGET_FUNCTIONS)


# --- building a cell's widgets -------------------------------------------------------------------

def run_cell(stem, source, namespace):
    """Run a cell's source in ``namespace``; the value of its last line if that is an expression."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(tree, f"<{stem} widget cell>", "exec"), namespace)
            return (eval(compile(ast.Expression(last.value), f"<{stem}>", "eval"), namespace)
                    if last is not None else None)
    except NameError as error:
        pytest.fail(f"{stem}: a widget cell uses a name its setup does not define ({error}): "
                    "update SETUPS from the notebook's cells")


def build(stem, cell_id, source, monkeypatch):
    """Run a widget cell from its source after its notebook's setup and the notebook's earlier
    widget cells (a cell may use the widget an earlier one built); the widgets this cell built.

    Every call of a ``mixlib.widgets`` function is recorded (the functions are wrapped for the
    cell), and so is the cell's last expression when it is a widget (00 builds a plain box).
    """
    setup = SETUPS.get(stem[:2])
    if setup is None:
        pytest.fail(f"{stem} builds a widget this test does not build: add its setup to SETUPS")
    namespace = setup()
    built = []
    for name in WIDGET_FUNCTIONS:
        original = getattr(mixlib.widgets, name)

        def recording(*args, _original=original, **kwargs):
            box = _original(*args, **kwargs)
            built.append(box)
            return box

        monkeypatch.setattr(mixlib.widgets, name, recording)
    for other_stem, other_id, other_source in CELLS:
        if other_stem == stem and other_id == cell_id:
            break
        if other_stem == stem:
            run_cell(stem, other_source, namespace)
    earlier, built[:] = list(built), []
    value = run_cell(stem, source, namespace)
    if isinstance(value, widgets.Widget) and all(value is not b for b in built):
        built.append(value)
    for box in earlier:
        if isinstance(box, Explorer):
            plt.close(box.figure)
    assert built, f"{stem}: the cell built no widget"
    return built


def descendants(widget):
    """The widget and every widget inside it (children of boxes)."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += descendants(child)
    return out


def is_control(widget):
    """A widget a student can press or set (a button, a slider, a choice; not a text readout)."""
    return isinstance(widget, widgets.Button) or (
        isinstance(widget, widgets.ValueWidget)
        and not isinstance(widget, (widgets.HTML, widgets.Label, widgets.HTMLMath, widgets.Image)))


def controls_of(box):
    """name -> control: an Explorer's ``controls``, then any other control shown inside the box
    (a plain ipywidgets box has only those)."""
    controls = dict(box.controls) if isinstance(box, Explorer) else {}
    listed = {id(c) for c in controls.values()}
    unlisted = [w for w in descendants(box) if is_control(w) and id(w) not in listed]
    controls.update({f"{type(w).__name__}[{i}]": w for i, w in enumerate(unlisted)})
    return controls


def values_of(control):
    """The values to set: every option of a selection, a slider's ends and middle, both booleans."""
    if isinstance(control, widgets.Button):
        return []
    if hasattr(control, "_options_values") and not isinstance(control, widgets.SelectionRangeSlider):
        return list(control._options_values)  # the values behind the options' labels
    if isinstance(control, widgets.FloatLogSlider):
        exponents = [control.min, 0.5 * (control.min + control.max), control.max]
        return [control.base ** e for e in exponents]
    if hasattr(control, "min") and hasattr(control, "max"):
        low, high = control.min, control.max
        if isinstance(control.value, tuple):  # a range slider: its two ends, then both in the middle
            middle = type(low)((low + high) / 2)
            return [(low, high), (middle, middle), (low, middle)]
        middle = (low + high) // 2 if isinstance(low, int) else 0.5 * (low + high)
        return [low, middle, high]
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    return []


class _Shell:
    """Stands in for IPython where ipywidgets shows a callback's traceback."""

    def __init__(self):
        self.tracebacks = []

    def showtraceback(self, *args, **kwargs):
        self.tracebacks.append(traceback.format_exc())


class Driver:
    """Drives one widget, checking after every action; collects the failures."""

    def __init__(self, where, box, shell):
        self.where, self.box, self.shell = where, box, shell
        self.failures = []
        self.actions = 0

    def texts(self):
        """Every text the widget shows: its readouts and any other HTML or Label in it."""
        return [w.value for w in descendants(self.box)
                if isinstance(w, (widgets.HTML, widgets.Label, widgets.HTMLMath))]

    def act(self, what, action):
        self.actions += 1
        out, err = io.StringIO(), io.StringIO()
        before = len(self.shell.tracebacks)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                action()
        except Exception:
            self.failures.append(f"{self.where}, {what}: raised\n{traceback.format_exc()}")
            return
        for shown in self.shell.tracebacks[before:]:
            self.failures.append(f"{self.where}, {what}: a callback printed a traceback\n{shown}")
        printed = out.getvalue() + err.getvalue()
        if "Traceback" in printed:
            self.failures.append(f"{self.where}, {what}: printed a traceback\n{printed}")
        for text in self.texts():
            if _NOT_FINITE.search(str(text)):
                self.failures.append(f"{self.where}, {what}: a readout shows {text!r}")

    def set(self, name, control, value):
        def action():
            control.value = value
        self.act(f"{name} = {value!r}", action)

    def render(self, what):
        """Draw the picture the student would see (the renderer can fail where the data did not)."""
        if isinstance(self.box, Explorer):
            self.act(f"drawing the figure after {what}", lambda: self.box.renderer.png())

    def sweep(self, reverse):
        """Each value of each control in turn, every button after each value; the forward sweep
        draws the figure after each value's buttons (drawing is a third of the time)."""
        controls = controls_of(self.box)
        names = [n for n, c in controls.items() if not isinstance(c, widgets.Button)]
        buttons = [n for n, c in controls.items() if isinstance(c, widgets.Button)]
        if reverse:
            names, buttons = names[::-1], buttons[::-1]
        for name in names:
            values = values_of(controls[name])  # read now: a choice may change another's options
            for value in (values[::-1] if reverse else values):
                self.set(name, controls[name], value)
                for button in buttons:
                    self.act(f"{name} = {value!r}, then {button}", controls[button].click)
                if not reverse:
                    self.render(f"{name} = {value!r} and every button")
        if not names:
            for button in buttons:
                self.act(button, controls[button].click)

    def shuffle(self, n_actions, rng):
        """``n_actions`` random settings and clicks (seeded)."""
        controls = controls_of(self.box)
        names = list(controls)
        for _ in range(n_actions):
            name = names[rng.integers(len(names))]
            control = controls[name]
            if isinstance(control, widgets.Button):
                self.act(f"random order: {name}", control.click)
            else:
                values = values_of(control)
                if values:
                    self.set(f"random order: {name}", control, values[rng.integers(len(values))])
        self.render("the random order")


@pytest.mark.parametrize("stem, cell_id, source", CELLS,
                         ids=[f"{stem[:2]}-{cell_id}" for stem, cell_id, _ in CELLS])
def test_every_widget_cell_is_driven(stem, cell_id, source, monkeypatch):
    shell = _Shell()
    monkeypatch.setattr(widgets.widget, "get_ipython", lambda: shell)
    boxes = build(stem, cell_id, source, monkeypatch)
    failures = []
    try:
        for i, box in enumerate(boxes):
            where = f"notebooks/{stem}.ipynb cell {cell_id}" + (f" widget {i}" if len(boxes) > 1 else "")
            driver = Driver(where, box, shell)
            driver.act("building", lambda: None)  # the readouts as built
            driver.sweep(reverse=False)
            driver.sweep(reverse=True)
            driver.shuffle(25, np.random.default_rng(0))
            failures += driver.failures
            # a sweep sets each value of each control and clicks each button at least once
            assert driver.actions > 2 * len(controls_of(box)), (where, driver.actions)
    finally:
        for box in boxes:
            if isinstance(box, Explorer):
                plt.close(box.figure)
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:12])
