"""pytest set-up shared by the tests and by the doctests in mixlib/ (pyproject.toml's rootdir).

Figures are drawn with the Agg backend (no screen on CI or a student's server), every figure a
test or doctest opened is closed after it, and doctests find numpy, matplotlib.pyplot and mixlib
as ``np``, ``plt`` and ``mixlib`` without importing them in every example.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mixlib  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace.update(np=np, plt=plt, mixlib=mixlib)
