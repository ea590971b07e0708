"""The students' copy of the course holds no instructor material, and every student link opens it.

``make student-copy`` (coursework/student_copy.py) builds the copy that Binder and nbgitpuller links
open (issue 34). These tests build it into a temporary folder and check:

- it holds only the course (notebooks, mixlib, binder/, the student versions of the assignments, the
  students' READMEs): no coursework/source, grading tools, gradebook, tests or instructor guide;
- no line of a solution or hidden-test region of coursework/source (code or model answer), and no
  paragraph of the instructor's guide that the students' READMEs do not share, appears in any of
  its files; a copy with a source notebook planted in it fails the same check;
- the copy is taken from the commit (HEAD), not the working tree, and `student_copy.py --git`
  refuses to commit a copy that fails the leak check;
- every Binder and nbgitpuller link a student meets (README.md, the students' READMEs, the
  nbgitpuller helper's documentation) names the students' repository and opens a file the copy has.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "coursework"))
sys.path.insert(0, str(REPO / "hub"))
import student_copy  # noqa: E402  (coursework/student_copy.py)

BINDER = re.compile(r"https://mybinder\.org/v2/gh/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?P<ref>[^/?\s)]+)"
                    r"\?urlpath=lab/tree/(?P<path>[^\s)&#\"'`]+)")
PULL = re.compile(r"https?://[^\s)\"'`]+/hub/user-redirect/git-pull\?[^\s)\"'`]+")
STUDENT_URL = f"https://github.com/{student_copy.STUDENT_REPO}"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("student") / "course"
    student_copy.build(dest)
    return dest


# One implementation of the leak check: the one `make student-copy` runs before it commits.
text_files = student_copy.text_files
instructor_lines = student_copy.instructor_lines
leaks = student_copy.leaks


def test_copy_holds_only_the_course(copy):
    files = [p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()]
    allowed = ("README.md", "LICENSE", "pyproject.toml", "notebooks/", "mixlib/", "binder/",
               "coursework/README.md", "coursework/requirements-grader.txt", "coursework/release/")
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


@pytest.mark.parametrize("name", ["coursework/README.md", student_copy.STUDENT_README])
def test_students_readmes_name_no_hidden_catch_and_no_way_to_the_guide(name):
    """Neither students' README names a hidden catch, nor points at the instructor's guide or the main
    repository (which holds the guide and the hidden tests)."""
    readme = (REPO / name).read_text(encoding="utf-8")
    for phrase in ("HIDDEN TESTS", "WRONG_ANSWERS", "1e-200", "Kolmogorov", "suspicious", "gradebook",
                   "coursework/source", "INSTRUCTORS", "main repository", "mixture-notebooks/mixture-notebooks)",
                   "mixture-notebooks/mixture-notebooks "):
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


def test_copy_is_built_from_the_commit_not_the_working_tree(tmp_path):
    """An uncommitted edit never reaches students: build() copies HEAD of a (scratch) repository."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{REPO}", str(repo)], check=True)
    (repo / "notebooks" / "00_start_here.ipynb").write_text("uncommitted edit")
    (repo / "notebooks" / "untracked.txt").write_text("never committed")
    files = student_copy.build(tmp_path / "course", repo=repo)
    assert "notebooks/untracked.txt" not in files
    assert (tmp_path / "course" / "notebooks" / "00_start_here.ipynb").read_text() != "uncommitted edit"


def test_make_student_copy_refuses_a_copy_with_a_leak(tmp_path, monkeypatch):
    """main(--git) runs the leak check before it commits and tags; a leak stops it, nothing committed."""
    real_build = student_copy.build

    def leaky_build(dest, *args, **kwargs):
        files = real_build(dest, *args, **kwargs)
        shutil.copy(REPO / "coursework/INSTRUCTORS.md", Path(dest) / "coursework")
        return files

    monkeypatch.setattr(student_copy, "build", leaky_build)
    dest = tmp_path / "course"
    with pytest.raises(SystemExit, match="NOT committed"):
        student_copy.main([str(dest), "--git"])
    assert not (dest / ".git").exists()


def test_makefile_target_runs_the_checked_build():
    """`make student-copy` is student_copy.py --git: the HEAD build and the leak check above."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nstudent-copy:", 1)[1].split("\n\n", 1)[0]
    assert "coursework/student_copy.py build/student --git" in recipe
