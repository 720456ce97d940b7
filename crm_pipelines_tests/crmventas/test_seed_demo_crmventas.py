"""`seed-demo --source crmventas` writes the spec seed's data in CRM Ventas's shape. With the same
seed and `now`, the mirrors synced from it give the spec seed's seller_metrics, except where the
mapping itself differs (docs/crmventas-mapping.md):
- conversations_unanswered: the spec demo leaves a random status on quiet conversations (closed,
  archived, one in ten active); CRM Ventas has no status, and the mirror archives a thread idle
  for CONVERSATION_ARCHIVE_DAYS before the newest message and keeps every other one active;
- hot_leads_open: CRM Ventas has no last_contact_time; a lead's last contact is its thread's last
  seller message (or a call note), so a `new` lead whose thread a seller wrote in has one, where
  the spec demo leaves it null.
Those two rules applied to the spec data make every row equal."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from crm_pipelines.crmventas.sync import sync
from crm_pipelines.db.migrate import migrate
from crm_pipelines.db.schemas import Schemas
from crm_pipelines.demo.crmventas import seed_crmventas
from crm_pipelines.demo.seed import seed_demo
from crm_pipelines.resources.build import build_postgres
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines.seller_metrics.compute import write_seller_metrics
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.conftest import create_database, drop_database

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
DAYS = 12
SEED = dict(tenants=2, sellers=4, days=DAYS, seed=5, now=NOW, timezone="UTC", progress=False)
FIRST, LAST = date(2026, 11, 9), date(2026, 11, 20)
# The mapping's two rules, applied to the spec data (see the module's docstring).
ARCHIVE_AS_THE_MIRROR = """
UPDATE conversations SET status = CASE WHEN coalesce(last_message_time, created_at)
    < (SELECT created_at FROM messages ORDER BY id DESC LIMIT 1) - interval '7 days' THEN 'archived' ELSE 'active' END
"""
LAST_CONTACT_AS_THE_MIRROR = """
UPDATE leads AS l SET last_contact_time = (SELECT max(m.created_at) FROM messages AS m
    WHERE m.conversation_id = l.conversation_id AND m.sender_type = 'seller')
WHERE l.status = 'new'
"""


@pytest.fixture
def databases(tmp_path):
    made = []

    def database(source: str) -> tuple[sa.Engine, object]:
        dsn = create_database(f"seed_{source}")
        made.append(dsn)
        settings = load_settings({"POSTGRES_DSN": dsn, "CRM_SOURCE": source, "METRICS_START_DATE": "2026-11-01",
                                  "DAGSTER_HOME": str(tmp_path / "dagster_home")})
        engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
        migrate(engine, Schemas.from_settings(settings), source)
        return engine, settings

    yield database
    for dsn in made:
        drop_database(dsn)


def metrics(engine: sa.Engine, settings) -> dict[tuple, dict]:
    with engine.begin() as conn:
        write_seller_metrics(conn, FIRST, LAST + timedelta(days=1), NOW, settings)
        rows = conn.execute(sa.text("SELECT * FROM seller_metrics")).mappings().all()
    return {(r["seller_id"], r["period"]): {k: v for k, v in r.items() if k != "computed_at"} for r in rows}


def differing_columns(a: dict, b: dict) -> dict[str, int]:
    assert a.keys() == b.keys()
    columns: dict[str, int] = {}
    for key in a:
        for column, value in a[key].items():
            if b[key][column] != value:
                columns[column] = columns.get(column, 0) + 1
    return columns


def test_the_same_seed_gives_the_spec_seeds_metrics_through_the_mirrors(databases):
    spec, spec_settings = databases("spec")
    ventas, ventas_settings = databases("crmventas")
    seeded = seed_demo(spec, **SEED).counts
    written = seed_crmventas(ventas, **SEED).counts

    # the same rows, counted in each shape
    assert written == {"tenants": 2, "users": 8, "chat_messages": seeded["messages"],
                       "threads": seeded["conversations"], "leads": seeded["leads"]}
    with ventas.connect() as conn:
        roles = dict(conn.execute(sa.text("SELECT role, count(*) FROM users GROUP BY role")).all())
        dashboard_sends = conn.execute(sa.text(
            "SELECT count(*) FROM chat_messages WHERE role = 'assistant' AND correlation_id LIKE 'manual_send_%'")).scalar()
    with spec.connect() as conn:
        seller_messages = conn.execute(sa.text("SELECT count(*) FROM messages WHERE sender_type = 'seller'")).scalar()
    assert roles["secretary"] == 2 and roles["setter"] + roles["closer"] == 6  # a manager per tenant
    assert dashboard_sends == seller_messages

    sync(build_postgres(ventas_settings), "UTC")
    with ventas.connect() as conn:
        mirrored = conn.execute(sa.text("SELECT count(*) FROM messages WHERE sender_type = 'seller' "
                                        "AND seller_id IS NOT NULL")).scalar()
    assert mirrored == seller_messages  # every seller message attributed to its thread's assignee

    from_mirrors = metrics(ventas, ventas_settings)
    from_spec = metrics(spec, spec_settings)
    assert len(from_spec) == 8 * DAYS  # 2 tenants x 4 active sellers x 12 days
    assert set(differing_columns(from_spec, from_mirrors)) == {"conversations_unanswered", "hot_leads_open"}

    with spec.begin() as conn:
        conn.execute(sa.text(ARCHIVE_AS_THE_MIRROR))
        conn.execute(sa.text(LAST_CONTACT_AS_THE_MIRROR))
    assert differing_columns(metrics(spec, spec_settings), from_mirrors) == {}
