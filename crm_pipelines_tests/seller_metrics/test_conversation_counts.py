"""conversations_total through seller_conversation_counts (sql/009): the triggers on
conversations keep a per (tenant, seller, UTC month) count exact through everything the CRM
does to a conversation; seller_metrics adds the window's own month from `conversations`;
cleanup_job's rebuild folds the triggers' rows and corrects a count the triggers missed."""

from __future__ import annotations

import logging
from datetime import date

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.cleanup.jobs import build_cleanup_job
from crm_pipelines.db.migrate import SQL_DIR, migrate
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines_tests.conftest import create_database, drop_database
from crm_pipelines_tests.seller_metrics.metrics_rows import compute, day
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid

ANA, BEA = seller_uuid(1), seller_uuid(2)
FEB, MAR, APR = date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)


def recorded(engine: sa.Engine) -> dict[tuple, int]:
    """The table's sum per key, zero sums left out."""
    with engine.begin() as conn:
        rows = conn.execute(sa.text(
            "SELECT tenant_id, seller_id, month, sum(conversations) FROM seller_conversation_counts "
            "GROUP BY 1, 2, 3 HAVING sum(conversations) <> 0")).all()
    return {(t, s, m): n for t, s, m, n in rows}


def rows_written(engine: sa.Engine, **key) -> int:
    """How many rows the triggers wrote (for the key given, or in all)."""
    where = " AND ".join(f"{name} = :{name}" for name in key) or "true"
    with engine.begin() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM seller_conversation_counts WHERE {where}"), key).scalar()


def _world(db) -> CRMWorld:
    w = CRMWorld(db)
    w.tenant("Clínica")
    w.tenant("Taller")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Bea")
    return w


def test_triggers_keep_the_count_through_inserts_reassignments_moves_and_deletes(db):
    w = _world(db)
    first = w.conversation(1, ANA, "2025-02-10 09:00")
    w.conversation(1, ANA, "2025-02-28 23:30")
    late = w.conversation(1, BEA, "2025-03-01 00:10")
    w.conversation(1, None, "2025-03-02 09:00")  # unassigned: counts for nobody
    assert recorded(db) == {(1, ANA, FEB): 2, (1, BEA, MAR): 1}

    w.reassign(first, BEA)                                   # Feb: Ana 1, Bea 1
    w.run("UPDATE conversations SET created_at = '2025-04-02 10:00+00' WHERE id = :c", c=late)  # re-dated
    before = rows_written(db)
    w.run("UPDATE conversations SET status = 'closed', last_message_time = now()")  # no effect
    assert rows_written(db) == before  # the UPDATE trigger's WHEN kept it from being called
    assert recorded(db) == {(1, ANA, FEB): 1, (1, BEA, FEB): 1, (1, BEA, APR): 1}

    w.run("UPDATE conversations SET tenant_id = 2 WHERE id = :c", c=first)  # moved to another tenant
    w.run("DELETE FROM conversations WHERE id = :c", c=late)
    # one statement, many rows (a CRM import): one row per key, not per conversation
    w.run("INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, created_at) "
           "SELECT gen_random_uuid(), 1, 'Cliente', :s, '2025-03-05 12:00+00' FROM generate_series(1, 50)", s=ANA)
    assert recorded(db) == {(1, ANA, FEB): 1, (2, BEA, FEB): 1, (1, ANA, MAR): 50}
    assert rows_written(db, seller_id=ANA, month=MAR) == 1

    w.run("TRUNCATE conversations CASCADE")
    assert rows_written(db) == 0


def test_conversations_total_adds_the_months_before_and_the_window_month_itself(db, settings):
    w = _world(db)
    w.conversation(1, ANA, "2025-01-31 23:59")                # January: from the table
    moved = w.conversation(1, ANA, "2025-02-15 10:00")         # February: from the table, then to Bea
    w.conversation(1, ANA, "2025-03-01 00:00")                 # March, before the window: from the index
    w.conversation(1, ANA, "2025-03-09 23:59")
    w.conversation(1, ANA, "2025-03-10 08:00")                 # on the day: conversations_new
    w.conversation(1, ANA, "2025-03-11 08:00")                 # after the day: never
    w.reassign(moved, BEA)

    rows = compute(db, settings, "2025-03-10")
    ana, bea = rows[(ANA, day("2025-03-10"))], rows[(BEA, day("2025-03-10"))]
    assert (ana["conversations_total"], ana["conversations_new"]) == (4, 1)
    assert (bea["conversations_total"], bea["conversations_new"]) == (1, 0)
    # a window that starts on the first of a month reads no day of that month from the index
    rows = compute(db, settings, "2025-03-01")
    assert rows[(ANA, day("2025-03-01"))]["conversations_total"] == 2  # January + the one at 00:00


def test_cleanup_rebuild_folds_the_rows_and_corrects_what_bypassed_the_triggers(db, settings, resources):
    w = _world(db)
    for _ in range(3):
        w.conversation(1, ANA, "2025-02-10 09:00")
    # a restore or replication apply with triggers off: the count does not see this one
    with db.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text("INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, created_at) "
                             "VALUES (gen_random_uuid(), 1, 'Cliente', :s, '2025-02-11 09:00+00')"), {"s": BEA})
    assert recorded(db) == {(1, ANA, FEB): 3}
    assert compute(db, settings, "2025-03-10")[(BEA, day("2025-03-10"))]["conversations_total"] == 0

    with dg.instance_for_test() as instance:
        result = build_cleanup_job(settings).execute_in_process(resources=resources, instance=instance)
        warnings = [r.user_message for r in instance.all_logs(result.run_id) if r.level == logging.WARNING]

    out = {e.step_key: {k: v.value for k, v in e.event_specific_data.metadata.items()}
           for e in result.all_events if e.is_successful_output}["rebuild_conversation_counts"]
    assert (out["keys"], out["rows_folded"], out["corrected"]) == (2, 3, 1)
    assert recorded(db) == {(1, ANA, FEB): 3, (1, BEA, FEB): 1}
    assert rows_written(db) == 2  # one row per key now
    assert [m for m in warnings if "seller_conversation_counts was wrong for 1 (seller, month) keys" in m]
    assert compute(db, settings, "2025-03-10")[(BEA, day("2025-03-10"))]["conversations_total"] == 1


def test_installing_on_a_crm_with_conversations_counts_them_first():
    """init-db on a CRM that already holds conversations: the triggers' install
    (sql/crm/spec/conversation_count_triggers.sql) counts them first."""
    dsn = create_database("crm_test_counts")
    crm = sa.create_engine(dsn, poolclass=sa.pool.NullPool)  # the CRM's own sessions: public only
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    try:
        with crm.begin() as conn:
            conn.exec_driver_sql((SQL_DIR / "crm" / "spec" / "tables.sql").read_text())
        w = _world(crm)
        w.conversation(1, ANA, "2025-02-10 09:00")
        w.conversation(1, ANA, "2025-03-10 09:00")
        w.conversation(1, BEA, "2025-03-20 09:00")

        result = migrate(engine)

        assert not result.created_crm_tables
        assert "crm/spec/conversation_count_triggers.sql" in result.applied
        assert recorded(engine) == {(1, ANA, FEB): 1, (1, ANA, MAR): 1, (1, BEA, MAR): 1}
        w.conversation(1, BEA, "2025-03-21 09:00")  # and the triggers run from then on, in the CRM's sessions
        assert recorded(engine)[(1, BEA, MAR)] == 2
    finally:
        engine.dispose()
        crm.dispose()
        drop_database(dsn)
