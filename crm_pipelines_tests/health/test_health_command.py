"""`crm-pipelines health` against a real deployment: a temporary DAGSTER_HOME, `dagster-daemon run`
as a subprocess on a tiny code location, the real PostgreSQL and Redis. With the daemon running
it is healthy (0) and reports the sensor's tick, the job's failed run and the failure of the
last 24 hours; with Redis on a closed port it is degraded (1) and with REDIS_URL unset healthy;
with the daemon stopped it is broken (2), and so with PostgreSQL down. Its Prometheus output,
printed by the installed command and served over HTTP, parses with prometheus_client's parser.

The same deployment shows the failure alert working inside the daemon: a run the daemon
launches fails, and the daemon's failure sensor posts to a real HTTP server standing in for
Slack.

The daemon writes a heartbeat every 30 s and leaves the last one behind when it dies, so
"stopped for a while" is reached by back-dating the stored heartbeats by ten minutes after
killing it, instead of sleeping through the 90 s tolerance. Most calls run the click command in
process (CliRunner, with the settings cache cleared): a subprocess costs several seconds of
imports; the installed `crm-pipelines` entry point is run once for --prometheus and once for
--serve.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner
from dagster._daemon.types import DaemonHeartbeat
from prometheus_client.parser import text_string_to_metric_families

from crm_pipelines.cli import main
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import get_settings
from crm_pipelines_tests.support.hostile_names import slack_read
from crm_pipelines_tests.support.socketio_server import free_port

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODULE = "crm_pipelines_tests.health.deployment_defs"


@pytest.fixture
def deployment(tmp_path, pg_dsn, redis_url, webhook_server):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {"DAGSTER_HOME": str(home), "POSTGRES_DSN": pg_dsn, "REDIS_URL": redis_url,
           "ENABLE_SCHEDULED_TASKS": "true",
           "SLACK_WEBHOOK_URL": webhook_server.url("/slack/T0/B0/deploytoken"),
           "DAGSTER_WEBSERVER_URL": "http://dagster.test:3000"}
    return home, env


def health(env: dict, *args: str) -> tuple[int, str]:
    """The command in process; `env` values of None unset the variable."""
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["health", "-m", MODULE, *args], env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


def installed(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "crm-pipelines"), "health", "-m", MODULE, *args], cwd=PROJECT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=180)


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def metrics(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def start_daemon(env: dict, log_path: Path) -> subprocess.Popen:
    # its own process group: the daemon starts a code server process that must go with it
    with open(log_path, "w") as log:
        return subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-m", MODULE], cwd=PROJECT,
                                env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def kill_daemon(daemon: subprocess.Popen) -> None:
    if daemon.poll() is None:
        os.killpg(daemon.pid, signal.SIGKILL)
    daemon.wait(30)


def test_health_running_degraded_and_broken(deployment, pg_dsn, db, webhook_server):
    home, env = deployment
    daemon = start_daemon(env, home / "daemon.log")
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            from crm_pipelines_tests.health.deployment_defs import health_probe_job

            failed = health_probe_job.execute_in_process(
                instance=instance, resources={"postgres": PostgresResource(dsn=pg_dsn)}, raise_on_error=False)
            assert not failed.success
            required = set(instance.get_required_daemon_types())
            wait_until(lambda: required <= set(instance.get_daemon_heartbeats()), 120, "daemon heartbeats")

            def probe_sensor_ticked():
                report = json.loads(health(env, "--json")[1])
                sensor = next(s for s in report["sensors"] if s["name"] == "health_probe_sensor")
                return report if sensor["last_tick"] else None

            wait_until(probe_sensor_ticked, 90, "the sensor's first tick")
            code, output = health(env, "--json")
            assert code == 0, output
            report = json.loads(output)
            assert report["status"] == "healthy" and report["problems"] == []
            assert report["postgres"]["ok"] is True and report["postgres"]["latency_ms"] > 0
            assert report["redis"]["ok"] is True and report["redis"]["latency_ms"] > 0
            assert {d["daemon"] for d in report["daemons"]} == required
            assert all(d["alive"] for d in report["daemons"])
            sensors = {s["name"]: s for s in report["sensors"]}
            assert sensors["health_probe_sensor"]["state"] == "running"
            assert sensors["health_probe_sensor"]["last_tick_status"] == "skipped"
            assert sensors["pipeline_failure_alert_sensor"]["state"] == "running"
            assert {"pipeline_failure_alert_sensor", "pipeline_recovery_alert_sensor"} <= set(sensors)
            job = next(j for j in report["jobs"] if j["name"] == "health_probe_job")
            assert job["last_run_id"] == failed.run_id and job["status"] == "FAILURE"
            assert job["duration_seconds"] is not None
            assert report["failures_24h"]["count"] == 1
            assert report["failures_24h"]["runs"][0]["run_id"] == failed.run_id

            code, table = health(env)
            assert code == 0
            assert "HEALTHY" in table and "health_probe_job" in table and "health_probe_sensor" in table

            printed = installed(env, "--prometheus")
            assert printed.returncode == 0, printed.stderr[-2000:]
            figures = metrics(printed.stdout)
            assert figures[("crm_pipelines_health_status", ())] == 0
            assert figures[("crm_pipelines_service_up", (("service", "postgres"),))] == 1
            assert figures[("crm_pipelines_run_failures_24h", ())] == 1
            assert figures[("crm_pipelines_job_last_run_success",
                            (("job", "health_probe_job"), ("status", "FAILURE")))] == 0
            assert figures[("crm_pipelines_instigator_running",
                            (("kind", "sensor"), ("name", "health_probe_sensor")))] == 1

            # the daemon launches the job; the run fails; the daemon's failure sensor alerts
            (home / "launch_probe_run").write_text("alert-probe-1")
            launched = wait_until(lambda: instance.get_run_records(
                filters=dg.RunsFilter(job_name="alert_probe_job", statuses=[dg.DagsterRunStatus.FAILURE],
                                      tags={"dagster/run_key": "alert-probe-1"})),
                180, "the launched run to fail")
            run_id = launched[0].dagster_run.run_id

            def probe_alerts():
                read = [slack_read(r["body"]["text"]) for r in webhook_server.requests]
                return [text for text in read if "alert_probe_job" in text]

            alert = wait_until(probe_alerts, 120, "the failure alert")[0]
            assert "Failed: alert_probe_job" in alert and "read_missing_table" in alert
            assert "health_probe_missing_table" in alert
            assert f"http://dagster.test:3000/runs/{run_id}" in alert
            assert len(probe_alerts()) == 1

            code, output = health({**env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, "--json")
            assert code == 1, output
            down = json.loads(output)
            assert down["status"] == "degraded" and down["redis"]["ok"] is False
            assert [p["level"] for p in down["problems"]] == ["degraded"]

            code, output = health({**env, "REDIS_URL": None}, "--json")
            assert code == 0, output
            assert json.loads(output)["redis"]["configured"] is False

            kill_daemon(daemon)
            for beat in instance.get_daemon_heartbeats().values():
                instance.add_daemon_heartbeat(DaemonHeartbeat(
                    beat.timestamp - 600, beat.daemon_type, beat.daemon_id, beat.errors))
            code, output = health(env, "--json")
            assert code == 2, output
            broken = json.loads(output)
            assert broken["status"] == "broken"
            assert not any(d["alive"] for d in broken["daemons"])
            assert broken["problems"][0]["problem"].startswith("Dagster daemon not running")
    finally:
        kill_daemon(daemon)


def test_postgres_down_is_broken_and_served_metrics_parse(deployment):
    home, env = deployment
    env = {**env, "POSTGRES_DSN": f"postgresql://postgres:hunter2secret@127.0.0.1:{free_port()}/crm"}
    code, output = health(env, "--json")
    assert code == 2
    report = json.loads(output)
    assert report["postgres"]["ok"] is False
    assert "hunter2secret" not in output
    assert report["problems"][0]["problem"].startswith("PostgreSQL does not answer")

    port = free_port()
    server = subprocess.Popen([str(BIN / "crm-pipelines"), "health", "-m", MODULE, "--serve", str(port)],
                              cwd=PROJECT, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def scrape():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                    return response.read().decode()
            except OSError:
                return None

        body = wait_until(scrape, 120, "the metrics endpoint")
        figures = metrics(body)
        assert figures[("crm_pipelines_health_status", ())] == 2
        assert figures[("crm_pipelines_service_up", (("service", "postgres"),))] == 0
        assert "hunter2secret" not in body
    finally:
        server.terminate()
        server.wait(30)
