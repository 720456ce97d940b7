"""cleanup_sensor: a SkipReason saying nothing is due when nothing is past its retention, one
RunRequest with a run_key stable for its CLEANUP_INTERVAL_HOURS window when something is, none
again in the same window; RUNNING or STOPPED with ENABLE_SCHEDULED_TASKS."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timedelta, timezone

import dagster as dg
import pytest
import sqlalchemy as sa

from crm_pipelines.cleanup.definitions import build_defs
from crm_pipelines.cleanup.jobs import build_cleanup_job
from crm_pipelines_tests.support import crm_factory as crm


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def _sensor(settings) -> dg.SensorDefinition:
    return next(iter(build_defs(settings).sensors))


def _tick(settings, instance, resources, cursor=None):
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"postgres": resources["postgres"]}
    ) as context:
        return _sensor(settings).evaluate_tick(context)


def test_cleanup_sensor_runs_only_when_something_is_past_retention(db, settings, resources, instance):
    tenant_id = crm.tenant(db, "Acme")
    crm.conversation(db, tenant_id, None, "recent", datetime.now(timezone.utc) - timedelta(days=1))

    quiet = _tick(settings, instance, resources)
    assert quiet.run_requests == []
    assert re.fullmatch(
        r"nothing to clean at \d\d:\d\d \(UTC\): no expired notifications, no idle "
        r"conversations, nothing past its retention",
        quiet.skip_message,
    )
    assert not any(json.loads(quiet.cursor)["pending"].values())

    crm.conversation(db, tenant_id, None, "idle", datetime.now(timezone.utc) - timedelta(days=10))
    due = _tick(settings, instance, resources, cursor=quiet.cursor)
    assert len(due.run_requests) == 1
    window = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)  # 1-hour windows
    assert due.run_requests[0].run_key in (
        f"cleanup:{window:%Y-%m-%dT%H:%M}",
        f"cleanup:{window - timedelta(hours=1):%Y-%m-%dT%H:%M}",
    )
    assert json.loads(due.cursor)["pending"]["idle_conversations"] is True

    again = _tick(settings, instance, resources, cursor=due.cursor)
    assert again.run_requests == [] and "idle conversations; already requested" in again.skip_message


def test_conversation_counts_of_a_past_month_left_unfolded_start_a_cleanup(db, settings, resources, instance):
    tenant_id = crm.tenant(db, "Acme")
    ana, bea = crm.seller(db, tenant_id, "Ana"), crm.seller(db, tenant_id, "Bea")
    crm.conversation(db, tenant_id, ana, "old", datetime.now(timezone.utc) - timedelta(days=40), status="closed")
    quiet = _tick(settings, instance, resources)
    assert quiet.run_requests == []

    # reassigned: -1 for Ana's month beside her +1, a second row for that key
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE conversations SET assigned_seller_id = :b"), {"b": bea})
    due = _tick(settings, instance, resources)
    assert len(due.run_requests) == 1
    assert json.loads(due.cursor)["pending"]["unfolded_conversation_counts"] is True
    again = _tick(settings, instance, resources, cursor=due.cursor)
    assert "conversation counts to fold; already requested" in again.skip_message

    build_cleanup_job(settings).execute_in_process(resources=resources)
    after = _tick(settings, instance, resources)
    assert after.run_requests == [] and not json.loads(after.cursor)["pending"]["unfolded_conversation_counts"]


@pytest.mark.parametrize(
    "enabled, expected", [(True, dg.DefaultSensorStatus.RUNNING), (False, dg.DefaultSensorStatus.STOPPED)]
)
def test_cleanup_sensor_follows_enable_scheduled_tasks(settings, enabled, expected):
    sensor = _sensor(dataclasses.replace(settings, enable_scheduled_tasks=enabled, cleanup_interval_hours=6))
    assert (sensor.name, sensor.default_status, sensor.minimum_interval_seconds) == (
        "cleanup_sensor",
        expected,
        6 * 3600,
    )
