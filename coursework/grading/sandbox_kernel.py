"""Start the IPython kernel that runs a student's notebook during ``nbgrader autograde``, without the
instructor's rights: as an unprivileged user (``nobody``, or MIXNB_SANDBOX_USER) in a private mount
namespace where

- the course root (``gradebook.db``, ``source/`` with the solutions, the other students' work), the
  instructor's home and ``/root`` are replaced by empty folders,
- ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are fresh and private (the kernel's home and working folder),
  freed when the kernel ends,
- the Python installation and ``mixlib`` stay readable (bound back read-only where they were hidden).

The kernelspec ``mixture-grading`` (written by ``make .venv-grader/.installed``) runs this file;
``nbgrader_config.py`` makes autograde use it. It needs root (to enter a mount namespace and drop to
the unprivileged user); ``MIXNB_SANDBOX=0`` makes autograde use the plain ``python3`` kernel instead,
for a machine that already isolates grading (a container per run).

    python sandbox_kernel.py -f CONNECTION_FILE [kernel arguments ...]
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

INSIDE = "--mixnb-inside-namespace"
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "IPYKERNEL_CELL_NAME", "PYDEVD_DISABLE_FILE_VALIDATION", "JUPYTER_PREFER_ENV_PATH",
            "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE",
            "NPY_DISABLE_CPU_FEATURES")


def fail(message: str) -> None:
    sys.stderr.write(f"mixture-grading kernel: {message}\n")
    sys.exit(1)


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def course_root(start: Path) -> Path:
    """The folder holding nbgrader_config.py above the notebook being graded (else the folder itself)."""
    if os.environ.get("MIXNB_COURSE_ROOT"):
        return Path(os.environ["MIXNB_COURSE_ROOT"]).resolve()
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    return start


def under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def inside(connection_file: Path, kernel_args: list[str]) -> None:
    """Root in a fresh mount namespace: hide, keep, then drop to the unprivileged user and exec the kernel."""
    user = pwd.getpwnam(os.environ.get("MIXNB_SANDBOX_USER", "nobody"))
    connection = connection_file.read_bytes()
    import mixlib  # noqa: PLC0415 (where mixlib lives: it must stay readable)

    keep = sorted({Path(p).resolve() for p in (sys.base_prefix, sys.prefix, Path(mixlib.__file__).parents[1])})
    hide = [Path(p) for p in ("/tmp", "/var/tmp", "/dev/shm", "/root", str(Path.home()), str(course_root(Path.cwd())))]
    hide = sorted({p.resolve() for p in hide if p.resolve() != Path("/")}, key=lambda p: len(p.parts))
    mount("--make-rprivate", "/")
    # Hold what must stay visible on a scratch tmpfs, hide, then bind it back read-only.
    holding = Path("/mnt")
    mount("-t", "tmpfs", "-o", "size=1m,mode=700", "tmpfs", str(holding))
    held = []
    for i, path in enumerate(keep):
        if any(under(path, h) for h in hide):
            spot = holding / str(i)
            spot.mkdir()
            mount("--rbind", str(path), str(spot))
            held.append((spot, path))
    for path in hide:
        if path.is_dir():
            mode = "1777" if str(path) in ("/tmp", "/var/tmp", "/dev/shm") else "755"
            mount("-t", "tmpfs", "-o", f"size=512m,mode={mode},nosuid,nodev", "tmpfs", str(path))
    for spot, path in held:
        path.mkdir(parents=True, exist_ok=True)
        mount("--rbind", str(spot), str(path))
        mount("-o", "remount,bind,ro", str(path))
    subprocess.run(["umount", "-l", str(holding)], check=True)

    home = Path("/tmp")
    target = home / "kernel.json"
    target.write_bytes(connection)
    os.chown(target, user.pw_uid, user.pw_gid)
    os.chmod(target, 0o600)
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env.update(HOME=str(home), USER=user.pw_name, LOGNAME=user.pw_name, MPLCONFIGDIR=str(home / ".matplotlib"),
               IPYTHONDIR=str(home / ".ipython"), JUPYTER_RUNTIME_DIR=str(home / ".runtime"), MIXNB_GRADING="1")
    os.chdir(home)
    os.setgroups([])
    os.setgid(user.pw_gid)
    os.setuid(user.pw_uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        fail("could not drop root")
    os.execve(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", str(target), *kernel_args], env)


def main(argv: list[str]) -> None:
    if argv and argv[0] == INSIDE:
        inside(Path(argv[1]), argv[2:])
        return
    if "-f" not in argv:
        fail("usage: sandbox_kernel.py -f CONNECTION_FILE [kernel arguments]")
    i = argv.index("-f")
    connection_file, kernel_args = Path(argv[i + 1]).resolve(), argv[:i] + argv[i + 2:]
    if os.geteuid() != 0:
        fail("autograding runs student code as an unprivileged user, which needs root: run nbgrader autograde with"
             " sudo (or as root in a container), or set MIXNB_SANDBOX=0 to run it as yourself where grading is"
             " already isolated (see coursework/README.md)")
    # unshare execs (no fork): the kernel keeps this process's id, so nbclient's interrupts and kills reach it.
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__),
                          INSIDE, str(connection_file), *kernel_args])


if __name__ == "__main__":
    main(sys.argv[1:])
