"""`crm-pipelines dev` (what `make run` starts) and Ctrl-C: the terminal's SIGINT reaches the whole
process group; `dagster dev` shuts itself down, and the command waits for it, then stops the
embedded PostgreSQL, which would otherwise keep running under dagster_home/. A stand-in child that
exits on SIGINT plays `dagster dev`; the embedded server is real."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from crm_pipelines.resources.embedded import embedded_pgdata, stop_embedded

DRIVER = """
import os, sys
from crm_pipelines.cli import serve
from crm_pipelines.resources.embedded import embedded_dsn
from crm_pipelines.settings import get_settings
settings = get_settings()
embedded_dsn(settings.dagster_home)
child = [sys.executable, "-c", "import signal, sys, time; print('serving', flush=True); "
         "signal.signal(signal.SIGINT, lambda *_: sys.exit(0)); time.sleep(120)"]
code = serve(child, dict(os.environ), settings)
print("dev exited", code, flush=True)
"""


@pytest.fixture
def dagster_home():
    home = Path(tempfile.mkdtemp(prefix="crm-dev-"))  # short: the server's socket lives in it
    yield home
    stop_embedded(home)
    shutil.rmtree(home, ignore_errors=True)


def test_ctrl_c_stops_dagster_dev_and_the_embedded_postgresql(dagster_home):
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_DSN"}
    env["DAGSTER_HOME"] = str(dagster_home)
    driver = subprocess.Popen([sys.executable, "-c", DRIVER], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert driver.stdout.readline().strip() == "serving"
        assert (embedded_pgdata(dagster_home) / "postmaster.pid").exists()
        time.sleep(0.5)
        os.killpg(driver.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        out, err = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 0, err[-2000:]
    assert out.splitlines() == ["stopped the embedded PostgreSQL", "dev exited 0"]
    assert not (embedded_pgdata(dagster_home) / "postmaster.pid").exists()
