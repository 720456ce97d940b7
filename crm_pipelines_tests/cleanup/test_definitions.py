"""The code location registers cleanup_job (SPEC 6) with cleanup_sensor, one run at a time, steps
in process, every cleanup op retried only on transient errors."""

from __future__ import annotations

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines.definitions import build_definitions


def test_cleanup_job_is_registered_with_its_sensor(settings):
    defs = build_definitions(settings)
    job = defs.resolve_job_def("cleanup_job")
    assert job.tags[JOB_TAG] == "cleanup_job"
    assert job.executor_def.name == "in_process"
    for name in (
        "delete_old_notifications",
        "archive_idle_conversations",
        "delete_old_seller_metrics",
        "delete_old_daily_reports",
        "remove_stale_metric_cache",
        "prune_dagster_runs",
    ):
        # the ops are module-level; cleanup_job gives each of them its retry policy
        assert job.graph.node_named(name).retry_policy.max_retries == settings.max_task_retries
    assert {s.name: s for s in defs.sensors}["cleanup_sensor"].job_name == "cleanup_job"
