"""The plot colours (mixlib.plotting.core): readable on white and told apart with any colour vision.

- Every colour that marks something (PALETTE, the mixture curve, the histogram's outline) has at
  least 3:1 contrast with the white figure background (WCAG 2.1 success criterion 1.4.11, the
  relative-luminance formula of WCAG).
- Colours drawn together stay apart under simulated protanopia, deuteranopia and tritanopia
  (Machado, Oliveira and Fernandes 2009, severity 1, applied in linear sRGB) and normal vision:
  CIELAB delta E >= 10 for every pair among the first five (up to five components share a
  figure), and for the sixth and seventh against all the others (the sixth marks optimiser paths
  and reference lines beside components 1-3).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mixlib.plotting import core

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def _linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def contrast_on_white(hex_colour: str) -> float:
    luminance = float(_linear(hex_colour) @ [0.2126, 0.7152, 0.0722])
    return 1.05 / (luminance + 0.05)


def cielab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(linear_rgb, 0, 1)
    t = xyz / [0.95047, 1.0, 1.08883]
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(hex_colour: str, vision: str) -> np.ndarray:
    lin = _linear(hex_colour)
    return cielab(lin if vision == "normal" else np.array(MACHADO[vision]) @ lin)


def test_contrast_formula():
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)  # WCAG's known 4.5:1 grey
    assert contrast_on_white("#E69F00") < 3  # Okabe-Ito's orange, the colour this test replaced


@pytest.mark.parametrize("colour", [*core.PALETTE, core.MIXTURE_COLOUR, core.HISTOGRAM_EDGE_COLOUR])
def test_every_marking_colour_has_3_to_1_contrast_on_white(colour):
    assert contrast_on_white(colour) >= 3.0, f"{colour}: {contrast_on_white(colour):.2f}:1 on white"


def test_colours_drawn_together_stay_apart_for_every_colour_vision():
    p = core.PALETTE
    pairs = list(itertools.combinations(range(5), 2))
    pairs += [(j, i) for j in (5, 6) for i in range(len(p)) if i != j]
    close = []
    for vision in ("normal", *MACHADO):
        for a, b in pairs:
            delta = float(np.linalg.norm(seen(p[a], vision) - seen(p[b], vision)))
            if delta < 10:
                close.append(f"{p[a]} and {p[b]} under {vision}: delta E {delta:.1f}")
    assert not close, "\n".join(close)


def test_the_simulation_separates_what_it_should():
    """Red and green collapse for a deuteranope, blue and orange do not: the check can fail."""
    red_green = np.linalg.norm(seen("#D55E00", "deuteranopia") - seen("#3C8C3C", "deuteranopia"))
    blue_orange = np.linalg.norm(seen("#0072B2", "deuteranopia") - seen("#E69F00", "deuteranopia"))
    assert red_green < blue_orange / 2
