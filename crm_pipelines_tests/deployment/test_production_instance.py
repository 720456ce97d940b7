"""The production dagster.yaml, unchanged, loaded as a Dagster instance on a real PostgreSQL.

Covers what the integration tests replace (they use `postgres_url` and a local run launcher):
the `postgres_db` storage built from DAGSTER_POSTGRES_HOST/USER/PASSWORD/DB creates Dagster's
tables and stores a run, and the instance comes up with the Docker run launcher on the Compose
network, the queued run coordinator and its per-job limit, run retries, run monitoring and the
tick retention the file asks for.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import dagster as dg
import pytest
import sqlalchemy as sa

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines.settings import PROJECT_ROOT
from crm_pipelines_tests.conftest import create_database, drop_database


@pytest.fixture
def storage_database():
    dsn = create_database("dagster_prod_instance")
    yield dsn
    drop_database(dsn)


def test_the_production_instance_runs_on_postgres_from_environment_variables(
        storage_database: str, tmp_path, monkeypatch):
    from dagster._core.definitions.run_request import InstigatorType
    from dagster._core.instance import DagsterInstance
    from dagster._core.scheduler.instigation import TickStatus
    from dagster_docker import DockerRunLauncher

    url = urlparse(storage_database)
    monkeypatch.setenv("DAGSTER_POSTGRES_HOST", url.hostname)
    monkeypatch.setenv("DAGSTER_POSTGRES_USER", url.username)
    monkeypatch.setenv("DAGSTER_POSTGRES_PASSWORD", url.password or "")
    monkeypatch.setenv("DAGSTER_POSTGRES_DB", url.path.lstrip("/"))
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")

    with DagsterInstance.from_config(str(tmp_path)) as instance:
        launcher = instance.run_launcher
        assert isinstance(launcher, DockerRunLauncher)
        assert launcher.networks == ["crm_pipelines_network"]
        assert {"POSTGRES_DSN", "REDIS_URL", "CRM_TIMEZONE"} <= set(launcher.env_vars)

        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        limits = coordinator.get_run_queue_config().tag_concurrency_limits
        assert [(lim["key"], lim["value"], lim["limit"]) for lim in limits] == [
            (JOB_TAG, {"applyLimitPerUniqueValue": True}, 1)]

        assert (instance.run_retries_enabled, instance.run_retries_max_retries) == (True, 2)
        assert instance.run_monitoring_enabled
        sensor_ticks = instance.get_tick_retention_settings(InstigatorType.SENSOR)
        assert (sensor_ticks[TickStatus.SKIPPED], sensor_ticks[TickStatus.SUCCESS]) == (7, 30)

        # the storage works: a run written through the instance is in the `runs` table
        run = instance.create_run_for_job(_one_op_job(), tags={JOB_TAG: "probe_job"})
        assert instance.get_run_by_id(run.run_id).tags[JOB_TAG] == "probe_job"

    engine = sa.create_engine(storage_database, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM runs")).scalar_one() == 1
    engine.dispose()


def _one_op_job() -> dg.JobDefinition:
    @dg.op
    def probe() -> None:
        """Does nothing: the test only stores a run of it."""

    @dg.job(name="probe_job")
    def probe_job():
        probe()

    return probe_job
