"""init-db as a guest in a CRM's database: it checks the CRM's tables before changing anything,
refuses the real CRM Ventas schema with a readable list and leaves its catalog exactly as it
was, lists what it would run (`--plan`), moves an earlier version's tables into our schema with
their rows, rebuilds an index an interrupted concurrent build left invalid, and says in one line
when PostgreSQL cannot be reached."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm_pipelines.db.migrate import migrate
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines_tests.conftest import create_database, drop_database
from crm_pipelines_tests.support.crmventas_schema import load_crm_ventas_schema

LEGACY_V1 = Path(__file__).resolve().parent / "legacy_v1"

CATALOG = """
SELECT 'relation' AS kind, n.nspname || '.' || c.relname AS name, c.relkind::text AS detail
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
UNION ALL
SELECT 'schema', nspname, '' FROM pg_namespace
UNION ALL
SELECT 'column', table_schema || '.' || table_name || '.' || column_name,
       data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'trigger', tgrelid::regclass::text || '.' || tgname, '' FROM pg_trigger WHERE NOT tgisinternal
UNION ALL
SELECT 'function', n.nspname || '.' || p.proname, '' FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'index', schemaname || '.' || indexname, indexdef FROM pg_indexes
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3
"""


def catalog(dsn: str) -> list[tuple]:
    engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(CATALOG))]
    engine.dispose()
    return rows


def cli(*args: str, dsn: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "CRM_", "REDIS_"))}
    environ.update(POSTGRES_DSN=dsn, DAGSTER_HOME=str(tmp_path / "dagster_home"), **env)
    return subprocess.run([sys.executable, "-m", "crm_pipelines.cli", *args], env=environ,
                          capture_output=True, text=True, timeout=240)


@pytest.fixture
def crm_ventas_dsn():
    """A fresh database holding the real CRM Ventas schema, loaded as its README says."""
    dsn = create_database("crm_ventas")
    load_crm_ventas_schema(dsn)
    yield dsn
    drop_database(dsn)


@pytest.fixture
def empty_dsn():
    dsn = create_database("crm_empty")
    yield dsn
    drop_database(dsn)


def test_crm_ventas_schema_is_refused_with_a_list_and_nothing_changes(crm_ventas_dsn, tmp_path):
    before = catalog(crm_ventas_dsn)
    assert ("relation", "public.seller_metrics", "r") in before  # the CRM's own table of that name

    result = cli("init-db", dsn=crm_ventas_dsn, tmp_path=tmp_path)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert "nothing was changed" in lines[0]
    problems = [line.strip() for line in lines[1:]]
    # What a person reading CRM Ventas's schema.sql finds: users are not `sellers`, no
    # conversations/messages tables, leads without SPEC's probability and follow-up columns.
    assert "public.sellers.id: needs uuid, found integer" in problems
    assert "public.tenants.name: column missing (needs text)" in problems
    assert any(p.startswith("public.conversations: table missing") for p in problems)
    assert any(p.startswith("public.messages: table missing") for p in problems)
    assert "public.leads.conversion_probability: column missing (needs numeric)" in problems
    assert not any(p.startswith("public.notifications") for p in problems)  # its table has SPEC's columns
    assert catalog(crm_ventas_dsn) == before

    planned = cli("init-db", "--plan", dsn=crm_ventas_dsn, tmp_path=tmp_path)
    assert planned.returncode == 2
    assert "public.sellers.id: needs uuid, found integer" in planned.stderr
    assert catalog(crm_ventas_dsn) == before


def test_plan_lists_every_statement_marks_the_crm_side_and_changes_nothing(empty_dsn, tmp_path):
    before = catalog(empty_dsn)
    result = cli("init-db", "--plan", dsn=empty_dsn, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert catalog(empty_dsn) == before
    out = result.stdout
    crm_blocks = [b for b in out.split(";\n") if "-- [CRM]" in b]
    ours_blocks = [b for b in out.split(";\n") if "-- [ours]" in b]
    assert any("CREATE TABLE sellers" in b for b in crm_blocks)  # an empty database gets the CRM's tables
    assert any("CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_tenant_created_idx" in b for b in crm_blocks)
    assert any("CREATE OR REPLACE TRIGGER crm_pipelines_count_inserted_conversations" in b for b in crm_blocks)
    assert any("CREATE TABLE IF NOT EXISTS seller_metrics" in b for b in ours_blocks)
    assert not any("CONCURRENTLY" in b for b in ours_blocks)
    assert "nothing was changed (--plan)" in out


def test_owned_tables_live_in_our_schema_and_crm_tables_in_the_crms(empty_dsn, tmp_path):
    result = cli("init-db", dsn=empty_dsn, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "created the CRM's tables in schema public" in result.stdout
    relations = {name for kind, name, detail in catalog(empty_dsn) if kind == "relation" and detail == "r"}
    assert {"crm_pipelines.seller_metrics", "crm_pipelines.daily_reports", "crm_pipelines.schema_migrations",
            "crm_pipelines.seller_conversation_counts", "crm_pipelines.notified_situations",
            "crm_pipelines.notification_outbox"} <= relations
    assert {"public.tenants", "public.sellers", "public.conversations", "public.messages", "public.leads",
            "public.notifications"} <= relations
    assert not {"public.seller_metrics", "public.daily_reports", "public.schema_migrations"} & relations

    again = cli("init-db", dsn=empty_dsn, tmp_path=tmp_path)
    assert "(0 applied, 5 already there)" in again.stdout
    assert "built index" not in again.stdout

    # The CRM's own sessions (search_path "$user", public) write through our triggers.
    engine = sa.create_engine(empty_dsn, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO tenants (id, name) VALUES (1, 'Acme')"))
        conn.execute(sa.text("INSERT INTO sellers (id, tenant_id, name, email) VALUES "
                             "('00000000-0000-0000-0000-000000000001', 1, 'Ana', 'ana@acme.test')"))
        conn.execute(sa.text("INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id) VALUES "
                             "(gen_random_uuid(), 1, 'Luis', '00000000-0000-0000-0000-000000000001')"))
        assert conn.execute(sa.text("SELECT sum(conversations) FROM crm_pipelines.seller_conversation_counts")
                            ).scalar() == 1
    engine.dispose()


def _install_earlier_version(dsn: str) -> None:
    """What the earlier version's init-db did: sql/001..010 in public, recorded in public.schema_migrations."""
    engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_migrations (filename text PRIMARY KEY, checksum text NOT NULL,"
                             " applied_at timestamptz NOT NULL DEFAULT now())"))
        for path in sorted(LEGACY_V1.glob("*.sql")):
            conn.exec_driver_sql(path.read_text())
            conn.execute(sa.text("INSERT INTO schema_migrations (filename, checksum) VALUES (:f, :c)"),
                         {"f": path.name, "c": hashlib.sha256(path.read_bytes()).hexdigest()})
    engine.dispose()


def test_an_earlier_versions_tables_move_into_our_schema_with_their_rows(empty_dsn):
    _install_earlier_version(empty_dsn)
    engine = sa.create_engine(empty_dsn, poolclass=sa.pool.NullPool)
    seller = "00000000-0000-0000-0000-0000000000a1"
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO tenants (id, name) VALUES (1, 'Acme')"))
        conn.execute(sa.text("INSERT INTO sellers (id, tenant_id, name, email) VALUES (:s, 1, 'Ana', 'a@x.test')"),
                     {"s": seller})
        conn.execute(sa.text("INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id) "
                             "SELECT gen_random_uuid(), 1, 'c' || g, :s FROM generate_series(1, 3) AS g"),
                     {"s": seller})
        conn.execute(sa.text("INSERT INTO seller_metrics (tenant_id, seller_id, period, messages_sent) "
                             "VALUES (1, :s, '2026-11-30', 42)"), {"s": seller})
        conn.execute(sa.text("INSERT INTO daily_reports (tenant_id, report_date, payload, html) "
                             "VALUES (1, '2026-11-30', '{}', '<p>report</p>')"))
        conn.execute(sa.text(
            "INSERT INTO notifications (id, tenant_id, type, title, message, recipient_id, expires_at) VALUES "
            "('followup_00000000-0000-0000-0000-0000000000f1_1764000000', 1, 'followup', 't', 'm', :s, now())"),
            {"s": seller})

    result = migrate(create_crm_engine(empty_dsn, poolclass=sa.pool.NullPool))

    assert "ALTER TABLE public.seller_metrics SET SCHEMA crm_pipelines" in result.moved
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT messages_sent FROM crm_pipelines.seller_metrics")).scalar() == 42
        assert conn.execute(sa.text("SELECT html FROM crm_pipelines.daily_reports")).scalar() == "<p>report</p>"
        assert conn.execute(sa.text("SELECT to_regclass('public.seller_metrics')")).scalar() is None
        assert conn.execute(sa.text("SELECT to_regclass('public.schema_migrations')")).scalar() is None
        assert conn.execute(sa.text("SELECT count(*) FROM crm_pipelines.schema_migrations_v1")).scalar() == 10
        # the earlier notification's situation is in the ledger: it is not notified again
        assert conn.execute(sa.text("SELECT id FROM crm_pipelines.notified_situations")).scalar() == \
            "followup_00000000-0000-0000-0000-0000000000f1_1764000000"
        # counts kept across the move, and the triggers still count from a CRM session
        conn.execute(sa.text("INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id) "
                             "VALUES (gen_random_uuid(), 1, 'c4', :s)"), {"s": seller})
        assert conn.execute(sa.text("SELECT sum(conversations) FROM crm_pipelines.seller_conversation_counts")
                            ).scalar() == 4
    engine.dispose()


def test_an_index_left_invalid_by_an_interrupted_build_is_rebuilt(empty_dsn):
    ours = create_crm_engine(empty_dsn, poolclass=sa.pool.NullPool)
    migrate(ours)
    raw = sa.create_engine(empty_dsn, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with raw.connect() as conn:
        conn.execute(sa.text("DROP INDEX messages_tenant_created_idx"))
        conn.execute(sa.text("INSERT INTO tenants (id, name) VALUES (1, 'Acme')"))
        conn.execute(sa.text("INSERT INTO conversations (id, tenant_id, customer_name) VALUES "
                             "('00000000-0000-0000-0000-0000000000c1', 1, 'Luis')"))
        conn.execute(sa.text("INSERT INTO messages (tenant_id, conversation_id, sender_type, created_at) "
                             "SELECT 1, '00000000-0000-0000-0000-0000000000c1', 'customer', '2026-11-30 10:00Z' "
                             "FROM generate_series(1, 2)"))
        # A concurrent build that fails half way leaves an invalid index of that name behind.
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("CREATE UNIQUE INDEX CONCURRENTLY messages_tenant_created_idx "
                                 "ON messages (tenant_id, created_at)"))
        assert conn.execute(sa.text("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                                    "'messages_tenant_created_idx'::regclass")).scalar() is False

    result = migrate(ours)

    assert result.indexes_built == ["public.messages_tenant_created_idx"]
    with raw.connect() as conn:
        valid, unique = conn.execute(sa.text("SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = "
                                             "'messages_tenant_created_idx'::regclass")).one()
    assert (valid, unique) == (True, False)
    raw.dispose()
    ours.dispose()


@pytest.mark.parametrize("command", [["init-db"], ["init-db", "--plan"], ["seed-demo"], ["bench"]])
def test_postgres_down_is_one_line_naming_the_dsn_without_its_password(command, tmp_path):
    dsn = "postgresql://crm:Sup3rSecret@127.0.0.1:9/crm"  # port 9 (discard): nothing listens there
    result = cli(*command, dsn=dsn, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Sup3rSecret" not in result.stderr + result.stdout
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error_lines == [f"Error: cannot reach PostgreSQL at postgresql://crm:***@127.0.0.1:9/crm: "
                           f"{error_lines[0].split('/crm: ', 1)[1]}"]
    assert "Connection refused" in error_lines[0]
