"""Every DSN and URL is parsed at start-up by the parsers that will use it, and a
value that does not parse is refused by the variable's name without quoting any of it.

The planted password `Planted@Pw_123` has an unencoded `@`: libpq and SQLAlchemy split it at the
first `@`, so it used to be accepted and `Pw_123@127.0.0.1` then showed up as "the host" in
stderr, the event log and `health --json`. Malformed ports, unknown sslmode values and
non-finite numbers used to pass validation and fail later under another name.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm_pipelines import cli
from crm_pipelines.settings import (
    Settings,
    SettingsError,
    get_settings,
    load_settings,
    redact_url,
    redact_webhook,
)

PLANTED = ("Planted", "Pw_123")
AT_IN_PASSWORD = "postgresql://crm:Planted@Pw_123@127.0.0.1:5432/crm"
PROJECT = Path(__file__).resolve().parents[2]

REFUSED = [  # (variable, value, what the message says)
    ("POSTGRES_DSN", AT_IN_PASSWORD, "the password seems to contain an unencoded '@' (write it as %40)"),
    ("POSTGRES_DSN", "postgresql://crm:Planted/Pw_123@db/crm", "unencoded '/', '?', '#' or '@'"),
    ("POSTGRES_DSN", "postgresql://crm:PlantedPw_123@db:abc/crm", "the port is not a whole number"),
    ("POSTGRES_DSN", "postgresql://crm:PlantedPw_123@db:99999/crm", "the port is not a whole number"),
    ("POSTGRES_DSN", "postgresql://crm:PlantedPw_123@db/crm?sslmode=bogus", "sslmode='bogus' is not one of"),
    ("POSTGRES_DSN", "postgresql://crm:PlantedPw_123@db/crm?sslmod=require", 'invalid URI query parameter: "sslmod"'),
    ("POSTGRES_DSN", "postgresql://crm:PlantedPw_123@db/crm?connect_timeout=soon", "connect_timeout is not a whole"),
    ("POSTGRES_DSN", "mysql://crm:PlantedPw_123@db/crm", "does not start with postgresql://"),
    ("REDIS_URL", "redis://:Planted@Pw_123@127.0.0.1:6379/0", "unencoded '@' (write it as %40)"),
    ("REDIS_URL", "redis://:PlantedPw_123@cache:abc/0", "the port is not a whole number"),
    ("REDIS_URL", "redis://:PlantedPw_123@cache:6379/zero", "database number after the host"),
    ("REDIS_URL", "redis://:PlantedPw_123@cache/0?socket_timeout=soon", "Invalid value for 'socket_timeout'"),
    ("REDIS_URL", "localhost:6379", "does not start with redis://"),
    ("SLACK_WEBHOOK_URL", "https://hooks.slack.com:abc/services/PlantedPw_123", "the port is not a whole number"),
    ("SLACK_WEBHOOK_URL", "hooks.slack.com/services/PlantedPw_123", "does not start with http"),
    ("TEAMS_WEBHOOK_URL", "https://me:PlantedPw_123@x.webhook.office.com/h", "carries a user name or password"),
    ("TEAMS_WEBHOOK_URL", "https://x.webhook.office.com/Planted Pw_123", "a space or a line break"),
    ("DAGSTER_WEBSERVER_URL", "http://dagster:port", "the port is not a whole number"),
]


@pytest.mark.parametrize("name,value,says", REFUSED)
def test_a_url_that_does_not_parse_is_refused_by_name_without_the_secret(name, value, says):
    with pytest.raises(SettingsError) as err:
        load_settings({name: value})
    message = str(err.value)
    assert message.startswith(f"{name} is not a valid ")
    assert says in message
    assert not any(part in message for part in PLANTED), message


def test_the_message_for_an_unencoded_at_is_exactly_this():
    with pytest.raises(SettingsError) as err:
        load_settings({"POSTGRES_DSN": AT_IN_PASSWORD})
    assert str(err.value) == ("POSTGRES_DSN is not a valid PostgreSQL URL: the password seems to contain "
                              "an unencoded '@' (write it as %40)")


@pytest.mark.parametrize("name,value,says", [
    ("SMTP_HOST", "smtp://mail.example.com", "give the name or address only"),
    ("SMTP_HOST", "mail.example.com:587", "the port goes in SMTP_PORT"),
    ("SMTP_HOST", "mail example.com", "not a valid host name"),
])
def test_smtp_host_must_be_a_bare_host(name, value, says):
    with pytest.raises(SettingsError) as err:
        load_settings({name: value, "ALERT_EMAIL_FROM": "bot@example.com"})
    assert name in str(err.value) and says in str(err.value)


def test_well_formed_urls_are_still_accepted_as_given():
    good = {
        "POSTGRES_DSN": "postgresql+psycopg2://crm:p%40ss%2Fw0rd@db.internal:5432/crm?sslmode=verify-full&connect_timeout=5",
        "REDIS_URL": "rediss://:p%40ss@cache:6380/2?socket_timeout=3",
        "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/token",
        "TEAMS_WEBHOOK_URL": "http://127.0.0.1:8080/teams/token",
        "SMTP_HOST": "smtp.example.com", "ALERT_EMAIL_FROM": "bot@example.com",
        "DAGSTER_WEBSERVER_URL": "http://[::1]:3000/",
    }
    s = load_settings(good)
    assert s.postgres_dsn == good["POSTGRES_DSN"] and s.redis_url == good["REDIS_URL"]
    assert s.dagster_webserver_url == "http://[::1]:3000"
    for dsn in ("postgres://crm@db/crm", "postgresql:///crm?host=/var/run/postgresql", "postgresql://db"):
        assert load_settings({"POSTGRES_DSN": dsn}).postgres_dsn == dsn
    assert load_settings({"REDIS_URL": "unix:///run/redis.sock?db=1"}).redis_url == "unix:///run/redis.sock?db=1"


NUMERIC = [f.metadata["env"] for f in dataclasses.fields(Settings)
           if type(f.default) in (int, float)]


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "Infinity"])
def test_no_numeric_setting_takes_a_non_finite_number(name, value):
    with pytest.raises(SettingsError) as err:
        load_settings({name: value})
    assert str(err.value).startswith(f"{name}={value!r} is not a ")


def test_every_numeric_setting_is_covered():
    assert {"PERFORMANCE_ALERT_MAX_RESPONSE_MINUTES", "HOT_LEAD_IDLE_HOURS", "SMTP_PORT"} <= set(NUMERIC)
    assert len(NUMERIC) >= 17


def test_redaction_hides_the_whole_password_even_with_an_at_in_it():
    # start-up refuses such a DSN; what redacts an accepted one must not leave a tail showing either
    assert redact_url(AT_IN_PASSWORD) == "postgresql://crm:***@127.0.0.1:5432/crm"
    assert redact_webhook("https://me:secret@hooks.slack.com/services/x") == "https://hooks.slack.com/***"


def test_health_json_refuses_to_start_and_shows_nothing_of_the_password(monkeypatch):
    monkeypatch.setenv("POSTGRES_DSN", AT_IN_PASSWORD)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.main, ["health", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "POSTGRES_DSN is not a valid PostgreSQL URL" in result.output
    assert not any(part in result.output for part in PLANTED), result.output


def test_the_code_location_does_not_load_and_says_why_without_the_password(tmp_path):
    env = {**os.environ, "POSTGRES_DSN": AT_IN_PASSWORD, "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "import crm_pipelines.definitions"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "POSTGRES_DSN is not a valid PostgreSQL URL" in done.stderr
    assert not any(part in done.stdout + done.stderr for part in PLANTED), done.stderr[-2000:]
