"""The backup procedure of docs/deployment.md, run against the running deployment.

Covers: `dagster schedule list --running --name` names what runs and `dagster schedule stop`
pauses it (seen through the API), `pg_dump -Fc` of the CRM database and of Dagster's storage
restore with `pg_restore` into empty databases holding the same rows, and `dagster schedule
start` resumes what was paused. (Sensors are paused the same way with `dagster sensor`; the
daily report's schedule is used here because it ticks at DAILY_REPORT_HOUR only, so the test
starts nothing, and a sensor switched on and off here would hold back the sensor test's first
tick by its minimum interval.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines_tests.conftest import create_database, drop_database
from crm_pipelines_tests.deployment.conftest import RunningDeployment
from crm_pipelines_tests.deployment.harness import wait_until

pytestmark = pytest.mark.deployment

SCHEDULE = "daily_report_schedule"


def count_rows(dsn: str, table: str) -> int:
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # fixed names only
    finally:
        engine.dispose()


def dump_and_restore(dsn: str, dump: Path) -> str:
    """pg_dump -Fc of `dsn`, restored into a new empty database; returns the new one's DSN."""
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), dsn], check=True, capture_output=True)
    restored = create_database("restored")
    subprocess.run(["pg_restore", "--no-owner", "-d", restored, str(dump)], check=True, capture_output=True)
    return restored


def test_pause_dump_restore_resume(deployed: RunningDeployment, tmp_path: Path):
    deployment, api = deployed.deployment, deployed.api
    workspace = str(deployment.home / "workspace.yaml")
    assert api.start_schedule(SCHEDULE) == "RUNNING"  # as in production, where schedules run
    try:
        # 1. remember what runs, then pause it through the command line
        listed = deployment.run_cli("dagster", "schedule", "list", "--running", "--name", "-w", workspace)
        assert listed.stdout.split() == [SCHEDULE]
        stopped = deployment.run_cli("dagster", "schedule", "stop", SCHEDULE, "-w", workspace)
        assert stopped.returncode == 0, stopped.stderr
        # the command line writes the state to storage; the webserver reads it on its next
        # request (once seen still RUNNING right after a loaded CI run's CLI call: poll briefly)
        wait_until(lambda: api.schedule_status(SCHEDULE) == "STOPPED", 15, f"{SCHEDULE} to show STOPPED")

        # 2. dump both databases; each restores into an empty one with the same rows
        restored: list[str] = []
        try:
            for name, dsn, table in (("crm", deployed.crm_dsn, "sellers"),
                                     ("dagster", deployment.storage_url, "instigators")):
                restored.append(dump_and_restore(dsn, tmp_path / f"{name}.dump"))
                assert count_rows(restored[-1], table) == count_rows(dsn, table) > 0, name
        finally:
            for dsn in restored:
                drop_database(dsn)

        # 3. resume what was running
        started = deployment.run_cli("dagster", "schedule", "start", SCHEDULE, "-w", workspace)
        assert started.returncode == 0, started.stderr
        wait_until(lambda: api.schedule_status(SCHEDULE) == "RUNNING", 15, f"{SCHEDULE} to show RUNNING")
    finally:
        api.stop_schedule(SCHEDULE)
