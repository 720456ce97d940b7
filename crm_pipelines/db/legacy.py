"""Earlier versions kept our tables in the CRM's schema (`public`); this one keeps them in
CRM_PIPELINES_SCHEMA. `moves` lists the statements that move them there, rows, indexes and
triggers' functions included (ALTER ... SET SCHEMA moves the object, it copies nothing).

A table of the CRM's schema is ours only when that schema also holds our old migrations table
with the row of the file that created it: a CRM's own `seller_metrics` (CRM Ventas has one) is
never taken.
"""

from __future__ import annotations

import sqlalchemy as sa

from crm_pipelines.db.schemas import Schemas

# table -> the earlier version's migration file that created it
OWNED_TABLES = {
    "seller_metrics": "002_pipeline_tables.sql",
    "daily_reports": "002_pipeline_tables.sql",
    "seller_conversation_counts": "009_seller_conversation_counts.sql",
}
OWNED_FUNCTIONS = {
    "crm_pipelines_conversation_month(timestamptz)": "009_seller_conversation_counts.sql",
    "crm_pipelines_count_conversations()": "009_seller_conversation_counts.sql",
    "crm_pipelines_recount_conversation()": "009_seller_conversation_counts.sql",
}


def moves(conn: sa.Connection, schemas: Schemas) -> list[str]:
    old = schemas.crm
    if not _exists(conn, f"{old}.schema_migrations") or _exists(conn, f"{schemas.pipelines}.schema_migrations"):
        return []
    recorded = set(conn.execute(sa.text(f"SELECT filename FROM {old}.schema_migrations")).scalars())
    if "002_pipeline_tables.sql" not in recorded:
        return []  # somebody else's schema_migrations
    statements = [f"CREATE SCHEMA IF NOT EXISTS {schemas.pipelines}"]
    for table, created_by in OWNED_TABLES.items():
        if created_by in recorded and _exists(conn, f"{old}.{table}") and not _exists(
                conn, f"{schemas.pipelines}.{table}"):
            statements.append(f"ALTER TABLE {old}.{table} SET SCHEMA {schemas.pipelines}")
    for function, created_by in OWNED_FUNCTIONS.items():
        if created_by in recorded and conn.execute(
                sa.text("SELECT to_regprocedure(:f) IS NOT NULL"), {"f": f"{old}.{function}"}).scalar():
            statements.append(f"ALTER FUNCTION {old}.{function} SET SCHEMA {schemas.pipelines}")
    # Kept as a record of what the earlier version applied; ours starts anew beside it.
    statements.append(f"ALTER TABLE {old}.schema_migrations SET SCHEMA {schemas.pipelines}")
    statements.append(f"ALTER TABLE {schemas.pipelines}.schema_migrations RENAME TO schema_migrations_v1")
    return statements


def _exists(conn: sa.Connection, qualified: str) -> bool:
    return bool(conn.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": qualified}).scalar())
