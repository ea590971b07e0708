"""The nbval sanitizers (tests/nbval_sanitize.cfg) hide run-to-run noise and never touch numbers.

nbval compares saved and fresh text outputs after applying every regex of the cfg in order. A
sanitizer that rewrote numbers would let a changed result pass silently, so ordinary numeric
output must come through unchanged, while memory addresses, kernel temp paths, environment
paths and timings are replaced by the same placeholder on every machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbval.plugin import get_sanitize_patterns

CFG = Path(__file__).with_name("nbval_sanitize.cfg")


def load_patterns():
    """The (regex, replace) pairs exactly as nbval parses them."""
    return get_sanitize_patterns(CFG.read_text(encoding="utf-8"))


def sanitize(text):
    """Apply every pattern in order, as nbval's ``sanitize`` does."""
    for regex, replace in load_patterns():
        text = re.sub(regex, replace, text)
    return text


def test_cfg_parses_completely():
    text = CFG.read_text(encoding="utf-8")
    patterns = load_patterns()
    n_regex_lines = sum(line.startswith("regex: ") for line in text.splitlines())
    assert patterns, "no regex/replace pairs found"
    # every "regex:" line is directly followed by its "replace:" line (else nbval drops it)
    assert len(patterns) == n_regex_lines
    # nbval keeps the pairs in a dict keyed by regex: a duplicate would silently replace the first
    assert len({regex for regex, _ in patterns}) == len(patterns)
    for regex, _ in patterns:
        re.compile(regex)


UNCHANGED = [
    "mean 0.301, sd 0.0812",
    "log-likelihood -123.4567",
    "[0.3, 0.7]",
    "N = 1000",
    "1e-06",
    "a short hex number 0x1f in prose",
    "MixtureParams(weights=[0.3, 0.7], means=[0, 0.6], sds=[0.08, 0.12])",
    "Means:    0.001   0.600",
    "converged after 37 iterations, log-likelihood 512.3301",
    "total: 1000 points, 300 from component 1",
    "user 12 s",
    "-1.234e+05 and 6.02e23",
    "counts 293 / 707, expected 300 / 700",
    "array([0.29, 0.71])",
    "time 0.5 s per step (a number the notebook computes, not a %time line)",
    "P(count = 300) = 0.0275",
    "x = 1/3 = 0.3333",
]


@pytest.mark.parametrize("line", UNCHANGED)
def test_numbers_pass_through_unchanged(line):
    assert sanitize(line) == line


@pytest.mark.parametrize("line", UNCHANGED)
def test_numbers_pass_through_unchanged_inside_multiline_output(line):
    text = f"first line\n{line}\nlast line\n"
    assert sanitize(text) == text


@given(st.floats(allow_nan=False, allow_infinity=False),
       st.sampled_from(["{:.4f}", "{:.3g}", "{:g}", "{!r}", "{:.2e}", "{:,.1f}"]))
def test_any_formatted_float_passes_through(value, fmt):
    line = f"value {fmt.format(value)}, sd {fmt.format(abs(value) / 7)}"
    assert sanitize(line) == line


# (label, two inputs that differ only in the variable part, text that must vanish)
REPLACED = [
    ("memory address",
     ["<function f at 0x7f3a2b1c4d50>", "<function f at 0x55d0c0ffee10>"], "0x7f3a2b1c4d50"),
    ("kernel temp path",
     ["File /tmp/ipykernel_123/456.py:7", "File /tmp/ipykernel_98765/4321.py:7"],
     "/tmp/ipykernel_123"),
    (".venv site-packages path",
     ["/work/main/.venv/lib/python3.11/site-packages/numpy/_core/fromnumeric.py:86: RuntimeWarning",
      "/home/ada/repo/.venv/lib/python3.12/site-packages/numpy/_core/fromnumeric.py:86: RuntimeWarning"],
     "site-packages"),
    ("system site-packages path",
     ["/usr/local/lib/python3.11/site-packages/scipy/stats/_continuous_distns.py:1",
      "/opt/conda/lib/python3.11/site-packages/scipy/stats/_continuous_distns.py:1"],
     "site-packages"),
    ("standard library path",
     ["/usr/lib/python3.11/warnings.py:10", "/usr/local/lib/python3.12/warnings.py:10"],
     "/usr/"),
    ("%time line",
     ["CPU times: user 1.23 ms, sys: 0 ns, total: 1.23 ms\nWall time: 2.45 ms\n",
      "CPU times: user 3.1 s, sys: 12 µs, total: 3.1 s\nWall time: 987 µs\n"],
     "ms"),
    ("%timeit line",
     ["1.23 ms ± 45.6 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)",
      "987 µs ± 1.2 µs per loop (mean ± std. dev. of 7 runs, 1 loop each)"],
     "per loop"),
]


@pytest.mark.parametrize(("inputs", "gone"), [(inputs, gone) for _, inputs, gone in REPLACED],
                         ids=[label for label, _, _ in REPLACED])
def test_variable_parts_are_replaced_by_one_placeholder(inputs, gone):
    first, second = (sanitize(text) for text in inputs)
    assert gone not in first
    assert first == second, "the two runs must sanitize to the same text"


def test_surrounding_numbers_survive_a_replacement():
    text = "mean 0.301 <object at 0x7f3a2b1c4d50> sd 0.0812\nN = 1000\n"
    assert sanitize(text) == "mean 0.301 <object at 0xADDRESS> sd 0.0812\nN = 1000\n"
