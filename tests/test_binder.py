"""The Binder proof: build the environment the way repo2docker does and check what only it can show.

We cannot reach mybinder.org or run Docker here, so this test is the proof that ``binder/`` works.
What repo2docker does for a ``binder/`` folder with ``requirements.txt``, ``runtime.txt`` and
``postBuild`` (and what this test repeats, in a fresh virtual environment):

1. a Python of the version named in ``binder/runtime.txt`` (here: ``python<version>`` from PATH,
   or this interpreter with a warning when that Python is not installed);
2. ``pip install -r binder/requirements.txt`` into the environment ``NB_PYTHON_PREFIX`` names
   (the students' packages under ``-c constraints.txt``, read relative to ``binder/``; a ``-c``
   line makes repo2docker copy the whole repository before this step, so the path resolves);
3. ``binder/postBuild`` run from the repository root, with ``NB_PYTHON_PREFIX`` set and the
   environment's ``bin/`` first on ``PATH``.

Then, in that environment: every installed package is pinned at its installed version in
``binder/constraints.txt`` and needed by a student package (no test, book or grading tool), mixlib
comes from this checkout, every module any notebook imports imports, JupyterLab started there loads
the widget manager and applies ``binder/overrides.json``, and ``notebooks/00_start_here.ipynb`` runs
in that environment's own ``python3`` kernel. Each notebook's full run with its outputs compared is
nbval's job (same pins, ``make test``), and Run All in JupyterLab the browser tests': not repeated
here. The build leaves pip's cache on (repo2docker turns it off), so a rerun downloads nothing it
fetched before. Marked ``slow``: ``make test`` runs it, ``make test-quick`` does not.

Differences from the real Binder, on purpose or unavoidable: repo2docker installs into its own
base environment (which already has JupyterLab and friends, at its own versions, before our
pins); we start from an empty venv, which is the stricter test of the pins. Docker, the
``jovyan`` user and the network fetch of the repository are not exercised.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
START_HERE = REPO / "notebooks" / "00_start_here.ipynb"
PROBE_MARK = "MIXTURE-NOTEBOOKS-BINDER-PROBE "
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Installers every fresh venv has; repo2docker's base environment brings its own.
INSTALLER_TOOLS = {"pip", "setuptools", "wheel"}

pytestmark = pytest.mark.slow


def _runtime_python() -> tuple[str, str]:
    """(interpreter, version) for the Python that binder/runtime.txt asks for."""
    text = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert text.startswith("python-"), f"binder/runtime.txt should read 'python-3.X', not {text!r}"
    version = text.removeprefix("python-")
    found = shutil.which(f"python{version}")
    if found is None:
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        warnings.warn(f"python{version} (binder/runtime.txt) is not on PATH: building the Binder "
                      f"environment with this interpreter (Python {here}) instead", stacklevel=2)
        found = sys.executable
    return found, version


def _clean_env(venv: Path) -> dict[str, str]:
    """This process's environment, minus anything that points at another Python or Jupyter."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX",
                          "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                          "JUPYTERLAB_DIR", "JUPYTERLAB_SETTINGS_DIR", "PIP_REQUIRE_VIRTUALENV",
                          "PIP_NO_CACHE_DIR"}}
    env.update(
        NB_PYTHON_PREFIX=str(venv),
        VIRTUAL_ENV=str(venv),
        PATH=os.pathsep.join([str(venv / "bin"), env.get("PATH", "")]),
        JUPYTER_PREFER_ENV_PATH="1",
        IPYKERNEL_CELL_NAME="<IPY-INPUT>",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def _short(arg) -> str:
    arg = str(arg)
    return arg if len(arg) < 200 and "\n" not in arg else "<script>"


def _run(cmd, env, cwd=REPO, timeout=1800) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        plain = lambda text: ANSI.sub("", text)[-6000:]  # noqa: E731 (tracebacks come coloured)
        pytest.fail(f"{' '.join(_short(a) for a in cmd)} failed with exit code {result.returncode}\n"
                    f"--- stdout (end)\n{plain(result.stdout)}\n"
                    f"--- stderr (end)\n{plain(result.stderr)}", pytrace=False)
    return result


class BinderEnv:
    def __init__(self, venv: Path, env: dict[str, str]):
        self.venv, self.env = venv, env
        self.python = venv / "bin" / "python"

    def run(self, *args, env=None, **kwargs) -> subprocess.CompletedProcess:
        return _run(list(args), env or self.env, **kwargs)

    def script(self, code: str, *args, **kwargs):
        """Run Python code in the environment; it prints one JSON line last, returned parsed."""
        out = self.run(str(self.python), "-c", textwrap.dedent(code), *map(str, args), **kwargs).stdout
        return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory) -> BinderEnv:
    """A fresh venv built from binder/ as repo2docker would (requirements.txt, then postBuild)."""
    interpreter, _ = _runtime_python()
    venv = tmp_path_factory.mktemp("binder") / "srv-env"
    env = _clean_env(venv)
    _run([interpreter, "-m", "venv", str(venv)], env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
          "-r", str(BINDER / "requirements.txt")], env)
    # repo2docker makes postBuild executable and runs it from the repository root.
    _run([str(BINDER / "postBuild")], env)
    return BinderEnv(venv, env)


def _constraints() -> dict[str, str]:
    """{normalised name: version} from binder/constraints.txt."""
    pins = {}
    for line in (BINDER / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


# Run inside the Binder venv: every installed distribution with its version, and the names
# reachable from the students' packages (binder/requirements.txt, and mixlib) through their
# requirements, with the extras those ask for (jupyter-events wants jsonschema[format-nongpl]);
# requirements of extras nobody asks for, and markers that do not hold, left out.
INSTALLED = """
    import json, re, sys
    from importlib.metadata import distributions
    from packaging.requirements import Requirement

    norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()
    dists = {norm(d.metadata["Name"]): d for d in distributions()}
    roots = [norm(line) for line in open(sys.argv[1]).read().splitlines()
             if line.strip() and not line.startswith(("#", "-"))] + ["mixlib"]
    seen, todo = set(), [(name, "") for name in roots]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen or name not in dists:
            continue
        seen.add((name, extra))
        for spec in dists[name].requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                todo += [(norm(req.name), wanted) for wanted in ["", *sorted(req.extras)]]
    needed = {name for name, _ in seen}
    import mixlib
    print(json.dumps({"prefix": sys.prefix, "mixlib": mixlib.__file__,
                      "installed": {name: d.version for name, d in dists.items()},
                      "needed": sorted(needed)}))
"""


def test_environment_is_the_students_packages_at_the_pins(binder_env):
    """pip check passes; every installed package is pinned at its version and needed by a student
    package (no test, book or grading tool got in); mixlib is this checkout."""
    binder_env.run(str(binder_env.python), "-m", "pip", "check")
    info = binder_env.script(INSTALLED, BINDER / "requirements.txt")
    assert Path(info["prefix"]).resolve() == binder_env.venv.resolve()
    assert Path(info["mixlib"]).resolve().is_relative_to(REPO / "mixlib"), (
        "postBuild should install this checkout (pip install --no-deps -e .), "
        f"but mixlib was imported from {info['mixlib']}")
    pins = _constraints()
    installed = {name: version for name, version in info["installed"].items()
                 if name not in INSTALLER_TOOLS | {"mixlib"}}
    off_pin = sorted(f"{name}=={version} (pinned: {pins.get(name, 'not at all')})"
                     for name, version in installed.items() if pins.get(name) != version)
    assert not off_pin, f"installed in the Binder environment at versions binder/constraints.txt does not pin: {off_pin}"
    unneeded = sorted(set(installed) - set(info["needed"]))
    assert not unneeded, (f"installed in the Binder environment but needed by no student package: "
                          f"{unneeded} (test, book and grading tools stay out of binder/requirements.txt)")


def _notebook_imports() -> dict[str, list[str]]:
    """{module: [notebooks]} for every absolute import in the notebooks' code cells."""
    transform = TransformerManager().transform_cell  # IPython syntax (%magics) to Python
    found: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(transform(cell.source))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                for name in names:
                    if path.stem not in found.setdefault(name, []):
                        found[name].append(path.stem)
    return found


def test_every_module_the_notebooks_import_is_there(binder_env):
    """What nbval cannot see: it runs the notebooks in .venv, which also holds the test tools."""
    imports = _notebook_imports()
    assert "mixlib" in imports and "numpy" in imports, f"the notebooks' imports were not found: {imports}"
    failed = binder_env.script("""
        import importlib, json, sys
        failed = {}
        for name in sys.argv[1:]:
            try:
                importlib.import_module(name)
            except Exception as error:
                failed[name] = f"{type(error).__name__}: {error}"
        print(json.dumps(failed))
    """, *sorted(imports), env=binder_env.env | {"MPLBACKEND": "Agg"})
    assert not failed, "in the Binder environment: " + "; ".join(
        f"{name} ({', '.join(imports[name])}): {error}" for name, error in failed.items())


@pytest.fixture(scope="module")
def binder_lab(binder_env, tmp_path_factory):
    """JupyterLab of the Binder environment on 127.0.0.1 with a token: (url, token)."""
    home = tmp_path_factory.mktemp("binder-lab")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(24)
    env = binder_env.env | {"JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
                            "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    cmd = [str(binder_env.venv / "bin" / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={REPO / 'notebooks'}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = home / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"jupyter lab exited: {log.read_text(errors='replace')[-3000:]}"
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).read()
                break
            assert time.monotonic() < deadline, f"jupyter lab did not answer: {log.read_text()[-3000:]}"
            time.sleep(0.25)
        yield url, token
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _get(binder_lab, path: str) -> str:
    url, token = binder_lab
    with urllib.request.urlopen(f"{url}/{path}?token={token}", timeout=30) as resp:
        return resp.read().decode()


def test_jupyterlab_loads_the_widget_manager(binder_lab):
    """Without the widget manager extension (from jupyterlab_widgets) widgets say 'model not found'."""
    page = _get(binder_lab, "lab")
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.DOTALL).group(1))
    extensions = {e["name"] for e in config.get("federated_extensions", [])}
    assert "@jupyter-widgets/jupyterlab-manager" in extensions, f"lab extensions: {sorted(extensions)}"
    assert "@jupyter-widgets/jupyterlab-manager" not in config.get("disabledExtensions", [])


def test_jupyterlab_applies_the_settings_overrides(binder_lab):
    """postBuild's overrides.json reaches JupyterLab: its settings API reports them as defaults."""
    overrides = json.loads((BINDER / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False}, "no news pop-up, no update check"
    for plugin, values in overrides.items():
        schema = json.loads(_get(binder_lab, f"lab/api/settings/{plugin}"))["schema"]
        defaults = {key: schema["properties"].get(key, {}).get("default") for key in values}
        assert defaults == values, (
            f"JupyterLab's defaults for {plugin} are {defaults}, binder/overrides.json says {values}: "
            "postBuild must copy it to ${NB_PYTHON_PREFIX}/share/jupyter/lab/settings/")


# Run inside the Binder venv: execute a notebook with nbclient and the python3 kernel, after
# appending a probe cell, and print what the probe reported.
EXECUTE = """
    import json, sys
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient

    path, mark = sys.argv[1], sys.argv[2]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json as _json, sys as _sys\\n"
        f"print({mark!r} + _json.dumps({{'prefix': _sys.prefix}}))"))
    # 120 s per cell, far above any cell here. Now and then nbclient's asyncio zmq poll misses the
    # execute reply's wake-up and sleeps until this timeout, then carries on: a short timeout
    # bounds that stall.
    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    probe = "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.output_type == "stream")
    print(json.dumps({"kernel": client.kernel_name, "probe": probe}))
"""


def test_start_here_runs_in_the_binder_kernel(binder_env):
    """The first notebook a Binder user opens (the README's badge) runs, in this environment's kernel."""
    report = binder_env.script(EXECUTE, START_HERE, PROBE_MARK, cwd=START_HERE.parent)
    assert report["kernel"] == "python3"
    probe = report["probe"].strip()
    assert probe.startswith(PROBE_MARK), f"the probe cell printed {report['probe']!r}"
    kernel = json.loads(probe.removeprefix(PROBE_MARK))
    assert Path(kernel["prefix"]).resolve() == binder_env.venv.resolve(), (
        f"{START_HERE.name} ran in a kernel whose sys.prefix is {kernel['prefix']}, "
        f"not the Binder environment {binder_env.venv}")
