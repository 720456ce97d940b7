"""`crm-pipelines seed-demo` with CRM_SOURCE=crmventas: the spec seed's data written in CRM
Ventas's shape, set-based in SQL.

The spec seed's own statements (seed.STEPS) fill SPEC-shaped temporary tables, and the files of
sql/crmventas/ write the same rows into CRM Ventas's tables as its code writes them: the same
seed gives the same sellers (users), messages (chat_messages, same ids and times), leads and
follow-ups as `--source spec`, so both sources' metrics can be compared
(docs/crmventas-mapping.md says which ones differ by the mapping, and why).
"""

from __future__ import annotations

import time
from datetime import datetime

import sqlalchemy as sa
from tqdm import tqdm

from crm_pipelines.db.schemas import DEFAULT_SCHEMAS, Schemas
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.demo import seed as spec_seed

STEPS = [
    ("scratch tables", "crmventas/00_scratch_tables.sql"),
    *spec_seed.STEPS,
    ("threads", "crmventas/01_threads.sql"),
    ("tenants and users", "crmventas/02_tenants_users.sql"),
    ("chat_messages", "crmventas/03_chat_messages.sql"),
    ("leads, notes, tasks", "crmventas/04_leads.sql"),
]
# CRM Ventas's tables the demo writes (in CRM_SCHEMA), children first.
CRM_TABLES = ("lead_status_history", "lead_notes", "lead_tasks", "seller_agenda_events", "system_events",
              "chat_messages", "leads", "users", "tenants")
# Ours: the mirrors and what the pipelines derived from the previous data.
MIRROR_TABLES = ("messages", "leads", "conversations", "sellers", "tenants", "crmventas_sync_state")
COUNTED = {
    "tenants": f"SELECT count(*) FROM {spec_seed.TENANTS['crmventas']}",
    "users": "SELECT count(*) FROM users",
    "chat_messages": "SELECT count(*) FROM chat_messages",
    "threads": "SELECT count(*) FROM (SELECT DISTINCT tenant_id, from_number FROM chat_messages) AS t",
    "leads": "SELECT count(*) FROM crmventas_leads",
}


def seed_crmventas(engine: sa.Engine, *, tenants: int, sellers: int, days: int, seed: int, now: datetime,
                   timezone: str, replace: bool = False, progress: bool = True,
                   max_daily_conversations: int = spec_seed.DEFAULT_MAX_DAILY_CONVERSATIONS,
                   schemas: Schemas = DEFAULT_SCHEMAS) -> spec_seed.SeedResult:
    params = spec_seed.check_params(tenants=tenants, sellers=sellers, days=days, seed=seed, now=now,
                                    timezone=timezone, max_daily_conversations=max_daily_conversations)
    params["crm_schema"] = schemas.crm
    started = time.perf_counter()
    # Schema names are validated identifiers (settings): safe to write unquoted.
    crm_tables = ", ".join(f"{schemas.crm}.{t}" for t in CRM_TABLES)
    ours = ", ".join(f"{schemas.pipelines}.{t}" for t in MIRROR_TABLES + spec_seed.DERIVED_TABLES
                     if t != "notifications")
    with engine.begin() as conn:
        existing = spec_seed.count_tenants(conn, "crmventas")
        if existing and not replace:
            raise spec_seed.SeedError(
                f"the database already has {existing} tenants; pass --replace to wipe them and every CRM "
                "Ventas table the pipelines read, the mirrors and the pipelines' tables (only ever on a demo "
                "database)")
        conn.execute(sa.text(
            f"TRUNCATE {crm_tables}, {schemas.crm}.notifications, {ours} RESTART IDENTITY CASCADE"))
        for _label, filename in tqdm(STEPS, desc="seed-demo (crmventas)", unit="step", disable=not progress):
            conn.execute(load_sql(spec_seed.__file__, filename), params)
        counts = {name: conn.execute(sa.text(sql)).scalar() for name, sql in COUNTED.items()}
    return spec_seed.SeedResult(counts=counts, seconds=time.perf_counter() - started)
