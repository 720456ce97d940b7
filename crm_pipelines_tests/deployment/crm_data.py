"""A small CRM, built by hand so that the numbers the deployment tests expect can be checked by
eye: one tenant, two active sellers and one inactive one, one answered conversation on a known
day, and (on demand) one conversation whose customer has been waiting for two hours."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

ANA = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
BRUNO = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
CARLA_INACTIVE = uuid.UUID("00000000-0000-0000-0000-0000000000c3")
ACTIVE_SELLERS = (ANA, BRUNO)


@dataclass(frozen=True)
class SmallCRM:
    tenant_id: int
    answered_day: date  # Ana answered a customer on this day, 12 minutes after the question


def build_small_crm(engine: sa.Engine, answered_day: date) -> SmallCRM:
    """One tenant with Ana and Bruno (active) and Carla (inactive); on `answered_day` a customer
    writes to Ana at 10:00 UTC and she answers at 10:12."""
    asked = datetime.combine(answered_day, time(10, 0), tzinfo=timezone.utc)
    answered = asked + timedelta(minutes=12)
    conversation = uuid.uuid4()
    with engine.begin() as conn:
        tenant_id = conn.execute(sa.text(
            "INSERT INTO tenants (name, ceo_email) VALUES ('Deploy Test Co', 'ceo@example.test') RETURNING id"
        )).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO sellers (id, tenant_id, name, email, role, is_active, created_at) VALUES"
            " (:ana, :t, 'Ana', 'ana@example.test', 'seller', true, :since),"
            " (:bruno, :t, 'Bruno', 'bruno@example.test', 'seller', true, :since),"
            " (:carla, :t, 'Carla', 'carla@example.test', 'seller', false, :since)"
        ), {"ana": ANA, "bruno": BRUNO, "carla": CARLA_INACTIVE, "t": tenant_id,
            "since": asked - timedelta(days=400)})
        conn.execute(sa.text(
            "INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, status, created_at,"
            " last_message_time, last_message_from_customer)"
            " VALUES (:id, :t, 'Customer One', :ana, 'active', :asked, :answered, false)"
        ), {"id": conversation, "t": tenant_id, "ana": ANA, "asked": asked, "answered": answered})
        conn.execute(sa.text(
            "INSERT INTO messages (tenant_id, conversation_id, sender_type, seller_id, body, created_at) VALUES"
            " (:t, :c, 'customer', NULL, 'Do you ship to Lima?', :asked),"
            " (:t, :c, 'seller', :ana, 'Yes, in 3 days.', :answered)"
        ), {"t": tenant_id, "c": conversation, "ana": ANA, "asked": asked, "answered": answered})
    return SmallCRM(tenant_id=tenant_id, answered_day=answered_day)


def add_unanswered_conversation(engine: sa.Engine, tenant_id: int, waiting: timedelta) -> tuple[uuid.UUID, datetime]:
    """A customer wrote to Ana `waiting` ago and nobody answered. Returns the conversation's id
    and the time of the customer's message."""
    conversation = uuid.uuid4()
    # whole seconds: the notification id carries the epoch of this time
    asked = (datetime.now(timezone.utc) - waiting).replace(microsecond=0)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, status, created_at,"
            " last_message_time, last_message_from_customer)"
            " VALUES (:id, :t, 'Waiting Customer', :ana, 'active', :asked, :asked, true)"
        ), {"id": conversation, "t": tenant_id, "ana": ANA, "asked": asked})
        conn.execute(sa.text(
            "INSERT INTO messages (tenant_id, conversation_id, sender_type, body, created_at)"
            " VALUES (:t, :c, 'customer', 'Hello? Is anyone there?', :asked)"
        ), {"t": tenant_id, "c": conversation, "asked": asked})
    return conversation, asked
