"""`daily_report_delivery_sensor`: a materialization of the latest finished day, however it was
started (the schedule, a hand-run materialization from the UI), asks for one
daily_report_delivery_job run of that day with a run_key stable per materialization; a second
tick asks for nothing new; a materialization of an older day (a backfill) asks for nothing; a
sensor switched on for the first time does not replay history. The materializations are real
(`materialize` on a real Dagster instance and database); the tick is Dagster's evaluate_tick."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.definitions import build_defs
from crm_pipelines_tests.reports.conftest import run_report


def _tick(settings, instance, cursor=None) -> dg.SensorExecutionData:
    none = dg.ResourceDefinition.none_resource()
    defs = dg.Definitions.merge(build_defs(settings), dg.Definitions(resources={"postgres": none, "socketio": none}))
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, repository_def=defs.get_repository_def()
    ) as context:
        return defs.resolve_sensor_def("daily_report_delivery_sensor").evaluate_tick(context)


def test_a_hand_run_materialization_of_the_latest_day_is_delivered_once(db, settings, resources):
    latest = daily_partitions(settings, include_today=False).get_last_partition_key()
    older = (date.fromisoformat(latest) - timedelta(days=3)).isoformat()
    with dg.instance_for_test() as instance:
        run_report(settings, resources, day=date.fromisoformat(older), instance=instance)
        first = _tick(settings, instance)  # a new sensor: only the newest materialization counts
        assert first.run_requests == [] and "only older days" in first.skip_message

        # A materialization started by hand (no schedule tag): it is delivered all the same.
        result = run_report(settings, resources, day=date.fromisoformat(latest), instance=instance)
        second = _tick(settings, instance, cursor=first.cursor)
        [request] = second.run_requests
        storage_id = instance.fetch_materializations(dg.AssetKey("daily_report"), limit=1).records[0].storage_id
        assert request.partition_key == latest  # a run of daily_report_delivery_job, the sensor's job
        assert request.run_key == f"deliver:{latest}:{storage_id}"
        assert request.tags["crm_pipelines/report_materialization"] == f"{result.run_id}:{storage_id}"

        third = _tick(settings, instance, cursor=second.cursor)
        assert third.run_requests == [] and "no new daily_report materialization" in third.skip_message

        # A backfill of older days, then yesterday again: one request, for yesterday only.
        run_report(settings, resources, partition_range=(older, latest), instance=instance)
        fourth = _tick(settings, instance, cursor=third.cursor)
        assert [r.partition_key for r in fourth.run_requests] == [latest]
