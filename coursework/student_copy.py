"""Build the students' copy of the course: what Binder and nbgitpuller links open (issue 34).

The main repository holds the instructor's material: the coursework sources with their solutions
and hidden tests (coursework/source/), the grading tools, the instructor's guide
(coursework/INSTRUCTORS.md), the tests and the website's sources. A Binder session or an
nbgitpuller clone of it would put all of that in the student's JupyterLab. The student copy holds
only what a student needs, at the same paths as in the main repository:

- ``README.md``: the students' README (``coursework/student/README.md`` here);
- ``notebooks/``, ``mixlib/``, ``pyproject.toml``, ``LICENSE``: the course and its helper package;
- ``binder/``: the environment Binder builds (``postBuild`` installs mixlib from the copy);
- ``coursework/README.md`` (the assignments, for students) and ``coursework/release/``: the student
  versions of the assignments, no solutions and no hidden tests.

Only files git tracks are copied (never a gradebook, submissions or caches). With ``--git`` the
copy is committed (a git repository in ``dest``, made on the first build; each rebuild is a new
commit on it, so keep ``build/student`` or clone the students' repository into it) and tagged with
the release tag ``v<version>`` (from pyproject.toml), ready to push to the students' repository
(coursework/INSTRUCTORS.md, "Keep the solutions private")::

    python coursework/student_copy.py build/student --git
    git -C build/student push https://github.com/OWNER/mixture-notebooks-student HEAD:main v0.1.0
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Paths (files or folders) of the main repository that go into the student copy, as they are.
INCLUDE = ("notebooks", "mixlib", "binder", "pyproject.toml", "LICENSE", "coursework/README.md",
           "coursework/release")
# The students' README, written to README.md at the copy's root.
STUDENT_README = "coursework/student/README.md"
# The students' repository: every student-facing Binder and nbgitpuller link names it.
STUDENT_REPO = "mixture-notebooks/mixture-notebooks-student"


def tracked_files(repo: Path = REPO) -> list[str]:
    """The files git tracks in ``repo`` under the INCLUDE paths, as POSIX paths."""
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--", *INCLUDE],
                         check=True, capture_output=True).stdout.decode()
    return sorted(path for path in out.split("\0") if path)


def build(dest: Path, repo: Path = REPO) -> list[str]:
    """Write the student copy into ``dest`` (emptied first); return the files written.

    Parameters
    ----------
    dest : Path
        The folder to write; created, or emptied when it exists.
    repo : Path
        The main repository (a git checkout).

    Returns
    -------
    list of str
        The copy's files, relative POSIX paths.

    Examples
    --------
    >>> import tempfile
    >>> files = build(Path(tempfile.mkdtemp()) / "student")
    >>> "README.md" in files and not any(f.startswith("coursework/source/") for f in files)
    True
    """
    dest = Path(dest)
    if dest.resolve() == Path(repo).resolve() or Path(repo).resolve() in dest.resolve().parents and \
            dest.resolve().relative_to(Path(repo).resolve()).parts[0] != "build":
        raise ValueError(f"dest must be outside the repository or under its build/ folder, got {dest}")
    dest.mkdir(parents=True, exist_ok=True)
    for child in dest.iterdir():  # everything but the copy's own history (.git): a rebuild is a new commit
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    files = tracked_files(repo)
    for path in files:
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / path, target)
    shutil.copy2(repo / STUDENT_README, dest / "README.md")
    return sorted([*files, "README.md"])


def commit(dest: Path, repo: Path = REPO) -> str:
    """Commit the copy in ``dest`` (a git repository, made if needed) and tag it ``v<version>``.

    A rebuild on top of an earlier copy is a new commit on the same history, so a branch that
    nbgitpuller follows (made at the tag) can move forward to it; an existing tag is kept.
    Returns the tag.
    """
    version = tomllib.loads((Path(repo) / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    tag = f"v{version}"
    git = ["git", "-C", str(dest), "-c", "user.name=mixture-notebooks", "-c",
           "user.email=mixture-notebooks@users.noreply.github.com"]
    if not (Path(dest) / ".git").exists():
        subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    changed = subprocess.run([*git, "diff", "--cached", "--quiet"]).returncode != 0
    if changed:
        subprocess.run([*git, "commit", "-q", "-m", f"Student copy of mixture-notebooks {tag}"], check=True)
    # A release tag never moves: a rebuild of the same version adds a commit (a fix) without retagging.
    if subprocess.run([*git, "rev-parse", "-q", "--verify", f"refs/tags/{tag}"], capture_output=True).returncode != 0:
        subprocess.run([*git, "tag", tag], check=True)
    return tag


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="the folder to write, e.g. build/student")
    parser.add_argument("--git", action="store_true", help="commit the copy and tag it v<version>")
    args = parser.parse_args(argv)
    files = build(args.dest)
    print(f"{len(files)} files in {args.dest}")
    if args.git:
        print(f"committed and tagged {commit(args.dest)}: push it to the students' repository,"
              f" github.com/{STUDENT_REPO}")


if __name__ == "__main__":
    sys.exit(main())
