"""A bad threshold, in the settings or in a manual run's op config, is refused by name before any
row is touched; a valid override in op config changes what the run finds."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from crm_pipelines.notifications.jobs import PLAN_OP, build_notification_checks_job
from crm_pipelines.settings import SettingsError, load_settings
from crm_pipelines_tests.support import crm_factory as crm


@pytest.fixture
def due_everywhere(db):
    """Data that every rule would notify about, so a refused run that wrote anything would show."""
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    conv = crm.conversation(db, tenant_id, ana, "Cliente", now - timedelta(hours=3))
    crm.lead(db, tenant_id, ana, conv, "new", probability=0.95)
    crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=now - timedelta(hours=1))
    crm.seller_metrics_row(db, tenant_id, ana, now.date(),
                           conversations_unanswered=20, avg_response_time_minutes=100)
    return conv


def _failure(result) -> str:
    failures = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failures] == [PLAN_OP]
    return failures[0].step_failure_data.user_failure_data.description


@pytest.mark.parametrize(
    "override, named",
    [
        ({"hot_lead_probability_threshold": 1.5}, "hot_lead_probability_threshold=1.5"),
        ({"unanswered_conversation_hours": -1.0}, "unanswered_conversation_hours=-1.0"),
        ({"hot_lead_idle_hours": -2.0}, "hot_lead_idle_hours=-2.0"),
        ({"performance_alert_max_response_minutes": 0.0}, "performance_alert_max_response_minutes=0.0"),
        ({"rules": ["unanswered", "vip"]}, "unknown ['vip']"),
    ],
)
def test_bad_op_config_is_refused_by_name_before_any_row(
    db, settings, resources, due_everywhere, override, named
):
    job = build_notification_checks_job(settings)
    result = job.execute_in_process(
        resources=resources, raise_on_error=False, run_config={"ops": {PLAN_OP: {"config": override}}}
    )
    assert not result.success
    assert named in _failure(result)
    assert crm.notification_ids(db) == []


def test_bad_setting_is_refused_by_name(db, settings, resources, due_everywhere):
    with pytest.raises(SettingsError, match="HOT_LEAD_PROBABILITY_THRESHOLD='1.5'"):
        load_settings({"HOT_LEAD_PROBABILITY_THRESHOLD": "1.5"})
    with pytest.raises(SettingsError, match="UNANSWERED_CONVERSATION_HOURS='-1'"):
        load_settings({"UNANSWERED_CONVERSATION_HOURS": "-1"})

    # Settings built in code skip load_settings' parsing; the job still refuses them.
    bad = dataclasses.replace(settings, hot_lead_idle_hours=-3.0)
    result = build_notification_checks_job(bad).execute_in_process(resources=resources, raise_on_error=False)
    assert "hot_lead_idle_hours=-3.0" in _failure(result)
    assert crm.notification_ids(db) == []


def test_a_valid_override_changes_the_threshold_for_that_run_only(db, settings, resources, due_everywhere):
    job = build_notification_checks_job(settings)
    config = {"rules": ["unanswered"], "unanswered_conversation_hours": 4.0}
    result = job.execute_in_process(resources=resources, run_config={"ops": {PLAN_OP: {"config": config}}})
    assert result.success
    assert crm.notification_ids(db) == []  # 3 h of waiting is not > 4 h; other rules not selected

    job.execute_in_process(
        resources=resources, run_config={"ops": {PLAN_OP: {"config": {"rules": ["unanswered"]}}}}
    )
    assert [i.split("_")[0] for i in crm.notification_ids(db)] == ["unanswered"]
    assert crm.notification_ids(db)[0].startswith(f"unanswered_{due_everywhere}_")
