"""Hand-built rows for the report tests: tenants, sellers, seller_metrics and notifications.

seller_metrics rows are inserted directly (the seller_metrics asset is another feature's job):
the report must read exactly these numbers back.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa


def add_tenant(conn: sa.Connection, name: str, ceo_email: str | None = None) -> int:
    return conn.execute(
        sa.text("INSERT INTO tenants (name, ceo_email) VALUES (:n, :e) RETURNING id"),
        {"n": name, "e": ceo_email},
    ).scalar_one()


def add_seller(conn: sa.Connection, tenant_id: int, name: str) -> str:
    seller_id = str(uuid.uuid4())
    conn.execute(
        sa.text("INSERT INTO sellers (id, tenant_id, name, email) VALUES (:id, :t, :n, :e)"),
        {"id": seller_id, "t": tenant_id, "n": name, "e": f"{seller_id[:8]}@sellers.test"},
    )
    return seller_id


METRIC_DEFAULTS: dict[str, Any] = {
    "conversations_total": 0,
    "conversations_active": 0,
    "conversations_new": 0,
    "conversations_unanswered": 0,
    "messages_sent": 0,
    "messages_received": 0,
    "replies": 0,
    "avg_response_time_minutes": None,
    "leads_generated": 0,
    "leads_converted": 0,
    "hot_leads_open": 0,
    "follow_ups_due": 0,
    "productivity_score": 0.0,
    "activity_level": "inactive",
}


def add_metrics(conn: sa.Connection, tenant_id: int, seller_id: str, period: date, **values: Any) -> None:
    row = METRIC_DEFAULTS | values
    if row["messages_sent"] and row["activity_level"] == "inactive":
        row["activity_level"] = "low"
    columns = ", ".join(row)
    params = ", ".join(f":{c}" for c in row)
    conn.execute(
        sa.text(
            f"INSERT INTO seller_metrics (tenant_id, seller_id, period, {columns}) "
            f"VALUES (:tenant_id, :seller_id, :period, {params})"
        ),
        row | {"tenant_id": tenant_id, "seller_id": seller_id, "period": period},
    )


def add_notification(conn: sa.Connection, tenant_id: int, type_: str, created_at: datetime) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id, metadata, created_at) "
            "VALUES (:id, :t, :type, 'x', 'x', 'medium', gen_random_uuid(), CAST(:m AS jsonb), :c)"
        ),
        {
            "id": f"{type_}_{uuid.uuid4().hex}",
            "t": tenant_id,
            "type": type_,
            "m": json.dumps({}),
            "c": created_at,
        },
    )


def stored_report(conn: sa.Connection, tenant_id: int, day: date) -> sa.RowMapping | None:
    return (
        conn.execute(
            sa.text(
                "SELECT payload, html, delivered_to, created_at FROM daily_reports "
                "WHERE tenant_id = :t AND report_date = :d"
            ),
            {"t": tenant_id, "d": day},
        )
        .mappings()
        .first()
    )
