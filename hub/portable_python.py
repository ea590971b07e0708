"""Print an interpreter every Unix user may run, copying this one's installation if needed.

The hub's users run their servers from .venv-hub, whose ``python`` points at the interpreter it
was made from. An interpreter under a folder closed to other users (pyenv's under ``/root``, as on
this project's machines and CI) cannot run as a student: "Permission denied" at spawn. Then this
script copies the interpreter (its binary, ``libpython`` and standard library, without
site-packages and the test suite: about 130 MB) to DEST and prints the copy's path; otherwise it
prints ``sys.executable`` and copies nothing. The copy's binary still names the original
``lib/`` as its library path (RUNPATH): the hub sets ``LD_LIBRARY_PATH`` to the copy's ``lib/``
for every server (hub/jupyterhub_config.py).

    python hub/portable_python.py .venv-hub/base-python    # used by 'make .venv-hub/.installed'
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import sysconfig
from pathlib import Path


def reachable(path: Path) -> bool:
    """Whether every folder on the way to ``path`` lets other users through (o+x)."""
    return all(os.stat(folder).st_mode & stat.S_IXOTH for folder in [*path.parents, path])


def main(dest: str) -> None:
    executable = Path(sys.executable).resolve()
    if reachable(executable) and reachable(Path(sys.base_prefix)):
        print(sys.executable)
        return
    base, dest = Path(sys.base_prefix), Path(dest).resolve()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "bin").mkdir(parents=True)
    shutil.copy2(base / "bin" / version, dest / "bin" / version)
    (dest / "bin" / "python3").symlink_to(version)
    (dest / "lib").mkdir()
    libdir = Path(sysconfig.get_config_var("LIBDIR") or base / "lib")
    for lib in libdir.glob("libpython*.so*"):
        shutil.copy2(lib, dest / "lib" / lib.name, follow_symlinks=False)
    shutil.copytree(base / "lib" / version, dest / "lib" / version, symlinks=True,
                    ignore=lambda d, names: [n for n in names if Path(d) == base / "lib" / version
                                             and n in ("site-packages", "test", "idlelib")])
    (dest / "lib" / version / "site-packages").mkdir()
    for folder in [dest, *dest.rglob("*")]:
        mode = folder.lstat().st_mode
        if not stat.S_ISLNK(mode):
            folder.chmod(mode | stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0))
    print(dest / "bin" / version)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python hub/portable_python.py DEST")
    main(sys.argv[1])
