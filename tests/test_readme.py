"""The front door: README.md's Binder badge, links, commands, and the release it names.

- Every Binder link opens JupyterLab (``?urlpath=lab/tree/...``) at a file that exists, on the tag
  ``v<version>`` where ``<version>`` is pyproject.toml's version.
- Every relative link and image in README.md points at a file or folder that exists. Screenshots
  (``docs/screenshots/``) are made by ``make screenshots`` (the browser tests): until that folder
  exists they are skipped with a reason; once it exists, a missing one fails.
- The README's first code block is exactly the two commands ``make lab`` and ``make test``, and
  every ``make <target>`` the README mentions is a target in the Makefile.
- Every notebook in notebooks/ is linked from the README, and the CHANGELOG has an entry for the
  version (releases are what instructors pin).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SCREENSHOTS = "docs/screenshots/"

BINDER_URL = re.compile(r"https://mybinder\.org/v2/gh/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/"
                        r"(?P<ref>[^/?\s)]+)(?P<query>\?[^\s)\"'`]*)?")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _without_code(text: str) -> str:
    text = FENCE.sub("", text)
    return re.sub(r"`[^`\n]*`", "", text)


def _code_texts(text: str) -> list[str]:
    """Fenced blocks first (in order), then inline code spans."""
    blocks = FENCE.findall(text)
    spans = re.findall(r"`([^`\n]+)`", FENCE.sub("", text))
    return blocks + spans


def relative_targets(text: str) -> list[str]:
    """Targets of markdown links/images and HTML src/href that are paths in this repository."""
    prose = _without_code(text)
    targets = re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", prose)
    targets += re.findall(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", prose, re.MULTILINE)
    targets += re.findall(r"\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']", prose)
    out = []
    for target in targets:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "//")):
            continue  # a URL, mail address or an anchor in this page
        path = unquote(urlsplit(target).path)
        if path:
            out.append(path)
    return out


def makefile_targets() -> set[str]:
    targets = set()
    for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_./$()%-][^:=\t#]*?)\s*::?(?!=)", line)
        if match and not line.startswith("\t"):
            targets.update(match.group(1).split())
    return targets


# --- Binder -----------------------------------------------------------------------------------

def binder_links():
    return [m for m in BINDER_URL.finditer(README)]


def test_readme_has_a_binder_badge():
    assert re.search(r"\[!\[[^\]]*\]\(https://mybinder\.org/badge_logo\.svg\)\]\("
                     r"https://mybinder\.org/v2/gh/", README), "no Binder badge linking to mybinder.org"


@pytest.mark.parametrize("link", binder_links(), ids=lambda m: m.group(0)[-60:])
def test_binder_link_opens_lab_at_a_file_on_the_release_tag(link):
    assert link.group("ref") == f"v{VERSION}", (
        f"Binder link {link.group(0)} names {link.group('ref')!r}, but pyproject.toml's version is "
        f"{VERSION}: point it at the tag v{VERSION} (a release, not a branch)")
    query = link.group("query") or ""
    match = re.fullmatch(r"\?urlpath=lab/tree/([^&#]+)", query)
    assert match, f"Binder link {link.group(0)} should end with ?urlpath=lab/tree/<path> (JupyterLab)"
    path = unquote(match.group(1))
    assert (REPO / path).is_file(), f"the Binder link opens {path}, which does not exist"


def test_badge_opens_the_first_notebook():
    first = sorted((REPO / "notebooks").glob("*.ipynb"))[0].relative_to(REPO).as_posix()
    badge = binder_links()[0]
    assert badge.group("query") == f"?urlpath=lab/tree/{first}", (
        f"the badge opens {badge.group('query')}, not the first notebook {first}")


# --- Links --------------------------------------------------------------------------------------

def test_readme_relative_links_exist():
    missing = sorted({p for p in relative_targets(README)
                      if not p.startswith(SCREENSHOTS) and not (REPO / p).exists()})
    assert not missing, f"README.md links to paths that do not exist: {missing}"


def test_readme_screenshots_exist():
    shots = sorted({p for p in relative_targets(README) if p.startswith(SCREENSHOTS)})
    assert shots, "README.md shows no screenshots (docs/screenshots/NN_name.png)"
    if not (REPO / SCREENSHOTS).is_dir():
        pytest.skip(f"{SCREENSHOTS} does not exist yet: 'make screenshots' (browser tests) makes "
                    f"{len(shots)} pictures the README shows")
    missing = [p for p in shots if not (REPO / p).is_file()]
    assert not missing, f"README.md shows screenshots that do not exist: {missing}"


def test_readme_links_every_notebook():
    linked = set(relative_targets(README))
    missing = [p.relative_to(REPO).as_posix() for p in sorted((REPO / "notebooks").glob("*.ipynb"))
               if p.relative_to(REPO).as_posix() not in linked]
    assert not missing, f"README.md does not link {missing}: add them to the list of notebooks"


def test_relative_target_parser():
    text = ('[a](x/y.md#part) ![b](docs/p%20q.png "t") [![c](img.svg)](notebooks/n.ipynb) '
            '<img src="s.png"> [d](https://e.org/f) [g](#anchor) `[h](not/a/link)`\n'
            '[ref]: other/file.txt\n```\n[i](in/code)\n```\n')
    assert relative_targets(text) == ["x/y.md", "docs/p q.png", "img.svg", "notebooks/n.ipynb",
                                      "other/file.txt", "s.png"]


# --- Commands -------------------------------------------------------------------------------------

def test_first_code_block_is_the_two_commands():
    blocks = FENCE.findall(README)
    assert blocks, "README.md has no code block"
    commands = [line.strip() for line in blocks[0].splitlines()
                if line.strip() and not line.strip().startswith("#")]
    assert commands == ["make lab", "make test"], (
        f"the README's first code block should be exactly 'make lab' and 'make test', not {commands}")


def test_make_targets_named_in_readme_exist():
    named = set()
    for code in _code_texts(README):
        for match in re.finditer(r"(?:^|[\s;&(|])make\b([^\n;&|)#]*)", code):
            for word in match.group(1).split():
                if not re.fullmatch(r"[A-Za-z][\w.-]*", word):
                    break  # a variable (PORT=8890) or an option ends the list of targets
                named.add(word)
    assert {"lab", "test"} <= named
    missing = sorted(named - makefile_targets())
    assert not missing, f"README.md mentions 'make {' '.join(missing)}', not targets in the Makefile"


# --- Release --------------------------------------------------------------------------------------

def test_changelog_has_an_entry_for_the_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\]", changelog, re.MULTILINE), (
        f"CHANGELOG.md has no '## [{VERSION}]' entry for pyproject.toml's version")


def test_package_version_matches_pyproject():
    import mixlib
    assert mixlib.__version__ == VERSION, (
        f"mixlib.__version__ is {mixlib.__version__}, pyproject.toml says {VERSION}")


# --- Times per notebook -------------------------------------------------------------------------

# The course maps' lines and each notebook's stated time are read by tests/study_times.py (one
# reader for this test and for `python tests/study_times.py --write`, which rewrites them).
sys.path.insert(0, str(REPO / "tests"))
from study_times import stated_minutes, times_in  # noqa: E402


def _start_here_markdown() -> str:
    import json
    cells = json.loads((REPO / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("where", ["README.md", "notebooks/00_start_here.ipynb"])
def test_times_per_notebook_agree_with_the_notebooks(where):
    """The course maps quote each notebook's own stated working time."""
    text = README if where == "README.md" else _start_here_markdown()
    quoted = times_in(text)
    assert quoted, f"{where} gives no time per notebook"
    problems = []
    for stem, minutes, line in quoted:
        path = REPO / "notebooks" / f"{stem}.ipynb"
        if not path.exists():
            continue  # a missing notebook is reported by the link tests
        own = stated_minutes(path)
        if own is None:
            problems.append(f"{stem}.ipynb states no working time ('Working time: about N minutes')")
        elif own != minutes:
            problems.append(f"{where} says {minutes} min for {stem}, the notebook says {own} min")
    assert not problems, "; ".join(problems)


def test_start_here_links_every_notebook():
    """00_start_here maps the whole course: a markdown link to each other notebook."""
    linked = set(re.findall(r"\]\((\d\d_[a-z0-9_]+\.ipynb)\)", _start_here_markdown()))
    others = {p.name for p in (REPO / "notebooks").glob("*.ipynb")} - {"00_start_here.ipynb"}
    missing = sorted(others - linked)
    assert not missing, f"00_start_here.ipynb does not link {missing}: add them to its course map"


# --- Honest times and counts --------------------------------------------------------------------

NUMBER_WORDS = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven",
                12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen",
                17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty"}


def test_stated_times_follow_the_rule():
    """Every notebook states the working time the README's rule gives (tests/study_times.py:
    reading rate, minutes per code cell and line, per widget, per exercise by size, plus measured
    running times), within the rule's margin; the course maps quote the notebooks' own times
    (test_times_per_notebook_agree_with_the_notebooks)."""
    import sys
    sys.path.insert(0, str(REPO / "tests"))
    import study_times

    problems = []
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        rule, stated = study_times.estimate(path)["minutes"], study_times.stated_minutes(path)
        if stated is None or not study_times.agrees(stated, rule):
            problems.append(f"{path.name} states {stated} min, the rule gives {rule} min")
    assert not problems, "; ".join(problems) + " (python tests/study_times.py shows the parts)"


@pytest.mark.parametrize(("statement", "solution", "minutes"), [
    ("Run it.", "```python\nf(1)\n```", 5.0),
    ("Write a loop.", "```python\n" + "f(1)\n" * 5 + "```", 10.0),
    ("Write a loop.", "```python\n" + "f(1)\n" * 9 + "```", 15.0),
    ("Derive the update.", "```python\nf(1)\n```", 15.0),
    ("Check it.", "Because\n$$a = b$$\n```python\nf(1)\n```", 15.0),
    # no code in the solution: a derivation ("show that") or code the student writes unaided
    ("Show that $a = b$.", "By the chain rule, $a = b$.", 15.0),
    ("Run your own EM loop with the shortcut variance.", "It diverges after a few steps.", 15.0),
])
def test_exercise_sizes(statement, solution, minutes):
    """The rule's exercise sizes: code lines of the solution, a derivation, or no code at all."""
    import sys
    sys.path.insert(0, str(REPO / "tests"))
    import study_times

    text = f"{statement}\n<details>\n<summary>Solution</summary>\n\n{solution}\n</details>\n"
    assert study_times.exercise_minutes(text) == (minutes, 0.0)


def test_counts_and_total_time_are_current():
    """The README's count of notebooks, its layout table's range and its total time are current."""
    numbers = sorted(int(p.name[:2]) for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    word = NUMBER_WORDS.get(len(numbers), str(len(numbers)))
    intro = README.split("\n## ", 1)[0]
    assert re.search(rf"\bin {word}\s+notebooks", intro), f"the README's introduction should say {word} notebooks"
    assert f"`{numbers[0]:02d}_...` to `{numbers[-1]:02d}_...`" in README, (
        f"the layout table should say `{numbers[0]:02d}_...` to `{numbers[-1]:02d}_...`")
    table = re.findall(r"^\| \[\d\d\]\(notebooks/[^)]+\) \|[^|]+\| (\d+) min \|$", README, re.MULTILINE)
    assert len(table) == len(numbers), "the time table should have one row per notebook"
    match = re.search(r"About (\w+) hours in all", README)
    assert match, "the README should give the course's total time ('About N hours in all')"
    hours = {v: k for k, v in NUMBER_WORDS.items()}.get(match.group(1).lower())
    total = sum(int(m) for m in table) / 60
    assert hours is not None and abs(hours - total) <= 0.5, (
        f"the README says about {match.group(1)} hours, its table adds up to {total:.1f}")


# --- Measured figures name their machine --------------------------------------------------------

SIMD_LEVEL = re.compile(r"AVX-512|AVX2|SSE4\.2|NEON|baseline only")


@pytest.mark.parametrize("marker", ["bench-table", "latency-table", "notebook-times", "hub-load"])
def test_measured_tables_name_their_machine(marker):
    """A speed figure holds for the CPU it was measured on (AVX-512 and AVX2 differ 2-3x here).

    The tables are written by the scripts that measure them (bench_em.py --readme, make
    screenshots, notebook_times.py --readme), whose header line names the CPU model, its SIMD
    level and the BLAS kernel.
    """
    match = re.search(rf"<!-- {marker} -->(.*?)<!-- /{marker} -->", README, re.DOTALL)
    assert match, f"README.md has no <!-- {marker} --> ... <!-- /{marker} --> block"
    block = match.group(1)
    assert "Measured" in block and "|" in block, f"the {marker} block holds no measured table"
    assert SIMD_LEVEL.search(block), f"the {marker} block does not name the SIMD level it was measured at"
    assert "OpenBLAS" in block or "BLAS" in block, f"the {marker} block does not name the BLAS kernel"


def test_measured_blocks_are_replaced_between_their_markers_only(tmp_path, monkeypatch):
    """The scripts above write their block with benchmarks/readme_block.py: the text outside the
    markers stays, and a README without the markers is an error, not a silent append."""
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    from readme_block import replace_block

    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- t -->\nold table\n<!-- /t -->\n<!-- u -->\nkept\n<!-- /u -->\n",
                      encoding="utf-8")
    replace_block("t", "new table", readme)
    assert readme.read_text(encoding="utf-8") == (
        "intro\n<!-- t -->\nnew table\n<!-- /t -->\n<!-- u -->\nkept\n<!-- /u -->\n")
    with pytest.raises(ValueError, match="<!-- v -->"):
        replace_block("v", "x", readme)
