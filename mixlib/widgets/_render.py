"""Render a widget's figure to PNG quickly: redraw only what a change touched.

A full matplotlib draw of a widget figure spends most of its time laying out tick labels, titles
and legends, which a slider move rarely changes. ``FigureRenderer`` keeps a picture of that
decoration (the *background*) and, on each update, pastes it back, draws the data artists on top
(lines, patches, collections, images, texts inside the axes, the axes titles and frames), pastes
the cached legends over them and encodes the result. An axes whose decoration did change (new
limits, scale or labels) is cleared and redrawn in its own slot of the background, a legend with
new entries is drawn and cached again on its own, and a change to the figure itself (size, axes
positions, figure-level texts) redraws everything. Widgets help by moving their limits in round
steps (``mixlib.plotting.axes_limits``), so most moves redraw no axes at all. The last few
backgrounds are kept by the state of every axes, so going back to a view shown before (another
variable, the start again) pastes its background instead of drawing it; axes' slots meet halfway
between their tight boxes, so clearing one never erases a neighbour's label. Recent legends'
pixels are kept by their entries and their axes' place, so a legend shown before is pasted, even
after a full draw that left its axes where it was.

Before this, an Explorer showed its figure with ``display(fig)`` through the inline backend,
which draws the figure twice per update (``bbox_inches="tight"`` lays it out before the real
draw) and compresses at zlib level 6. ``benchmarks/bench_widgets.py`` times both for every
widget; the README and ``docs/widget-latency.md`` give the figures and the machine.

What differs from a full draw: a legend is drawn over an empty axes and pasted, so its frame is
opaque (``framealpha`` is set to 1 so a full draw looks the same), and a legend placed with
``loc="best"`` keeps the place it had when its axes was last redrawn.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FixedFormatter, FixedLocator
from matplotlib.transforms import Bbox
from PIL import Image


def _ticker_key(ticker):
    """A tick locator or formatter in an axes' state: fixed ticks by their values (``set_xticks``
    makes a new FixedLocator on every call, the same ticks again are the same picture), any
    other by identity."""
    if isinstance(ticker, FixedLocator):
        return ("fixed", tuple(np.asarray(ticker.locs, dtype=float).tolist()), ticker.nbins)
    if isinstance(ticker, FixedFormatter):
        return ("fixed", tuple(ticker.seq))
    return id(ticker)


class FigureRenderer:
    """PNG bytes of a figure, redrawing only the artists and axes that can have changed.

    Parameters
    ----------
    figure : matplotlib Figure (gets an Agg canvas if it has none)
    compress_level : int, zlib level of the PNG (1: fast, a few percent larger than 6)

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> (line,) = ax.plot([0, 1], [0, 1])
    >>> renderer = FigureRenderer(fig)
    >>> first = renderer.png()
    >>> line.set_ydata([1, 0])
    >>> second = renderer.png()
    >>> first[:8] == b"\\x89PNG\\r\\n\\x1a\\n", first != second
    (True, True)
    >>> plt.close(fig)
    """

    REMEMBERED_BACKGROUNDS = 8  # a 1000 x 400 figure's background is 1.6 MB

    def __init__(self, figure, compress_level=1):
        self.figure = figure
        self.compress_level = int(compress_level)
        self.full_draws = 0      # how often the whole background was redrawn (tests read these)
        self.axes_redraws = 0    # how often one axes' decoration was redrawn
        self.legend_draws = 0    # how often a legend was drawn (not taken from the cache)
        self.background_hits = 0  # how often a background shown before was pasted, not redrawn
        self.invalidate()
        self._agg = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)

    def invalidate(self):
        """Forget the background: the next ``png`` redraws everything (after an unusual change)."""
        self._figure_key = None
        self._axes_keys = {}
        self._background = None
        self._slots = {}
        self._limits = {}
        self._groups = {}
        self._legends = {}
        self._seen_legends = {}  # (axes, legend state, axes box) -> its pixels, for legends shown before
        self._seen_backgrounds = {}  # every axes' state -> the background drawn for it
        self._layout_version = 0

    def _canvas(self):
        """The renderer's own Agg canvas, put back if something swapped it.

        ``plt.close`` swaps in a bare canvas (no pixel buffer) and ``savefig`` / the inline
        backend's PNG formatter a temporary one; the renderer draws on the one it made.
        """
        if self.figure.canvas is not self._agg:
            self.figure.set_canvas(self._agg)
        return self._agg

    def _fix_layout(self):
        """Run a layout engine (constrained, tight) once, then keep those positions.

        An engine re-spaces the axes at every draw, which would move every slot on every update.
        This runs at the first render, when the widget has drawn its start (its labels as wide as
        they will usually be), not when the figure was made empty.
        """
        engine = self.figure.get_layout_engine()
        if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
            return
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine("none")

    # --- what can change -------------------------------------------------------------------------

    def _figure_state(self):
        fig = self.figure
        # Where the axes sit is the layout every slot depends on: a move redraws everything.
        return (tuple(fig.get_size_inches()), fig.dpi,
                tuple((id(ax), ax.get_visible(), tuple(ax.get_position().bounds)) for ax in fig.axes),
                tuple(t.get_text() for t in fig.texts), len(fig.legends),
                getattr(fig, "_suptitle", None) and fig._suptitle.get_text())

    @staticmethod
    def _legend_state(ax):
        # By content, not identity: widgets make a new legend when K changes, and going back to
        # an earlier K gives the same picture (the pixels of recent legends are kept).
        legend = ax.get_legend()
        return None if legend is None else (
            legend.get_visible(), legend._loc, tuple(t.get_text() for t in legend.get_texts()),
            tuple(t.get_fontsize() for t in legend.get_texts()))

    def _axes_state(self, ax):
        # the legend is not part of it: a new legend is drawn and pasted on its own (``render``)
        return (ax.axison, tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_xscale(), ax.get_yscale(),
                ax.get_xlabel(), ax.get_ylabel(),
                _ticker_key(ax.xaxis.get_major_locator()), _ticker_key(ax.yaxis.get_major_locator()),
                _ticker_key(ax.xaxis.get_major_formatter()), _ticker_key(ax.yaxis.get_major_formatter()))

    @staticmethod
    def _foreground(ax):
        """The artists drawn on every update: the data, texts in the axes, titles, the frame."""
        titles = [ax.title, ax._left_title, ax._right_title]
        spines = list(ax.spines.values()) if ax.axison and ax._frameon else []
        return [a for a in ax._children if a is not ax.get_legend()] + titles + spines

    def _all_axes_state(self):
        return (self._figure_state(), self._layout_version,
                tuple(self._axes_state(ax) for ax in self.figure.axes))

    def _remember_background(self):
        """Keep the current background (never written in place: a redraw makes a new array)."""
        key = self._all_axes_state()
        if key in self._seen_backgrounds:
            return
        if len(self._seen_backgrounds) >= self.REMEMBERED_BACKGROUNDS:
            del self._seen_backgrounds[next(iter(self._seen_backgrounds))]
        self._seen_backgrounds[key] = self._background

    # --- drawing ------------------------------------------------------------------------------------

    def _buffer(self):
        return np.asarray(self.figure.canvas.buffer_rgba())

    def _with_foreground_hidden(self, axes, draw):
        """Run ``draw()`` with the foreground and legends of ``axes`` marked animated (not drawn)."""
        hidden = [a for ax in axes for a in self._foreground(ax) + [ax.get_legend()]
                  if a is not None and not a.get_animated()]
        for artist in hidden:
            artist.set_animated(True)
        try:
            draw()
        finally:
            for artist in hidden:
                artist.set_animated(False)

    def _pixel_box(self, bbox, pad):
        """Rows and columns of the buffer in a display-space Bbox (y grows upwards).

        ``pad`` 1 takes every pixel the box touches and one more (a legend's antialiased edge);
        ``pad`` 0 only the pixels wholly inside (a slot, whose edge a neighbour's label may touch).
        """
        height, width = self._buffer().shape[:2]
        if pad:
            x0, x1 = int(np.floor(bbox.x0)) - pad, int(np.ceil(bbox.x1)) + pad
            y0, y1 = int(np.floor(bbox.y0)) - pad, int(np.ceil(bbox.y1)) + pad
        else:
            x0, x1 = int(np.ceil(bbox.x0)), int(np.floor(bbox.x1))
            y0, y1 = int(np.ceil(bbox.y0)), int(np.floor(bbox.y1))
        x0, x1, y0, y1 = max(x0, 0), min(x1, width), max(y0, 0), min(y1, height)
        return slice(height - y1, height - y0), slice(x0, x1)

    def _capture_legend(self, ax, renderer):
        """Draw ``ax``'s legend over the background and keep its pixels; restore the background."""
        legend = ax.get_legend()
        self._legends.pop(ax, None)
        if legend is None or not legend.get_visible() or not ax.get_visible():
            return
        state = self._legend_state(ax)
        # where the axes sits too: a legend drawn before a full draw moved the axes is stale
        seen_key = (ax, state, tuple(ax.bbox.bounds))
        known = self._seen_legends.get(seen_key)
        if known is not None:
            self._legends[ax] = known
            return
        legend.get_frame().set_alpha(1.0)
        buffer = self._buffer()
        legend.draw(renderer)
        self.legend_draws += 1
        box = self._pixel_box(legend.get_window_extent(renderer), pad=1)
        self._legends[ax] = (state, box, buffer[box].copy())
        buffer[box] = self._background[box]
        if len(self._seen_legends) >= 16:
            del self._seen_legends[next(iter(self._seen_legends))]
        self._seen_legends[seen_key] = self._legends[ax]

    def _compute_slots(self, renderer):
        """Each axes' slot: its tight box, grown halfway to the neighbours' tight boxes and to the
        figure's edges. Halfway, so that no two slots overlap: clearing one axes' slot for a redraw
        must not erase a neighbour's label that grew into the gap (within its own slot).

        Axes whose tight boxes overlap (a colour bar's labels reaching under the next axes' label)
        form a group that is always redrawn together, so a slot only stops at other groups.
        """
        visible = [ax for ax in self.figure.axes if ax.get_visible()]
        tight = {ax: ax.get_tightbbox(renderer) for ax in visible}
        groups = {ax: {ax} for ax in visible}
        for ax in visible:
            for other in visible:
                if other is not ax and tight[ax].overlaps(tight[other]):
                    merged = groups[ax] | groups[other]
                    for member in merged:
                        groups[member] = merged
        self._groups = groups
        self._layout_version += 1  # backgrounds drawn for other slots are not reused
        fig_box = self.figure.bbox
        self._slots, self._limits = {}, {}
        for ax in visible:
            box = tight[ax]
            x0, x1, y0, y1 = fig_box.x0, fig_box.x1, fig_box.y0, fig_box.y1
            for other in visible:
                if other in groups[ax]:
                    continue
                o = tight[other]
                if o.y0 < box.y1 and o.y1 > box.y0:
                    if o.x1 <= box.x0:
                        x0 = max(x0, 0.5 * (o.x1 + box.x0))
                    elif o.x0 >= box.x1:
                        x1 = min(x1, 0.5 * (o.x0 + box.x1))
                if o.x0 < box.x1 and o.x1 > box.x0:
                    if o.y1 <= box.y0:
                        y0 = max(y0, 0.5 * (o.y1 + box.y0))
                    elif o.y0 >= box.y1:
                        y1 = min(y1, 0.5 * (o.y0 + box.y1))
            self._slots[ax] = Bbox([[x0, y0], [x1, y1]]) if x0 < x1 and y0 < y1 else None
            # what is drawn past the figure's edge is cut off anyway: no limit there
            self._limits[ax] = (-np.inf if x0 == fig_box.x0 else x0, np.inf if x1 == fig_box.x1 else x1,
                                -np.inf if y0 == fig_box.y0 else y0, np.inf if y1 == fig_box.y1 else y1)

    def _inside_slot(self, ax, renderer):
        """Whether the axis labels, offsets and tick labels just drawn stay in ``ax``'s slot.

        Cheaper than ``get_tightbbox`` (which lays the ticks out again): the texts were just
        drawn, so their extents are known.
        """
        x0, x1, y0, y1 = self._limits[ax]
        texts = []
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            # tick objects are reused: only the first len(locs) hold current ticks, and only
            # those inside the view were drawn
            ticks = axis.majorTicks[:len(axis.get_majorticklocs())]
            drawn = [t for t in ticks if low <= t.get_loc() <= high]
            texts += [axis.label, axis.offsetText]
            texts += [label for t in drawn for label in (t.label1, t.label2)]
        for text in texts:
            if text.get_visible() and text.get_text():
                box = text.get_window_extent(renderer)
                if box.x0 < x0 or box.x1 > x1 or box.y0 < y0 or box.y1 > y1:
                    return False
        return True

    def _draw_background(self):
        """Everything but the foreground and legends, from scratch."""
        canvas = self.figure.canvas
        self._fix_layout()
        self._with_foreground_hidden(self.figure.axes, canvas.draw)
        renderer = canvas.get_renderer()
        self._background = self._buffer().copy()
        self._compute_slots(renderer)
        for ax in self.figure.axes:
            self._capture_legend(ax, renderer)
        self.full_draws += 1

    def _redraw_axes(self, changed):
        """Clear the slots of the axes in ``changed`` and draw their decoration afresh."""
        changed = [ax for ax in self.figure.axes
                   if any(ax in self._groups.get(c, {c}) for c in changed)]
        if any(self._slots.get(ax) is None for ax in changed) or self.figure.texts or self.figure.legends:
            self._draw_background()
            return
        renderer = self.figure.canvas.get_renderer()
        buffer = self._buffer()
        buffer[...] = self._background
        face = np.array(self.figure.canvas.figure.patch.get_facecolor()) * 255
        for ax in changed:
            buffer[self._pixel_box(self._slots[ax], pad=0)] = np.round(face).astype(np.uint8)
        self._with_foreground_hidden(changed, lambda: [ax.draw(renderer) for ax in changed])
        if not all(self._inside_slot(ax, renderer) for ax in changed):
            self._draw_background()  # the labels grew past the slot: lay the slots out again
            return
        self._background = buffer.copy()
        self.axes_redraws += len(changed)

    def render(self):
        """Bring the canvas up to date with the figure; returns the RGBA buffer (H x W x 4)."""
        self._canvas()
        if self._background is None or self._figure_state() != self._figure_key:
            self._draw_background()
        else:
            changed = [ax for ax in self.figure.axes if self._axes_state(ax) != self._axes_keys.get(ax)]
            # A background is a function of the axes' states alone (the figure's being the same):
            # going back to a view shown before (another variable, another pitfall) pastes it.
            known = self._seen_backgrounds.get(self._all_axes_state()) if changed else None
            if known is not None:
                self._background = known
                self.background_hits += 1
            elif changed:
                self._redraw_axes(changed)
        # A legend is drawn over the background on its own when it is new or lists other
        # entries; an opaque legend at a fixed place looks the same over new limits.
        renderer = self.figure.canvas.get_renderer()
        buffer = self._buffer()
        stale = [ax for ax in self.figure.axes
                 if (self._legends[ax][0] if ax in self._legends else None) != self._legend_state(ax)]
        if stale:
            buffer[...] = self._background  # a legend is captured over the background
            for ax in stale:
                self._capture_legend(ax, renderer)
        # Read after drawing: the first draw may have moved the axes (``_fix_layout``).
        self._figure_key = self._figure_state()
        self._axes_keys = {ax: self._axes_state(ax) for ax in self.figure.axes}
        self._remember_background()
        buffer[...] = self._background
        for ax in self.figure.axes:
            if not ax.get_visible():
                continue
            for artist in sorted(self._foreground(ax), key=lambda a: a.get_zorder()):
                artist.draw(renderer)
            if ax in self._legends:
                _, box, pixels = self._legends[ax]
                buffer[box] = pixels
        return buffer

    def png(self):
        """The figure as PNG bytes (RGB when the figure is opaque, as widget figures are)."""
        buffer = self.render()
        image = Image.fromarray(buffer, "RGBA")
        if buffer[..., 3].min() == 255:
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="png", compress_level=self.compress_level)
        return out.getvalue()


def full_draw(figure):
    """The figure drawn from scratch by matplotlib (RGBA array), to compare a renderer with.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> full_draw(fig).shape
    (100, 200, 4)
    >>> plt.close(fig)
    """
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()
