"""The ops of `cleanup_job`: one per kind of old data, each removing it in short batches.

Every op reads the moment and the cutoffs from `cleanup_plan`'s output and the settings from the
`settings` resource (resources/build.py); each reports what it removed in its output
metadata.
"""

# No `from __future__ import annotations` here: Dagster reads the config and resource
# annotations of the ops below as real types when it builds them.

from collections.abc import Iterator
from datetime import datetime, timezone

import dagster as dg
from pydantic import Field

from crm_pipelines.cleanup.batches import BatchStats, run_in_batches
from crm_pipelines.cleanup.conversation_counts import recount_conversation_counts
from crm_pipelines.cleanup.partition_status import removed_partitions
from crm_pipelines.cleanup.plan import CleanupPlan
from crm_pipelines.cleanup.redis_cache import remove_stale_metric_keys
from crm_pipelines.cleanup.retention import DAILY_REPORTS, SELLER_METRICS, RetentionTarget
from crm_pipelines.cleanup.run_history import prune_run_history
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.retries import retry_only_transient
from crm_pipelines.settings import Settings


class CleanupConfig(dg.Config):
    batch_size: int = Field(
        default=5000,
        ge=1,
        le=100_000,
        description="Rows per transaction; smaller batches hold locks for less time.",
    )


def _sql(name: str):
    return load_sql(__file__, name)


def _stats_metadata(stats: BatchStats) -> dict:
    return {"batches": stats.batches, "max_batch_seconds": round(stats.max_batch_seconds, 4)}


@dg.op(description="Fix the moment and every retention cutoff of this run.")
def cleanup_plan(
    context: dg.OpExecutionContext, config: CleanupConfig, settings: dg.ResourceParam[Settings]
) -> CleanupPlan:
    plan = CleanupPlan.at(datetime.now(timezone.utc), settings, batch_size=config.batch_size)
    context.log.info(f"cleanup plan: {plan}")
    return plan


@dg.op(
    description="Delete our notifications past expires_at (the four types the rules write, by "
    "their id patterns); the CRM's own notifications are never touched."
)
def delete_old_notifications(plan: CleanupPlan, postgres: PostgresResource) -> dg.Output[int]:
    with retry_only_transient():
        expired = run_in_batches(
            postgres, _sql("delete_expired_notifications.sql"), {"now": plan.now}, plan.batch_size
        )
    return dg.Output(
        expired.affected,
        metadata={"table": "notifications", "deleted": expired.affected, **_stats_metadata(expired)},
    )


@dg.op(
    description="Forget notified situations that have ended (the ledger that keeps an expired "
    "notification's situation from being notified again while it lasts)."
)
def prune_notified_situations(
    plan: CleanupPlan, postgres: PostgresResource, settings: dg.ResourceParam[Settings]
) -> dg.Output[int]:
    with retry_only_transient(), postgres.begin() as conn:
        pruned = conn.execute(_sql("prune_notified_situations.sql"), {
            "probability": settings.hot_lead_probability_threshold,
            "today": plan.now.astimezone(settings.timezone).date(),
        }).scalar_one()
    return dg.Output(pruned, metadata={"table": "notified_situations", "deleted": pruned})


@dg.op(description="Archive active conversations idle for CONVERSATION_ARCHIVE_DAYS.")
def archive_idle_conversations(
    context: dg.OpExecutionContext, plan: CleanupPlan, postgres: PostgresResource,
    settings: dg.ResourceParam[Settings],
) -> dg.Output[int]:
    if settings.crm_source == "crmventas":
        # CRM Ventas has no conversation status and its threads are never written to: every sync
        # computes the mirror's status itself (archived when idle CONVERSATION_ARCHIVE_DAYS).
        context.log.info("archive_idle_conversations skipped: the CRM Ventas sync archives idle threads in the mirror")
        return dg.Output(0, metadata={"table": "conversations", "archived": 0,
                                      "skipped": "CRM Ventas has no conversation status"})
    with retry_only_transient():
        stats = run_in_batches(
            postgres,
            _sql("archive_idle_conversations.sql"),
            {"cutoff": plan.conversation_cutoff},
            plan.batch_size,
        )
    return dg.Output(
        stats.affected,
        metadata={
            "table": "conversations",
            "archived": stats.affected,
            "idle_since_before": plan.conversation_cutoff.isoformat(),
            **_stats_metadata(stats),
        },
    )


@dg.op(
    description="Recount seller_conversation_counts (conversations_total's per-month counts, kept "
    "by triggers) from conversations: folds the triggers' rows and corrects any the triggers missed."
)
def rebuild_conversation_counts(
    context: dg.OpExecutionContext, plan: CleanupPlan, postgres: PostgresResource
) -> dg.Output[int]:
    with retry_only_transient(), postgres.begin() as conn:
        recount = recount_conversation_counts(conn)
    keys, folded, corrected = recount.keys, recount.rows_folded, recount.corrected
    if corrected:
        # Only a bypassed trigger leaves a wrong count: seller_metrics computed since then
        # carried a wrong conversations_total for these sellers (fixed by re-materializing).
        context.log.warning(
            f"seller_conversation_counts was wrong for {corrected} (seller, month) keys and has "
            "been corrected: were the triggers on conversations disabled or bypassed "
            "(session_replication_role = replica, a restore without triggers)? Re-materialize "
            "seller_metrics for the days since then."
        )
    return dg.Output(
        corrected,
        metadata={
            "table": "seller_conversation_counts",
            "keys": keys,
            "rows_folded": folded,
            "corrected": corrected,
        },
    )


def _delete_old_days(
    context: dg.OpExecutionContext,
    plan: CleanupPlan,
    postgres: PostgresResource,
    settings: Settings,
    target: RetentionTarget,
) -> Iterator[dg.AssetObservation | dg.Output]:
    """Delete `target`'s rows of days past its retention and tell Dagster which partitions went."""
    cutoff_day = plan.cutoff_day(target.setting)
    if cutoff_day is None:
        yield dg.Output(
            0,
            metadata={"table": target.table, "deleted": 0, "skipped": f"{target.setting}=0 keeps every day"},
        )
        return
    with retry_only_transient():
        stats = run_in_batches(postgres, _sql(target.statement), {"cutoff_day": cutoff_day}, plan.batch_size)
    yield from removed_partitions(
        context,
        target.asset_key,
        stats.days,
        daily_partitions(settings, include_today=target.include_today),
        reason=f"older than {target.setting}={target.days_kept(settings)}",
    )
    yield dg.Output(
        stats.affected,
        metadata={
            "table": target.table,
            "deleted": stats.affected,
            "days_removed": len(stats.days),
            "before_day": cutoff_day.isoformat(),
            **_stats_metadata(stats),
        },
    )


@dg.op(out=dg.Out(int), description="Delete seller_metrics older than METRICS_RETENTION_DAYS (only when above 0).")
def delete_old_seller_metrics(
    context: dg.OpExecutionContext,
    plan: CleanupPlan,
    postgres: PostgresResource,
    settings: dg.ResourceParam[Settings],
):
    yield from _delete_old_days(context, plan, postgres, settings, SELLER_METRICS)


@dg.op(out=dg.Out(int), description="Delete daily_reports older than REPORTS_RETENTION_DAYS (only when above 0).")
def delete_old_daily_reports(
    context: dg.OpExecutionContext,
    plan: CleanupPlan,
    postgres: PostgresResource,
    settings: dg.ResourceParam[Settings],
):
    yield from _delete_old_days(context, plan, postgres, settings, DAILY_REPORTS)


@dg.op(description="Remove cached metrics of sellers that are gone or inactive.")
def remove_stale_metric_cache(
    context: dg.OpExecutionContext, plan: CleanupPlan, postgres: PostgresResource, redis: RedisResource
) -> dg.Output[int]:
    with retry_only_transient():
        result = remove_stale_metric_keys(postgres, redis)
    if not result.reachable or result.removed < result.stale:
        context.log.warning("Redis unavailable: stale metric keys not removed (they expire with their TTL)")
    return dg.Output(
        result.removed,
        metadata={
            "store": "redis",
            "keys_scanned": result.scanned,
            "keys_removed": result.removed,
            "removed": dg.MetadataValue.json(result.removed_keys),
        },
    )


@dg.op(description="Delete finished Dagster runs older than RUN_HISTORY_RETENTION_DAYS.")
def prune_dagster_runs(context: dg.OpExecutionContext, plan: CleanupPlan) -> dg.Output[int]:
    if plan.run_history_cutoff is None:
        return dg.Output(
            0,
            metadata={
                "store": "dagster runs",
                "deleted": 0,
                "skipped": "RUN_HISTORY_RETENTION_DAYS=0 keeps every run",
            },
        )
    with retry_only_transient():
        result = prune_run_history(
            context.instance,
            plan.run_history_cutoff,
            batch_size=min(plan.batch_size, 500),
            keep_run_id=context.run_id,
        )
    return dg.Output(
        result.deleted,
        metadata={
            "store": "dagster runs",
            "deleted": result.deleted,
            "kept_holding_latest_materialization": result.kept_for_assets,
            "created_before": plan.run_history_cutoff.isoformat(),
        },
    )


@dg.op(description="What this run removed, per table.")
def cleanup_summary(
    context: dg.OpExecutionContext,
    notifications: int,
    conversations: int,
    seller_metrics: int,
    daily_reports: int,
    cache_keys: int,
    runs: int,
    counts_corrected: int,
    situations: int,
) -> dg.Output[dict]:
    removed = {
        "notifications": notifications,
        "conversations_archived": conversations,
        "seller_metrics": seller_metrics,
        "daily_reports": daily_reports,
        "redis_metric_keys": cache_keys,
        "dagster_runs": runs,
        "notified_situations": situations,
    }
    context.log.info(f"cleanup removed {removed}")
    return dg.Output(
        removed,
        metadata={**removed, "total": sum(removed.values()), "conversation_counts_corrected": counts_corrected},
    )
