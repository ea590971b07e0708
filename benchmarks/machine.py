"""Which machine a measurement was made on: CPU model, SIMD level, BLAS kernel.

Timings of numpy code depend on the CPU's vector width as much as on its clock: numpy's float64
`exp` and `log` have AVX-512 kernels that AVX2 CPUs cannot run, and OpenBLAS picks its kernels
per CPU. A speed claim without the machine it was measured on does not transfer, so every table
the benchmarks and the browser tests write names it with `describe()`.

    python benchmarks/machine.py     # prints the line for this machine
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

# numpy's x86 dispatch levels, from the widest down, and what a reader calls them.
_X86_LEVELS = [("AVX512_SPR", "AVX-512 (Sapphire Rapids)"), ("AVX512_ICL", "AVX-512 (Ice Lake)"),
               ("X86_V4", "AVX-512"), ("X86_V3", "AVX2"), ("X86_V2", "SSE4.2")]


def cpu_model() -> str:
    """The CPU's marketing name (Linux: /proc/cpuinfo; elsewhere what `platform` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith(("model name", "Model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def simd_level() -> str:
    """The widest SIMD level numpy dispatches to here, e.g. 'AVX2' or 'AVX-512'.

    Honours ``NPY_DISABLE_CPU_FEATURES`` (numpy reports disabled targets as absent), so an
    emulated profile names the level it emulates.
    """
    from numpy._core._multiarray_umath import __cpu_features__ as features

    for name, label in _X86_LEVELS:
        if features.get(name):
            return label
    if features.get("ASIMD"):
        return "NEON (ASIMD)"
    return "baseline only"


def blas_kernel() -> str:
    """The kernel family OpenBLAS chose (or was told to use by OPENBLAS_CORETYPE)."""
    try:
        import numpy as np
        import threadpoolctl

        np.ones((8, 8)) @ np.ones((8, 8))  # load the BLAS
        for info in threadpoolctl.threadpool_info():
            if info.get("internal_api") == "openblas":
                return f"OpenBLAS {info.get('version')} {info.get('architecture')}"
            if info.get("user_api") == "blas":
                return f"{info.get('internal_api')} {info.get('version')}"
    except ImportError:
        pass
    return "unknown BLAS"


def describe() -> str:
    """One line naming the machine, for the header of a measured table.

    Examples
    --------
    >>> "cores" in describe()
    True
    """
    return (f"{cpu_model()}, {simd_level()}, {os.cpu_count()} cores, {blas_kernel()}, "
            f"Python {platform.python_version()}")


if __name__ == "__main__":
    print(describe())
