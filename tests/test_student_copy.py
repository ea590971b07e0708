"""The students' copy of the course holds no instructor material, and every student link opens it.

``make student-copy`` (coursework/student_copy.py) builds the copy that Binder and nbgitpuller links
open (issue 34). These tests build it into a temporary folder and check:

- it holds only the course (notebooks, mixlib, binder/, the student versions of the assignments, the
  students' READMEs): no coursework/source, grading tools, gradebook, tests or instructor guide;
- no line of a solution or hidden-test region of coursework/source (code or model answer), and no
  paragraph of the instructor's guide that the students' READMEs do not share, appears in any of
  its files; a copy with a source notebook planted in it fails the same check;
- every Binder and nbgitpuller link a student meets (README.md, the students' READMEs, the
  nbgitpuller helper's documentation) names the students' repository and opens a file the copy has.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "coursework"))
sys.path.insert(0, str(REPO / "hub"))
import student_copy  # noqa: E402  (coursework/student_copy.py)

REGION = re.compile(r"^[ \t]*### BEGIN (SOLUTION|HIDDEN TESTS)[ \t]*\n(.*?)^[ \t]*### END \1", re.S | re.M)
BINDER = re.compile(r"https://mybinder\.org/v2/gh/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?P<ref>[^/?\s)]+)"
                    r"\?urlpath=lab/tree/(?P<path>[^\s)&#\"'`]+)")
PULL = re.compile(r"https?://[^\s)\"'`]+/hub/user-redirect/git-pull\?[^\s)\"'`]+")
STUDENT_URL = f"https://github.com/{student_copy.STUDENT_REPO}"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("student") / "course"
    student_copy.build(dest)
    return dest


def text_files(root: Path) -> dict[str, str]:
    """Every text file under root; a notebook as its cells' sources and text outputs."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            if path.suffix == ".ipynb":
                cells = nbformat.reads(text, as_version=4).cells
                text = "\n".join([c.source for c in cells] + [o.get("text", "") for c in cells for o in c.get("outputs", [])
                                                              if isinstance(o.get("text", ""), str)])
            out[path.relative_to(root).as_posix()] = text
    return out


def instructor_lines() -> set[str]:
    """Distinctive lines of coursework/source's solution and hidden-test regions and of the guide.

    A line counts when it is long enough to be specific (30 characters, stripped) and appears in none
    of the course material students are meant to have (notebooks, mixlib, the release copies, the
    students' READMEs): so a solution line that repeats a line of mixlib does not count, a model answer
    or a hidden test does.
    """
    shared = "\n".join(text_files(REPO / "notebooks").values()) + "\n".join(text_files(REPO / "mixlib").values())
    shared += "\n".join(text_files(REPO / "coursework" / "release").values())
    for readme in ("coursework/README.md", student_copy.STUDENT_README):
        shared += (REPO / readme).read_text(encoding="utf-8")
    lines = set()
    for path in sorted((REPO / "coursework" / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for _, region in REGION.findall(cell.source):
                lines.update(line.strip() for line in region.splitlines())
    for paragraph in (REPO / "coursework" / "INSTRUCTORS.md").read_text(encoding="utf-8").split("\n\n"):
        lines.update(line.strip() for line in paragraph.splitlines())
    return {line for line in lines if len(line) >= 30 and line not in shared}


def leaks(root: Path) -> list[tuple[str, str]]:
    """(file, line) for every instructor line found in a file of the copy (notebooks as JSON text too)."""
    wanted = instructor_lines()
    found = []
    for name, text in text_files(root).items():
        for line in (line.strip() for line in text.splitlines()):
            if line in wanted:
                found.append((name, line))
    return found


def test_copy_holds_only_the_course(copy):
    files = [p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()]
    allowed = ("README.md", "LICENSE", "pyproject.toml", "notebooks/", "mixlib/", "binder/",
               "coursework/README.md", "coursework/release/")
    stray = [f for f in files if not (f in allowed or f.startswith(tuple(a for a in allowed if a.endswith("/"))))]
    assert not stray, stray
    assert "coursework/release/01_sampling_and_likelihood/sampling_and_likelihood.ipynb" in files
    assert {"notebooks/00_start_here.ipynb", "mixlib/__init__.py", "binder/postBuild"} <= set(files)
    assert not any("source" in Path(f).parts or "grading" in Path(f).parts or f.endswith(".db") for f in files)
    # mixlib's data sets ship with it (package data), or the notebooks cannot load Old Faithful
    assert list((copy / "mixlib" / "datasets").glob("*.csv"))


def test_no_solution_hidden_test_or_guide_text_in_the_copy(copy):
    assert len(instructor_lines()) > 300, "the comparison set is suspiciously small"
    assert not leaks(copy), leaks(copy)[:10]


def test_a_planted_source_notebook_is_caught(copy, tmp_path):
    planted = tmp_path / "planted"
    shutil.copytree(copy, planted)
    shutil.copy(REPO / "coursework/source/03_em_algorithm/em_algorithm.ipynb", planted / "notebooks")
    shutil.copy(REPO / "coursework/INSTRUCTORS.md", planted / "coursework")
    found = {name for name, _ in leaks(planted)}
    assert found == {"notebooks/em_algorithm.ipynb", "coursework/INSTRUCTORS.md"}


def test_students_coursework_readme_names_no_hidden_catch():
    readme = (REPO / "coursework" / "README.md").read_text(encoding="utf-8")
    for phrase in ("HIDDEN TESTS", "WRONG_ANSWERS", "1e-200", "Kolmogorov", "suspicious", "gradebook",
                   "coursework/source"):
        assert phrase not in readme, phrase


def student_facing_texts(copy: Path) -> dict[str, str]:
    texts = {name: (copy / name).read_text(encoding="utf-8") for name in ("README.md", "coursework/README.md")}
    texts["main README.md"] = (REPO / "README.md").read_text(encoding="utf-8")
    texts["coursework/INSTRUCTORS.md"] = (REPO / "coursework" / "INSTRUCTORS.md").read_text(encoding="utf-8")
    texts["hub/nbgitpuller_link.py"] = (REPO / "hub" / "nbgitpuller_link.py").read_text(encoding="utf-8")
    return texts


def test_every_binder_link_opens_the_students_copy(copy):
    seen = 0
    for name, text in student_facing_texts(copy).items():
        for link in BINDER.finditer(text):
            seen += 1
            assert f"{link['owner']}/{link['repo']}" == student_copy.STUDENT_REPO, (name, link.group(0))
            assert (copy / unquote(link["path"])).is_file(), (name, link["path"])
    assert seen >= 6  # the badges and the four assignments' launch links


def test_every_nbgitpuller_link_pulls_the_students_copy(copy):
    seen = 0
    for name, text in student_facing_texts(copy).items():
        for link in PULL.finditer(text):
            query = {k: v[0] for k, v in parse_qs(urlsplit(link.group(0)).query).items()}
            seen += 1
            assert query["repo"].removesuffix(".git") == STUDENT_URL, (name, query["repo"])
            opened = query["urlpath"].split("/", 3)[3]  # lab/tree/<targetpath>/<path>
            assert (copy / opened).is_file(), (name, opened)
    assert seen >= 2  # the README's example and the helper's doctest


def test_student_copy_commits_and_tags_the_release(tmp_path):
    dest = tmp_path / "course"
    student_copy.build(dest)
    tag = student_copy.commit(dest)
    import subprocess
    files = subprocess.run(["git", "-C", str(dest), "ls-tree", "-r", "--name-only", tag],
                           check=True, capture_output=True, text=True).stdout.split()
    assert "coursework/release/04_two_dimensions/two_dimensions.ipynb" in files
    assert not any(f.startswith("coursework/source/") for f in files)
    # a rebuild (a fix handed out) is a new commit on the same history; the tag stays where it was
    (dest / "notebooks" / "extra.txt").write_text("not in the repository")
    student_copy.build(dest)
    assert not (dest / "notebooks" / "extra.txt").exists() and (dest / ".git").is_dir()
    (dest / "README.md").write_text("changed")
    assert student_copy.commit(dest) == tag
    log = subprocess.run(["git", "-C", str(dest), "rev-list", "main"], check=True, capture_output=True, text=True)
    tagged = subprocess.run(["git", "-C", str(dest), "rev-list", "-n1", tag], check=True, capture_output=True, text=True)
    assert len(log.stdout.split()) == 2 and tagged.stdout.split()[0] == log.stdout.split()[1]
