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
  versions of the assignments, no solutions and no hidden tests;
- ``coursework/requirements-grader.txt``: nbgrader's pins, for a hub image built from the copy.

Only committed files are copied, as they are at ``HEAD`` (never a gradebook, submissions, caches or
uncommitted edits). With ``--git`` the copy is first checked for leaks (``leaks``: no line of a
solution or hidden-test region of coursework/source and no paragraph of the instructor's guide; the
same check tests/test_student_copy.py makes), and only a clean copy is committed (a git repository in ``dest``, made on the first build; each rebuild is a new
commit on it, so keep ``build/student`` or clone the students' repository into it) and tagged with
the release tag ``v<version>`` (from pyproject.toml), ready to push to the students' repository
(coursework/INSTRUCTORS.md, "Keep the solutions private"; keep the main repository private for
graded use, since it holds the solutions)::

    python coursework/student_copy.py build/student --git
    git -C build/student push https://github.com/OWNER/mixture-notebooks-student HEAD:main v0.1.0
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Paths (files or folders) of the main repository that go into the student copy, as they are.
# coursework/requirements-grader.txt: a hub image built from the copy installs nbgrader from it.
INCLUDE = ("notebooks", "mixlib", "binder", "pyproject.toml", "LICENSE", "coursework/README.md",
           "coursework/requirements-grader.txt", "coursework/release")
# The students' README, written to README.md at the copy's root.
STUDENT_README = "coursework/student/README.md"
# The students' repository: every student-facing Binder and nbgitpuller link names it.
STUDENT_REPO = "mixture-notebooks/mixture-notebooks-student"


# A solution or hidden-test region of a source notebook's cell.
REGION = re.compile(r"^[ \t]*### BEGIN (SOLUTION|HIDDEN TESTS)[ \t]*\n(.*?)^[ \t]*### END \1", re.S | re.M)


def tracked_files(repo: Path = REPO, ref: str = "HEAD") -> list[str]:
    """The files committed at ``ref`` in ``repo`` under the INCLUDE paths, as POSIX paths."""
    out = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "-z", "--name-only", ref, "--", *INCLUDE],
                         check=True, capture_output=True).stdout.decode()
    return sorted(path for path in out.split("\0") if path)


def build(dest: Path, repo: Path = REPO, ref: str = "HEAD") -> list[str]:
    """Write the student copy, as committed at ``ref``, into ``dest`` (emptied first); return its files.

    The files come from git (``git archive``), not from the working tree, so an uncommitted edit
    never reaches students.

    Parameters
    ----------
    dest : Path
        The folder to write; created, or emptied when it exists.
    repo : Path
        The main repository (a git checkout).
    ref : str
        The commit to copy (default ``HEAD``).

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
    files = tracked_files(repo, ref)
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", ref, "--", *files],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    readme = subprocess.run(["git", "-C", str(repo), "show", f"{ref}:{STUDENT_README}"],
                            check=True, capture_output=True).stdout
    (dest / "README.md").write_bytes(readme)
    return sorted([*files, "README.md"])


def notebook_cells(text: str) -> list[dict]:
    """A notebook's cells as ``{"source": str, "outputs": [{"text": str}]}`` (the text outputs only).

    Plain json, so ``make student-copy`` runs with any Python 3.11 (no nbformat): a cell's source and
    a stream's text are a string or a list of lines in the notebook format.
    """
    def joined(value):
        return value if isinstance(value, str) else "".join(value)

    return [{"source": joined(cell.get("source", "")),
             "outputs": [{"text": joined(o["text"])} for o in cell.get("outputs", []) if "text" in o]}
            for cell in json.loads(text).get("cells", [])]


def text_files(root: Path) -> dict[str, str]:
    """Every text file under ``root`` (not .git) by relative path; a notebook as its cells' sources
    and text outputs."""
    out = {}
    for path in sorted(Path(root).rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            if path.suffix == ".ipynb":
                cells = notebook_cells(text)
                text = "\n".join([c["source"] for c in cells] + [o["text"] for c in cells for o in c["outputs"]])
            out[path.relative_to(root).as_posix()] = text
    return out


def instructor_lines(repo: Path = REPO) -> set[str]:
    """Distinctive lines of coursework/source's solution and hidden-test regions and of the guide.

    A line counts when it is long enough to be specific (30 characters, stripped) and appears in none
    of the course material students are meant to have (notebooks, mixlib, the release copies, the
    students' READMEs): so a solution line that repeats a line of mixlib does not count, a model answer
    or a hidden test does.
    """
    repo = Path(repo)
    shared = "\n".join(text_files(repo / "notebooks").values()) + "\n".join(text_files(repo / "mixlib").values())
    shared += "\n".join(text_files(repo / "coursework" / "release").values())
    for readme in ("coursework/README.md", STUDENT_README):
        shared += (repo / readme).read_text(encoding="utf-8")
    lines = set()
    for path in sorted((repo / "coursework" / "source").glob("*/*.ipynb")):
        for cell in notebook_cells(path.read_text(encoding="utf-8")):
            for _, region in REGION.findall(cell["source"]):
                lines.update(line.strip() for line in region.splitlines())
    for paragraph in (repo / "coursework" / "INSTRUCTORS.md").read_text(encoding="utf-8").split("\n\n"):
        lines.update(line.strip() for line in paragraph.splitlines())
    return {line for line in lines if len(line) >= 30 and line not in shared}


def leaks(root: Path, repo: Path = REPO) -> list[tuple[str, str]]:
    """(file, line) for every instructor line (``instructor_lines``) found in a file under ``root``.

    Examples
    --------
    >>> import tempfile
    >>> dest = Path(tempfile.mkdtemp()) / "student"
    >>> _ = build(dest)
    >>> leaks(dest)
    []
    """
    wanted = instructor_lines(repo)
    found = []
    for name, text in text_files(root).items():
        for line in (line.strip() for line in text.splitlines()):
            if line in wanted:
                found.append((name, line))
    return found


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
    print(f"{len(files)} files in {args.dest} (as committed at HEAD)")
    if args.git:
        found = leaks(args.dest)
        if found:
            sys.exit("NOT committed: instructor text in the students' copy:\n"
                     + "\n".join(f"  {name}: {line}" for name, line in found[:20]))
        print("leak check: no solution, hidden-test or guide line in the copy")
        print(f"committed and tagged {commit(args.dest)}: push it to the students' repository,"
              f" github.com/{STUDENT_REPO}")


if __name__ == "__main__":
    sys.exit(main())
