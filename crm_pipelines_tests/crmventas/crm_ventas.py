"""Rows written the way CRM Ventas's own code writes them (orchestrator_service, read in its
repository): `db.append_chat_message` for every message (customer, AI agent, dashboard send,
automation), `seller_assignment_service` for an assignment (every row of the thread rewritten,
the lead too, a `seller_assignment` system event), the lead routes for statuses (leads.status +
lead_status_history) and notes (lead_notes with structured_data.next_contact_date)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import sqlalchemy as sa


class CRMVentas:
    def __init__(self, engine: sa.Engine):
        self.engine = engine  # a plain connection, as the CRM's own (search_path public)

    def _run(self, sql: str, **params) -> sa.Row | None:
        with self.engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return result.first() if result.returns_rows else None

    def tenant(self, tenant_id: int, clinic_name: str, owner_email: str) -> int:
        self._run("INSERT INTO tenants (id, clinic_name, owner_email) VALUES (:i, :n, :e)",
                  i=tenant_id, n=clinic_name, e=owner_email)
        return tenant_id

    def user(self, tenant_id: int, role: str, first: str, last: str, status: str = "active") -> str:
        user_id = str(uuid.uuid4())
        self._run("INSERT INTO users (id, email, password_hash, role, status, first_name, last_name, tenant_id, "
                  "created_at, updated_at) VALUES (:i, :e, 'x', :r, :s, :f, :l, :t, '2026-01-05Z', '2026-01-05Z')",
                  i=user_id, e=f"{first.lower()}@acme.test", r=role, s=status, f=first, l=last, t=tenant_id)
        return user_id

    def message(self, tenant_id: int, phone: str, role: str, text: str, at: datetime,
                correlation_id: str | None) -> int:
        """db.append_chat_message: no assigned_seller_id on a new row."""
        return self._run(
            "INSERT INTO chat_messages (from_number, role, content, correlation_id, tenant_id, platform, "
            "channel_source, external_user_id, created_at) VALUES (:p, :r, :c, :k, :t, 'whatsapp', 'whatsapp', :p, :at) "
            "RETURNING id", p=phone, r=role, c=text, k=correlation_id, t=tenant_id, at=at).id

    def customer_writes(self, tenant_id: int, phone: str, at: datetime, correlation_id: str) -> int:
        return self.message(tenant_id, phone, "user", "Hola, ¿precio?", at, correlation_id)

    def ai_agent_replies(self, tenant_id: int, phone: str, at: datetime, correlation_id: str) -> int:
        """main.py: the agent's output stored with the inbound message's correlation_id."""
        return self.message(tenant_id, phone, "assistant", "Te cuento...", at, correlation_id)

    def seller_sends_from_dashboard(self, tenant_id: int, phone: str, at: datetime) -> int:
        """routes/chat_routes.py: correlation_id manual_send_<8 hex>."""
        return self.message(tenant_id, phone, "assistant", "Soy tu asesor", at, f"manual_send_{uuid.uuid4().hex[:8]}")

    def automation_sends(self, tenant_id: int, phone: str, at: datetime) -> int:
        """services/marketing/automation_service.py: correlation_id auto_<trigger>_<target>."""
        return self.message(tenant_id, phone, "assistant", "Recordatorio", at, f"auto_no_reply_{phone}")

    def assign(self, tenant_id: int, phone: str, seller_id: str, at: datetime) -> None:
        """services/seller_assignment_service.py: every row of the thread, the lead, an event."""
        with self.engine.begin() as conn:
            conn.execute(sa.text("UPDATE chat_messages SET assigned_seller_id = :s, assigned_at = :at, "
                                 "assignment_source = 'manual' WHERE from_number = :p AND tenant_id = :t"),
                         {"s": seller_id, "at": at, "p": phone, "t": tenant_id})
            conn.execute(sa.text("UPDATE leads SET assigned_seller_id = :s WHERE phone_number = :p AND tenant_id = :t"),
                         {"s": seller_id, "p": phone, "t": tenant_id})
            conn.execute(sa.text("INSERT INTO system_events (tenant_id, user_id, event_type, severity, message, "
                                 "payload, created_at) VALUES (:t, :s, 'seller_assignment', 'info', "
                                 "'Conversation assigned to seller', CAST(:payload AS jsonb), :at)"),
                         {"t": tenant_id, "s": seller_id, "payload": json.dumps({"phone": phone, "seller_id": seller_id}),
                          "at": at})

    def lead(self, tenant_id: int, phone: str, first: str, last: str, status: str, close_probability: float,
             seller_id: str | None, created_at: datetime) -> str:
        lead_id = str(uuid.uuid4())
        self._run("INSERT INTO leads (id, tenant_id, phone_number, first_name, last_name, status, close_probability, "
                  "assigned_seller_id, created_at, updated_at) VALUES (:i, :t, :p, :f, :l, :s, :c, :a, :at, :at)",
                  i=lead_id, t=tenant_id, p=phone, f=first, l=last, s=status, c=close_probability, a=seller_id,
                  at=created_at)
        return lead_id

    def change_status(self, tenant_id: int, lead_id: str, to_status: str, by: str, at: datetime) -> None:
        """The pipeline's status change: leads.status, status_changed_at and a history row."""
        with self.engine.begin() as conn:
            from_status = conn.execute(sa.text("SELECT status FROM leads WHERE id = :i"), {"i": lead_id}).scalar()
            conn.execute(sa.text("UPDATE leads SET status = :s, status_changed_at = :at, status_changed_by = :by, "
                                 "updated_at = :at WHERE id = :i"), {"s": to_status, "at": at, "by": by, "i": lead_id})
            conn.execute(sa.text("INSERT INTO lead_status_history (lead_id, tenant_id, from_status_code, to_status_code, "
                                 "changed_by_user_id, created_at) VALUES (:i, :t, :f, :s, :by, :at)"),
                         {"i": lead_id, "t": tenant_id, "f": from_status, "s": to_status, "by": by, "at": at})

    def follow_up_note(self, tenant_id: int, lead_id: str, author: str, next_contact: str, at: datetime) -> None:
        """routes/lead_notes_routes.py: a follow_up note with structured_data.next_contact_date."""
        self._run("INSERT INTO lead_notes (tenant_id, lead_id, author_id, note_type, content, structured_data, "
                  "created_at, updated_at) VALUES (:t, :l, :a, 'follow_up', 'Llamar de nuevo', CAST(:d AS jsonb), :at, :at)",
                  t=tenant_id, l=lead_id, a=author, d=json.dumps({"next_contact_date": next_contact}), at=at)
