"""`daily_report_redelivery_sensor`: it asks for a daily_report_delivery_job run of the latest
report day when a channel failed, was left pending by a run that stopped, or was never tried
(delivered_to = {} included), not when it was only skipped, is interrupted, or is a live send;
it waits longer after each try, stops after REDELIVERY_RUNS, and starts over for a new day.
Evaluated with Dagster's build_sensor_context against the real database; the run it asks for is
the one test_delivery shows re-sending only what was missing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports import sensors as reports_sensors
from crm_pipelines.reports.definitions import build_defs
from crm_pipelines.reports.sensors import REDELIVERY_RUNS

ALL_SENT = {c: {"status": "sent"} for c in ("socketio", "email", "slack", "teams")}


def _store(db, day: date, delivered_to: dict, stored_minutes_ago: int = 60) -> None:
    with db.begin() as conn:
        tenant = conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('Acme') RETURNING id")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO daily_reports (tenant_id, report_date, payload, html, delivered_to, created_at) "
                "VALUES (:t, :d, '{}', '', CAST(:dt AS jsonb), now() - make_interval(mins => :m))"
            ),
            {"t": tenant, "d": day, "dt": json.dumps(delivered_to), "m": stored_minutes_ago},
        )


def _ago(minutes: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


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
    _store(db, date.fromisoformat(day), ALL_SENT | {"email": {"status": "failed"}})

    first = _tick(settings, resources)
    [request] = first.run_requests
    assert request.partition_key == day  # for daily_report_delivery_job, the sensor's job
    assert request.run_config == {}  # the job's defaults: every channel not yet sent
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
    _store(db, date.fromisoformat(day), ALL_SENT | {"email": {"status": "skipped"}})
    result = _tick(settings, resources)
    assert result.run_requests == [] and "every report was delivered" in result.skip_message


def test_a_report_never_delivered_or_left_pending_asks_for_a_run(db, settings, resources):
    """Two blind spots: a report killed mid-delivery left delivered_to = {}, and a
    dropped connection left Slack and Teams never tried; both looked "delivered" to a sensor that
    only looked for `failed`. A channel left pending by a stopped run is also found."""
    day = date.fromisoformat(daily_partitions(settings, include_today=False).get_last_partition_key())
    _store(db, day, {})
    _store(db, day, {"socketio": {"status": "sent"}, "email": {"status": "sent"}})
    _store(db, day, ALL_SENT | {"email": {"status": "pending", "at": _ago(30)}})
    result = _tick(settings, resources)
    assert [r.run_key for r in result.run_requests] == [f"redeliver:{day.isoformat()}:1"]
    # What the sensor's query found, channel by channel (the sensor logs the same list).
    with db.connect() as conn:
        found = conn.execute(
            load_sql(reports_sensors.__file__, "undelivered.sql"),
            {"report_date": day, "channels": ["socketio", "email", "slack", "teams"],
             "settled_before": datetime.now(timezone.utc) - timedelta(minutes=10)},
        ).all()
    assert [(r.tenant_id, r.channels) for r in found] == [
        (1, ["email", "slack", "socketio", "teams"]),
        (2, ["slack", "teams"]),
        (3, ["email"]),
    ]


def test_a_live_delivery_and_an_interrupted_channel_ask_for_nothing(db, settings, resources):
    """A pending of a few seconds ago is a send in progress, a report stored a minute ago waits
    for the delivery sensor's run, and an interrupted channel waits for a person."""
    day = date.fromisoformat(daily_partitions(settings, include_today=False).get_last_partition_key())
    _store(db, day, ALL_SENT | {"email": {"status": "pending", "at": _ago(1)}})
    _store(db, day, {}, stored_minutes_ago=1)
    _store(db, day, ALL_SENT | {"email": {"status": "interrupted", "at": _ago(30)}})
    result = _tick(settings, resources)
    assert result.run_requests == [] and "every report was delivered" in result.skip_message
