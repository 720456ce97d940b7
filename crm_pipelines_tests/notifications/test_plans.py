"""Whatever PostgreSQL's statistics say about the ledger of notified situations
(`notified_situations`), each rule checks "already notified?" with one primary-key probe per
candidate (`id = <the candidate's id>` as the index condition). Statistics taken while the table was empty (a fresh deployment, or the benchmark's
cleared table) once made the planner compare every due follow-up with every notification: 71 s
for 19,000 follow-ups at the benchmark's large scale."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.notifications import checks
from crm_pipelines.notifications.checks import run_rule
from crm_pipelines.notifications.thresholds import CLOCK_RULES, Thresholds
from crm_pipelines_tests.support import crm_factory as crm


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.parametrize("rule", CLOCK_RULES)
def test_already_notified_is_a_primary_key_probe_even_with_stale_statistics(db, resources, settings, rule):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    with db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE notified_situations"))  # statistics of an empty table
    for i in range(30):
        conv = crm.conversation(db, tenant_id, ana, f"Cliente {i}", now - timedelta(hours=3, minutes=i))
        crm.lead(db, tenant_id, ana, conv, "new", probability=0.95)
        crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=now - timedelta(minutes=i + 1))
    thresholds = Thresholds.from_settings(settings)
    assert len(run_rule(resources["postgres"], rule, thresholds, now, settings)) == 30

    statement = load_sql(checks.__file__, f"{rule}.sql")
    with db.connect() as conn:
        checks.tune_transaction(conn)
        plan = conn.execute(sa.text("EXPLAIN (ANALYZE, FORMAT JSON) " + statement.text),
                            checks.rule_params(rule, thresholds, now, settings)).scalar()[0]["Plan"]
        conn.rollback()
    on_ledger = [n for n in _nodes(plan)
                 if n.get("Relation Name") == "notified_situations" and n["Node Type"] != "ModifyTable"]
    assert on_ledger, plan
    for node in on_ledger:
        assert node["Node Type"] in ("Index Only Scan", "Index Scan"), node
        assert node["Index Name"] == "notified_situations_pkey"
        assert node["Index Cond"].startswith("(id = "), node["Index Cond"]
        assert node["Actual Loops"] == 30  # one probe per candidate, each finding its row
        assert node["Actual Rows"] == 1
    assert plan["Actual Rows"] == 0  # nothing new
