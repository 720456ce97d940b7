"""The `seller_metrics` asset: one partition per local day, backfilled in a single run.

A run of any partition range computes the whole range in one SQL pass and replaces exactly
those days' rows in one transaction (`compute.write_seller_metrics`); then it publishes the
range's latest day to the Redis cache and to Socket.IO (`publish.py`), best effort.
"""


import math
import time
from datetime import date, datetime, timezone
from typing import Any

import dagster as dg

from crm_pipelines.crmventas.freshness import ensure_mirrors
from crm_pipelines.escaping import markdown
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.seller_metrics.compute import WriteStats, write_seller_metrics
from crm_pipelines.seller_metrics.publish import PublishOutcome, publish_latest_day
from crm_pipelines.settings import Settings

SOURCE_DEPS = ["sellers", "conversations", "messages", "leads"]
# The preview shows each tenant's top sellers; metadata is stored with every partition's event,
# so it stays small: at most this many tenants.
PREVIEW_SELLERS = 10
NO_VALUE = "—"
PREVIEW_TENANTS = 20
PREVIEW_COLUMNS = ("tenant", "rank", "seller", "score", "sent", "replies", "avg response (min)",
                   "engagement", "converted", "activity")
PREVIEW_ALIGN = ("---:", "---:", ":---", "---:", "---:", "---:", "---:", "---:", "---:", ":---")


def partition_dates(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> tuple[date, date]:
    """The run's local days as [start, end): one partition or a whole backfill range."""
    window = context.partition_time_window
    return window.start.date(), window.end.date()


def build_seller_metrics_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        name="seller_metrics",
        partitions_def=daily_partitions(settings, include_today=True),
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=SOURCE_DEPS,
        retry_policy=transient_retry_policy(settings),
        group_name="seller_metrics",
        kinds={"postgres", "redis"},
    )
    def seller_metrics(context: dg.AssetExecutionContext, postgres: PostgresResource,
                       redis: RedisResource, socketio: SocketIOResource) -> dg.MaterializeResult:
        """Each active seller's day in numbers: conversations handled and left unanswered,
        messages and replies, response times (mean, median, p90, first response), engagement,
        leads generated and converted, hot leads and due follow-ups, and a 0-10 productivity
        score with the seller's rank in the team. One row per tenant, seller and local day in
        the `seller_metrics` table; today's row is refreshed while the day runs."""
        started = time.perf_counter()
        start_date, end_date = partition_dates(context)
        now = datetime.now(timezone.utc)
        with retry_only_transient():
            # CRM_SOURCE=crmventas: the mirrors first, no older than this run's start.
            synced = ensure_mirrors(settings, postgres, now, context.log.info)
            with postgres.begin() as conn:
                stats = write_seller_metrics(conn, start_date, end_date, now, settings)
        context.log.info(f"seller_metrics {start_date} .. {end_date}: {stats.rows_written} rows "
                         f"written, {stats.rows_deleted} replaced, SQL {stats.sql_seconds:.2f}s")

        # Rows are committed: from here on nothing may fail the materialization.
        try:
            outcome = publish_latest_day(stats, redis, socketio)
        except Exception as err:  # noqa: BLE001 - the cache and events are best effort
            context.log.warning(f"seller_metrics: publishing the latest day failed: {type(err).__name__}")
            failure = f"publishing failed ({type(err).__name__})"
            outcome = PublishOutcome(False, f"cache not refreshed: {failure}", 0, 0, failure)
        if not outcome.cache_refreshed and redis.enabled and not stats.later_period_exists:
            context.log.warning(f"seller_metrics: {outcome.cache_status}")
        if outcome.events_failed:
            context.log.warning(f"seller_metrics: {outcome.events_failed} metrics_updated event(s) not sent")
        metadata = _metadata(stats, outcome, time.perf_counter() - started)
        if synced is not None:
            metadata["crm_ventas_sync"] = dg.MetadataValue.json(synced)
        return dg.MaterializeResult(metadata=metadata)

    return seller_metrics


def _metadata(stats: WriteStats, outcome: PublishOutcome, total_seconds: float) -> dict[str, Any]:
    last_day = stats.end_date.toordinal() - 1
    return {
        "window": dg.MetadataValue.text(f"{stats.start_date} .. {date.fromordinal(last_day)}"),
        "dagster/row_count": dg.MetadataValue.int(stats.rows_written),
        "rows_written": dg.MetadataValue.int(stats.rows_written),
        "rows_replaced": dg.MetadataValue.int(stats.rows_deleted),
        "rows_per_tenant": dg.MetadataValue.json({str(t): n for t, n in stats.rows_per_tenant.items()}),
        "sellers_active": dg.MetadataValue.int(stats.sellers_active),
        "sellers_active_per_tenant": dg.MetadataValue.json(
            {str(t): n for t, n in stats.sellers_active_per_tenant.items()}),
        "latest_day": dg.MetadataValue.text(str(stats.latest_period) if stats.latest_period else "none"),
        "top_sellers": dg.MetadataValue.md(_preview(stats)),
        "cache_refreshed": dg.MetadataValue.bool(outcome.cache_refreshed),
        "cache_status": dg.MetadataValue.text(outcome.cache_status),
        "metrics_updated_events": dg.MetadataValue.int(outcome.events_sent),
        "metrics_updated_failed": dg.MetadataValue.int(outcome.events_failed),
        "metrics_updated_status": dg.MetadataValue.text(outcome.events_status),
        "sql_seconds": dg.MetadataValue.float(round(stats.sql_seconds, 3)),
        "total_seconds": dg.MetadataValue.float(round(total_seconds, 3)),
    }


def _preview(stats: WriteStats) -> str:
    """The latest day's best sellers of each tenant, as a Markdown table."""
    tenants = sorted({r["tenant_id"] for r in stats.latest_rows})
    shown = set(tenants[:PREVIEW_TENANTS])
    ranked = [r for r in stats.latest_rows if r["rank_position"] is not None
              and r["rank_position"] <= PREVIEW_SELLERS and r["tenant_id"] in shown]
    if not ranked:
        return f"_No seller sent a message on {stats.latest_period or 'these days'}._"
    more = f"\n\n_… and {len(tenants) - len(shown)} more tenants in seller_metrics._" if len(tenants) > len(shown) else ""
    # Every cell is escaped (a seller's name is the CRM user's text: `|` would add a cell,
    # `[x](url)` a live link); pandas' to_markdown escapes nothing.
    lines = ["| " + " | ".join(PREVIEW_COLUMNS) + " |", "|" + "|".join(PREVIEW_ALIGN) + "|"]
    for r in ranked:
        cells = [r["tenant_id"], r["rank_position"], r["seller_name"], r["productivity_score"],
                 r["messages_sent"], r["replies"], _rounded(r["avg_response_time_minutes"], 1),
                 _rounded(r["engagement_rate"], 2), r["leads_converted"], r["activity_level"]]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return f"Top sellers on {stats.latest_period}:\n\n" + "\n".join(lines) + more


def _cell(value: Any) -> str:
    # No value (an average over no replies) reads as a dash, as in the daily report; never "nan".
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    return markdown(value) if isinstance(value, str) else str(value)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)
