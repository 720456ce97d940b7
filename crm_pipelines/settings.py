"""Every setting of SPEC section 7, read and validated in one place.

This is the only module that reads the environment. A bad value stops start-up with a
`SettingsError` that names the variable and the value (secrets are masked); nothing is
silently replaced by a default.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_pipelines.connection_urls import (
    host_problem,
    http_url_problem,
    postgres_dsn_problem,
    redis_url_problem,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# A checkout (editable install) keeps its instance in ./dagster_home; an installed package uses the
# working directory's (containers set DAGSTER_HOME anyway).
_DEFAULT_DAGSTER_HOME = (PROJECT_ROOT if (PROJECT_ROOT / "setup.py").exists() else Path.cwd()) / "dagster_home"
# Also the CRM Ventas sync's default, for its callers without settings at hand.
DEFAULT_CONVERSATION_ARCHIVE_DAYS = 7


class SettingsError(ValueError):
    """A setting has a value the pipelines cannot run with."""


def redact_url(url: str | None) -> str | None:
    """Hide the password of a DSN/URL and the path/token of a webhook, keep what helps an operator."""
    if not url:
        return url
    # user:password@host -> user:***@host; the password ends at the authority's last '@' (an
    # unencoded '@' in it must not leave its tail showing)
    url = re.sub(r"(//[^/:@?#]*:)[^/?#]*@", r"\1***@", url)
    # redis://:password@host
    url = re.sub(r"(//):[^@/]+@", r"\1:***@", url)
    # query-string passwords (postgresql://...?password=x)
    url = re.sub(r"(?i)(password=)[^&]*", r"\1***", url)
    return url


def redact_webhook(url: str | None) -> str | None:
    """A webhook URL is a bearer token: keep only scheme and host."""
    if not url:
        return url
    # the host only: a user:password@ before it is a secret too
    match = re.match(r"^([a-z]+://)(?:[^/?#]*@)?([^/?#@]+)", url, re.IGNORECASE)
    return (match.group(1) + match.group(2) if match else "") + "/***"


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (use true or false)")


def _number(kind: type, minimum: float | None = None, maximum: float | None = None,
            min_exclusive: bool = False) -> Callable[[str, str], Any]:
    def parse(name: str, raw: str) -> Any:
        try:
            value = kind(raw.strip())
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise SettingsError(f"{name}={raw!r} is not {what}") from None
        if kind is float and not math.isfinite(value):  # nan, inf: every comparison with them lies
            raise SettingsError(f"{name}={raw!r} is not a finite number")
        if minimum is not None and (value <= minimum if min_exclusive else value < minimum):
            bound = f"greater than {minimum}" if min_exclusive else f"at least {minimum}"
            raise SettingsError(f"{name}={raw!r} must be {bound}")
        if maximum is not None and value > maximum:
            raise SettingsError(f"{name}={raw!r} must be at most {maximum}")
        return value

    return parse


def _timezone(name: str, raw: str) -> str:
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{name}={raw!r} is not a known IANA timezone (e.g. America/Bogota)") from None
    return raw.strip()


def _date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a date (use YYYY-MM-DD)") from None


def _choice(*choices: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise SettingsError(f"{name}={raw!r} must be one of {', '.join(choices)}")
        return value

    return parse


def _text(name: str, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise SettingsError(f"{name} is set but empty")
    return value


# URLs are parsed here, at start-up, by the parsers that will use them later (libpq, SQLAlchemy,
# redis-py); a refusal names the variable and never quotes the value, any piece of which may be
# a secret when the URL is malformed.
def _dsn(name: str, raw: str) -> str:
    value = raw.strip()
    problem = postgres_dsn_problem(value)
    if problem:
        raise SettingsError(f"{name} is not a valid PostgreSQL URL: {problem}")
    return value


def _redis_url(name: str, raw: str) -> str:
    value = raw.strip()
    problem = redis_url_problem(value)
    if problem:
        raise SettingsError(f"{name} is not a valid Redis URL: {problem}")
    return value


def _webhook(name: str, raw: str) -> str:
    value = raw.strip()
    problem = http_url_problem(value)
    if problem:
        raise SettingsError(f"{name} is not a valid webhook URL: {problem}")
    return value


def _http_url(name: str, raw: str) -> str:
    value = raw.strip().rstrip("/")
    problem = http_url_problem(value)
    if problem:
        raise SettingsError(f"{name} is not a valid http(s) URL: {problem}")
    return value


def _host(name: str, raw: str) -> str:
    value = raw.strip()
    problem = host_problem(value)
    if problem:
        raise SettingsError(f"{name}={raw!r} is not a valid host: {problem}")
    return value


def _email(name: str, raw: str) -> str:
    value = raw.strip()
    if not re.match(r"^[^@\s,]+@[^@\s,]+$", value):
        raise SettingsError(f"{name}={raw!r} is not an email address")
    return value


def _emails(name: str, raw: str) -> tuple[str, ...]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    for part in parts:
        if not re.match(r"^[^@\s,]+@[^@\s,]+$", part):
            raise SettingsError(f"{name}={raw!r}: {part!r} is not an email address")
    return tuple(parts)


def _schema_name(name: str, raw: str) -> str:
    """A PostgreSQL schema name; plain lower-case identifiers only, so that it can be written into
    a search_path and into `SET SCHEMA` without quoting surprises."""
    value = raw.strip()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
        raise SettingsError(f"{name}={raw!r} is not a schema name (lower-case letters, digits, _)")
    return value


def _secret(name: str, raw: str) -> str:
    return raw


def _setting(env: str, default: Any, parse: Callable[[str, str], Any], secret: bool = False) -> Any:
    # A secret is left out of the repr: Settings is a resource too, and a repr ends up in tracebacks.
    return field(default=default, repr=not secret, metadata={"env": env, "parse": parse, "secret": secret})


@dataclass(frozen=True)
class Settings:
    """The validated settings. Field names are the variables' names in lower case."""

    postgres_dsn: str | None = _setting("POSTGRES_DSN", None, _dsn, secret=True)
    redis_url: str | None = _setting("REDIS_URL", None, _redis_url, secret=True)
    # Where the CRM's tables are, which CRM they are (SPEC 1), and the schema of everything we own.
    crm_source: str = _setting("CRM_SOURCE", "spec", _choice("spec", "crmventas"))
    crm_schema: str = _setting("CRM_SCHEMA", "public", _schema_name)
    crm_pipelines_schema: str = _setting("CRM_PIPELINES_SCHEMA", "crm_pipelines", _schema_name)
    crm_timezone: str = _setting("CRM_TIMEZONE", "UTC", _timezone)
    enable_scheduled_tasks: bool = _setting("ENABLE_SCHEDULED_TASKS", True, _parse_bool)
    notification_check_interval_minutes: int = _setting(
        "NOTIFICATION_CHECK_INTERVAL_MINUTES", 5, _number(int, 1, 24 * 60))
    metrics_refresh_interval_minutes: int = _setting(
        "METRICS_REFRESH_INTERVAL_MINUTES", 15, _number(int, 1, 24 * 60))
    cleanup_interval_hours: int = _setting("CLEANUP_INTERVAL_HOURS", 1, _number(int, 1, 24 * 7))
    daily_report_hour: int = _setting("DAILY_REPORT_HOUR", 8, _number(int, 0, 23))
    metrics_start_date: date = _setting("METRICS_START_DATE", date(2025, 1, 1), _date)
    unanswered_conversation_hours: float = _setting(
        "UNANSWERED_CONVERSATION_HOURS", 1.0, _number(float, 0, 24 * 30, min_exclusive=True))
    hot_lead_probability_threshold: float = _setting(
        "HOT_LEAD_PROBABILITY_THRESHOLD", 0.8, _number(float, 0, 1))
    hot_lead_idle_hours: float = _setting("HOT_LEAD_IDLE_HOURS", 2.0, _number(float, 0, 24 * 30))
    performance_alert_max_unanswered: int = _setting(
        "PERFORMANCE_ALERT_MAX_UNANSWERED", 5, _number(int, 0))
    performance_alert_max_response_minutes: float = _setting(
        "PERFORMANCE_ALERT_MAX_RESPONSE_MINUTES", 30.0, _number(float, 0, min_exclusive=True))
    notification_retention_days: int = _setting("NOTIFICATION_RETENTION_DAYS", 7, _number(int, 1))
    conversation_archive_days: int = _setting(
        "CONVERSATION_ARCHIVE_DAYS", DEFAULT_CONVERSATION_ARCHIVE_DAYS, _number(int, 1))
    metrics_retention_days: int = _setting("METRICS_RETENTION_DAYS", 0, _number(int, 0))
    # Not in SPEC section 7 (it is silent on them); same convention as METRICS_RETENTION_DAYS.
    reports_retention_days: int = _setting("REPORTS_RETENTION_DAYS", 0, _number(int, 0))
    run_history_retention_days: int = _setting("RUN_HISTORY_RETENTION_DAYS", 30, _number(int, 0))
    redis_cache_ttl_minutes: int = _setting("REDIS_CACHE_TTL_MINUTES", 5, _number(int, 1))
    redis_notification_queue: str = _setting("REDIS_NOTIFICATION_QUEUE", "notifications", _text)
    socketio_channel: str = _setting("SOCKETIO_CHANNEL", "socketio", _text)
    max_task_retries: int = _setting("MAX_TASK_RETRIES", 3, _number(int, 0, 20))
    smtp_host: str | None = _setting("SMTP_HOST", None, _host)
    smtp_port: int = _setting("SMTP_PORT", 587, _number(int, 1, 65535))
    smtp_user: str | None = _setting("SMTP_USER", None, _text)
    smtp_password: str | None = _setting("SMTP_PASSWORD", None, _secret, secret=True)
    alert_email_from: str | None = _setting("ALERT_EMAIL_FROM", None, _email)
    alert_email_recipients: tuple[str, ...] = _setting("ALERT_EMAIL_RECIPIENTS", (), _emails)
    handoff_email: str | None = _setting("HANDOFF_EMAIL", None, _email)
    slack_webhook_url: str | None = _setting("SLACK_WEBHOOK_URL", None, _webhook, secret=True)
    teams_webhook_url: str | None = _setting("TEAMS_WEBHOOK_URL", None, _webhook, secret=True)
    report_language: str = _setting("REPORT_LANGUAGE", "es", _choice("es", "en"))
    # Where operators open the Dagster UI: failure alerts link to the run there.
    dagster_webserver_url: str = _setting("DAGSTER_WEBSERVER_URL", "http://localhost:3000", _http_url)
    dagster_home: Path = _setting("DAGSTER_HOME", _DEFAULT_DAGSTER_HOME, lambda n, r: Path(r))

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.crm_timezone)

    @property
    def smtp_enabled(self) -> bool:
        return self.smtp_host is not None

    @property
    def embedded_postgres(self) -> bool:
        return self.postgres_dsn is None

    def redacted(self) -> dict[str, Any]:
        """Every setting as an operator may see it: secrets masked, never printed in full."""
        shown: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            env = f.metadata["env"]
            if f.metadata["secret"] and value is not None:
                value = redact_webhook(value) if "WEBHOOK" in env else (
                    "***" if env == "SMTP_PASSWORD" else redact_url(value))
            shown[env] = value if isinstance(value, (int, float, bool, str, type(None))) else str(value)
        return shown


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise SettingsError naming the first bad variable."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(f.metadata["env"])
        if raw is None or raw == "":
            continue
        values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
    settings = Settings(**values)
    _check_together(settings)
    return settings


def _check_together(settings: Settings) -> None:
    if settings.crm_schema == settings.crm_pipelines_schema:
        raise SettingsError(
            f"CRM_PIPELINES_SCHEMA={settings.crm_pipelines_schema!r} is the CRM's own schema (CRM_SCHEMA): "
            "the pipelines' tables need a schema of their own")
    if settings.smtp_enabled and settings.alert_email_from is None:
        raise SettingsError(f"SMTP_HOST={settings.smtp_host!r} is set but ALERT_EMAIL_FROM is not")
    if settings.smtp_password is not None and settings.smtp_user is None:
        raise SettingsError("SMTP_PASSWORD is set but SMTP_USER is not")


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()
