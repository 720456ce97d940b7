"""Settings: every variable of SPEC section 7 has its default, and each bad value is refused with
a message naming the variable and the value (secrets masked)."""

from datetime import date

import pytest

from crm_pipelines.settings import SettingsError, load_settings


def test_defaults_match_spec_section_7():
    s = load_settings({})
    assert s.postgres_dsn is None and s.embedded_postgres
    assert s.redis_url is None
    assert s.crm_timezone == "UTC"
    assert s.enable_scheduled_tasks is True
    assert (s.notification_check_interval_minutes, s.metrics_refresh_interval_minutes,
            s.cleanup_interval_hours) == (5, 15, 1)
    assert s.daily_report_hour == 8
    assert s.metrics_start_date == date(2025, 1, 1)
    assert s.unanswered_conversation_hours == 1
    assert (s.hot_lead_probability_threshold, s.hot_lead_idle_hours) == (0.8, 2)
    assert (s.performance_alert_max_unanswered, s.performance_alert_max_response_minutes) == (5, 30)
    assert (s.notification_retention_days, s.conversation_archive_days) == (7, 7)
    assert s.metrics_retention_days == 0
    assert (s.redis_cache_ttl_minutes, s.redis_notification_queue) == (5, "notifications")
    assert s.max_task_retries == 3
    assert s.smtp_host is None and not s.smtp_enabled
    assert s.slack_webhook_url is None and s.teams_webhook_url is None
    assert s.report_language == "es"


def test_values_are_parsed():
    s = load_settings({"CRM_TIMEZONE": "America/Bogota", "ENABLE_SCHEDULED_TASKS": "false",
                       "HOT_LEAD_PROBABILITY_THRESHOLD": "0.9", "METRICS_START_DATE": "2024-06-01",
                       "ALERT_EMAIL_RECIPIENTS": "a@x.com, b@y.com", "REPORT_LANGUAGE": "EN"})
    assert s.crm_timezone == "America/Bogota"
    assert s.enable_scheduled_tasks is False
    assert s.hot_lead_probability_threshold == 0.9
    assert s.metrics_start_date == date(2024, 6, 1)
    assert s.alert_email_recipients == ("a@x.com", "b@y.com")
    assert s.report_language == "en"


BAD_VALUES = [
    ("CRM_TIMEZONE", "Mars/Olympus"),
    ("CRM_TIMEZONE", "GMT+5 please"),
    ("ENABLE_SCHEDULED_TASKS", "maybe"),
    ("NOTIFICATION_CHECK_INTERVAL_MINUTES", "five"),
    ("NOTIFICATION_CHECK_INTERVAL_MINUTES", "0"),
    ("METRICS_REFRESH_INTERVAL_MINUTES", "-15"),
    ("CLEANUP_INTERVAL_HOURS", "1.5"),
    ("DAILY_REPORT_HOUR", "24"),
    ("DAILY_REPORT_HOUR", "eight"),
    ("METRICS_START_DATE", "2025-13-01"),
    ("METRICS_START_DATE", "yesterday"),
    ("UNANSWERED_CONVERSATION_HOURS", "0"),
    ("UNANSWERED_CONVERSATION_HOURS", "nan"),
    ("HOT_LEAD_PROBABILITY_THRESHOLD", "1.5"),
    ("HOT_LEAD_PROBABILITY_THRESHOLD", "-0.1"),
    ("HOT_LEAD_IDLE_HOURS", "-2"),
    ("PERFORMANCE_ALERT_MAX_UNANSWERED", "-1"),
    ("PERFORMANCE_ALERT_MAX_RESPONSE_MINUTES", "0"),
    ("NOTIFICATION_RETENTION_DAYS", "0"),
    ("CONVERSATION_ARCHIVE_DAYS", "a week"),
    ("METRICS_RETENTION_DAYS", "-1"),
    ("REDIS_CACHE_TTL_MINUTES", "0"),
    ("MAX_TASK_RETRIES", "many"),
    ("SMTP_PORT", "70000"),
    ("ALERT_EMAIL_RECIPIENTS", "ops@example.com, not-an-address"),
    ("HANDOFF_EMAIL", "nobody"),
    ("REPORT_LANGUAGE", "fr"),
]
# URLs (REDIS_URL, POSTGRES_DSN, webhooks) are refused without quoting the value: test_settings_urls.py


@pytest.mark.parametrize("name,value", BAD_VALUES)
def test_bad_value_is_refused_by_name(name, value):
    with pytest.raises(SettingsError) as err:
        load_settings({name: value})
    assert name in str(err.value)
    assert repr(value) in str(err.value) or value in str(err.value)


def test_bad_secret_is_named_but_not_shown():
    with pytest.raises(SettingsError) as err:
        load_settings({"POSTGRES_DSN": "mysql://crm:hunter2@db/crm"})
    assert "POSTGRES_DSN" in str(err.value)
    assert "hunter2" not in str(err.value)
    with pytest.raises(SettingsError) as err:
        load_settings({"SLACK_WEBHOOK_URL": "hooks.slack.com/services/T0/B0/SECRETTOKEN"})
    assert "SLACK_WEBHOOK_URL" in str(err.value) and "SECRETTOKEN" not in str(err.value)


def test_smtp_host_without_sender_is_refused():
    with pytest.raises(SettingsError, match="ALERT_EMAIL_FROM"):
        load_settings({"SMTP_HOST": "127.0.0.1"})


def test_redacted_view_hides_every_secret():
    shown = load_settings({
        "POSTGRES_DSN": "postgresql://crm:hunter2@db:5432/crm",
        "REDIS_URL": "redis://:redispass@cache:6379/0",
        "SMTP_HOST": "smtp.example.com", "SMTP_USER": "bot", "SMTP_PASSWORD": "smtppass",
        "ALERT_EMAIL_FROM": "bot@example.com",
        "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/slacktoken",
        "TEAMS_WEBHOOK_URL": "https://example.webhook.office.com/webhookb2/teamstoken",
    }).redacted()
    text = repr(shown)
    for secret in ("hunter2", "redispass", "smtppass", "slacktoken", "teamstoken"):
        assert secret not in text
    assert shown["POSTGRES_DSN"] == "postgresql://crm:***@db:5432/crm"
    assert shown["SLACK_WEBHOOK_URL"] == "https://hooks.slack.com/***"
