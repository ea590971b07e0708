"""pyproject.toml is the one list of dependencies; the other files must agree with it.

- ``environment.yml`` (the conda route) lists the same packages as ``project.dependencies`` plus
  the ``notebooks`` extra, under their conda-forge names, with the same lower bounds. We chose lower
  bounds rather than exact pins there: conda-forge publishes some releases later than PyPI (and
  not every patch release), we cannot run conda here to prove an exact pin solves, and the exact,
  tested pins already have a home in ``binder/requirements.txt`` (the pip route CI runs).
  Besides those packages it may list only ``python`` (with the same floor as ``requires-python``)
  and ``pip``; a ``pip:`` section may not install this checkout (``-e .``), see README.
- ``binder/requirements.txt`` pins every dependency of every extra at one exact version that
  satisfies pyproject's range, and pins nothing loosely.
- No grading tool (nbgrader) in the student environment: not in pyproject, not in the pins.
- ``mixlib`` never imports scikit-learn (only the notebooks and tests compare against it).

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
import yaml  # PyYAML comes with jupyterlab (jupyter-events) and is pinned in binder/requirements.txt
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PINS_FILE = REPO / "binder" / "requirements.txt"
ENV_FILE = REPO / "environment.yml"

# PyPI name -> conda-forge name, where they differ. matplotlib-base is matplotlib without a GUI
# toolkit (conda-forge's `matplotlib` also pulls in Qt), which is all a notebook needs.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}
# Allowed in environment.yml beyond pyproject's packages.
CONDA_EXTRAS = {"python", "pip"}
GRADING_TOOLS = {"nbgrader"}


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


def binder_pins() -> dict[str, tuple[str, str]]:
    """{canonical name: (line, version)} from binder/requirements.txt (comments skipped)."""
    pins = {}
    for number, raw in enumerate(PINS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+!\-]+)", line)
        assert match, (f"binder/requirements.txt line {number}: {raw!r} is not an exact pin "
                       "'name==version' (every install must be reproducible)")
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"binder/requirements.txt pins {match.group(1)} twice"
        pins[name] = (raw, match.group(2))
    return pins


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


# --- binder/requirements.txt ----------------------------------------------------------------------

def test_binder_pins_parse_as_exact_pins():
    assert binder_pins(), "binder/requirements.txt pins nothing"


@pytest.mark.parametrize("name", sorted(all_requirements()))
def test_binder_pin_satisfies_pyproject_range(name):
    requirement = all_requirements()[name]
    pins = binder_pins()
    assert name in pins, (f"{requirement.name} is a dependency in pyproject.toml but is not pinned "
                          "in binder/requirements.txt: run 'make pins'")
    line, version = pins[name]
    assert requirement.specifier.contains(Version(version), prereleases=True), (
        f"binder/requirements.txt pins {line.strip()}, outside pyproject.toml's range "
        f"{requirement.name}{requirement.specifier}: bump the pin ('make pins') or the range")


def test_binder_pins_do_not_pin_mixlib_itself():
    assert "mixlib" not in binder_pins(), (
        "binder/requirements.txt pins mixlib: postBuild installs it from the checkout")


# --- no grading tools, mixlib without sklearn -----------------------------------------------------

def test_no_grading_tools_in_the_student_environment():
    in_pyproject = GRADING_TOOLS & set(all_requirements())
    in_pins = GRADING_TOOLS & set(binder_pins())
    assert not in_pyproject, f"pyproject.toml depends on {sorted(in_pyproject)}: keep grading tools out"
    assert not in_pins, f"binder/requirements.txt pins {sorted(in_pins)}: keep grading tools out"


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


def test_importing_mixlib_loads_no_sklearn():
    code = ("import sys, mixlib, mixlib.plotting, mixlib.widgets; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"importing mixlib loaded {out.stdout.strip()}"
