"""Notification check and cleanup: their timings, and the query plans of the rules' statements.

Each rule's statement is run once under EXPLAIN (ANALYZE, FORMAT JSON) inside a transaction that
is rolled back: the plan's node types show which indexes it uses (a Seq Scan on a big table is
flagged) and its execution time is the check's SQL time, without anything being written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.settings import Settings

BIG_TABLE_ROWS = 10_000


def explain_rules(engine: sa.Engine, settings: Settings, as_of: datetime) -> dict[str, Any]:
    """Per notification rule: plan node types, scanned relations, Seq Scans on big tables, times."""
    from crm_pipelines.notifications import checks
    from crm_pipelines.notifications.thresholds import RULES, Thresholds

    thresholds = Thresholds.from_settings(settings)
    with engine.connect() as conn:
        big = {r[0] for r in conn.execute(load_sql(__file__, "big_tables.sql"), {"min_rows": BIG_TABLE_ROWS})}
        rules = {}
        for rule in RULES:
            statement = load_sql(checks.__file__, f"{rule}.sql")
            explain = sa.text("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.text)
            checks.tune_transaction(conn)  # the settings run_rule runs it with
            plan = conn.execute(explain, checks.rule_params(rule, thresholds, as_of, settings)).scalar()[0]
            conn.rollback()  # ANALYZE really ran the INSERT: undo it
            nodes = list(_nodes(plan["Plan"]))
            seq_scans = sorted({n.get("Relation Name") for n in nodes
                                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in big})
            rules[rule] = {
                "node_types": sorted({n["Node Type"] for n in nodes}),
                "scans": sorted({f"{n['Node Type']} on {n['Relation Name']}"
                                 + (f" using {n['Index Name']}" if n.get("Index Name") else "")
                                 for n in nodes if n.get("Relation Name")}),
                "seq_scans_on_big_tables": seq_scans,
                "uses_index": not seq_scans,
                "sql_seconds": round((plan["Planning Time"] + plan["Execution Time"]) / 1000, 4),
                "rows": plan["Plan"].get("Actual Rows"),
            }
    return {"big_tables": sorted(big), "big_table_min_rows": BIG_TABLE_ROWS, "rules": rules,
            "sql_seconds": round(sum(r["sql_seconds"] for r in rules.values()), 4),
            "every_rule_uses_an_index": all(r["uses_index"] for r in rules.values())}


def _nodes(plan: dict[str, Any]):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def clear_notifications(engine: sa.Engine) -> None:
    """Each check starts from no notifications (and nothing notified or queued yet), so every
    repetition inserts the same rows."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM notifications"))
        conn.execute(sa.text("DELETE FROM notified_situations"))
        conn.execute(sa.text("DELETE FROM notification_outbox"))


def add_expired_notifications(engine: sa.Engine, now: datetime, rows: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM notifications"))
        conn.execute(load_sql(__file__, "expired_notifications.sql"), {"now": now, "rows": rows})
        conn.execute(load_sql(__file__, "remember_active_conversations.sql"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE notifications"))


def expired_left(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM notifications WHERE metadata->>'bench' = 'expired'")).scalar()


def restore_conversations(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(load_sql(__file__, "restore_active_conversations.sql"))
