"""The emulated-CPU profiles (tests/cpu_profiles.py) and their canary (tests/cpu_canary.py).

`make test` runs the portable suite once per profile that computes something new: profiles whose
canary hashes alike run once. These tests hold the list of profiles an AVX-512 CPU gets, the
deduplication, and that the canary does tell two different kernels apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu_profiles  # noqa: E402

# numpy 2.4's x86 dispatch list, and what a Sapphire Rapids Xeon has of it (all four).
AVX512_DISPATCH = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]


def test_an_avx512_cpu_gets_seven_profiles():
    names = [p.name for p in cpu_profiles.build_profiles(AVX512_DISPATCH, set(AVX512_DISPATCH), True)]
    # seven besides native; the top target caps nothing, so there is no numpy<=AVX512_SPR
    assert names == ["native", "numpy<=X86_V3", "numpy<=X86_V4", "numpy<=AVX512_ICL", "numpy-baseline",
                     "openblas-Prescott", "openblas-Haswell", "baseline+Prescott"]


def _canaries(groups):
    """Canaries for profiles in groups that compute alike: [[names...], ...]."""
    return {name: {"signature": str(i), "parts": {"ufuncs": str(i)}}
            for i, group in enumerate(groups) for name in group}


def test_profiles_with_equal_canaries_run_once():
    # The groups measured on an AMD Zen 5 (AVX-512, the machine sets OPENBLAS_CORETYPE=Haswell):
    # numpy's float64 exp/log have their own code only at X86_V4 and above, and OpenBLAS's
    # Haswell kernels are what the native run already uses.
    names = [p.name for p in cpu_profiles.build_profiles(AVX512_DISPATCH, set(AVX512_DISPATCH), True)]
    groups = [["native", "openblas-Haswell"], ["numpy<=X86_V3", "numpy-baseline"],
              ["numpy<=X86_V4", "numpy<=AVX512_ICL"], ["openblas-Prescott"], ["baseline+Prescott"]]
    same_as = cpu_profiles.deduplicate(names, _canaries(groups))
    run = [name for name in names if same_as[name] is None]
    assert run == ["native", "numpy<=X86_V3", "numpy<=X86_V4", "openblas-Prescott", "baseline+Prescott"]
    assert same_as["numpy-baseline"] == "numpy<=X86_V3" and same_as["openblas-Haswell"] == "native"


def test_every_profile_runs_when_every_canary_differs():
    names = ["native", "numpy-baseline", "openblas-Prescott"]
    same_as = cpu_profiles.deduplicate(names, _canaries([[n] for n in names]))
    assert all(v is None for v in same_as.values())


def test_differing_parts_names_what_moved():
    a = {"parts": {"ufuncs": "1", "blas": "2", "optimisers": "3"}}
    b = {"parts": {"ufuncs": "1", "blas": "9", "optimisers": "8"}}
    assert cpu_profiles.differing_parts(a, b) == ["blas", "optimisers"]


def test_the_canary_tells_openblas_kernels_apart():
    """OpenBLAS's oldest x86-64 kernel rounds a product differently from the one this machine
    picks: the canary must see it, or deduplication would merge profiles that differ."""
    default = cpu_profiles.Profile("openblas-default")  # both variables removed: OpenBLAS picks
    prescott = cpu_profiles.Profile("openblas-Prescott", {"OPENBLAS_CORETYPE": "Prescott"},
                                    openblas_core="Prescott")
    seen = {p.name: cpu_profiles.probe(cpu_profiles.profile_env(p)) for p in (default, prescott)}
    if cpu_profiles.check_profile(prescott, seen[prescott.name]):
        pytest.skip("OpenBLAS here cannot be forced to its Prescott kernels (not x86-64)")
    if seen[default.name]["openblas"] == seen[prescott.name]["openblas"]:
        pytest.skip("this CPU's own OpenBLAS kernel is the Prescott one")
    here = cpu_profiles.compute_canary(cpu_profiles.profile_env(default))
    there = cpu_profiles.compute_canary(cpu_profiles.profile_env(prescott))
    assert here["signature"] != there["signature"]
    assert "blas" in cpu_profiles.differing_parts(there, here)
