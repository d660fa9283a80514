"""Start and stop a real JupyterLab server for the browser test.

Everything the server could write goes to one temporary folder (config, data, runtime,
workspaces, user settings, IPython's history) and the notebooks it serves are copies, so
autosave never touches the repository and no setting of the developer's own JupyterLab
leaks in. The server runs in its own process group; ``stop`` asks it to shut down (which
shuts its kernels down) and then ends that group and any kernel left behind, so only
processes this module started are ever signalled.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["LabServer"]

# Lab plugins that would fetch news or show a pop-up over the notebook on first start.
DISABLED_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid):
    """(parent pid, start time, state) of a process from /proc, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: split after its closing ")".
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[19]), fields[0]


def _children(pid):
    """{pid: start time} of the processes whose parent is ``pid`` (empty without /proc)."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        stat = _stat(entry.name)
        if stat is not None and stat[0] == pid:
            found[int(entry.name)] = stat[1]
    return found


def _alive(pid, start_time):
    """True while the process ``pid`` that started at ``start_time`` still runs.

    Comparing the start time means a pid the system has since reused for another
    process is never taken for ours (and never signalled).
    """
    stat = _stat(pid)
    return stat is not None and stat[1] == start_time and stat[2] != "Z"


class LabServer:
    """A ``jupyter lab`` process serving ``root`` on 127.0.0.1.

    Parameters
    ----------
    root : pathlib.Path
        The folder served (the notebooks must already be copied there).
    home : pathlib.Path
        An empty temporary folder for config, data, runtime and settings.
    python : str
        The interpreter whose JupyterLab and ipykernel to use (the course's venv).
    """

    def __init__(self, root, home, python=sys.executable):
        self.root = Path(root)
        self.home = Path(home)
        self.python = python
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.home / "jupyter-lab.log"
        self.process = None
        self.kernel_pids = {}  # pid -> start time, from /proc
        self.start_seconds = float("nan")

    # -- environment --------------------------------------------------------------
    def _environment(self):
        folders = {name: self.home / name for name in
                   ("config", "data", "runtime", "workspaces", "settings", "ipython")}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        # Lab reads disabled plugins from <config>/labconfig/page_config.json.
        labconfig = folders["config"] / "labconfig"
        labconfig.mkdir(exist_ok=True)
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {name: True for name in DISABLED_PLUGINS}}))
        env = dict(os.environ)
        # MPLBACKEND=Agg (set by some CI images and test runners) makes the kernel drop
        # every plt.show() figure silently (checked: no output, no warning) instead of
        # showing it inline, as a learner's JupyterLab does.
        env.pop("MPLBACKEND", None)
        # The kernel must behave as for a learner: no warnings-as-errors from outside.
        env.pop("PYTHONWARNINGS", None)
        env.update(
            JUPYTER_CONFIG_DIR=str(folders["config"]),
            JUPYTER_DATA_DIR=str(folders["data"]),
            JUPYTER_RUNTIME_DIR=str(folders["runtime"]),
            JUPYTERLAB_WORKSPACES_DIR=str(folders["workspaces"]),
            JUPYTERLAB_SETTINGS_DIR=str(folders["settings"]),
            IPYTHONDIR=str(folders["ipython"]),
            JUPYTER_PLATFORM_DIRS="1",
            PYTHONUNBUFFERED="1",
        )
        return env

    def command(self):
        return [
            self.python, "-m", "jupyter", "lab",
            "--no-browser",
            "--allow-root",  # CI and this workplace run as root
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # never asks PyPI about extensions
            f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
            f"--LabApp.user_settings_dir={self.home / 'settings'}",
        ]

    # -- lifecycle ----------------------------------------------------------------
    def start(self, timeout=60.0):
        """Start the server and wait until its REST API answers; return the seconds taken."""
        env = self._environment()
        began = time.perf_counter()
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            self.command(), cwd=self.root, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = began + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status = self.api("GET", "/api/status", timeout=2)
            except (OSError, urllib.error.URLError):
                status = None
            if status is not None:
                break
            if time.perf_counter() > deadline:
                self.stop()
                raise TimeoutError(f"jupyter lab did not answer in {timeout} s:\n{self.log_tail()}")
            time.sleep(0.2)
        self.start_seconds = time.perf_counter() - began
        return self.start_seconds

    def api(self, method, path, body=None, timeout=10):
        """Call the server's REST API with the token; return the decoded JSON (or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def lab_url(self, relative_path):
        """The URL a learner would open for a file under ``root``.

        ``reset`` starts from an empty workspace: otherwise Lab would reopen every
        notebook opened before (each starting a kernel) next to this one.
        """
        return f"{self.url}/lab/tree/{relative_path}?reset&token={self.token}"

    def remember_kernels(self):
        """Note the pids of the kernels running now, so stop() can make sure they end."""
        if self.process is not None:
            self.kernel_pids.update(_children(self.process.pid))

    def shutdown_kernels(self):
        """Shut every running kernel down (after a notebook: frees the 2 cores)."""
        self.remember_kernels()
        for kernel in self.api("GET", "/api/kernels") or []:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=20)
            except urllib.error.HTTPError as error:
                if error.code != 404:  # already gone: fine
                    raise

    def stop(self, timeout=15.0):
        """Shut the server and its kernels down; signal only what this object started."""
        if self.process is None:
            return
        self.remember_kernels()
        if self.process.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=5)
            except (OSError, urllib.error.URLError):
                pass  # not answering: the signals below end it
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGTERM)
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._signal_group(signal.SIGKILL)
                    self.process.wait(timeout=5)
        # Kernels run in their own sessions, outside the server's process group.
        deadline = time.monotonic() + 5
        for pid, start_time in sorted(self.kernel_pids.items()):
            while _alive(pid, start_time) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid, start_time):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
        self.process = None

    def _signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)  # the group start_new_session created
        except ProcessLookupError:
            pass

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])
