"""Shared fixtures for the mixlib tests: the original script's example, sampled once."""

import pytest

import mixlib


@pytest.fixture(scope="session")
def original():
    """(truth, n, p0, x): the original example and a seeded sample of it (read-only)."""
    truth, n, p0 = mixlib.datasets.original_example()
    x = mixlib.sample(truth, n, rng=1)
    x.setflags(write=False)
    return truth, n, p0, x


@pytest.fixture(scope="module")
def data():
    """(x, p0): the sample notebooks 03 and 04 use (seed 17) and the script's start."""
    truth, n, p0 = mixlib.datasets.original_example()
    return mixlib.sample(truth, n, rng=17), p0
