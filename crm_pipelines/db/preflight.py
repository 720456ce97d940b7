"""What `init-db` checks before it changes anything: do the CRM's tables have what CRM_SOURCE needs?

Read-only: it looks at the catalog of CRM_SCHEMA and reports one problem per missing table,
missing column or wrong type, each naming the table, the column, what is needed and what was
found. An empty CRM schema (none of the tables there) is not a problem: it is a new database
(demo, tests), where init-db creates the CRM's tables in SPEC's shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from crm_pipelines.db.schemas import Schemas
from crm_pipelines.db.sql_files import load_sql

# Type families: PostgreSQL types a column may have and still be read as SPEC reads it.
INTEGER = ("integer", "bigint", "smallint")
TEXT = ("text", "character varying", "character")
UUID = ("uuid",)
BOOLEAN = ("boolean",)
NUMERIC = ("numeric", "double precision", "real")
TIMESTAMPTZ = ("timestamp with time zone",)
JSONB = ("jsonb",)

_FAMILY_NAMES = {INTEGER: "integer", TEXT: "text", UUID: "uuid", BOOLEAN: "boolean", NUMERIC: "numeric",
                 TIMESTAMPTZ: "timestamptz", JSONB: "jsonb"}

# SPEC section 1's five relations and the CRM app's notifications (SPEC 2): what CRM_SOURCE=spec reads.
SPEC_TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "tenants": {"id": INTEGER, "name": TEXT, "ceo_email": TEXT},
    "sellers": {"id": UUID, "tenant_id": INTEGER, "name": TEXT, "email": TEXT, "role": TEXT,
                "is_active": BOOLEAN, "created_at": TIMESTAMPTZ},
    "conversations": {"id": UUID, "tenant_id": INTEGER, "customer_name": TEXT, "channel": TEXT,
                      "assigned_seller_id": UUID, "status": TEXT, "created_at": TIMESTAMPTZ,
                      "last_message_time": TIMESTAMPTZ, "last_message_from_customer": BOOLEAN},
    "messages": {"id": INTEGER, "tenant_id": INTEGER, "conversation_id": UUID, "sender_type": TEXT,
                 "seller_id": UUID, "body": TEXT, "created_at": TIMESTAMPTZ},
    "leads": {"id": UUID, "tenant_id": INTEGER, "conversation_id": UUID, "assigned_seller_id": UUID,
              "status": TEXT, "conversion_probability": NUMERIC, "created_at": TIMESTAMPTZ,
              "last_contact_time": TIMESTAMPTZ, "next_follow_up": TIMESTAMPTZ, "converted_at": TIMESTAMPTZ},
    "notifications": {"id": TEXT, "tenant_id": INTEGER, "type": TEXT, "title": TEXT, "message": TEXT,
                      "priority": TEXT, "recipient_id": UUID, "related_entity_type": TEXT,
                      "related_entity_id": TEXT, "metadata": JSONB, "read": BOOLEAN,
                      "created_at": TIMESTAMPTZ, "expires_at": TIMESTAMPTZ},
}

# A CRM Ventas database (docs/crmventas-mapping.md): the tables and columns the mirrors are
# synced from (crm_pipelines/crmventas/), and its notifications table, where the rules write.
CRMVENTAS_TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "tenants": {"id": INTEGER, "clinic_name": TEXT, "owner_email": TEXT, "contact_email": TEXT},
    "users": {"id": UUID, "tenant_id": INTEGER, "email": TEXT, "role": TEXT, "status": TEXT,
              "first_name": TEXT, "last_name": TEXT, "created_at": TIMESTAMPTZ, "updated_at": TIMESTAMPTZ},
    "chat_messages": {"id": INTEGER, "tenant_id": INTEGER, "from_number": TEXT, "role": TEXT, "content": TEXT,
                      "created_at": TIMESTAMPTZ, "correlation_id": TEXT, "assigned_seller_id": UUID,
                      "channel_source": TEXT},
    "leads": {"id": UUID, "tenant_id": INTEGER, "phone_number": TEXT, "first_name": TEXT, "last_name": TEXT,
              "status": TEXT, "assigned_seller_id": UUID, "close_probability": NUMERIC,
              "created_at": TIMESTAMPTZ, "updated_at": TIMESTAMPTZ, "status_changed_at": TIMESTAMPTZ,
              "converted_at": TIMESTAMPTZ},
    "lead_notes": {"id": UUID, "tenant_id": INTEGER, "lead_id": UUID, "note_type": TEXT,
                   "structured_data": JSONB, "created_at": TIMESTAMPTZ, "updated_at": TIMESTAMPTZ,
                   "is_deleted": BOOLEAN},
    "lead_tasks": {"id": INTEGER, "tenant_id": INTEGER, "lead_id": UUID, "due_date": TIMESTAMPTZ,
                   "status": TEXT, "completed_at": TIMESTAMPTZ, "updated_at": TIMESTAMPTZ},
    "seller_agenda_events": {"id": UUID, "tenant_id": INTEGER, "lead_id": UUID, "start_datetime": TIMESTAMPTZ,
                             "end_datetime": TIMESTAMPTZ, "status": TEXT},
    "lead_status_history": {"id": UUID, "tenant_id": INTEGER, "lead_id": UUID, "to_status_code": TEXT,
                            "created_at": TIMESTAMPTZ},
    "system_events": {"id": INTEGER, "tenant_id": INTEGER, "event_type": TEXT, "payload": JSONB,
                      "created_at": TIMESTAMPTZ},
    "notifications": {"id": TEXT, "tenant_id": INTEGER, "type": TEXT, "title": TEXT, "message": TEXT,
                      "priority": TEXT, "recipient_id": UUID, "related_entity_type": TEXT,
                      "related_entity_id": TEXT, "metadata": JSONB, "read": BOOLEAN,
                      "created_at": TIMESTAMPTZ, "expires_at": TIMESTAMPTZ},
}

REQUIREMENTS = {"spec": SPEC_TABLES, "crmventas": CRMVENTAS_TABLES}


@dataclass(frozen=True)
class Preflight:
    """What the CRM schema holds: `empty` when none of the needed tables is there."""

    empty: bool
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_crm(conn: sa.Connection, schemas: Schemas, source: str) -> Preflight:
    if source not in REQUIREMENTS:
        return Preflight(empty=False, problems=[f"CRM_SOURCE={source!r} is not a source this version reads"])
    needed = REQUIREMENTS[source]
    found: dict[str, dict[str, str]] = {}
    for table, column, data_type in conn.execute(
        load_sql(__file__, "crm_columns.sql"), {"schema": schemas.crm, "tables": list(needed)}
    ):
        found.setdefault(table, {})[column] = data_type
    if not found:
        return Preflight(empty=True, problems=[])
    problems: list[str] = []
    for table, columns in needed.items():
        where = f"{schemas.crm}.{table}"
        if table not in found:
            problems.append(f"{where}: table missing (needs columns {', '.join(columns)})")
            continue
        for column, family in columns.items():
            actual = found[table].get(column)
            if actual is None:
                problems.append(f"{where}.{column}: column missing (needs {_FAMILY_NAMES[family]})")
            elif actual not in family:
                problems.append(f"{where}.{column}: needs {_FAMILY_NAMES[family]}, found {actual}")
    return Preflight(empty=False, problems=problems)
