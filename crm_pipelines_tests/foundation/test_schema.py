"""`init-db` on a fresh database gives the schema of SPEC once (the CRM's tables in `public`,
ours in `crm_pipelines`); a second run changes nothing; a changed, already-applied file is
refused; a new file is applied on the next run."""

import shutil

import pytest
import sqlalchemy as sa

from crm_pipelines.db.migrate import SQL_DIR, MigrationError, migrate
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines_tests.conftest import create_database, drop_database

SPEC_COLUMNS = {
    "tenants": {"id", "name", "ceo_email"},
    "sellers": {"id", "tenant_id", "name", "email", "role", "is_active", "created_at"},
    "conversations": {"id", "tenant_id", "customer_name", "channel", "assigned_seller_id", "status",
                      "created_at", "last_message_time", "last_message_from_customer"},
    "messages": {"id", "tenant_id", "conversation_id", "sender_type", "seller_id", "body", "created_at"},
    "leads": {"id", "tenant_id", "conversation_id", "assigned_seller_id", "status", "conversion_probability",
              "created_at", "last_contact_time", "next_follow_up", "converted_at"},
    "seller_metrics": {
        "tenant_id", "seller_id", "period", "conversations_total", "conversations_active", "conversations_new",
        "conversations_unanswered", "messages_sent", "messages_received", "replies",
        "avg_response_time_minutes", "median_response_time_minutes", "p90_response_time_minutes",
        "first_response_time_minutes", "total_chat_time_minutes", "engagement_rate", "leads_generated",
        "leads_converted", "conversion_rate", "hot_leads_open", "follow_ups_due", "productivity_score",
        "activity_level", "rank_position", "computed_at"},
    "notifications": {"id", "tenant_id", "type", "title", "message", "priority", "recipient_id",
                      "related_entity_type", "related_entity_id", "metadata", "read", "created_at", "expires_at"},
    "daily_reports": {"tenant_id", "report_date", "payload", "html", "created_at", "delivered_to"},
}


@pytest.fixture
def fresh_engine():
    dsn = create_database("crm_schema")
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()
    drop_database(dsn)


CRM_TABLES = {"tenants", "sellers", "conversations", "messages", "leads", "notifications"}


def _schema(engine):
    """Columns, indexes and primary keys of both schemas; each table checked to be in its own."""
    with engine.connect() as conn:
        cols = conn.execute(sa.text(
            "SELECT table_name, column_name, data_type, table_schema FROM information_schema.columns "
            "WHERE table_schema IN ('public', 'crm_pipelines') ORDER BY 1, 2")).all()
        indexes = conn.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname IN ('public', 'crm_pipelines') "
            "ORDER BY 1")).all()
        pks = conn.execute(sa.text(
            "SELECT tc.table_name, string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position) "
            "FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu "
            "USING (constraint_name, table_schema) WHERE tc.constraint_type = 'PRIMARY KEY' "
            "AND tc.table_schema IN ('public', 'crm_pipelines') GROUP BY 1")).all()
    for table, _column, _type, schema in cols:
        assert schema == ("public" if table in CRM_TABLES else "crm_pipelines"), f"{table} is in {schema}"
    return [c[:3] for c in cols], indexes, dict(pks)


def test_init_db_twice_gives_the_spec_schema_once(fresh_engine):
    first = migrate(fresh_engine)
    assert first.created_crm_tables
    assert first.applied == ["001_seller_metrics.sql", "002_daily_reports.sql", "003_seller_conversation_counts.sql",
                             "004_notification_ledger_and_outbox.sql", "crm/spec/conversation_count_triggers.sql"]
    assert "public.messages_tenant_created_idx" in first.indexes_built
    before = _schema(fresh_engine)
    second = migrate(fresh_engine)
    assert second.applied == []
    assert second.already_applied == sorted(first.applied)
    assert second.indexes_built == [] and not second.created_crm_tables
    assert _schema(fresh_engine) == before

    cols, _indexes, pks = before
    by_table: dict[str, set] = {}
    for table, column, _type in cols:
        by_table.setdefault(table, set()).add(column)
    for table, expected in SPEC_COLUMNS.items():
        assert expected <= by_table[table], f"{table} misses {expected - by_table[table]}"
    assert pks["seller_metrics"] == "tenant_id,seller_id,period"
    assert pks["daily_reports"] == "tenant_id,report_date"
    assert pks["notifications"] == "id"
    types = {(t, c): ty for t, c, ty in cols}
    assert types[("messages", "created_at")] == "timestamp with time zone"
    assert types[("notifications", "metadata")] == "jsonb"
    with fresh_engine.connect() as conn:
        recorded = conn.execute(sa.text("SELECT filename FROM schema_migrations ORDER BY 1")).scalars().all()
    assert recorded == sorted(first.applied)


def test_changed_applied_file_is_refused_and_new_file_applied(fresh_engine, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    migrate(fresh_engine, sql_dir=sql_dir)
    (sql_dir / "999_add_column.sql").write_text("ALTER TABLE daily_reports ADD COLUMN plan text;")
    assert migrate(fresh_engine, sql_dir=sql_dir).applied == ["999_add_column.sql"]
    with fresh_engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema='crm_pipelines' AND table_name='daily_reports' AND column_name='plan'"
        )).scalar() == 1
    (sql_dir / "001_seller_metrics.sql").write_text("-- edited\n" + (sql_dir / "001_seller_metrics.sql").read_text())
    with pytest.raises(MigrationError, match="001_seller_metrics.sql"):
        migrate(fresh_engine, sql_dir=sql_dir)
