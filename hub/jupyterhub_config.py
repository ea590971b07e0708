# JupyterHub configuration of the local class server (make hub, tests/test_hub.py, benchmarks/bench_hub.py).
# hub/local_hub.py writes the run's settings to <state>/hub.json and starts
#   jupyterhub -f hub/jupyterhub_config.py   with MIXNB_HUB_STATE=<state>
# Everything listens on 127.0.0.1 only. Users log in with a test authenticator: one random password
# per user, made for this run and kept in <state>/hub.json (root only); never a real password store.
# Each user's server runs as that Unix user (LocalProcessSpawner, the hub runs as root) from the
# hub's own environment (.venv-hub: the course's packages, nbgitpuller and nbgrader).
import hmac
import json
import os
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Dict

c = get_config()  # noqa: F821 (provided by JupyterHub when it reads this file)

STATE = Path(os.environ["MIXNB_HUB_STATE"])
settings = json.loads((STATE / "hub.json").read_text(encoding="utf-8"))


class PerUserPasswordAuthenticator(Authenticator):
    """Test authenticator: each user logs in with the random password made for this hub run."""

    passwords = Dict(config=True, help="user name -> password, made per run by hub/local_hub.py")

    async def authenticate(self, handler, data):
        expected = self.passwords.get(data.get("username", ""))
        given = data.get("password", "")
        if expected and hmac.compare_digest(expected.encode(), given.encode()):
            return data["username"]
        return None


# --- network: 127.0.0.1 only -------------------------------------------------------------------
port = int(settings["port"])
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(settings["hub_port"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy_command"]]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.Spawner.ip = "127.0.0.1"

# --- state of this run ---------------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True   # stopping the hub stops every user's server

# --- who may log in ------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = PerUserPasswordAuthenticator
c.PerUserPasswordAuthenticator.passwords = settings["passwords"]
c.Authenticator.allowed_users = set(settings["passwords"])
c.Authenticator.admin_users = set(settings.get("admins", []))
# The harness (tests, load test, make hub's own checks) acts through a service token.
c.JupyterHub.services = [{"name": "mixnb-harness", "api_token": settings["harness_token"]}]
c.JupyterHub.load_roles = [{
    "name": "mixnb-harness",
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
    "services": ["mixnb-harness"],
}]

# --- each user's server: a real Unix user, the hub's environment ----------------------------------
venv_bin = settings["venv_bin"]
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [f"{venv_bin}/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = int(settings.get("start_timeout", 180))
c.Spawner.http_timeout = int(settings.get("start_timeout", 180))
c.JupyterHub.concurrent_spawn_limit = int(settings.get("concurrent_spawn_limit", 100))
c.Spawner.environment = {
    # nbgrader runs 'alembic' by name; kernels from this environment first (the python3 kernel
    # here has mixlib); the class's nbgrader settings (exchange, course id) from the run's folder.
    "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_PREFER_ENV_PATH": "1",
    "JUPYTER_CONFIG_PATH": str(STATE / "etc" / "jupyter"),
    "IPYKERNEL_CELL_NAME": "<IPY-INPUT>",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    # nbgitpuller opens JupyterLab after a pull
    "NBGITPULLER_APP": "lab",
}
if settings.get("ld_library_path"):
    # the interpreter copied by hub/portable_python.py finds its libpython there
    c.Spawner.environment["LD_LIBRARY_PATH"] = settings["ld_library_path"]
