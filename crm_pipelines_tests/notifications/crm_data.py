"""Small hand-built CRM rows for the notification tests: one function per table, explicit values."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa


def tenant(db: sa.Engine, name: str) -> int:
    with db.begin() as conn:
        return conn.execute(
            sa.text("INSERT INTO tenants (name) VALUES (:n) RETURNING id"), {"n": name}
        ).scalar_one()


def seller(db: sa.Engine, tenant_id: int, name: str, role: str = "seller") -> str:
    seller_id = str(uuid.uuid4())
    with db.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sellers (id, tenant_id, name, email, role) VALUES (:i, :t, :n, :e, :r)"),
            {"i": seller_id, "t": tenant_id, "n": name, "e": f"{seller_id[:8]}@crm.test", "r": role},
        )
    return seller_id


def conversation(
    db: sa.Engine,
    tenant_id: int,
    seller_id: str | None,
    customer: str,
    last_message_time: datetime,
    from_customer: bool = True,
    status: str = "active",
) -> str:
    conversation_id = str(uuid.uuid4())
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, status,"
                " created_at, last_message_time, last_message_from_customer)"
                " VALUES (:i, :t, :c, :s, :st, :lm, :lm, :fc)"
            ),
            {
                "i": conversation_id,
                "t": tenant_id,
                "c": customer,
                "s": seller_id,
                "st": status,
                "lm": last_message_time,
                "fc": from_customer,
            },
        )
    return conversation_id


def lead(
    db: sa.Engine,
    tenant_id: int,
    seller_id: str | None,
    conversation_id: str | None,
    status: str,
    probability: float | None = None,
    last_contact_time: datetime | None = None,
    next_follow_up: datetime | None = None,
) -> str:
    lead_id = str(uuid.uuid4())
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO leads (id, tenant_id, conversation_id, assigned_seller_id, status,"
                " conversion_probability, last_contact_time, next_follow_up)"
                " VALUES (:i, :t, :c, :s, :st, CAST(:p AS numeric), :lc, :nf)"
            ),
            {
                "i": lead_id,
                "t": tenant_id,
                "c": conversation_id,
                "s": seller_id,
                "st": status,
                "p": None if probability is None else str(probability),
                "lc": last_contact_time,
                "nf": next_follow_up,
            },
        )
    return lead_id


def metrics_row(
    db: sa.Engine,
    tenant_id: int,
    seller_id: str,
    period: date,
    unanswered: int,
    avg_response_minutes: float | None,
) -> None:
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO seller_metrics (tenant_id, seller_id, period, conversations_unanswered,"
                " avg_response_time_minutes) VALUES (:t, :s, :p, :u, :a)"
            ),
            {"t": tenant_id, "s": seller_id, "p": period, "u": unanswered, "a": avg_response_minutes},
        )


def notification_ids(db: sa.Engine) -> list[str]:
    with db.begin() as conn:
        return list(conn.execute(sa.text("SELECT id FROM notifications ORDER BY id")).scalars())


def notifications(db: sa.Engine) -> dict[str, sa.RowMapping]:
    with db.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM notifications")).mappings().all()
    return {row["id"]: row for row in rows}


def epoch(moment: datetime) -> int:
    return int(moment.timestamp() // 1)
