"""The JupyterLab server the browser tests drive: started with ``make lab`` on 127.0.0.1 with a
random token, serving a temporary copy of the notebooks, and stopped (with its kernels) after.

Everything here goes through Jupyter's public surfaces: the REST API (``/api/status``,
``/api/sessions``, ``/api/kernels``) and, to run code in a notebook's kernel, ``jupyter_client``
with the kernel's connection file.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def notebook_dir() -> Path:
    """The notebooks under test: notebooks/ (MIXNB_BROWSER_NOTEBOOKS overrides it, for development)."""
    return Path(os.environ.get("MIXNB_BROWSER_NOTEBOOKS", REPO / "notebooks")).resolve()


def notebook_names() -> list[str]:
    """Every notebook present now, sorted: later notebooks are covered with no change here."""
    return sorted(p.name for p in notebook_dir().glob("*.ipynb"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token, the directory it serves, its files."""

    url: str
    token: str
    root: Path
    runtime_dir: Path
    log: Path

    def api(self, path: str, method: str = "GET", timeout: float = 5):
        sep = "&" if "?" in path else "?"
        req = urllib.request.Request(f"{self.url}/api/{path}{sep}token={self.token}", method=method)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def kernel_id(self, notebook: str) -> str | None:
        """The id of the kernel of the session open on ``notebook`` (a path under the root)."""
        for session in self.api("sessions"):
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"]["id"]
        return None

    def kernel(self, kernel_id: str) -> dict:
        """The server's model of a kernel: ``execution_state``, ``connections`` (open websockets)."""
        return self.api(f"kernels/{kernel_id}")

    def run_in_kernel(self, kernel_id: str, code: str, timeout: float = 120) -> str:
        """Run ``code`` in a kernel (no cell, no prompt, no history) and return its stdout.

        A second client on the kernel's own connection file: the page's outputs are untouched.
        """
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient(connection_file=str(self.runtime_dir / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        client.start_channels()
        stdout, errors = [], []

        def collect(msg):
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")

        try:
            client.wait_for_ready(timeout=timeout)
            client.execute_interactive(code, store_history=False, timeout=timeout, output_hook=collect)
        finally:
            client.stop_channels()
        if errors:
            raise AssertionError(f"code run in the kernel failed: {errors[0]}")
        return "".join(stdout)

    def shutdown_kernel(self, kernel_id: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.api(f"kernels/{kernel_id}", method="DELETE")

    def shutdown_kernels(self) -> None:
        """Shut down every kernel cleanly (kernels live in their own session, not our group)."""
        with contextlib.suppress(OSError, ValueError):
            for kernel in self.api("kernels"):
                self.shutdown_kernel(kernel["id"])

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


@contextlib.contextmanager
def jupyterlab(startup_timeout: float = 120):
    """Start JupyterLab with ``make lab`` (free port, random token, 127.0.0.1); stop it after.

    The server serves a temporary copy of the notebooks directory, so nothing the browser does
    (saving, autosave, checkpoints) can touch the committed notebooks, and notebooks other people
    are editing cannot change under a running test. Workspaces and user settings are temporary too.
    """
    with tempfile.TemporaryDirectory(prefix="mixnb-lab-") as tmp:
        tmp = Path(tmp)
        root = tmp / "notebooks"
        shutil.copytree(notebook_dir(), root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for sub in ("workspaces", "settings", "runtime"):
            (tmp / sub).mkdir()
        port, token = _free_port(), secrets.token_hex(24)
        venv = Path(sys.prefix)
        lab_args = " ".join([
            "--no-browser",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            f"--LabApp.user_settings_dir={tmp / 'settings'}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.port_retries=0",
        ])
        # The repo's Makefile run from the temporary directory, so its --ServerApp.root_dir=notebooks
        # is the copy. -o: the environment running this test is installed; never pip-install here.
        cmd = ["make", "--no-print-directory", "-f", str(REPO / "Makefile"),
               "-o", f"{venv}/.lab-installed", "lab", f"VENV={venv}", f"PORT={port}",
               f"TOKEN={token}", f"LAB_ARGS={lab_args}"]
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
        log = tmp / "lab.log"
        with open(log, "wb") as log_file:
            proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, cwd=tmp,
                                    start_new_session=True)
        server = LabServer(f"http://127.0.0.1:{port}", token, root, tmp / "runtime", log)
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"make lab exited with {proc.returncode}:\n{server.log_tail()}")
                with contextlib.suppress(OSError, ValueError):
                    if server.api("status") is not None:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer within {startup_timeout} s:\n"
                                       f"{server.log_tail()}")
                time.sleep(0.25)
            yield server
        finally:
            if proc.poll() is None:
                server.shutdown_kernels()
            _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """Terminate the whole process group of ``make lab`` (make and jupyter), then wait."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # make may have exited before jupyter did: give the group a moment, then make sure it is gone.
    for _ in range(50):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
