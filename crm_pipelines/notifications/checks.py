"""Run the notification rules against PostgreSQL: one set-based statement per rule, all tenants.

`run_rule` writes a rule's notifications in its own transaction and returns the ids of only the
rows it really created: each situation is claimed in the ledger of notified situations first
(INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id), so a rerun, a retry, a concurrent run or a
check after the notification expired gets nothing back for a situation already notified. The
same statement queues the new rows in the outbox; outbox.py sends them after the commit.
`find_due` is the sensor's read-only question: what is due and not yet notified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.notifications.texts import texts_for
from crm_pipelines.notifications.thresholds import CLOCK_RULES, RULES, Thresholds
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import Settings


@dataclass(frozen=True)
class NewNotification:
    """A row this run created, with what the CRM frontend and the queue need."""

    id: str
    tenant_id: int
    type: str
    title: str
    message: str
    priority: str
    recipient_id: str
    related_entity_type: str | None
    related_entity_id: str | None
    created_at: datetime

    @property
    def room(self) -> str:
        """Its recipient's personal room: the one the CRM's server joins on `subscribe_notifications`."""
        return f"notifications:{self.recipient_id}"

    def payload(self) -> dict[str, Any]:
        """The `new_notification` payload, the CRM frontend's existing shape (SPEC 4)."""
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "message": self.message,
            "priority": self.priority,
            "created_at": self.created_at.isoformat(),
            "related_entity_type": self.related_entity_type,
            "related_entity_id": self.related_entity_id,
        }

    def queue_entry(self) -> dict[str, Any]:
        """What goes on REDIS_NOTIFICATION_QUEUE: the payload plus whom it is for."""
        return {
            **self.payload(),
            "tenant_id": self.tenant_id,
            "recipient_id": self.recipient_id,
            "room": self.room,
        }


def rule_params(rule: str, thresholds: Thresholds, as_of: datetime, settings: Settings) -> dict[str, Any]:
    """The bound parameters of a rule statement (texts in REPORT_LANGUAGE, thresholds, T)."""
    params: dict[str, Any] = {
        "as_of": as_of,
        "retention_days": settings.notification_retention_days,
        **texts_for(settings.report_language),
    }
    if rule == "unanswered":
        params["hours"] = thresholds.unanswered_conversation_hours
    elif rule == "hot_lead":
        params["probability"] = thresholds.hot_lead_probability_threshold
        params["idle_hours"] = thresholds.hot_lead_idle_hours
    elif rule == "followup":
        params["timezone"] = settings.crm_timezone
    elif rule == "performance_alert":
        params["today"] = local_day(as_of, settings)
        params["max_unanswered"] = thresholds.performance_alert_max_unanswered
        params["max_response_minutes"] = thresholds.performance_alert_max_response_minutes
    else:
        raise ValueError(f"unknown rule {rule!r}; rules are {RULES}")
    return params


def local_day(moment: datetime, settings: Settings) -> date:
    """The CRM_TIMEZONE calendar day of `moment`: the seller_metrics partition it falls in."""
    return moment.astimezone(settings.timezone).date()


def run_rule(
    postgres: PostgresResource, rule: str, thresholds: Thresholds, as_of: datetime, settings: Settings
) -> list[str]:
    """Insert the rule's notifications in one committed transaction; return the new rows' ids only."""
    statement = load_sql(__file__, f"{rule}.sql")
    with postgres.begin() as conn:
        tune_transaction(conn)
        return list(conn.execute(statement, rule_params(rule, thresholds, as_of, settings)).scalars())


def tune_transaction(conn: sa.Connection) -> None:
    """JIT off, more work_mem and sequential scans off for the rest of this transaction
    (sql/tune_transaction.sql says why each)."""
    conn.execute(load_sql(__file__, "tune_transaction.sql"))


def load_notifications(postgres: PostgresResource, ids: Sequence[str]) -> list[NewNotification]:
    """The committed rows of `ids`, oldest first, as the frontend and the queue need them."""
    with postgres.connect() as conn:
        return read_notifications(conn, ids)


def read_notifications(conn: sa.Connection, ids: Sequence[str]) -> list[NewNotification]:
    if not ids:
        return []
    rows = conn.execute(load_sql(__file__, "new_notifications.sql"), {"ids": list(ids)}).mappings().all()
    return [NewNotification(**{**row, "recipient_id": str(row["recipient_id"])}) for row in rows]


@dataclass(frozen=True)
class DueSummary:
    """What the sensor saw: per clock rule, how many situations are due without a notification."""

    as_of: datetime
    counts: dict[str, int]
    digests: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def digest(self) -> str:
        """Names the exact set of due situations (the md5 of each rule's sorted ids)."""
        return "-".join(self.digests.get(rule, "0")[:8] for rule in CLOCK_RULES)


def find_due(conn: sa.Connection, thresholds: Thresholds, as_of: datetime) -> DueSummary:
    tune_transaction(conn)
    rows = conn.execute(
        load_sql(__file__, "due.sql"),
        {
            "as_of": as_of,
            "hours": thresholds.unanswered_conversation_hours,
            "probability": thresholds.hot_lead_probability_threshold,
            "idle_hours": thresholds.hot_lead_idle_hours,
        },
    ).all()
    counts = {rule: 0 for rule in CLOCK_RULES}
    digests: dict[str, str] = {}
    for rule, due, digest in rows:
        counts[rule] = int(due)
        digests[rule] = digest
    return DueSummary(as_of=as_of, counts=counts, digests=digests)


def count_performance_due(conn: sa.Connection, thresholds: Thresholds, today: date) -> int:
    """Sellers over a performance limit on `today` that have no alert yet."""
    return conn.execute(
        load_sql(__file__, "performance_due.sql"),
        {
            "today": today,
            "max_unanswered": thresholds.performance_alert_max_unanswered,
            "max_response_minutes": thresholds.performance_alert_max_response_minutes,
        },
    ).scalar_one()

