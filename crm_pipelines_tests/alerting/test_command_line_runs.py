"""Runs started from the command line alert like any other.

`dagster job execute` and `dagster asset materialize` (what docs/ recommends for backfills) run
our code location's jobs and assets in the CLI's own process: the run has no remote origin, or
one from an ephemeral location, and Dagster's run failure sensor, evaluated in the deployed code
location (`crm_pipelines` in workspace.yaml), skipped it. Here both commands run for real as
subprocesses against a temporary DAGSTER_HOME and a database that does not exist; the failure
sensor is then evaluated the way the daemon evaluates it (the repository and the code location
origin of the deployment), and a real HTTP server takes one Slack alert per failed run. A run
of a job that is not ours, in the same instance, alerts nobody.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.sensor_definition import SensorEvaluationContext
from dagster._core.instance.ref import InstanceRef
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from crm_pipelines.alerting.sensors import FAILURE_SENSOR
from crm_pipelines.definitions import build_definitions
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.conftest import ADMIN_DSN
from crm_pipelines_tests.support.hostile_names import slack_read

PROJECT = Path(__file__).resolve().parents[2]
MODULE = "crm_pipelines.definitions"


@pytest.fixture
def cli_env(tmp_path, webhook_server) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    return {
        # a server that answers, a database that is not there: every run fails at its first query
        "POSTGRES_DSN": ADMIN_DSN.rsplit("/", 1)[0] + f"/crm_missing_{uuid.uuid4().hex[:8]}",
        "SLACK_WEBHOOK_URL": webhook_server.url("/slack/T0/B0/cli-token"),
        "DAGSTER_HOME": str(home),
        "ENABLE_SCHEDULED_TASKS": "false",
        "MAX_TASK_RETRIES": "0",
    }


def dagster_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "dagster"), *args, "-m", MODULE], cwd=PROJECT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


class DeployedSensor:
    """Ticks a sensor as the daemon does in the deployment: with our repository and the code
    location origin of workspace.yaml's `crm_pipelines`, carrying the cursor between ticks."""

    def __init__(self, defs: dg.Definitions, name: str, instance: dg.DagsterInstance):
        self.sensor, self.instance, self.cursor = defs.get_sensor_def(name), instance, None
        self.repository = defs.get_repository_def()
        self.origin = InProcessCodeLocationOrigin(LoadableTargetOrigin(python_file=None, module_name=MODULE),
                                                  location_name="crm_pipelines")

    def tick(self) -> None:
        # the code server builds the repository's resources the sensor needs (dagster/_grpc/impl.py)
        resources = {key: resource for key, resource in self.repository.get_top_level_resources().items()
                     if key in self.sensor.required_resource_keys}
        with SensorEvaluationContext(instance_ref=None, instance=self.instance, cursor=self.cursor,
                                     repository_def=self.repository, repository_name=self.repository.name,
                                     code_location_origin=self.origin, sensor_name=self.sensor.name,
                                     resources=resources) as context:
            self.cursor = self.sensor.evaluate_tick(context).cursor


@dg.op
def not_ours_op() -> None:
    raise RuntimeError("a job of another code location failed")


@dg.job
def somebody_elses_job():
    not_ours_op()


def test_failed_job_execute_and_asset_materialize_runs_alert(cli_env, webhook_server):
    settings = load_settings(cli_env)
    defs = build_definitions(settings)
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(cli_env["DAGSTER_HOME"])) as instance:
        sensor = DeployedSensor(defs, FAILURE_SENSOR, instance)
        sensor.tick()  # the first tick only sets the cursor, as in a deployment

        job = dagster_cli(cli_env, "job", "execute", "-j", "cleanup_job")
        asset = dagster_cli(cli_env, "asset", "materialize", "--select", "seller_metrics",
                            "--partition", "2025-03-10")
        assert job.returncode != 0 and asset.returncode != 0
        somebody_elses_job.execute_in_process(instance=instance, raise_on_error=False)

        runs = {r.job_name: r for r in instance.get_runs()}
        assert all(r.status == dg.DagsterRunStatus.FAILURE for r in runs.values())
        assert "cleanup_job" in runs and len(runs) == 3, sorted(runs)

        sensor.tick()
        slack = [slack_read(r["body"]["text"]) for r in webhook_server.requests if r["path"].startswith("/slack/")]
        assert len(slack) == 2, slack
        job_alert = next(text for text in slack if "Failed: cleanup_job" in text)
        asset_alert = next(text for text in slack if "Failed: seller_metrics (partition 2025-03-10)" in text)
        assert runs["cleanup_job"].run_id in job_alert
        assert "does not exist" in asset_alert  # the error's first line: the missing database
        assert not any("another code location" in text for text in slack)

        sensor.tick()  # nothing is sent twice
        assert len([r for r in webhook_server.requests if r["path"].startswith("/slack/")]) == 2
