"""The sensors that drive `notification_checks_job`, evaluated with `build_sensor_context` on a real
instance and database: no run and a SkipReason saying what was seen when nothing is due; one
RunRequest (run_key naming the situations) when something is; none again for the same
situation; the sensor's count agrees with what the job then creates. The performance-alert
sensor follows materializations of today's seller_metrics partition only. Both start RUNNING or
STOPPED with ENABLE_SCHEDULED_TASKS."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timedelta, timezone

import dagster as dg
import pytest

from crm_pipelines.notifications.definitions import build_defs
from crm_pipelines.notifications.jobs import PLAN_OP, build_notification_checks_job
from crm_pipelines_tests.support import crm_factory as crm


@pytest.fixture(scope="module")
def instance():
    """One persistent instance for the module (creating one costs ~2 s); tests pass their own cursors."""
    with dg.instance_for_test() as instance:
        yield instance


def _sensors(settings):
    defs = build_defs(settings)
    return {s.name: s for s in defs.sensors}


def _tick(sensor, instance, resources, cursor=None):
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"postgres": resources["postgres"]}
    ) as context:
        return sensor.evaluate_tick(context)


def test_checks_sensor_requests_one_run_per_new_situation(db, settings, resources, instance):
    sensor = _sensors(settings)["notification_checks_sensor"]
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    crm.conversation(db, tenant_id, ana, "Answered recently", now - timedelta(minutes=10))

    quiet = _tick(sensor, instance, resources)
    assert quiet.run_requests == []
    assert re.fullmatch(
        r"nothing due at \d\d:\d\d \(UTC\): 0 unanswered, 0 hot leads, 0 follow-ups", quiet.skip_message
    ), quiet.skip_message
    assert json.loads(quiet.cursor)["due"] == {"unanswered": 0, "hot_lead": 0, "followup": 0}

    conv = crm.conversation(db, tenant_id, ana, "Waiting", now - timedelta(hours=2))
    crm.lead(db, tenant_id, ana, conv, "negotiation", next_follow_up=now - timedelta(hours=1))
    due = _tick(sensor, instance, resources, cursor=quiet.cursor)
    assert len(due.run_requests) == 1
    request = due.run_requests[0]
    assert request.run_key.startswith("due:1u-0h-1f:")
    assert request.run_config == {
        "ops": {PLAN_OP: {"config": {"rules": ["unanswered", "hot_lead", "followup"]}}}
    }

    same = _tick(sensor, instance, resources, cursor=due.cursor)
    assert same.run_requests == []
    assert "1 unanswered, 0 hot leads, 1 follow-ups, already requested" in same.skip_message

    result = build_notification_checks_job(settings).execute_in_process(
        resources=resources, run_config=request.run_config
    )
    assert result.success and len(crm.notification_ids(db)) == 2
    after = _tick(sensor, instance, resources, cursor=same.cursor)
    assert after.run_requests == [] and after.skip_message.startswith("nothing due at")

    # A new situation (another customer waits) is a new run_key.
    crm.conversation(db, tenant_id, ana, "Another", now - timedelta(hours=5))
    new = _tick(sensor, instance, resources, cursor=after.cursor)
    assert [r.run_key.split(":")[1] for r in new.run_requests] == ["1u-0h-0f"]
    assert new.run_requests[0].run_key != request.run_key


def test_a_request_that_did_not_clear_its_situation_is_requested_again_later(
    db, settings, resources, instance
):
    """The cursor says this exact situation was requested 31 minutes ago and it is still due: the
    run failed or was cancelled, so the sensor asks again under a new run_key."""
    sensor = _sensors(settings)["notification_checks_sensor"]
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    crm.conversation(db, tenant_id, crm.seller(db, tenant_id, "Ana"), "Waiting", now - timedelta(hours=2))
    first = _tick(sensor, instance, resources)
    cursor = json.loads(first.cursor)
    cursor["requested"]["at"] = (now - timedelta(minutes=31)).isoformat()

    again = _tick(sensor, instance, resources, cursor=json.dumps(cursor))

    assert len(again.run_requests) == 1
    assert again.run_requests[0].run_key.startswith(first.run_requests[0].run_key + ":again-")


def test_sensor_count_agrees_with_what_the_job_creates(db, settings, resources, instance):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana, bruno = crm.seller(db, tenant_id, "Ana"), crm.seller(db, tenant_id, "Bruno")
    for i, seller in enumerate([ana, bruno, ana]):
        conv = crm.conversation(db, tenant_id, seller, f"C{i}", now - timedelta(hours=1, minutes=1 + i))
        crm.lead(
            db,
            tenant_id,
            seller,
            conv,
            "new",
            probability=0.85 + i / 100,
            last_contact_time=now - timedelta(hours=3) if i else None,
        )
        crm.lead(db, tenant_id, seller, conv, "contacted", probability=0.5)
        crm.lead(
            db, tenant_id, seller, conv, "interested", next_follow_up=now + timedelta(hours=i - 1, minutes=30)
        )
    crm.conversation(db, tenant_id, None, "Unassigned", now - timedelta(hours=3))

    tick = _tick(_sensors(settings)["notification_checks_sensor"], instance, resources)
    assert json.loads(tick.cursor)["due"] == {"unanswered": 3, "hot_lead": 3, "followup": 1}
    result = build_notification_checks_job(settings).execute_in_process(
        resources=resources, run_config=tick.run_requests[0].run_config
    )
    created = [result.output_for_node(f"check_{rule}") for rule in ("unanswered", "hot_lead", "followup")]
    assert created == [3, 3, 1]


def test_performance_sensor_follows_todays_seller_metrics_partition(db, settings, resources, instance):
    sensor = _sensors(settings)["performance_alerts_sensor"]
    today = datetime.now(timezone.utc).date()
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    crm.seller_metrics_row(db, tenant_id, ana, today,
                           conversations_unanswered=1, avg_response_time_minutes=10)

    def refresh(day) -> None:
        instance.report_runless_asset_event(dg.AssetMaterialization("seller_metrics", partition=str(day)))

    nothing = _tick(sensor, instance, resources)
    assert nothing.run_requests == []
    assert nothing.skip_message.startswith(f"no new materialization of seller_metrics {today}")

    refresh(today - timedelta(days=3))
    old_day = _tick(sensor, instance, resources, cursor=nothing.cursor)
    assert old_day.run_requests == []

    refresh(today)
    calm = _tick(sensor, instance, resources, cursor=old_day.cursor)
    assert calm.run_requests == []
    assert "no seller over the limits without an alert" in calm.skip_message

    with db.begin() as conn:
        conn.exec_driver_sql("UPDATE seller_metrics SET conversations_unanswered = 12")
    refresh(today)
    fired = _tick(sensor, instance, resources, cursor=calm.cursor)
    assert len(fired.run_requests) == 1
    assert fired.run_requests[0].run_key.startswith(f"performance:{today}:")
    assert _tick(sensor, instance, resources, cursor=fired.cursor).run_requests == []

    result = build_notification_checks_job(settings).execute_in_process(
        resources=resources, run_config=fired.run_requests[0].run_config
    )
    assert result.success
    assert crm.notification_ids(db) == [f"performance_{ana}_{today:%Y%m%d}_{ana}"]
    skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert skipped == {"check_unanswered", "check_hot_lead", "check_followup"}

    refresh(today)  # the next refresh: the alert exists, no run
    assert _tick(sensor, instance, resources, cursor=fired.cursor).run_requests == []


@pytest.mark.parametrize(
    "enabled, expected", [(True, dg.DefaultSensorStatus.RUNNING), (False, dg.DefaultSensorStatus.STOPPED)]
)
def test_sensors_follow_enable_scheduled_tasks(settings, enabled, expected):
    sensors = _sensors(dataclasses.replace(settings, enable_scheduled_tasks=enabled))
    assert {name: s.default_status for name, s in sensors.items()} == {
        "notification_checks_sensor": expected,
        "performance_alerts_sensor": expected,
    }
    assert sensors["notification_checks_sensor"].minimum_interval_seconds == 5 * 60
