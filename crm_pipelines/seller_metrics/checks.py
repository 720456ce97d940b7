"""Asset checks of `seller_metrics`: the rows it wrote, and the CRM rows it had to skip.

The checks are unpartitioned (partitioned checks are a preview in Dagster 1.13) and read a
window of days: in a run of seller_metrics_job, the run's partition or backfill range; launched
alone from the UI, the latest day in the table. Output checks fail with ERROR severity; source
checks flag bad CRM rows with WARN severity: those rows are skipped or left unattributed by the
SQL and never stop the other sellers' metrics. Each result carries the count and examples.
"""


from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import dagster as dg

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.seller_metrics.assets import partition_dates
from crm_pipelines.settings import Settings

ASSET = dg.AssetKey("seller_metrics")

OUTPUT_CHECKS = {
    "rows_for_every_active_seller": "Every active seller of every tenant has a row for every day of the window.",
    "rates_in_range": "engagement_rate is within 0..1, conversion_rate is not negative, productivity_score is within 0..10.",
    "counts_non_negative": "No count or time in minutes is negative.",
    "replies_within_messages_sent": "A seller's replies never outnumber the messages they sent that day.",
}
SOURCE_CHECKS = {
    "lead_probability_in_range": "Leads' conversion_probability is within 0..1 (NaN and Infinity are not); "
                                 "leads outside it are never counted as hot.",
    "message_senders_known": "Messages of the window have a known sender_type, and seller messages a "
                              "seller_id of a seller of their tenant.",
    "seller_messages_have_seller": "Seller messages of the window say which seller sent them "
                                   "(without seller_id they answer the turn but count for nobody).",
    "assignments_within_tenant": "Conversations and leads are assigned to sellers of their own tenant "
                                 "(others count for nobody).",
    "no_future_timestamps": "No message, conversation or lead is dated in the future.",
}


def checked_window(context: dg.AssetCheckExecutionContext, postgres: PostgresResource,
                   settings: Settings) -> tuple[date, date]:
    """The run's partitions, or (a check launched on its own) the latest day in the table."""
    if context.has_partition_key or context.has_partition_key_range:
        return partition_dates(context)
    latest = postgres.fetch_scalar("SELECT max(period) FROM seller_metrics")
    if latest is None:
        latest = datetime.now(settings.timezone).date()
    return latest, latest + timedelta(days=1)


def _params(start: date, end: date, settings: Settings) -> dict:
    return {"start_date": start, "end_date": end, "now": datetime.now(timezone.utc), "tz": settings.crm_timezone}


def _results(rows, severity: dg.AssetCheckSeverity, start: date, end: date) -> Iterator[dg.AssetCheckResult]:
    for row in rows:
        metadata = {
            "failures": dg.MetadataValue.int(row.failures),
            "examples": dg.MetadataValue.json(list(row.examples or [])),
            "window": dg.MetadataValue.text(f"{start} .. {end - timedelta(days=1)}"),
        }
        if getattr(row, "days", None) is not None:
            metadata["days_checked"] = dg.MetadataValue.int(row.days)
        yield dg.AssetCheckResult(asset_key=ASSET, check_name=row.check_name, passed=row.failures == 0,
                                  severity=severity, metadata=metadata)


def build_seller_metrics_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    @dg.multi_asset_check(
        name="seller_metrics_output_checks",
        specs=[dg.AssetCheckSpec(name, asset=ASSET, description=text) for name, text in OUTPUT_CHECKS.items()],
        retry_policy=transient_retry_policy(settings),
    )
    def seller_metrics_output_checks(context: dg.AssetCheckExecutionContext,
                                     postgres: PostgresResource) -> Iterator[dg.AssetCheckResult]:
        """The window's rows against SPEC section 2's invariants."""
        with retry_only_transient():
            start, end = checked_window(context, postgres, settings)
            rows = postgres.fetch_all(load_sql(__file__, "check_output.sql"), **_params(start, end, settings))
        yield from _results(rows, dg.AssetCheckSeverity.ERROR, start, end)

    @dg.multi_asset_check(
        name="seller_metrics_source_checks",
        specs=[dg.AssetCheckSpec(name, asset=ASSET, description=text,
                                 additional_deps=["sellers", "conversations", "messages", "leads"])
               for name, text in SOURCE_CHECKS.items()],
        retry_policy=transient_retry_policy(settings),
    )
    def seller_metrics_source_checks(context: dg.AssetCheckExecutionContext,
                                     postgres: PostgresResource) -> Iterator[dg.AssetCheckResult]:
        """CRM rows that seller_metrics skipped or could not attribute."""
        with retry_only_transient():
            start, end = checked_window(context, postgres, settings)
            rows = postgres.fetch_all(load_sql(__file__, "check_sources.sql"), **_params(start, end, settings))
        yield from _results(rows, dg.AssetCheckSeverity.WARN, start, end)

    return [seller_metrics_output_checks, seller_metrics_source_checks]
