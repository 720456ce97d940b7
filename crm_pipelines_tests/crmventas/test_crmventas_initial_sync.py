"""The first sync is a bulk load (crm_pipelines/crmventas/sync.py): chat_messages by id ranges,
the messages mirror's secondary indexes dropped while it loads and built after. Interrupted
midway, it leaves its watermark and the indexes' definitions behind; the next sync resumes from
the watermark, builds the indexes again, and gives the mirrors an uninterrupted first sync gives.

The day of test_crmventas_source.py: 7 chat_messages (ids 1-7), Carla's thread (1 customer,
2 AI agent reply to 1, 3 Ana from the dashboard, 4 customer, 5 Ana) and Diego's (6 customer,
7 automation). Ranges of one id: the AI reply's customer message lies in an earlier range.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_pipelines.crmventas import sync as sync_module
from crm_pipelines.crmventas.sync import sync
from crm_pipelines.resources.build import build_postgres
from crm_pipelines_tests.crmventas.test_crmventas_source import P3, P4, P5, at, crm, write_the_day  # noqa: F401 (a fixture)

MIRRORS = {"messages": "id", "conversations": "id", "leads": "id", "sellers": "id", "tenants": "id"}


def mirrors(engine: sa.Engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {table: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY {key}"))]
                for table, key in MIRRORS.items()}


def message_indexes(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'messages'::regclass")).scalars())


def state(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT source, watermark FROM crmventas_sync_state")).all())


class Interrupted(Exception):
    pass


def test_an_interrupted_first_sync_resumed_gives_the_mirrors_of_an_uninterrupted_one(crm, monkeypatch):  # noqa: F811 (the fixture)
    w, settings, engine = crm
    write_the_day(w)
    postgres = build_postgres(settings)
    indexes = message_indexes(engine)
    assert len(indexes) > 1  # the primary key and secondary ones, to be dropped and built again

    monkeypatch.setattr(sync_module, "BULK_ID_RANGE", 1)
    real_sql, loads = sync_module._sql, []

    def failing_on_the_fourth_range(name: str) -> sa.TextClause:
        if name == "sync_messages.sql":
            loads.append(name)
            if len(loads) == 4:
                raise Interrupted
        return real_sql(name)

    monkeypatch.setattr(sync_module, "_sql", failing_on_the_fourth_range)
    with pytest.raises(Interrupted):
        sync(postgres, settings.crm_timezone)
    monkeypatch.setattr(sync_module, "_sql", real_sql)

    left = state(engine)
    assert left["chat_messages"] == "3"  # three ranges committed, each with its watermark
    assert "sync" not in left  # the first sync has not finished: the next one is a bulk load again
    assert message_indexes(engine) == ["messages_pkey"]
    assert sorted(k.removeprefix("deferred_index:") for k in left if k.startswith("deferred_index:")) \
        == [i for i in indexes if i != "messages_pkey"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM messages")).scalar() == 3
        assert conn.execute(sa.text("SELECT count(*) FROM conversations")).scalar() == 0

    resumed = sync(postgres, settings.crm_timezone)
    assert resumed.read["chat_messages"] == 4  # ids 4-7, past the watermark
    assert resumed.read["chat_messages_reread"] == 3  # the margin below it: ids 1-3, unchanged
    assert resumed.written["messages"] == 4
    assert resumed.written["conversations"] == 2
    assert not any(k.startswith("deferred_index:") for k in resumed.watermarks)
    assert message_indexes(engine) == indexes
    assert not any(k.startswith("deferred_index:") for k in state(engine))
    after_resume = mirrors(engine)
    senders = {row[0]: row[3] for row in after_resume["messages"]}
    assert senders == {1: "customer", 2: "bot", 3: "seller", 4: "customer", 5: "seller", 6: "customer", 7: "bot"}

    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE messages, conversations, leads, sellers, tenants, crmventas_sync_state"))
    monkeypatch.setattr(sync_module, "BULK_ID_RANGE", 200_000)
    uninterrupted = sync(postgres, settings.crm_timezone)
    assert uninterrupted.written["messages"] == 7 and uninterrupted.written["conversations"] == 2
    assert mirrors(engine) == after_resume
    assert message_indexes(engine) == indexes

    full = sync(postgres, settings.crm_timezone, mode="full")  # a bulk load over full mirrors: nothing differs
    assert full.written.get("messages", 0) == 0 and full.written.get("conversations", 0) == 0
    assert full.written.get("leads", 0) == 0 and full.written.get("messages_attributed", 0) == 0
    assert mirrors(engine) == after_resume
    assert message_indexes(engine) == indexes


def _scans_by_thread(plan: dict) -> list[dict]:
    """The plan's scans of the messages mirror bounded by the thread id (the slice's bounds)."""
    found = []
    if plan.get("Relation Name") == "messages" and "conversation_id" in str(
            plan.get("Index Cond", "")) + str(plan.get("Recheck Cond", "")) + str(plan.get("Filter", "")):
        found.append(plan)
    for child in plan.get("Plans", ()):
        found += _scans_by_thread(child)
    return found


def test_a_bulk_loads_thread_slice_is_not_estimated_at_one_row_by_an_analyzed_mirror(crm):  # noqa: F811 (the fixture)
    """A slice narrower than a histogram bucket of the analyzed mirror, bounded by constants, was
    estimated at one row (PostgreSQL cannot interpolate between uuids), and the attribution became
    a nested loop of every seller row of the slice over its threads: at 29.7 million messages,
    minutes a slice. Bounded by subselects, the estimate is the planner's default share of the
    mirror: 0.5% of its 6,000 rows here, about 30, where constants gave 1."""
    _, _, engine = crm
    with engine.begin() as conn:  # 6,000 rows over 1,000 threads, half of them sellers'
        conn.execute(sa.text(
            "INSERT INTO messages (id, tenant_id, conversation_id, sender_type, body, created_at, from_number) "
            "SELECT g, 1, CAST(md5(CAST(g % 1000 AS text)) AS uuid), "
            "       CASE WHEN g % 2 = 0 THEN 'customer' ELSE 'seller' END, 'hola', now(), CAST(g % 1000 AS text) "
            "FROM generate_series(1, 6000) AS g"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE messages"))
    statement = sync_module._sql("sync_conversations.sql")
    # one slice of 10,000: far narrower than a bucket of the 100-bucket histogram
    bounds = {"from_thread": "80000000-0000-0000-0000-000000000000", "to_thread": "80068db8-bac7-10cb-295e-9e1b089a0275"}
    with engine.begin() as conn:
        plan = conn.execute(sa.text("EXPLAIN (FORMAT JSON) " + statement.text),
                            {"ids": None, "archive_cutoff": None, **bounds}).scalar_one()[0]["Plan"]
        conn.rollback()
    scans = _scans_by_thread(plan)
    assert len(scans) == 2  # the threads' messages, and the seller rows to attribute
    assert [scan["Plan Rows"] > 10 for scan in scans] == [True, True], scans


def test_a_bulk_load_leaves_one_conversation_count_per_seller_and_month(crm, monkeypatch):  # noqa: F811 (the fixture)
    """Each thread slice of a bulk load is one statement, and the count trigger adds a row per
    (seller, month) it touched: slices of one message leave a row per thread here (at 29.7
    million messages, 1.2 million rows that made seller_metrics 4x slower until the next hourly
    cleanup). The load folds them before it ends, to the counts of the mirrored conversations."""
    w, settings, engine = crm
    people = write_the_day(w)
    # Félix writes and his thread goes to Ana: her second thread of the month, in another slice
    w.customer_writes(people["tenant"], P4, at("12:00"), "wamid.f1")
    w.assign(people["tenant"], P4, people["Ana"], at("12:05"))
    monkeypatch.setattr(sync_module, "BULK_THREAD_SLICE_MESSAGES", 1)
    report = sync(build_postgres(settings), settings.crm_timezone)
    with engine.connect() as conn:
        counts = conn.execute(sa.text(
            "SELECT tenant_id, seller_id, month, conversations FROM seller_conversation_counts "
            "ORDER BY tenant_id, seller_id, month")).all()
        expected = conn.execute(sa.text(
            "SELECT tenant_id, assigned_seller_id, crm_pipelines_conversation_month(created_at), count(*) "
            "FROM conversations WHERE assigned_seller_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")).all()
    assert [tuple(row) for row in counts] == [tuple(row) for row in expected]
    assert sorted(row.conversations for row in counts) == [1, 2]  # Diego's for Bruno; Carla's and Félix's for Ana
    assert report.written["conversation_counts_folded"] > len(counts)  # the slices' rows, before the fold


def test_an_incremental_sync_archives_the_threads_time_left_idle(crm):  # noqa: F811 (the fixture)
    """A message eight days later moves the newest mirrored message past CONVERSATION_ARCHIVE_DAYS
    (7) from the day's threads: Carla's and Diego's (last customer or seller message that day) and
    Elena's (an automation alone: no such message, so its first one counts) become archived; the
    new thread stays active."""
    w, settings, engine = crm
    people = write_the_day(w)
    w.automation_sends(people["tenant"], P3, at("12:00"))
    postgres = build_postgres(settings)
    sync(postgres, settings.crm_timezone)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM conversations WHERE status = 'active'")).scalar() == 3

    w.customer_writes(people["tenant"], P5, at("09:00", "2026-03-18"), "wamid.later")
    report = sync(postgres, settings.crm_timezone)
    # Carla's thread is recomputed anyway (her lead's status change is re-read in the leads
    # watermark's margin) and archived there; the other two by time alone
    assert (report.written["conversations"], report.written["conversations_archived"]) == (2, 2)
    with engine.connect() as conn:
        statuses = dict(conn.execute(sa.text("SELECT customer_phone, status FROM conversations")).all())
    assert statuses == {"+549110000001": "archived", "+549110000002": "archived", "+549110000003": "archived",
                        "+549110000005": "active"}
