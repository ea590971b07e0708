"""Sharp inline figures: PNGs with twice the pixels, shown at their usual size, in 256 colours.

The inline backend saves a figure at 1 pixel per CSS pixel, which looks blurred on high-density
screens (phones, most laptops) and on the course website. Twice the pixels alone would double or
triple every notebook's size; a matplotlib figure has few distinct colours, so a 256-colour palette
PNG at twice the pixels is smaller than the full-colour PNG at one (notebook 07: 469 KiB of figures
at 1x, 1,080 KiB at 2x, 374 KiB at 2x in 256 colours). ``mixlib.plotting`` turns this on when it is
imported in a kernel whose matplotlib backend is the inline one; ``%config InlineBackend...`` or
``%matplotlib`` afterwards take over again.
"""

from __future__ import annotations

import io

SCALE = 2
COLOURS = 256


def sharp_png(fig, *, scale: int = SCALE, colours: int = COLOURS, **print_kwargs):
    """The figure as a palette PNG with ``scale`` times the pixels, and its display size.

    Parameters
    ----------
    fig : matplotlib Figure
    scale : int >= 1, pixels per displayed pixel
    colours : int in [2, 256], size of the PNG's palette
    **print_kwargs : passed to ``Figure.savefig`` (the inline backend passes
        ``bbox_inches="tight"``)

    Returns
    -------
    (bytes, dict) : the PNG and ``{"width": w, "height": h}``, its size in displayed pixels;
    None for a figure with nothing drawn (as the inline backend does)

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> png, size = sharp_png(fig)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", size
    (True, {'width': 100, 'height': 50})
    >>> plt.close(fig)
    """
    from PIL import Image

    if not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale: a whole number >= 1, got {scale!r}")
    if not isinstance(colours, int) or not 2 <= colours <= 256:
        raise ValueError(f"colours: a whole number in [2, 256], got {colours!r}")
    if not fig.axes and not fig.lines:
        return None
    kwargs = {"format": "png", "facecolor": fig.get_facecolor(), "edgecolor": fig.get_edgecolor(),
              "dpi": fig.dpi * scale, **print_kwargs}
    buffer = io.BytesIO()
    fig.savefig(buffer, **kwargs)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    width, height = image.size
    # No dithering: flat areas stay flat and lines stay crisp (dither noise also compresses badly).
    palette = image.convert("RGB").quantize(colours, method=Image.Quantize.MEDIANCUT,
                                            dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue(), {"width": width // scale, "height": height // scale}


def use_sharp_figures(shell=None) -> bool:
    """Make the inline backend display figures with ``sharp_png``. Returns whether it did.

    Does nothing (returns False) outside IPython or when matplotlib's backend is not the inline
    one (a script, ``%matplotlib widget``).

    Parameters
    ----------
    shell : IPython InteractiveShell or None (the running one)

    Returns
    -------
    bool

    Examples
    --------
    >>> use_sharp_figures()  # outside IPython
    False
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib

    backend = matplotlib.get_backend(auto_select=False) if hasattr(matplotlib, "__version_info__") \
        and matplotlib.__version_info__ >= (3, 10) else matplotlib.rcParams._get("backend")
    if backend not in ("inline", "module://matplotlib_inline.backend_inline"):
        return False
    # Importing the backend first lets it register its own formatter, which ours then replaces.
    import matplotlib_inline.backend_inline as inline
    from matplotlib.figure import Figure

    print_kwargs = dict(getattr(inline.InlineBackend.instance(parent=shell), "print_figure_kwargs",
                                {"bbox_inches": "tight"}))
    shell.display_formatter.formatters["image/png"].for_type(
        Figure, lambda fig: sharp_png(fig, **print_kwargs))
    return True
