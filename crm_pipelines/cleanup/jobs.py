"""`cleanup_job`: one op per kind of old data, each removing it in short batches, and a summary.

`cleanup_plan` fixes the moment and every cutoff once (plan.py); the ops (ops.py) run one after
another in the run's process and each reports what it removed in its output metadata;
`cleanup_summary` gathers the counts per table so one place in the UI says what a run removed.
"""

from __future__ import annotations

import dagster as dg

from crm_pipelines.cleanup.ops import (
    archive_idle_conversations,
    cleanup_plan,
    cleanup_summary,
    delete_old_daily_reports,
    delete_old_notifications,
    delete_old_seller_metrics,
    prune_dagster_runs,
    prune_notified_situations,
    rebuild_conversation_counts,
    remove_stale_metric_cache,
)
from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.retries import transient_retry_policy
from crm_pipelines.settings import Settings

JOB_NAME = "cleanup_job"


def build_cleanup_job(settings: Settings) -> dg.JobDefinition:
    """Every op that touches a store is retried on transient errors up to MAX_TASK_RETRIES; the
    ops read the other settings from the `settings` resource (resources/build.py)."""
    retry = transient_retry_policy(settings)

    @dg.job(
        name=JOB_NAME,
        executor_def=dg.in_process_executor,
        tags=one_at_a_time(JOB_NAME),
        description="Remove expired notifications, archive idle conversations, drop data past its "
        "retention and prune Dagster's run history, in short batches; recount the per-seller "
        "conversation counts seller_metrics reads.",
    )
    def cleanup_job():
        plan = cleanup_plan()
        cleanup_summary(
            notifications=delete_old_notifications.with_retry_policy(retry)(plan),
            conversations=archive_idle_conversations.with_retry_policy(retry)(plan),
            seller_metrics=delete_old_seller_metrics.with_retry_policy(retry)(plan),
            daily_reports=delete_old_daily_reports.with_retry_policy(retry)(plan),
            cache_keys=remove_stale_metric_cache.with_retry_policy(retry)(plan),
            runs=prune_dagster_runs.with_retry_policy(retry)(plan),
            counts_corrected=rebuild_conversation_counts.with_retry_policy(retry)(plan),
            situations=prune_notified_situations.with_retry_policy(retry)(plan),
        )

    return cleanup_job
