"""The deployment at work: code server, webserver and daemon as separate processes on the
production instance settings (PostgreSQL storage, queued runs, one run at a time per job), driven
through the webserver's GraphQL API as an operator's tools would.

Covers: the health checks docker-compose.yml uses answer on a running deployment; a 30-day
backfill of seller_metrics completes as one run and writes a row per active seller per day;
the notification sensor, switched on through the API, has the daemon launch a checks run through
the run queue when a customer waits unanswered; two requested runs of the same job never run at
the same time. The backfill is submitted first and checked last: the daemon's backfill loop
runs every 30 seconds, and the other tests run meanwhile.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta, timezone

import pytest
import requests
import sqlalchemy as sa

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines_tests.deployment.conftest import (
    ACTIVE_SELLERS,
    ANA,
    RunningDeployment,
    add_unanswered_conversation,
)
from crm_pipelines_tests.deployment.harness import wait_until

pytestmark = pytest.mark.deployment

CHECKS_JOB = "notification_checks_job"
CHECKS_SENSOR = "notification_checks_sensor"


def days_before(day: date, count: int) -> list[str]:
    """Partition keys of the `count` days before `day`, oldest first."""
    return [(day - timedelta(days=n)).isoformat() for n in range(count, 0, -1)]


@pytest.fixture(scope="module", autouse=True)
def seller_metrics_backfill(deployment: RunningDeployment) -> tuple[str, list[str]]:
    """30 days of seller_metrics, submitted through the API as soon as this module starts: the
    daemon looks at backfills every 30 seconds, so the other tests run while it gets to it."""
    yesterday = deployment.small_crm.answered_day + timedelta(days=10)  # as the fixture built it
    keys = days_before(yesterday + timedelta(days=1), 30)
    assert deployment.small_crm.answered_day.isoformat() in keys
    return deployment.api.launch_asset_backfill("seller_metrics", keys), keys


def test_the_compose_health_checks_answer_on_a_running_deployment(deployed: RunningDeployment, redis_url: str):
    deployment = deployed.deployment
    grpc = deployment.run_cli("dagster", "api", "grpc-health-check", "-h", "127.0.0.1",
                              "-p", str(deployment.grpc_port))
    assert grpc.returncode == 0, grpc.stdout + grpc.stderr
    daemon = deployment.run_cli("dagster-daemon", "liveness-check")
    assert (daemon.returncode, daemon.stdout.strip()) == (0, "Daemon live"), daemon.stderr
    info = requests.get(f"{deployed.webserver_url}/server_info", timeout=10)
    assert info.status_code == 200 and info.json()["dagster_version"] == "1.13.27"
    assert subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True,
                          check=False).returncode == 0
    ping = subprocess.run(["redis-cli", "-u", redis_url, "ping"], capture_output=True, text=True, check=False)
    assert ping.stdout.strip() == "PONG"


def test_the_notification_sensor_switched_on_through_the_api_launches_a_queued_run(deployed: RunningDeployment):
    assert deployed.api.sensor_status(CHECKS_SENSOR) == "STOPPED"  # ENABLE_SCHEDULED_TASKS=false
    conversation, asked = add_unanswered_conversation(deployed.crm, deployed.small_crm.tenant_id,
                                                      waiting=timedelta(hours=2))
    try:
        assert deployed.api.start_sensor(CHECKS_SENSOR) == "RUNNING"
        runs = wait_until(lambda: [r for r in deployed.api.runs(pipelineName=CHECKS_JOB)
                                   if r["tags"].get("dagster/sensor_name") == CHECKS_SENSOR],
                          120, "the sensor's first run", every=1)
    finally:
        deployed.api.stop_sensor(CHECKS_SENSOR)

    (run,) = runs
    (run,) = deployed.api.wait_for_runs([run["runId"]], 120)
    assert run["status"] == "SUCCESS"
    assert run["tags"]["crm_pipelines/due"].startswith("1 unanswered")  # what the sensor saw
    events = deployed.api.run_event_types(run["runId"])
    # queued by the run coordinator, then taken off the queue and launched by the daemon
    assert events.index("RunEnqueuedEvent") < events.index("RunStartingEvent") < events.index("RunStartEvent")

    expected_id = f"unanswered_{conversation}_{int(asked.timestamp())}"
    with deployed.crm.connect() as conn:
        row = conn.execute(sa.text("SELECT type, recipient_id FROM notifications WHERE id = :id"),
                           {"id": expected_id}).one_or_none()
    assert row is not None and (row.type, row.recipient_id) == ("unanswered", ANA)


def test_two_requested_runs_of_the_same_job_never_run_at_once(deployed: RunningDeployment):
    first = deployed.api.submit_job(CHECKS_JOB)
    second = deployed.api.submit_job(CHECKS_JOB)

    runs = deployed.api.wait_for_runs([first, second], 180)

    assert [r["status"] for r in runs] == ["SUCCESS", "SUCCESS"]
    assert all(r["tags"][JOB_TAG] == CHECKS_JOB for r in runs)  # the limit's tag came from the job
    (a_start, a_end), (b_start, b_end) = sorted((r["startTime"], r["endTime"]) for r in runs)
    assert a_end <= b_start, (
        f"runs overlapped: {datetime.fromtimestamp(a_start, timezone.utc):%H:%M:%S.%f}-"
        f"{datetime.fromtimestamp(a_end, timezone.utc):%H:%M:%S.%f} and "
        f"{datetime.fromtimestamp(b_start, timezone.utc):%H:%M:%S.%f}-"
        f"{datetime.fromtimestamp(b_end, timezone.utc):%H:%M:%S.%f}")


def test_a_30_day_backfill_of_seller_metrics_is_one_run_with_a_row_per_active_seller_and_day(
        deployed: RunningDeployment, seller_metrics_backfill: tuple[str, list[str]]):
    backfill_id, keys = seller_metrics_backfill
    crm = deployed.small_crm
    backfill = wait_until(
        lambda: (b := deployed.api.backfill(backfill_id))["status"] not in ("REQUESTED", "CANCELING") and b,
        240, f"backfill {backfill_id} to finish", every=2)

    assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), backfill
    assert backfill["numPartitions"] == 30
    (run,) = backfill["runs"]
    assert run["status"] == "SUCCESS"
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == \
        (keys[0], keys[-1])

    with deployed.crm.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT seller_id, period, messages_sent, replies, avg_response_time_minutes FROM seller_metrics"
            " WHERE tenant_id = :t AND period BETWEEN :first AND :last ORDER BY period, seller_id"
        ), {"t": crm.tenant_id, "first": date.fromisoformat(keys[0]), "last": date.fromisoformat(keys[-1])}).all()
    assert len(rows) == 30 * len(ACTIVE_SELLERS)
    assert {r.period.isoformat() for r in rows} == set(keys)
    assert {r.seller_id for r in rows} == set(ACTIVE_SELLERS)  # Carla is inactive: no rows
    busy = [(r.seller_id, r.period, r.messages_sent, r.replies, float(r.avg_response_time_minutes))
            for r in rows if r.messages_sent]
    assert busy == [(ANA, crm.answered_day, 1, 1, 12.0)]
