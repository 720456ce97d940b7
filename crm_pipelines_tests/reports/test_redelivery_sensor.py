"""`daily_report_redelivery_sensor`: it asks for a delivering run of the latest report day when a
channel failed (not when it was only skipped), waits longer after each try, stops after
REDELIVERY_RUNS, and starts over for a new day. Evaluated with Dagster's build_sensor_context
against the real database; the run it asks for is the one test_delivery shows re-sending only
what was missing."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.definitions import build_defs
from crm_pipelines.reports.sensors import REDELIVERY_RUNS


def _store(db, day: date, delivered_to: dict) -> None:
    with db.begin() as conn:
        tenant = conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('Acme') RETURNING id")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO daily_reports (tenant_id, report_date, payload, html, delivered_to) "
                "VALUES (:t, :d, '{}', '', CAST(:dt AS jsonb))"
            ),
            {"t": tenant, "d": day, "dt": json.dumps(delivered_to)},
        )


def _tick(settings, resources, cursor=None):
    defs = dg.Definitions.merge(
        build_defs(settings),
        dg.Definitions(resources={"postgres": resources["postgres"], "socketio": resources["socketio"]}),
    )
    with dg.instance_for_test() as instance:
        with dg.build_sensor_context(
            instance=instance,
            cursor=cursor,
            resources={"postgres": resources["postgres"]},
            repository_def=defs.get_repository_def(),
        ) as context:
            return defs.resolve_sensor_def("daily_report_redelivery_sensor").evaluate_tick(context)


def test_failed_channel_asks_for_a_delivering_run_with_growing_gaps(db, settings, resources):
    day = daily_partitions(settings, include_today=False).get_last_partition_key()
    _store(db, date.fromisoformat(day), {"email": {"status": "failed"}, "slack": {"status": "sent"}})

    first = _tick(settings, resources)
    [request] = first.run_requests
    assert request.partition_key == day
    assert request.run_config == {"ops": {"daily_report": {"config": {"deliver": True}}}}
    assert request.run_key == f"redeliver:{day}:1"
    assert json.loads(first.cursor)["runs"] == 1

    # Right after a try the sensor waits (15 minutes, then 30, 60...).
    second = _tick(settings, resources, cursor=first.cursor)
    assert second.run_requests == [] and "waiting" in second.skip_message

    # After REDELIVERY_RUNS tries it stops asking for that day.
    spent = json.dumps({"day": day, "runs": REDELIVERY_RUNS, "last": "2000-01-01T00:00:00+00:00"})
    assert "already asked" in _tick(settings, resources, cursor=spent).skip_message

    # A cursor of an older day starts over for the new one.
    old = json.dumps({"day": "2025-01-01", "runs": REDELIVERY_RUNS, "last": "2000-01-01T00:00:00+00:00"})
    assert [r.run_key for r in _tick(settings, resources, cursor=old).run_requests] == [f"redeliver:{day}:1"]


def test_skipped_or_sent_channels_ask_for_nothing(db, settings, resources):
    day = daily_partitions(settings, include_today=False).get_last_partition_key()
    _store(db, date.fromisoformat(day), {"email": {"status": "skipped"}, "slack": {"status": "sent"}})
    result = _tick(settings, resources)
    assert result.run_requests == [] and "every report was delivered" in result.skip_message
