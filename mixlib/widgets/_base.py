"""What every widget shares: an ``Explorer`` box with handles for tests, and slider defaults."""

from __future__ import annotations

import gc

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython import get_ipython

from ._render import FigureRenderer


class Explorer(widgets.VBox):
    """A VBox holding a widget's controls, its matplotlib figure and its text readouts.

    Parameters
    ----------
    controls : dict of name -> ipywidgets control (sliders, dropdowns, buttons)
    figure : matplotlib Figure, built once and updated in place by the callbacks
    readouts : dict of name -> ipywidgets.HTML or Label showing numbers (may be empty)
    layout_rows : list of widgets to stack above the figure (default: the controls in order)
    expected : callable or None
        ``expected()`` returns, for the controls' current values, the text each readout should
        show, computed afresh from ``mixlib`` (a dict name -> str). Browser tests compare it with
        what the page shows after a student moves a control.
    handles : dict name -> object, set as attributes (the widget's state and artists, for tests)

    Attributes
    ----------
    controls, figure, readouts : as given.
    image : the ``ipywidgets.Image`` showing the figure (CSS class ``mixlib-figure``), set by
        ``redraw`` from ``renderer``, a ``FigureRenderer`` that redraws only what changed. In plain
        Python (no IPython kernel) the image is left empty unless ``render_outside_kernel`` is
        set (tests set it to check the picture).
    The box has the CSS class ``mixlib-explorer``; readout ``name`` has ``mixlib-readout-name``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, ipywidgets
    >>> fig, ax = plt.subplots()
    >>> box = Explorer({"n": ipywidgets.IntSlider()}, fig, {})
    >>> sorted(box.controls)
    ['n']
    >>> plt.close(fig)
    """

    render_outside_kernel = False

    def __init__(self, controls, figure, readouts=None, layout_rows=None, expected=None,
                 handles=None):
        self.controls = dict(controls)
        self.figure = figure
        self.readouts = dict(readouts or {})
        self._expected = expected
        self.renderer = FigureRenderer(figure)
        self.image = widgets.Image(format="png")
        self.image.add_class("mixlib-figure")
        rows = list(layout_rows) if layout_rows is not None else list(self.controls.values())
        rows += list(self.readouts.values())
        super().__init__(children=[*rows, self.image])
        self.add_class("mixlib-explorer")
        for name, value in (handles or {}).items():
            setattr(self, name, value)
        for name, readout in self.readouts.items():
            readout.add_class(f"mixlib-readout-{name}")
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        # Building a widget leaves thousands of new objects (figure, artists, fits), and Python's
        # next full garbage collection, about 0.2 s in a notebook's kernel, would otherwise land
        # on the student's first move. Shown is when they are done being made: collect now.
        gc.collect()
        return super()._repr_mimebundle_(**kwargs)

    def expected_readouts(self):
        """What each readout should show now, computed afresh from mixlib (see ``expected``)."""
        return {} if self._expected is None else dict(self._expected())

    def readout_texts(self):
        """What each readout shows now (its ``value``)."""
        return {name: readout.value for name, readout in self.readouts.items()}

    def show_readouts(self, texts):
        """Set each readout named in ``texts`` (name -> str), then redraw the figure."""
        for name, text in texts.items():
            self.readouts[name].value = text
        self.redraw()

    def redraw(self):
        """Show the figure's current state in the image (one partial draw and a fast PNG).

        The inline backend's ``display(figure)`` drew the whole figure twice per update; see
        ``mixlib.widgets._render`` for what the renderer redraws and what that saves.
        """
        if get_ipython() is None and not self.render_outside_kernel:
            return  # plain Python (tests): nobody sees the image, so skip the drawing
        self.image.value = self.renderer.png()


def new_figure(*args, **kwargs):
    """A figure that is not shown automatically (the Explorer shows it); same args as subplots.

    Examples
    --------
    >>> fig, ax = new_figure(figsize=(4, 3))
    >>> fig.get_size_inches().tolist()
    [4.0, 3.0]
    >>> plt.close(fig)
    """
    with plt.ioff():
        return plt.subplots(*args, **kwargs)


def float_slider(description, value, low, high, step, readout_format=".3f"):
    """A FloatSlider that updates on release (``continuous_update=False``): redraws are heavy.

    Examples
    --------
    >>> float_slider("w1", 0.3, 0.01, 0.99, 0.01).continuous_update
    False
    """
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=False, readout_format=readout_format,
        style={"description_width": "initial"},
    )
