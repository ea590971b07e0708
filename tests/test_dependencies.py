"""pyproject.toml is the one list of dependencies; the other files must agree with it.

- ``environment.yml`` (the conda route) lists the same packages as ``project.dependencies`` plus
  the ``notebooks`` extra, under their conda-forge names, with the same lower bounds. We chose lower
  bounds rather than exact pins there: conda-forge publishes some releases later than PyPI (and
  not every patch release), we cannot run conda here to prove an exact pin solves, and the exact,
  tested pins already have a home in ``binder/constraints.txt`` (the pip route CI runs).
  Besides those packages it may list only ``python`` (with the same floor as ``requires-python``)
  and ``pip``; a ``pip:`` section may not install this checkout (``-e .``), see README.
- ``binder/constraints.txt``, the one constraints file, pins every dependency of every extra at
  one exact version that satisfies pyproject's range, and pins nothing loosely.
- ``binder/requirements.txt``, what Binder installs, is ``-c constraints.txt`` and exactly the
  students' packages (``project.dependencies`` + the ``notebooks`` extra), with no versions of its
  own: no test, book or grading tool goes to Binder, and every version comes from the one file.
- No grading tool (the packages of ``coursework/requirements-grader.txt``) in pyproject.toml or
  either binder file: nbgrader lives in its own environment.
- ``mixlib`` never imports scikit-learn (only the notebooks and tests compare against it), and
  ``import mixlib`` loads neither scikit-learn nor the plotting libraries.

Each failure names the package that drifted and the file to fix.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml  # PyYAML comes with jupyterlab (jupyter-events) and is pinned in binder/constraints.txt
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PINS_FILE = REPO / "binder" / "constraints.txt"
BINDER_REQUIREMENTS = REPO / "binder" / "requirements.txt"
GRADER_REQUIREMENTS = REPO / "coursework" / "requirements-grader.txt"
ENV_FILE = REPO / "environment.yml"

# PyPI name -> conda-forge name, where they differ. matplotlib-base is matplotlib without a GUI
# toolkit (conda-forge's `matplotlib` also pulls in Qt), which is all a notebook needs.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}
# Allowed in environment.yml beyond pyproject's packages.
CONDA_EXTRAS = {"python", "pip"}


def _requirements(strings) -> dict[str, Requirement]:
    reqs = [Requirement(s) for s in strings]
    return {canonicalize_name(r.name): r for r in reqs}


def student_requirements() -> dict[str, Requirement]:
    """project.dependencies + the notebooks extra: what a student's environment needs."""
    project = PYPROJECT["project"]
    return _requirements(project["dependencies"]
                         + project["optional-dependencies"]["notebooks"])


def all_requirements() -> dict[str, Requirement]:
    project = PYPROJECT["project"]
    strings = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        strings += extra
    return _requirements(strings)


def lower_bound(spec: SpecifierSet) -> Version | None:
    bounds = [Version(s.version) for s in spec if s.operator in (">=", "==", "~=")]
    return max(bounds) if bounds else None


def conda_dependencies() -> dict[str, str]:
    """{conda name: version spec} for the plain conda entries of environment.yml."""
    env = yaml.safe_load(ENV_FILE.read_text(encoding="utf-8"))
    out = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            continue  # the pip: section, checked separately
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", entry.strip())
        assert match, f"environment.yml: cannot read the entry {entry!r}"
        name, spec = match.group(1).lower(), match.group(2).replace(" ", "")
        assert name not in out, f"environment.yml lists {name} twice"
        out[name] = spec
    return out


def _lines(path: Path):
    """(line number, raw line, line without comment) for every line that is not blank/comment."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            yield number, raw, line


def grading_tools() -> set[str]:
    """The packages only the grading environment installs (coursework/requirements-grader.txt)."""
    return {canonicalize_name(Requirement(line).name) for _, _, line in _lines(GRADER_REQUIREMENTS)}


def binder_pins() -> dict[str, tuple[str, str]]:
    """{canonical name: (line, version)} from binder/constraints.txt (comments skipped)."""
    pins = {}
    for number, raw, line in _lines(PINS_FILE):
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+!\-]+)", line)
        assert match, (f"binder/constraints.txt line {number}: {raw!r} is not an exact pin "
                       "'name==version' (every install must be reproducible)")
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"binder/constraints.txt pins {match.group(1)} twice"
        pins[name] = (raw, match.group(2))
    return pins


def binder_requirements() -> tuple[list[str], dict[str, str]]:
    """(option lines, {canonical name: raw line}) from binder/requirements.txt."""
    options, names = [], {}
    for number, raw, line in _lines(BINDER_REQUIREMENTS):
        if line.startswith("-"):
            options.append(line)
            continue
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+", line), (
            f"binder/requirements.txt line {number}: {raw!r} should be a bare package name: "
            "its version comes from binder/constraints.txt")
        name = canonicalize_name(line)
        assert name not in names, f"binder/requirements.txt lists {line} twice"
        names[name] = raw
    return options, names


# --- environment.yml ------------------------------------------------------------------------------

def test_environment_yml_header():
    env = yaml.safe_load(ENV_FILE.read_text(encoding="utf-8"))
    assert env["name"] == "mixture-notebooks"
    assert env["channels"] == ["conda-forge"]


def test_environment_yml_lists_the_same_packages_as_pyproject():
    wanted = {CONDA_NAMES.get(name, name) for name in student_requirements()}
    listed = set(conda_dependencies())
    missing = sorted(wanted - listed)
    extra = sorted(listed - wanted - CONDA_EXTRAS)
    problems = []
    if missing:
        problems.append(f"environment.yml is missing {missing} (in pyproject.toml's dependencies "
                        "or 'notebooks' extra): add them to environment.yml")
    if extra:
        problems.append(f"environment.yml lists {extra}, which pyproject.toml does not: add them "
                        "to pyproject.toml (the one list) or remove them from environment.yml")
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize("name", sorted(student_requirements()))
def test_environment_yml_lower_bound_matches_pyproject(name):
    requirement = student_requirements()[name]
    conda_name = CONDA_NAMES.get(name, name)
    spec = conda_dependencies().get(conda_name)
    if spec is None:
        pytest.fail(f"{conda_name} is in pyproject.toml but not in environment.yml")
    ours, theirs = lower_bound(requirement.specifier), lower_bound(SpecifierSet(spec))
    assert ours == theirs, (f"{name}: pyproject.toml says {requirement.specifier or 'any'}, "
                            f"environment.yml says {conda_name}{spec or ' (any)'}: "
                            "use the same lower bound")


def test_environment_yml_python_matches_requires_python():
    spec = conda_dependencies().get("python")
    assert spec is not None, "environment.yml should name python (python>=3.11)"
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert lower_bound(SpecifierSet(spec)) == lower_bound(requires), (
        f"environment.yml says python{spec}, pyproject.toml requires-python {requires}")


def test_environment_yml_pip_section_does_not_install_the_checkout():
    env = yaml.safe_load(ENV_FILE.read_text(encoding="utf-8"))
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            for line in entry.get("pip", []):
                assert not re.match(r"(-e|--editable)\b|\.$|\./", line.strip()), (
                    f"environment.yml pip section has {line!r}: relative paths break there; "
                    "the README installs the checkout with 'python -m pip install --no-deps -e .'")


# --- binder/constraints.txt and binder/requirements.txt ----------------------------------------

def test_binder_pins_parse_as_exact_pins():
    assert binder_pins(), "binder/constraints.txt pins nothing"


@pytest.mark.parametrize("name", sorted(all_requirements()))
def test_binder_pin_satisfies_pyproject_range(name):
    requirement = all_requirements()[name]
    pins = binder_pins()
    assert name in pins, (f"{requirement.name} is a dependency in pyproject.toml but is not pinned "
                          "in binder/constraints.txt: run 'make pins'")
    line, version = pins[name]
    assert requirement.specifier.contains(Version(version), prereleases=True), (
        f"binder/constraints.txt pins {line.strip()}, outside pyproject.toml's range "
        f"{requirement.name}{requirement.specifier}: bump the pin ('make pins') or the range")


def test_binder_pins_do_not_pin_mixlib_itself():
    assert "mixlib" not in binder_pins(), (
        "binder/constraints.txt pins mixlib: postBuild installs it from the checkout")
    assert "mixlib" not in binder_requirements()[1], (
        "binder/requirements.txt names mixlib: postBuild installs it from the checkout")


def test_binder_installs_the_students_packages_under_the_one_constraints_file():
    options, names = binder_requirements()
    assert options == ["-c constraints.txt"], (
        f"binder/requirements.txt options are {options}: it should have exactly one, "
        "'-c constraints.txt' (the exact pins, read relative to binder/)")
    wanted, listed = set(student_requirements()), set(names)
    others = sorted(listed - wanted)
    assert not others, (
        f"binder/requirements.txt installs {others}, which are not students' packages (pyproject.toml's "
        "dependencies and 'notebooks' extra): test, book and grading tools stay out of Binder")
    missing = sorted(wanted - listed)
    assert not missing, (f"binder/requirements.txt is missing {missing} (pyproject.toml's dependencies "
                         "or 'notebooks' extra): Binder would lack them")


# --- no grading tools, mixlib without sklearn -----------------------------------------------------

def test_no_grading_tools_in_the_student_environment():
    tools = grading_tools()
    assert "nbgrader" in tools, "coursework/requirements-grader.txt should install nbgrader"
    for where, names in (("pyproject.toml depends on", all_requirements()),
                         ("binder/constraints.txt pins", binder_pins()),
                         ("binder/requirements.txt installs", binder_requirements()[1])):
        found = sorted(tools & set(names))
        assert not found, (f"{where} {found}, which only the grading environment installs "
                           "(coursework/requirements-grader.txt): keep grading tools out")


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in
              {"import_module", "__import__"}):
            yield node.lineno, node.args[0].value


def test_mixlib_sources_never_import_sklearn():
    offenders = [f"{path.relative_to(REPO)}:{line} imports {module}"
                 for path in sorted((REPO / "mixlib").rglob("*.py"))
                 for line, module in _imported_modules(path)
                 if module.split(".")[0] == "sklearn"]
    assert not offenders, "mixlib must not import scikit-learn: " + "; ".join(offenders)


def test_importing_mixlib_loads_no_sklearn_and_no_plotting_libraries():
    """``import mixlib`` is the numerics alone; ``mixlib.plotting`` and ``mixlib.widgets`` add the
    plotting libraries, never scikit-learn."""
    code = ("import sys\n"
            "loaded = lambda: sorted(m for m in ('sklearn', 'matplotlib', 'ipywidgets') if m in sys.modules)\n"
            "import mixlib\n"
            "print(loaded())\n"
            "import mixlib.plotting, mixlib.widgets\n"
            "print('sklearn' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}).stdout.split("\n")
    assert out[0] == "[]", f"import mixlib loaded {out[0]}: the numerics should need none of them"
    assert out[1] == "False", "importing mixlib.plotting and mixlib.widgets loaded scikit-learn"
