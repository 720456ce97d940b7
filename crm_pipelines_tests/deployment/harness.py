"""The production deployment without containers: the same three Dagster processes that
docker-compose.yml runs (gRPC code server, webserver, daemon), started as separate processes on
loopback, on an instance derived from the production dagster.yaml.

The test instance keeps everything of dagster.yaml (queued run coordinator and its limits, run
retries, run monitoring, tick retention) except two things a test machine does not have: the
storage points at a fresh database on the local PostgreSQL (`postgres_url`), and runs are
started as local processes (DefaultRunLauncher) instead of Docker containers.
"""

from __future__ import annotations

import copy
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import requests
import yaml

from crm_pipelines.settings import PROJECT_ROOT

PRODUCTION_INSTANCE = PROJECT_ROOT / "dagster.yaml"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
KEEP_ARTIFACT_FOLDERS = 5
VENV_BIN = Path(sys.executable).parent
LOCATION_NAME = "crm_pipelines"

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float, what: str, every: float = 0.5) -> T:
    """Poll `check` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as err:  # the thing is not up yet: keep polling, report the last error
            last_error = err
        time.sleep(every)
    detail = f" (last error: {last_error!r})" if last_error else ""
    raise TimeoutError(f"gave up after {timeout:.0f}s waiting for {what}{detail}")


def artifact_folder(kind: str) -> Path:
    """A new folder test-artifacts/<kind>/<time>-<pid> for this test session's logs or
    screenshots. Sessions running side by side each get their own; only the newest few are kept."""
    base = ARTIFACTS / kind
    base.mkdir(parents=True, exist_ok=True)
    older = sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for folder in older[:max(0, len(older) - KEEP_ARTIFACT_FOLDERS + 1)]:
        shutil.rmtree(folder, ignore_errors=True)
    folder = base / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder.mkdir()
    return folder


def local_instance_config(storage_url: str) -> dict[str, Any]:
    """dagster.yaml as production has it, with local storage and local run processes."""
    config = copy.deepcopy(yaml.safe_load(PRODUCTION_INSTANCE.read_text()))
    config["storage"] = {"postgres": {"postgres_url": storage_url}}
    config["run_launcher"] = {"module": "dagster._core.launcher", "class": "DefaultRunLauncher"}
    # The daemon looks at the queue every second instead of every 5 s: shorter tests, same rules.
    config["run_coordinator"]["config"]["dequeue_interval_seconds"] = 1
    return config


def write_workspace(path: Path, grpc_port: int) -> Path:
    """workspace.yaml as production has it, with the code server on loopback."""
    workspace = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
    server = workspace["load_from"][0]["grpc_server"]
    server.update(host="127.0.0.1", port=grpc_port)
    path.write_text(yaml.safe_dump(workspace))
    return path


def _die_with_parent() -> None:
    """In the child, before exec: get SIGKILL if the test process dies without cleaning up
    (killed by a CI timeout), instead of living on as an orphan."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class ManagedProcess:
    """A child process in its own process group (so its own children die with it), its output
    in a log file that a failing test prints."""

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], log_dir: Path):
        self.name = name
        self.argv = argv
        self.env = dict(env)
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> ManagedProcess:
        with open(self.log_path, "wb") as log:  # the child keeps its own copy of the descriptor
            self.popen = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True, cwd=PROJECT_ROOT,
                                          preexec_fn=_die_with_parent)
        return self

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def wait_stopped(self, deadline: float) -> None:
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=10)
        # the group may outlive its leader (a run worker): make sure nothing is left
        self.signal(signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def stop_all(processes: list[ManagedProcess], grace: float = 10.0) -> None:
    """SIGTERM every group at once, then SIGKILL whatever is left after `grace` seconds."""
    for process in processes:
        process.signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        process.wait_stopped(deadline)


class Deployment:
    """The three processes of the deployment and the ways in: GraphQL URL, env, instance home."""

    def __init__(self, home: Path, storage_url: str, env: Mapping[str, str], log_dir: Path):
        from crm_pipelines_tests.support.socketio_server import free_port

        self.home = home
        self.storage_url = storage_url
        self.log_dir = log_dir
        self.grpc_port = free_port()
        self.webserver_port = free_port()
        self.env = dict(env, DAGSTER_HOME=str(home))
        self.processes: list[ManagedProcess] = []

    @property
    def webserver_url(self) -> str:
        return f"http://127.0.0.1:{self.webserver_port}"

    def _process(self, name: str, *argv: str) -> ManagedProcess:
        process = ManagedProcess(name, list(argv), self.env, self.log_dir).start()
        self.processes.append(process)
        return process

    def start(self) -> Deployment:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "dagster.yaml").write_text(yaml.safe_dump(local_instance_config(self.storage_url)))
        workspace = write_workspace(self.home / "workspace.yaml", self.grpc_port)

        code = self._process("code_server", str(VENV_BIN / "dagster"), "api", "grpc",
                             "-m", "crm_pipelines.definitions", "-h", "127.0.0.1", "-p", str(self.grpc_port))
        # The webserver and the daemon load the location once at start: the server must answer first.
        self._wait_alive(code, self.code_server_serving, 120, "the gRPC code server")
        webserver = self._process("webserver", str(VENV_BIN / "dagster-webserver"), "-h", "127.0.0.1",
                                  "-p", str(self.webserver_port), "-w", str(workspace))
        self._process("daemon", str(VENV_BIN / "dagster-daemon"), "run", "-w", str(workspace))
        self._wait_alive(webserver, self.webserver_healthy, 120, "the webserver's /server_info")
        return self

    def stop(self) -> None:
        # daemon first, so that it launches nothing while the others go down
        stop_all(list(reversed(self.processes)))

    def logs(self) -> str:
        return "\n".join(f"----- {p.name} ({p.log_path}) -----\n{p.tail()}" for p in self.processes)

    def _wait_alive(self, process: ManagedProcess, healthy: Callable[[], bool], timeout: float,
                    what: str) -> None:
        def check() -> bool:
            if not process.running():
                raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
            return healthy()

        try:
            wait_until(check, timeout, what)
        except TimeoutError as err:
            raise TimeoutError(f"{err}\n{process.tail()}") from None

    # Health as the processes report it. The polling here is in-process (a CLI costs seconds of
    # interpreter start-up per try); test_health_checks runs docker-compose.yml's own commands.

    def code_server_serving(self) -> bool:
        """The gRPC health-checking protocol that `dagster api grpc-health-check` speaks."""
        import grpc
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        with grpc.insecure_channel(f"127.0.0.1:{self.grpc_port}") as channel:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="DagsterApi"), timeout=5)
        return response.status == health_pb2.HealthCheckResponse.SERVING

    def webserver_healthy(self) -> bool:
        response = requests.get(f"{self.webserver_url}/server_info", timeout=5)
        return response.status_code == 200 and "dagster_webserver_version" in response.json()

    def run_cli(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """A Dagster command line on this deployment's instance (DAGSTER_HOME)."""
        return subprocess.run([str(VENV_BIN / program), *args], env=self.env, capture_output=True,
                              text=True, timeout=60, cwd=PROJECT_ROOT, check=False)
