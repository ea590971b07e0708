"""Data sets shipped with mixlib, and the original script's example.

Old Faithful: 272 eruptions of the Old Faithful geyser, Yellowstone National Park: eruption
duration and waiting time to the next eruption, both in minutes: R's ``datasets::faithful``,
whose source is Härdle (1991), "Smoothing Techniques with Implementation in S" (Azzalini and
Bowman 1990, Applied Statistics 39, 357-365, analyse a longer record, MASS's ``geyser``). The
CSV in this folder was written by R 4.2.2 with ``write.csv(faithful, row.names = FALSE)``.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

from ..params import MixtureParams


def old_faithful() -> dict[str, np.ndarray]:
    """The 272 Old Faithful eruptions from R's ``faithful`` data set.

    Returns
    -------
    dict with float arrays ``"eruptions"`` (eruption duration, minutes) and ``"waiting"``
    (waiting time to the next eruption, minutes), each of length 272. Fresh arrays each call.

    Examples
    --------
    >>> data = old_faithful()
    >>> data["waiting"].shape, float(data["eruptions"][0])
    ((272,), 3.6)
    """
    text = resources.files(__package__).joinpath("old_faithful.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return {
        column: np.array([float(row[column]) for row in rows])
        for column in ("eruptions", "waiting")
    }


def original_example() -> tuple[MixtureParams, int, MixtureParams]:
    """The running example of the original ``SimpleMixtureModel`` script.

    Returns
    -------
    truth : MixtureParams, ``0.3 N(0, 0.08^2) + 0.7 N(0.6, 0.12^2)``
    n : int, the sample size 1000
    p0 : MixtureParams, the script's start ``(mu1, sig1, mu2, sig2, pi1) = (-0.2, 0.2, 0.8, 0.2, 0.5)``

    Examples
    --------
    >>> truth, n, p0 = original_example()
    >>> n, p0.to_vector().tolist()
    (1000, [-0.2, 0.2, 0.8, 0.2, 0.5])
    """
    truth = MixtureParams(weights=[0.3, 0.7], means=[0.0, 0.6], sds=[0.08, 0.12])
    p0 = MixtureParams.from_vector([-0.2, 0.2, 0.8, 0.2, 0.5])
    return truth, 1000, p0


# Last: the scenarios are built from the data sets above.
from .pitfalls import Pitfall, pitfall_scenarios  # noqa: E402
