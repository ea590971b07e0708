"""Run the portable part of the suite under emulated CPUs: `make test-portable`.

Students run the notebooks on AVX-512 servers, AVX2 laptops, old Intel machines and Apple
Silicon. numpy picks its `exp`/`log` kernels by SIMD level and OpenBLAS its BLAS kernels by CPU,
and they round differently in the last bits; an optimiser can turn that into a different
evaluation count or a different `success` flag. So every saved notebook output and every mixlib
test must hold under each of these profiles, all emulated on one machine:

* ``native``: the machine as it is;
* ``numpy<=T``, for each numpy dispatch target ``T`` the CPU supports below the top one: every
  dispatch target above ``T`` disabled with ``NPY_DISABLE_CPU_FEATURES`` (an AVX-512 machine then
  runs as an AVX2-only one);
* ``numpy-baseline``: every dispatch target disabled (numpy's compiled-in baseline only);
* ``openblas-Prescott``: OpenBLAS's oldest x86-64 kernels (``OPENBLAS_CORETYPE``), and
  ``openblas-Haswell`` on a CPU with AVX2;
* ``baseline+Prescott``: both at once.

``native`` is the environment as it is, variables included (``make test``'s own run); the others
start from it with ``NPY_DISABLE_CPU_FEATURES`` and ``OPENBLAS_CORETYPE`` removed, then set.

Each profile is probed before it runs: numpy must report the disabled targets as absent and
OpenBLAS the forced kernel, so an emulation that silently did nothing fails. Then each computes the
canary (``tests/cpu_canary.py``: the ufuncs the course calls over a fixed array, reductions, BLAS
and LAPACK products, scipy's special functions, and the notebooks' optimiser and EM runs, hashed
to the last bit). Profiles whose canaries hash alike compute the same bits on all of that, so only
the first of them runs and the log says which were found equal; kernel names cannot decide it
(numpy's float64 ``exp`` is the same scalar code capped at AVX2 and at baseline, while OpenBLAS's
Haswell and SkylakeX kernels round a product differently). On an AVX-512 machine this takes the
seven profiles to four or five. The kernels nbval starts inherit the environment, so the notebooks
run under the profile too.

Usage (from the repository root, with the project's environment)::

    python tests/cpu_profiles.py                  # every profile, native included
    python tests/cpu_profiles.py --skip native    # what `make test` adds to its own native run
    python tests/cpu_profiles.py --list           # the profiles for this CPU and which are equal
    python tests/cpu_profiles.py --no-dedup       # every profile, even those the canary finds equal
    python tests/cpu_profiles.py -- -x notebooks/03_direct_optimisation.ipynb   # other targets

The last line printed is ``profiles: N passed, M failed``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))  # a script, not a package: machine.py names the CPU
from machine import describe  # noqa: E402

# What each profile runs: the mixlib tests (doctests, unit, property; not the environment
# builds or the browser) and nbval over the notebooks and the instructor sources.
DEFAULT_TARGETS = ["--doctest-modules", "mixlib", "tests", "notebooks", "coursework/source",
                   "-m", "not slow and not browser"]
NBVAL_ARGS = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
              "--nbval-cell-timeout=120"]


@dataclass(frozen=True)
class Profile:
    """One emulated CPU: a name, the environment variables that make it, and what to check."""

    name: str
    env: dict = field(default_factory=dict)
    disabled_targets: tuple = ()
    openblas_core: str | None = None

    def describe(self) -> str:
        if not self.env:
            return "(no variables)"
        return " ".join(f"{k}={v!r}" for k, v in self.env.items())


def build_profiles(dispatch, supported, has_avx2) -> list[Profile]:
    """The profiles for a CPU.

    Parameters
    ----------
    dispatch : sequence of str
        numpy's dispatch targets, lowest first (``numpy._core._multiarray_umath.__cpu_dispatch__``).
    supported : set of str
        The targets this CPU has (``__cpu_features__`` entries that are true).
    has_avx2 : bool
        Whether OpenBLAS's Haswell kernels can run here.

    Returns
    -------
    list of Profile
        ``native`` first.

    Examples
    --------
    >>> [p.name for p in build_profiles(["X86_V3", "X86_V4"], {"X86_V3", "X86_V4"}, True)]
    ['native', 'numpy<=X86_V3', 'numpy-baseline', 'openblas-Prescott', 'openblas-Haswell', 'baseline+Prescott']
    >>> [p.name for p in build_profiles(["X86_V3", "X86_V4"], {"X86_V3"}, False)]
    ['native', 'numpy<=X86_V3', 'numpy-baseline', 'openblas-Prescott', 'baseline+Prescott']
    """
    dispatch = list(dispatch)
    profiles = [Profile("native")]
    for i, target in enumerate(dispatch):
        above = tuple(dispatch[i + 1:])
        if target not in supported or not above:
            continue
        profiles.append(Profile(f"numpy<={target}", {"NPY_DISABLE_CPU_FEATURES": " ".join(above)},
                                disabled_targets=above))
    everything = tuple(dispatch)
    baseline_env = {"NPY_DISABLE_CPU_FEATURES": " ".join(everything)}
    profiles.append(Profile("numpy-baseline", baseline_env, disabled_targets=everything))
    profiles.append(Profile("openblas-Prescott", {"OPENBLAS_CORETYPE": "Prescott"}, openblas_core="Prescott"))
    if has_avx2:
        profiles.append(Profile("openblas-Haswell", {"OPENBLAS_CORETYPE": "Haswell"}, openblas_core="Haswell"))
    profiles.append(Profile("baseline+Prescott", {**baseline_env, "OPENBLAS_CORETYPE": "Prescott"},
                            disabled_targets=everything, openblas_core="Prescott"))
    return profiles


# Run in a child under the profile's environment: what numpy and OpenBLAS actually use.
_PROBE = """
import json, numpy as np, threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__, __cpu_dispatch__
np.ones((64, 64)) @ np.ones((64, 64))  # load OpenBLAS and let it pick its kernel
blas = [i for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
print(json.dumps({"features": {t: bool(__cpu_features__.get(t)) for t in __cpu_dispatch__},
                  "openblas": blas[0].get("architecture") if blas else None}))
"""

# OpenBLAS reports some forced cores under an older name (Prescott runs as "Katmai" in 0.3.x).
_CORE_ALIASES = {"Prescott": {"Prescott", "Katmai"}, "Haswell": {"Haswell"}}


def probe(env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def check_profile(profile: Profile, seen: dict) -> list[str]:
    """Problems with the emulation (empty when numpy and OpenBLAS obey the profile)."""
    problems = [f"numpy still dispatches to {t}" for t in profile.disabled_targets if seen["features"].get(t)]
    if profile.openblas_core and seen["openblas"] not in _CORE_ALIASES[profile.openblas_core]:
        problems.append(f"OpenBLAS runs the {seen['openblas']} kernels, not {profile.openblas_core}")
    return problems


def summary_line(output: str) -> str:
    """pytest's closing summary line (e.g. '== 812 passed in 95.1s ==' -> '812 passed in 95.1s')."""
    for line in reversed(output.splitlines()):
        line = line.strip().strip("=").strip()
        if " passed" in line or " failed" in line or " error" in line or "no tests ran" in line:
            return line
    return "(no pytest summary)"


def profile_env(profile: Profile) -> dict:
    """The environment a profile runs in: the machine's own for ``native`` (what ``make test``'s
    native run sees, ``OPENBLAS_CORETYPE`` included where the machine sets it), else the machine's
    with both emulation variables removed and the profile's set."""
    if profile.name == "native":
        return dict(os.environ)
    env = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")}
    env.update(profile.env)
    return env


def compute_canary(env: dict) -> dict:
    """``tests/cpu_canary.py``'s hashes under ``env`` (in a child: the variables act at import)."""
    out = subprocess.run([sys.executable, str(REPO / "tests" / "cpu_canary.py")], env=env, cwd=REPO,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def deduplicate(names, canaries) -> dict:
    """Which earlier profile each profile computes the same bits as.

    Parameters
    ----------
    names : sequence of str
        Profile names in order of preference (``native`` first: it runs anyway).
    canaries : dict
        name -> ``{"parts": {part: hash}, "signature": hash}`` (``cpu_canary.canary``).

    Returns
    -------
    dict
        name -> the first earlier profile with the same signature, or None when it is the first
        to compute what it computes.

    Examples
    --------
    >>> c = {"a": {"signature": "1"}, "b": {"signature": "2"}, "c": {"signature": "1"}}
    >>> deduplicate(["a", "b", "c"], c)
    {'a': None, 'b': None, 'c': 'a'}
    """
    first, same_as = {}, {}
    for name in names:
        signature = canaries[name]["signature"]
        same_as[name] = first.get(signature)
        first.setdefault(signature, name)
    return same_as


def differing_parts(canary: dict, reference: dict) -> list[str]:
    """The canary parts whose hashes differ between two profiles."""
    return [part for part, digest in canary["parts"].items() if reference["parts"].get(part) != digest]


def run_profile(profile: Profile, seen: dict, pytest_args: list[str], log_dir: Path) -> tuple[bool, float, str]:
    env = profile_env(profile)
    problems = check_profile(profile, seen)
    if problems:
        return False, 0.0, "emulation failed: " + "; ".join(problems)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NBVAL_ARGS, *pytest_args]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = log_dir / (profile.name.replace("<=", "-cap-").replace("+", "-") + ".log")
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
    ok = done.returncode == 0
    if not ok:
        print(f"\n----- {profile.name} ({profile.describe()}) failed; log {log} -----", flush=True)
        print(done.stdout[-12000:] + done.stderr[-3000:], flush=True)
    return ok, seconds, summary_line(done.stdout)


def this_cpu():
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    supported = {t for t in __cpu_dispatch__ if __cpu_features__.get(t)}
    return list(__cpu_dispatch__), supported, bool(__cpu_features__.get("AVX2"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", action="append", default=[], help="a profile to leave out (repeatable)")
    parser.add_argument("--only", action="append", default=[], help="run only these profiles")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="profiles run at once (default: 2, or 1 on a one-core machine)")
    parser.add_argument("--list", action="store_true", help="print the profiles and exit")
    parser.add_argument("--no-dedup", action="store_true",
                        help="run profiles whose canary equals an earlier profile's too")
    parser.add_argument("pytest_args", nargs="*", help="after --: what pytest runs (default: the portable suite)")
    args = parser.parse_args(argv)

    dispatch, supported, has_avx2 = this_cpu()
    profiles = build_profiles(dispatch, supported, has_avx2)
    print(f"machine: {describe()}")
    print(f"numpy dispatch targets {' '.join(dispatch)}; "
          f"this CPU has {' '.join(t for t in dispatch if t in supported) or 'none of them'}")
    # Probe and canary in children, two at a time: a few seconds each.
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        probes = dict(zip([p.name for p in profiles], pool.map(lambda p: probe(profile_env(p)), profiles)))
        canaries = dict(zip([p.name for p in profiles],
                            pool.map(lambda p: compute_canary(profile_env(p)), profiles)))
    same_as = deduplicate([p.name for p in profiles], canaries)
    chosen = []
    for p in profiles:
        seen = probes[p.name]
        kernels = f"OpenBLAS {seen['openblas']}, numpy " + (
            " ".join(t for t, on in seen["features"].items() if on) or "baseline")
        equal = same_as[p.name]
        if equal and not args.no_dedup and not check_profile(p, seen):
            print(f"  {p.name:20s} {kernels}: computes the same bits as {equal} on every canary part: not run")
            continue
        differs = "" if p.name == "native" else (
            f"; differs from native in {', '.join(differing_parts(canaries[p.name], canaries['native'])) or 'nothing'}")
        if p.name in args.skip or (args.only and p.name not in args.only):
            print(f"  {p.name:20s} {kernels}{differs}: left out (--skip/--only)")
            continue
        chosen.append(p)
        print(f"  {p.name:20s} {kernels}{differs}: {p.describe()}")
    if args.list:
        return 0

    log_dir = REPO / ".pytest-profiles"
    log_dir.mkdir(exist_ok=True)
    for stale in log_dir.glob("*.log"):  # only this run's logs, so none is mistaken for a new one
        stale.unlink()
    targets = args.pytest_args or DEFAULT_TARGETS
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {p.name: pool.submit(run_profile, p, probes[p.name], targets, log_dir) for p in chosen}
        results = {name: f.result() for name, f in futures.items()}
    wall = time.perf_counter() - start

    print(f"\n{'profile':20s} {'OpenBLAS':10s} {'time':>7s}  result")
    for p in chosen:
        ok, seconds, summary = results[p.name]
        print(f"{p.name:20s} {str(probes[p.name]['openblas']):10s} {seconds:6.0f}s  {'ok' if ok else 'FAILED'}: {summary}")
    n_ok = sum(r[0] for r in results.values())
    print(f"all profiles: {wall:.0f} s wall with {args.jobs} at once")
    print(f"profiles: {n_ok} passed, {len(chosen) - n_ok} failed")
    return 0 if n_ok == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
