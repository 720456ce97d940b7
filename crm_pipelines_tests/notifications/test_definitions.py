"""The code location registers notification_checks_job (SPEC 6) with its two sensors, one run at a
time, steps in process, every rule op retried only on transient errors."""

from __future__ import annotations

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines.definitions import build_definitions


def test_notification_checks_job_is_registered_with_its_sensors(settings):
    defs = build_definitions(settings)
    job = defs.resolve_job_def("notification_checks_job")
    assert job.tags[JOB_TAG] == "notification_checks_job"
    assert job.executor_def.name == "in_process"
    assert {n.name for n in job.nodes} == {
        "notification_plan",
        "check_unanswered",
        "check_hot_lead",
        "check_followup",
        "check_performance_alert",
        "send_notifications",
    }
    for rule_op in ("check_unanswered", "check_hot_lead", "check_followup", "check_performance_alert",
                    "send_notifications"):
        assert job.graph.node_named(rule_op).definition.retry_policy.max_retries == settings.max_task_retries
    sensors = {s.name: s for s in defs.sensors}
    assert sensors["notification_checks_sensor"].job_name == "notification_checks_job"
    assert sensors["performance_alerts_sensor"].job_name == "notification_checks_job"
