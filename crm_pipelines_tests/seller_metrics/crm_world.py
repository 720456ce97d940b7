"""Hand-built CRM data for the seller_metrics tests: tenants, sellers, conversations, messages
and leads with exact timestamps, so that every expected metric can be worked out by hand.

Sellers get readable fixed ids (`seller_uuid(1)` = 00000000-0000-0000-0000-000000000001), so
the tie-break on seller_id is predictable. Times are written as "YYYY-MM-DD HH:MM" in the
world's timezone (UTC unless said otherwise).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from crm_pipelines.seller_metrics.compute import write_seller_metrics
from crm_pipelines.settings import Settings


def seller_uuid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


class CRMWorld:
    def __init__(self, engine: sa.Engine, timezone: str = "UTC"):
        self.engine = engine
        self.tz = ZoneInfo(timezone)
        self._conversations = 0
        self._leads = 0

    def at(self, text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=self.tz)

    def _run(self, sql: str, **params: Any) -> Any:
        with self.engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return result.scalar() if result.returns_rows else None

    def tenant(self, name: str) -> int:
        return self._run("INSERT INTO tenants (name) VALUES (:name) RETURNING id", name=name)

    def seller(self, tenant_id: int, n: int, name: str, active: bool = True) -> uuid.UUID:
        self._run("INSERT INTO sellers (id, tenant_id, name, email, is_active, created_at) "
                  "VALUES (:id, :t, :name, :email, :active, '2024-12-01')",
                  id=seller_uuid(n), t=tenant_id, name=name, email=f"s{n}@example.com", active=active)
        return seller_uuid(n)

    def conversation(self, tenant_id: int, seller_id: uuid.UUID | None, created: str,
                     status: str = "active") -> uuid.UUID:
        self._conversations += 1
        cid = uuid.UUID(int=10_000 + self._conversations)
        self._run("INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, status, created_at) "
                  "VALUES (:id, :t, 'Cliente', :s, :status, :created)",
                  id=cid, t=tenant_id, s=seller_id, status=status, created=self.at(created))
        return cid

    def reassign(self, conversation_id: uuid.UUID, seller_id: uuid.UUID) -> None:
        self._run("UPDATE conversations SET assigned_seller_id = :s WHERE id = :c", s=seller_id, c=conversation_id)

    def message(self, conversation_id: uuid.UUID, sender_type: str, at: str,
                seller_id: uuid.UUID | None = None, tenant_id: int | None = None) -> int:
        """A message; its tenant is the conversation's unless given."""
        return self._run(
            "INSERT INTO messages (tenant_id, conversation_id, sender_type, seller_id, body, created_at) "
            "SELECT coalesce(:t, c.tenant_id), c.id, :sender, :seller, 'texto', :at "
            "FROM conversations c WHERE c.id = :c RETURNING id",
            t=tenant_id, c=conversation_id, sender=sender_type, seller=seller_id, at=self.at(at))

    def lead(self, tenant_id: int, seller_id: uuid.UUID | None, created: str, status: str = "new",
             probability: float | None = None, last_contact: str | None = None,
             next_follow_up: str | None = None, converted: str | None = None) -> uuid.UUID:
        self._leads += 1
        lid = uuid.UUID(int=50_000 + self._leads)
        self._run("INSERT INTO leads (id, tenant_id, assigned_seller_id, status, conversion_probability, created_at, "
                  "last_contact_time, next_follow_up, converted_at) "
                  "VALUES (:id, :t, :s, :status, :p, :created, :lc, :fu, :conv)",
                  id=lid, t=tenant_id, s=seller_id, status=status, p=probability, created=self.at(created),
                  lc=last_contact and self.at(last_contact), fu=next_follow_up and self.at(next_follow_up),
                  conv=converted and self.at(converted))
        return lid


def compute(engine: sa.Engine, settings: Settings, first: str, last: str | None = None,
            now: datetime | None = None) -> dict[tuple[uuid.UUID, date], dict[str, Any]]:
    """Write seller_metrics for the days first..last (inclusive) and read them back by (seller, day)."""
    start = date.fromisoformat(first)
    end = date.fromisoformat(last or first) + timedelta(days=1)
    now = now or datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    with engine.begin() as conn:
        write_seller_metrics(conn, start, end, now, settings)
    return read_rows(engine)


def read_rows(engine: sa.Engine) -> dict[tuple[uuid.UUID, date], dict[str, Any]]:
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM seller_metrics ORDER BY period, tenant_id, seller_id")).mappings()
        return {(r["seller_id"], r["period"]): dict(r) for r in rows}


def day(text: str) -> date:
    return date.fromisoformat(text)
