"""The one factory of test CRM data: one function per table, every value explicit, and the few
readers the tests use to look at what the pipelines wrote.

Every builder takes `db`, an Engine (the row is written in a transaction of its own) or a
Connection (written in the caller's transaction). Ids are fixed and readable, never random:
a seller numbered by hand is `seller_uuid(n)` = 00000000-0000-0000-0000-00000000000n; otherwise
sellers, conversations and leads are numbered in the order this process creates them, with a
prefix that says what they are (5e11e500-... sellers, c0000000-... conversations, 1ead0000-...
leads). Ids come back as text, the form they take in notification ids, metadata and events.
Times are datetimes with a timezone; `CRMWorld` writes them as "YYYY-MM-DD HH:MM" in its own.
"""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

_numbers = itertools.count(1)
NOBODY = uuid.UUID(int=0)  # the recipient of a notification whose recipient does not matter


def seller_uuid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def _next_id(prefix: str) -> str:
    return f"{prefix}-0000-0000-0000-{next(_numbers):012d}"


def _execute(db: sa.Engine | sa.Connection, sql: str, params: dict[str, Any]) -> Any:
    """Run one statement; the first column of its row when it returns one."""
    if isinstance(db, sa.Engine):
        with db.begin() as conn:
            return _execute(conn, sql, params)
    result = db.execute(sa.text(sql), params)
    return result.scalar() if result.returns_rows else None


def tenant(db: sa.Engine | sa.Connection, name: str, ceo_email: str | None = None) -> int:
    return _execute(db, "INSERT INTO tenants (name, ceo_email) VALUES (:name, :ceo) RETURNING id",
                    {"name": name, "ceo": ceo_email})


def seller(db: sa.Engine | sa.Connection, tenant_id: int, name: str, role: str = "seller", *,
           seller_id: uuid.UUID | str | None = None, active: bool = True,
           created_at: datetime | None = None) -> str:
    """A seller of the tenant; created now unless `created_at` says when."""
    seller_id = str(seller_id or _next_id("5e11e500"))
    _execute(db, "INSERT INTO sellers (id, tenant_id, name, email, role, is_active, created_at) "
                 "VALUES (:id, :t, :name, :email, :role, :active, coalesce(:created, now()))",
             {"id": seller_id, "t": tenant_id, "name": name, "email": f"seller-{seller_id}@crm.test",
              "role": role, "active": active, "created": created_at})
    return seller_id


def conversation(db: sa.Engine | sa.Connection, tenant_id: int, seller_id: uuid.UUID | str | None,
                 customer: str = "Cliente", last_message_time: datetime | None = None,
                 from_customer: bool = True, status: str = "active", *,
                 created_at: datetime | None = None) -> str:
    """A conversation assigned to the seller (or to nobody). Created at `created_at`, else at its
    last message's time, else now; its last message was the customer's unless `from_customer`
    is False."""
    conversation_id = _next_id("c0000000")
    _execute(db, "INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, status,"
                 " created_at, last_message_time, last_message_from_customer)"
                 " VALUES (:id, :t, :customer, :s, :status, coalesce(:created, :last, now()), :last,"
                 " :from_customer)",
             {"id": conversation_id, "t": tenant_id, "customer": customer, "s": seller_id, "status": status,
              "created": created_at, "last": last_message_time, "from_customer": from_customer})
    return conversation_id


def message(db: sa.Engine | sa.Connection, conversation_id: uuid.UUID | str, sender_type: str,
            created_at: datetime, seller_id: uuid.UUID | str | None = None, tenant_id: int | None = None,
            body: str = "texto") -> int:
    """A message in the conversation; its tenant is the conversation's unless given."""
    return _execute(db, "INSERT INTO messages (tenant_id, conversation_id, sender_type, seller_id, body,"
                        " created_at) SELECT coalesce(:t, c.tenant_id), c.id, :sender, :s, :body, :at"
                        " FROM conversations c WHERE c.id = :c RETURNING id",
                    {"t": tenant_id, "c": conversation_id, "sender": sender_type, "s": seller_id,
                     "body": body, "at": created_at})


def lead(db: sa.Engine | sa.Connection, tenant_id: int, seller_id: uuid.UUID | str | None,
         conversation_id: uuid.UUID | str | None = None, status: str = "new",
         probability: float | None = None, last_contact_time: datetime | None = None,
         next_follow_up: datetime | None = None, *,
         created_at: datetime | None = None, converted_at: datetime | None = None) -> str:
    """A lead; `probability` is stored as the numeric its text spells (nan and inf included)."""
    lead_id = _next_id("1ead0000")
    _execute(db, "INSERT INTO leads (id, tenant_id, conversation_id, assigned_seller_id, status,"
                 " conversion_probability, created_at, last_contact_time, next_follow_up, converted_at)"
                 " VALUES (:id, :t, :c, :s, :status, CAST(:p AS numeric), coalesce(:created, now()),"
                 " :last_contact, :follow_up, :converted)",
             {"id": lead_id, "t": tenant_id, "c": conversation_id, "s": seller_id, "status": status,
              "p": None if probability is None else str(probability), "created": created_at,
              "last_contact": last_contact_time, "follow_up": next_follow_up, "converted": converted_at})
    return lead_id


def seller_metrics_row(db: sa.Engine | sa.Connection, tenant_id: int, seller_id: uuid.UUID | str,
                       period: date, **columns: Any) -> None:
    """A seller_metrics row written directly (as the asset would have); unnamed columns keep the
    table's defaults. A seller who sent messages is at least 'low' activity."""
    if columns.get("messages_sent") and columns.get("activity_level", "inactive") == "inactive":
        columns["activity_level"] = "low"
    names = ["tenant_id", "seller_id", "period", *columns]
    # column names from the caller's keywords, values bound
    _execute(db, f"INSERT INTO seller_metrics ({', '.join(names)}) "
                 f"VALUES ({', '.join(':' + n for n in names)})",
             {**columns, "tenant_id": tenant_id, "seller_id": seller_id, "period": period})


def notification(db: sa.Engine | sa.Connection, tenant_id: int, type_: str, created_at: datetime, *,
                 recipient_id: uuid.UUID | str = NOBODY) -> str:
    """A notification of the type, numbered like the other ids (not a rule's own id pattern)."""
    notification_id = f"{type_}_{next(_numbers)}"
    _execute(db, "INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,"
                 " metadata, created_at)"
                 " VALUES (:id, :t, :type, 'x', 'x', 'medium', :r, CAST(:m AS jsonb), :c)",
             {"id": notification_id, "t": tenant_id, "type": type_, "r": recipient_id,
              "m": json.dumps({}), "c": created_at})
    return notification_id


class CRMWorld:
    """The same builders on one database, with times written "YYYY-MM-DD HH:MM" in the world's
    timezone (UTC unless said otherwise) and sellers numbered by hand (`seller_uuid(n)`), so
    that every expected metric can be worked out by hand."""

    def __init__(self, engine: sa.Engine, timezone: str = "UTC"):
        self.engine = engine
        self.tz = ZoneInfo(timezone)

    def at(self, text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=self.tz)

    def run(self, sql: str, **params: Any) -> Any:
        """Any other statement (an update, a delete), in a transaction of its own."""
        return _execute(self.engine, sql, params)

    def tenant(self, name: str) -> int:
        return tenant(self.engine, name)

    def seller(self, tenant_id: int, n: int, name: str, active: bool = True) -> str:
        return seller(self.engine, tenant_id, name, seller_id=seller_uuid(n), active=active,
                      created_at=datetime(2024, 12, 1, tzinfo=ZoneInfo("UTC")))

    def conversation(self, tenant_id: int, seller_id: uuid.UUID | str | None, created: str,
                     status: str = "active") -> str:
        return conversation(self.engine, tenant_id, seller_id, from_customer=False, status=status,
                            created_at=self.at(created))

    def reassign(self, conversation_id: uuid.UUID | str, seller_id: uuid.UUID | str) -> None:
        self.run("UPDATE conversations SET assigned_seller_id = :s WHERE id = :c",
                 s=seller_id, c=conversation_id)

    def message(self, conversation_id: uuid.UUID | str, sender_type: str, at: str,
                seller_id: uuid.UUID | str | None = None, tenant_id: int | None = None) -> int:
        return message(self.engine, conversation_id, sender_type, self.at(at), seller_id, tenant_id)

    def lead(self, tenant_id: int, seller_id: uuid.UUID | str | None, created: str, status: str = "new",
             probability: float | None = None, last_contact: str | None = None,
             next_follow_up: str | None = None, converted: str | None = None) -> str:
        return lead(self.engine, tenant_id, seller_id, None, status, probability,
                    last_contact and self.at(last_contact), next_follow_up and self.at(next_follow_up),
                    created_at=self.at(created), converted_at=converted and self.at(converted))


# Reading back what the pipelines wrote.

def notification_ids(db: sa.Engine) -> list[str]:
    with db.begin() as conn:
        return list(conn.execute(sa.text("SELECT id FROM notifications ORDER BY id")).scalars())


def notifications(db: sa.Engine) -> dict[str, sa.RowMapping]:
    with db.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM notifications")).mappings().all()
    return {row["id"]: row for row in rows}


def stored_report(conn: sa.Connection, tenant_id: int, day: date) -> sa.RowMapping | None:
    return conn.execute(sa.text("SELECT payload, html, delivered_to, created_at FROM daily_reports "
                                "WHERE tenant_id = :t AND report_date = :d"),
                        {"t": tenant_id, "d": day}).mappings().first()


def epoch(moment: datetime) -> int:
    """The whole seconds since 1970 that notification ids carry."""
    return int(moment.timestamp() // 1)
