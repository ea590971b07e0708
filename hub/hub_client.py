"""A hub user driven through JupyterHub's REST API, the server's REST API and the kernel websocket.

What a browser does for a student, without the browser: log in (a token from the hub's
authenticator, with the user's password), start the server, pull the course with nbgitpuller,
open a notebook (a kernel session), run its cells one by one and move a widget (a ``comm_msg``
that sets a slider's value, as JupyterLab sends when the slider is dragged). Every step is timed.
Used by tests/test_hub.py and the load test (hub/loadtest.py, benchmarks/bench_hub.py).
"""

from __future__ import annotations

import datetime
import json
import struct
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
import websocket  # websocket-client


class HubError(RuntimeError):
    """A step of a simulated user failed (the message says which and why)."""


@dataclass
class ExecResult:
    """One execute_request (or widget move): how long until the kernel was idle, and what came back."""

    seconds: float
    status: str                      # "ok", "error" or "idle" (a widget move has no reply)
    outputs: list = field(default_factory=list)
    error: str | None = None         # "ename: evalue" when status is "error"
    comm_opens: list = field(default_factory=list)  # widget models the kernel opened

    def text(self) -> str:
        """Everything printed or shown as text/plain, joined."""
        parts = []
        for out in self.outputs:
            if out["msg_type"] == "stream":
                parts.append(out["content"]["text"])
            elif out["msg_type"] in ("execute_result", "display_data"):
                parts.append(out["content"]["data"].get("text/plain", ""))
        return "".join(parts)


class UserSession:
    """One hub user: ``login``, ``start_server``, then the server's APIs (``server``, ``kernel``...)."""

    def __init__(self, hub_url: str, name: str, password: str, timeout: float = 60):
        self.hub_url, self.name, self.password, self.timeout = hub_url.rstrip("/"), name, password, timeout
        self.http = requests.Session()
        self.token: str | None = None

    # --- the hub -------------------------------------------------------------------------------
    def login(self) -> float:
        """Log in with the password (the hub's authenticator) and get an API token; seconds taken."""
        start = time.perf_counter()
        r = requests.post(f"{self.hub_url}/hub/api/users/{self.name}/tokens", timeout=self.timeout,
                          json={"auth": {"username": self.name, "password": self.password},
                                "note": "simulated browser", "expires_in": 3600})
        if r.status_code != 201:
            raise HubError(f"{self.name}: login refused ({r.status_code} {r.text[:200]})")
        self.token = r.json()["token"]
        self.http.headers["Authorization"] = f"token {self.token}"
        return time.perf_counter() - start

    def hub_api(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", self.timeout)
        return self.http.request(method, f"{self.hub_url}/hub/api/{path.lstrip('/')}", **kw)

    def start_server(self, timeout: float = 180) -> float:
        """Ask the hub to spawn this user's server and wait until it answers; seconds taken."""
        start = time.perf_counter()
        self.request_server()
        return self.wait_server(start, timeout)

    def request_server(self):
        """Ask the hub to spawn this user's server (returns at once; see ``wait_server``)."""
        r = self.hub_api("POST", f"users/{self.name}/server")
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"{self.name}: spawn refused ({r.status_code} {r.text[:200]})")

    def wait_server(self, start: float, timeout: float = 180) -> float:
        """Wait until the server answers through the proxy; seconds since ``start`` (perf_counter)."""
        while True:
            model = self.hub_api("GET", f"users/{self.name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            if not model.get("pending") and not server and time.perf_counter() - start > 5:
                raise HubError(f"{self.name}: the server failed to start (see the hub's log)")
            if time.perf_counter() - start > timeout:
                raise HubError(f"{self.name}: the server was not ready after {timeout:.0f} s")
            time.sleep(0.25)
        self.server("GET", "api/status").raise_for_status()  # through the proxy
        return time.perf_counter() - start

    def stop_server(self):
        r = self.hub_api("DELETE", f"users/{self.name}/server")
        if r.status_code not in (202, 204):
            raise HubError(f"{self.name}: stopping the server failed ({r.status_code})")

    # --- the user's server -----------------------------------------------------------------------
    def server(self, method: str, path: str, **kw) -> requests.Response:
        """A call to this user's server through the proxy (``/user/<name>/<path>``)."""
        kw.setdefault("timeout", self.timeout)
        return self.http.request(method, f"{self.hub_url}/user/{self.name}/{path.lstrip('/')}", **kw)

    def follow(self, url: str) -> requests.Response:
        """Open a hub link (e.g. the nbgitpuller link) in a browser: the hub's login form first
        (JupyterHub's pages take cookies, not API tokens), then the link and its redirects
        (the hub, the user's server, its OAuth round trip with the hub)."""
        browser = requests.Session()
        form = browser.get(f"{self.hub_url}/hub/login", timeout=self.timeout)
        form.raise_for_status()
        r = browser.post(f"{self.hub_url}/hub/login", timeout=self.timeout, allow_redirects=False,
                         data={"username": self.name, "password": self.password,
                               "_xsrf": browser.cookies.get("_xsrf", "")})
        if r.status_code != 302:
            raise HubError(f"{self.name}: the login form answered {r.status_code}")
        return browser.get(url, timeout=self.timeout, allow_redirects=True)

    def pull(self, repo: str, branch: str, targetpath: str, timeout: float = 300) -> list[dict]:
        """What the nbgitpuller link's page does: stream ``git-pull/api``; the events, or HubError."""
        query = urlencode({"repo": repo, "branch": branch, "targetpath": targetpath})
        events = []
        with self.server("GET", f"git-pull/api?{query}", stream=True, timeout=timeout) as r:
            r.raise_for_status()
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            last = events[-1] if events else {}
            raise HubError(f"{self.name}: nbgitpuller failed: {last.get('message')}\n{last.get('output', '')}")
        return events

    def read_notebook(self, path: str) -> dict:
        r = self.server("GET", f"api/contents/{path}", params={"content": 1})
        if r.status_code != 200:
            raise HubError(f"{self.name}: cannot open {path} ({r.status_code})")
        return r.json()["content"]

    def write_notebook(self, path: str, notebook: dict):
        r = self.server("PUT", f"api/contents/{path}",
                        json={"type": "notebook", "format": "json", "content": notebook})
        if r.status_code not in (200, 201):
            raise HubError(f"{self.name}: cannot save {path} ({r.status_code} {r.text[:200]})")

    def kernel(self, path: str, kernel_name: str = "python3") -> "Kernel":
        """Open ``path`` as JupyterLab does: a session with a new kernel, and its websocket."""
        r = self.server("POST", "api/sessions", json={"path": path, "name": path.rsplit("/", 1)[-1],
                                                      "type": "notebook", "kernel": {"name": kernel_name}})
        if r.status_code != 201:
            raise HubError(f"{self.name}: cannot start a kernel for {path} ({r.status_code} {r.text[:200]})")
        session = r.json()
        ws_url = (self.hub_url.replace("http", "ws", 1)
                  + f"/user/{self.name}/api/kernels/{session['kernel']['id']}/channels"
                  + f"?session_id={session['id']}")
        return Kernel(self, ws_url, session["id"])


class Kernel:
    """A kernel's websocket (Jupyter's JSON protocol): ``execute`` code, ``move_widget``."""

    def __init__(self, user: UserSession, ws_url: str, session_id: str, timeout: float = 300):
        self.user, self.session_id, self.client_session = user, session_id, uuid.uuid4().hex
        self.ws = websocket.create_connection(ws_url, timeout=timeout,
                                              header=[f"Authorization: token {user.token}"])
        self.comms: dict[str, dict] = {}  # comm_id -> the widget state the kernel opened it with
        self.wait_ready()

    def _send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": self.user.name,
                       "session": self.client_session, "version": "5.3",
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}))
        return msg_id

    def _recv(self) -> dict:
        frame = self.ws.recv()
        if isinstance(frame, bytes):  # a message with binary buffers: offsets, then JSON first
            (count,) = struct.unpack("!I", frame[:4])
            offsets = struct.unpack(f"!{count}I", frame[4:4 + 4 * count])
            end = offsets[1] if count > 1 else len(frame)
            frame = frame[offsets[0]:end].decode("utf-8")
        return json.loads(frame)

    def _until_idle(self, msg_id: str, want_reply: bool, timeout: float) -> ExecResult:
        start = time.perf_counter()
        outputs, comm_opens, reply, idle = [], [], None, False
        while not (idle and (reply is not None or not want_reply)):
            if time.perf_counter() - start > timeout:
                raise HubError(f"{self.user.name}: no answer from the kernel within {timeout:.0f} s")
            msg = self._recv()
            kind = msg["header"]["msg_type"]
            if kind == "comm_open":  # widgets made by this or an earlier cell
                self.comms[msg["content"]["comm_id"]] = msg["content"]["data"].get("state", {})
                comm_opens.append(msg["content"]["comm_id"])
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                reply = msg["content"]
            elif kind in ("stream", "display_data", "execute_result", "error", "update_display_data"):
                outputs.append({"msg_type": kind, "content": msg["content"]})
        seconds = time.perf_counter() - start
        if reply is None:
            return ExecResult(seconds, "idle", outputs, None, comm_opens)
        error = f"{reply.get('ename')}: {reply.get('evalue')}" if reply["status"] == "error" else None
        return ExecResult(seconds, reply["status"], outputs, error, comm_opens)

    def wait_ready(self, timeout: float = 120):
        """Wait until the kernel answers (kernel_info_reply), as JupyterLab does before running."""
        start = time.perf_counter()
        msg_id = self._send("kernel_info_request", {})
        while True:
            if time.perf_counter() - start > timeout:
                raise HubError(f"{self.user.name}: the kernel did not answer within {timeout:.0f} s")
            msg = self._recv()
            if (msg["header"]["msg_type"] == "kernel_info_reply"
                    and msg.get("parent_header", {}).get("msg_id") == msg_id):
                return time.perf_counter() - start

    def execute(self, code: str, timeout: float = 300) -> ExecResult:
        """Run ``code`` as a notebook cell; returns when the kernel is idle again."""
        msg_id = self._send("execute_request", {"code": code, "silent": False, "store_history": True,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": True})
        return self._until_idle(msg_id, want_reply=True, timeout=timeout)

    def sliders(self) -> dict[str, dict]:
        """The slider models the kernel has opened: {comm_id: state}."""
        return {cid: st for cid, st in self.comms.items()
                if st.get("_model_name", "").endswith("SliderModel") and not st.get("disabled")}

    def move_widget(self, comm_id: str, value, timeout: float = 120) -> ExecResult:
        """Set a widget's ``value`` as the browser does when a slider moves; until the kernel is idle."""
        msg_id = self._send("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        return self._until_idle(msg_id, want_reply=False, timeout=timeout)

    def close(self):
        try:
            self.ws.close()
        finally:
            self.user.server("DELETE", f"api/sessions/{self.session_id}")


def notebook_code_cells(notebook: dict) -> list[tuple[str, bool]]:
    """(source, may_raise) of each code cell, in order; ``may_raise`` for cells tagged to fail."""
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        cells.append((source, "raises-exception" in tags or "NBVAL_RAISES_EXCEPTION" in source))
    return cells


def slider_target(state: dict):
    """A new value for a slider, inside its range and different from the current one."""
    low, high, value = state.get("min", 0), state.get("max", 100), state.get("value")
    step = state.get("step") or 1
    if isinstance(value, (list, tuple)):  # range sliders: move the upper handle
        lo, hi = value
        new_hi = hi - step if hi - step > lo else min(high, hi + step)
        return [lo, new_hi]
    new = value + step if value + step <= high else value - step
    if new < low:
        new = low
    return round(new, 10) if isinstance(new, float) else new
