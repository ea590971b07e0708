"""The log-likelihood trace of an EM run (04, 06, 07): drawn once, updated as EM goes on.

EM climbs most of the way in its first few steps. A y-range over the whole run leaves everything
after them a flat line at the top: a run that is still climbing looks converged, exactly the
misreading the course warns against. So the y-range fits the *later half* of the iterations (all
of them for the first few steps); earlier iterates lie below the axis, the line running in from
the bottom. The y-label says so.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .axes_limits import nice_ceiling, round_limits
from .core import PALETTE

TRACE_YLABEL = "log-likelihood, y-range: later half"
# The y-range spans at least this many log-likelihood units: a climb that is still going on
# shows (06's crawl gains about 0.007 over its later thousand steps), while rounding-level
# changes at a maximum (about 1e-12 times the log-likelihood) stay a flat line, and the tick
# labels need three decimals at most. Run's rule (tol = 1e-8 per point, N = 1000) leaves at
# most 1e-5 to gain: 0.1% of this span.
MIN_SPAN = 0.01
# Below this many steps the y-range fits every iterate (the start too).
FIT_ALL_BELOW = 4


def trace_window(n_values):
    """The first index of the iterates the trace's y-range fits: 0 for a short run, else half.

    Examples
    --------
    >>> trace_window(3), trace_window(5), trace_window(1001)
    (0, 2, 500)
    """
    steps = n_values - 1
    return 0 if steps < FIT_ALL_BELOW else steps // 2


def draw_trace(ax, history=(), *, xlabel="EM iteration", ylabel=TRACE_YLABEL, **style):
    """A log-likelihood trace against iteration; ``update_trace`` redraws it as EM goes on.

    Parameters
    ----------
    ax : matplotlib Axes
    history : 1-D sequence, ``history[0]`` at the start (may be empty)
    xlabel, ylabel : str, axis labels (the default y-label says which iterates the range fits)
    style : Line2D keyword arguments (default: the first palette colour, dots)

    Returns
    -------
    the Line2D

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> line = draw_trace(ax, [-10.0, -5.0, -4.0])
    >>> line.get_xdata().tolist(), [round(float(v), 2) for v in ax.get_xlim()]
    ([0, 1, 2], [-0.5, 2.62])
    """
    style = {"color": PALETTE[0], "marker": ".", "lw": 1.2, **style}
    (line,) = ax.plot([], [], **style)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # Five ticks at most, whole iterations only: half an iteration means nothing, and a widget
    # redraws every tick label each time EM moves the limits (fewer labels, faster steps).
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.get_major_formatter().set_useOffset(False)  # "-1034.2", never "-0.2" and "-1.034e3"
    if len(history):
        update_trace(line, history)
    return line


def update_trace(line, history):
    """Show ``history`` in a trace of ``draw_trace`` and fit the axes to its later half.

    The y-range fits the iterates from ``trace_window(len(history))`` on (every iterate for the
    first few steps, then the later half) and spans at least ``MIN_SPAN`` log-likelihood units.
    Values that are not finite (a collapse's log-likelihood can overflow) are left out of the
    range. Both ranges are rounded outwards (``round_limits``, ``nice_ceiling``), so most EM
    steps leave the axes where they were.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> line = draw_trace(ax, [-100.0] + [-10.0 + 0.01 * k for k in range(10)])
    >>> low, high = ax.get_ylim(); bool(-10.0 < low < -9.95 and high >= -9.91)
    True
    """
    history = np.asarray(history, dtype=float)
    line.set_data(np.arange(history.size), history)
    ax = line.axes
    right = nice_ceiling(max(history.size - 1, 1))
    # 6% room on the right: the last tick's label ("1000") is centred on it, and a widget's
    # layout is fixed when its trace still ends at "1"
    ax.set_xlim(-0.5, right + 0.5 + 0.06 * right)
    later = history[trace_window(history.size):]
    later = later[np.isfinite(later)]
    if later.size == 0:
        return  # nothing finite to fit: keep the y-range
    low, high = float(later.min()), float(later.max())
    span = max(high - low, MIN_SPAN, 1e-12 * abs(high))
    middle = 0.5 * (low + high)
    ax.set_ylim(*round_limits(middle - 0.55 * span, middle + 0.55 * span))
