"""Freshness expectations on a real Dagster instance: stand-ins for `seller_metrics` and
`daily_report` (same keys and partitions as the real assets) are materialized; the checks run in
the same run and pass or fail as a person would judge by the clock; Dagster's freshness-check
sensor asks for the checks that never ran and leaves a passing one alone until its fresh-until
time; the health figures use the same verdicts; the whole code location loads with the alerting
definitions whether or not the checked assets exist."""

from datetime import datetime, timedelta, timezone

import dagster as dg

from crm_pipelines.alerting.definitions import build_defs
from crm_pipelines.alerting.freshness import (
    build_freshness_checks,
    build_freshness_sensor,
    daily_report_verdict,
    seller_metrics_verdict,
)
from crm_pipelines.settings import load_settings

SETTINGS = load_settings({"CRM_TIMEZONE": "America/Bogota", "METRICS_REFRESH_INTERVAL_MINUTES": "15",
                          "DAILY_REPORT_HOUR": "8"})
BOGOTA = SETTINGS.timezone


@dg.asset(name="seller_metrics", partitions_def=dg.DailyPartitionsDefinition(
    start_date="2025-01-01", timezone="America/Bogota", end_offset=1))
def seller_metrics_stand_in() -> None:
    return None


@dg.asset(name="daily_report", partitions_def=dg.DailyPartitionsDefinition(
    start_date="2025-01-01", timezone="America/Bogota"))
def daily_report_stand_in() -> None:
    return None


def _materialize(asset, partition: str, instance, checks=()) -> dg.ExecuteInProcessResult:
    selection = dg.AssetSelection.assets(asset) | dg.AssetSelection.checks_for_assets(asset)
    return dg.materialize([asset, *checks], partition_key=partition, instance=instance, selection=selection)


def test_seller_metrics_today_fresh_then_stale_after_two_missed_refreshes():
    checks = build_freshness_checks(SETTINGS)
    today = datetime.now(BOGOTA).date().isoformat()
    with dg.instance_for_test() as instance:
        assert seller_metrics_verdict(SETTINGS, instance).expected_materialized_at is None

        result = _materialize(seller_metrics_stand_in, today, instance, checks)
        evaluation = result.get_asset_check_evaluations()[0]
        assert evaluation.passed and evaluation.asset_check_key.name == "today_partition_fresh"
        assert f"partition {today}" in evaluation.description

        now = datetime.now(timezone.utc)
        assert seller_metrics_verdict(SETTINGS, instance, now=now + timedelta(minutes=29)).fresh
        late = seller_metrics_verdict(SETTINGS, instance, now=now + timedelta(minutes=31))
        assert not late.fresh and late.latest_partition == today


def test_old_partition_does_not_make_today_fresh():
    yesterday = (datetime.now(BOGOTA).date() - timedelta(days=1)).isoformat()
    with dg.instance_for_test() as instance:
        _materialize(seller_metrics_stand_in, yesterday, instance)
        verdict = seller_metrics_verdict(SETTINGS, instance)
        assert not verdict.fresh and verdict.latest_partition == yesterday


def test_daily_report_expects_yesterday_after_the_report_hour_plus_grace():
    with dg.instance_for_test() as instance:
        _materialize(daily_report_stand_in, "2026-03-09", instance)
        # 09:30 in Bogota on March 10: yesterday's report (March 9) is due and there
        at_930 = datetime(2026, 3, 10, 9, 30, tzinfo=BOGOTA)
        verdict = daily_report_verdict(SETTINGS, instance, now=at_930)
        assert verdict.expected_partition == "2026-03-09" and verdict.fresh
        # 08:30: not due yet, so the day before (March 8) is expected, and it is missing
        at_830 = datetime(2026, 3, 10, 8, 30, tzinfo=BOGOTA)
        verdict = daily_report_verdict(SETTINGS, instance, now=at_830)
        assert verdict.expected_partition == "2026-03-08" and not verdict.fresh
        # a day later, March 10's report is due and missing
        verdict = daily_report_verdict(SETTINGS, instance, now=at_930 + timedelta(days=1))
        assert verdict.expected_partition == "2026-03-10" and not verdict.fresh


def test_freshness_sensor_runs_checks_that_never_ran_and_skips_a_passing_one():
    checks = build_freshness_checks(SETTINGS)
    sensor = build_freshness_sensor(SETTINGS, checks)
    defs = dg.Definitions(assets=[seller_metrics_stand_in, daily_report_stand_in], asset_checks=checks,
                          sensors=[sensor])
    with dg.instance_for_test() as instance:
        _materialize(seller_metrics_stand_in, datetime.now(BOGOTA).date().isoformat(), instance, checks)
        data = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))
    requested = [key.to_user_string() for request in data.run_requests for key in request.asset_check_keys]
    assert requested == ["daily_report:yesterday_report_present"]


def test_alerting_definitions_load_without_the_checked_assets_and_in_the_code_location():
    alone = build_defs(SETTINGS).get_repository_def()
    assert {s.name for s in alone.sensor_defs} == {
        "pipeline_failure_alert_sensor", "pipeline_recovery_alert_sensor", "freshness_checks_sensor"}
    assert {k.asset_key.to_user_string() for k in alone.asset_graph.asset_check_keys} == {
        "seller_metrics", "daily_report"}

    from crm_pipelines.definitions import defs

    repo = defs.get_repository_def()
    names = {s.name for s in repo.sensor_defs}
    assert {"pipeline_failure_alert_sensor", "pipeline_recovery_alert_sensor",
            "freshness_checks_sensor"} <= names
    assert isinstance(repo.get_sensor_def("pipeline_failure_alert_sensor"), dg.RunStatusSensorDefinition)
