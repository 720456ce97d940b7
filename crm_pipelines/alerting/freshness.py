"""Freshness expectations: today's `seller_metrics` partition and yesterday's `daily_report`.

One rule per asset, used twice: by the asset checks the Dagster UI shows (run by Dagster's
freshness-check sensor) and by `crm-pipelines health`, so both always agree. The checks target
the assets by key: they belong to other packages, and the code location still loads while an
asset is missing (the check then reports it was never materialized).

- seller_metrics: today's partition (local day in CRM_TIMEZONE) was materialized less than
  2 x METRICS_REFRESH_INTERVAL_MINUTES ago (one missed refresh is tolerated, two are not).
- daily_report: yesterday's partition exists once DAILY_REPORT_HOUR + 1 hour has passed
  (before that, the day before yesterday's).
"""

# No `from __future__ import annotations`: Dagster reads the check functions' `context` type hint.

import warnings
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import dagster as dg

from crm_pipelines.automation import sensor_status
from crm_pipelines.settings import Settings

SELLER_METRICS = dg.AssetKey("seller_metrics")
DAILY_REPORT = dg.AssetKey("daily_report")
# Dagster's freshness-check sensor re-runs a passing check once this time has passed.
FRESH_UNTIL_KEY = "dagster/fresh_until_timestamp"
REPORT_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class FreshnessVerdict:
    asset: str
    expected_partition: str
    fresh: bool
    expectation: str
    expected_materialized_at: datetime | None  # last materialization of the expected partition
    latest_partition: str | None  # the most recently materialized partition, whatever it is
    latest_materialized_at: datetime | None
    fresh_until: datetime | None

    @property
    def age_seconds(self) -> float | None:
        """How old the latest materialization of the expected partition is (None: never)."""
        if self.expected_materialized_at is None:
            return None
        return max(0.0, (datetime.now(timezone.utc) - self.expected_materialized_at).total_seconds())

    def describe(self) -> str:
        if self.expected_materialized_at is None:
            return f"partition {self.expected_partition} not materialized yet ({self.expectation})"
        state = "fresh" if self.fresh else "stale"
        minutes = (self.age_seconds or 0) / 60
        return (f"{state}: partition {self.expected_partition} materialized {minutes:.0f} min ago "
                f"({self.expectation})")


def _last_materialization(instance: dg.DagsterInstance, key: dg.AssetKey,
                          partition: str | None) -> tuple[str | None, datetime | None]:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None), limit=1
    ).records
    if not records:
        return None, None
    record = records[0]
    return record.partition_key, datetime.fromtimestamp(record.timestamp, timezone.utc)


def metrics_max_age(settings: Settings) -> timedelta:
    return timedelta(minutes=2 * settings.metrics_refresh_interval_minutes)


def seller_metrics_verdict(settings: Settings, instance: dg.DagsterInstance,
                           now: datetime | None = None) -> FreshnessVerdict:
    now = now or datetime.now(timezone.utc)
    today = now.astimezone(settings.timezone).date().isoformat()
    max_age = metrics_max_age(settings)
    _, at = _last_materialization(instance, SELLER_METRICS, today)
    latest_partition, latest_at = _last_materialization(instance, SELLER_METRICS, None)
    fresh = at is not None and now - at <= max_age
    return FreshnessVerdict(
        asset="seller_metrics", expected_partition=today, fresh=fresh,
        expectation=f"today's partition refreshed within {int(max_age.total_seconds() // 60)} min",
        expected_materialized_at=at, latest_partition=latest_partition, latest_materialized_at=latest_at,
        fresh_until=(at + max_age) if fresh and at else None,
    )


def report_deadline(settings: Settings, day: date) -> datetime:
    """When the report for `day` must exist: the next local day at DAILY_REPORT_HOUR + grace."""
    start = datetime.combine(day + timedelta(days=1), time(settings.daily_report_hour), settings.timezone)
    return start + REPORT_GRACE


def daily_report_verdict(settings: Settings, instance: dg.DagsterInstance,
                         now: datetime | None = None) -> FreshnessVerdict:
    now = now or datetime.now(timezone.utc)
    yesterday = now.astimezone(settings.timezone).date() - timedelta(days=1)
    expected_day = yesterday if now >= report_deadline(settings, yesterday) else yesterday - timedelta(days=1)
    expected = expected_day.isoformat()
    _, at = _last_materialization(instance, DAILY_REPORT, expected)
    latest_partition, latest_at = _last_materialization(instance, DAILY_REPORT, None)
    fresh = at is not None
    return FreshnessVerdict(
        asset="daily_report", expected_partition=expected, fresh=fresh,
        expectation=f"yesterday's report by {settings.daily_report_hour + 1:02d}:00 {settings.crm_timezone}",
        expected_materialized_at=at, latest_partition=latest_partition, latest_materialized_at=latest_at,
        fresh_until=report_deadline(settings, expected_day + timedelta(days=1)) if fresh else None,
    )


def all_verdicts(settings: Settings, instance: dg.DagsterInstance) -> list[FreshnessVerdict]:
    return [seller_metrics_verdict(settings, instance), daily_report_verdict(settings, instance)]


def _result(verdict: FreshnessVerdict) -> dg.AssetCheckResult:
    metadata: dict[str, dg.RawMetadataValue] = {
        "expected_partition": verdict.expected_partition,
        "expectation": verdict.expectation,
        "latest_partition": verdict.latest_partition or "none",
    }
    if verdict.expected_materialized_at is not None:
        metadata["dagster/last_updated_timestamp"] = dg.MetadataValue.timestamp(
            verdict.expected_materialized_at)
    if verdict.fresh_until is not None:
        metadata[FRESH_UNTIL_KEY] = dg.MetadataValue.timestamp(verdict.fresh_until)
    return dg.AssetCheckResult(passed=verdict.fresh, severity=dg.AssetCheckSeverity.WARN,
                               description=verdict.describe(), metadata=metadata)


def build_freshness_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(asset=SELLER_METRICS, name="today_partition_fresh",
                    description="Today's seller_metrics partition was refreshed within "
                                "2 x METRICS_REFRESH_INTERVAL_MINUTES.")
    def seller_metrics_today_fresh(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        return _result(seller_metrics_verdict(settings, context.instance))

    @dg.asset_check(asset=DAILY_REPORT, name="yesterday_report_present",
                    description="Yesterday's daily_report exists by DAILY_REPORT_HOUR + 1 hour.")
    def daily_report_yesterday_present(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        return _result(daily_report_verdict(settings, context.instance))

    return [seller_metrics_today_fresh, daily_report_yesterday_present]


def build_freshness_sensor(settings: Settings,
                           checks: list[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    """Dagster's own sensor: runs a check when it has never run or its fresh-until time passed.

    Dagster 1.13 marks it superseded by `FreshnessPolicy`, but a policy must be attached to the
    asset definition itself, which this package does not own; the sensor works on checks by key.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*superseded.*")
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            name="freshness_checks_sensor",
            minimum_interval_seconds=300,
            default_status=sensor_status(settings),
        )
