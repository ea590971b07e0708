"""Sharp inline figures (mixlib.plotting.inline): twice the pixels, the usual display size, a
256-colour PNG, in a real kernel as a notebook runs it."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from PIL import Image  # noqa: E402

from mixlib.plotting.inline import sharp_png, use_sharp_figures  # noqa: E402


def test_sharp_png_has_twice_the_pixels_and_at_most_256_colours():
    fig, ax = plt.subplots(figsize=(3, 2), dpi=80)
    ax.plot([0, 1, 2], [0, 1, 0], color="#0072B2")
    ax.set_title("a title")
    png, size = sharp_png(fig, bbox_inches=None)
    plt.close(fig)
    image = Image.open(io.BytesIO(png))
    assert image.size == (480, 320) and size == {"width": 240, "height": 160}
    assert image.mode == "P" and len(image.getcolors(1000)) <= 256


def test_sharp_png_rejects_bad_arguments_and_skips_empty_figures():
    fig = plt.figure()
    assert sharp_png(fig) is None
    with pytest.raises(ValueError, match="scale"):
        sharp_png(fig, scale=0)
    with pytest.raises(ValueError, match="colours"):
        sharp_png(fig, colours=1000)
    plt.close(fig)


def test_nothing_happens_outside_ipython():
    assert use_sharp_figures() is False


def test_a_kernel_displays_sharp_figures_once_mixlib_plotting_is_imported():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "import mixlib.plotting\n"
        "fig, ax = plt.subplots(figsize=(4, 3), dpi=100)\n"
        "ax.plot([0, 1], [0, 1])\n"
        "ax.set_title('x')\n"
        "plt.show()")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [o for o in nb.cells[0].outputs if "image/png" in o.get("data", {})]
    assert len(outputs) == 1
    image = Image.open(io.BytesIO(base64.b64decode(outputs[0]["data"]["image/png"])))
    shown = outputs[0]["metadata"]["image/png"]
    assert image.mode == "P"
    assert image.size[0] // 2 == shown["width"] and image.size[1] // 2 == shown["height"]
    assert 300 <= shown["width"] <= 400  # about 4 in x 100 dpi, trimmed by bbox_inches="tight"
