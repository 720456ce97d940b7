"""The asset checks of seller_metrics in a real run: on clean data every check passes; bad CRM
rows (probability outside 0..1, unknown senders, seller messages without seller, assignments
across tenants, future timestamps) fail their check with the count in the metadata while the
materialization succeeds and the good sellers' rows are written; a missing or broken row of
seller_metrics fails the output checks when they run on their own."""

from datetime import datetime, timedelta, timezone

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.seller_metrics.definitions import build_defs
from crm_pipelines_tests.seller_metrics.dagster_runs import check_results, materialize
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid

ANA, BETO, ZOE = seller_uuid(1), seller_uuid(2), seller_uuid(3)


def _clean_world(db) -> CRMWorld:
    w = CRMWorld(db)
    w.tenant("Viajes")
    w.tenant("Academia")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Beto")
    w.seller(2, 3, "Zoe")
    c = w.conversation(1, ANA, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:00")
    w.message(c, "seller", "2025-03-10 09:10", ANA)
    w.lead(1, ANA, "2025-03-10 09:00", "new", 0.9)
    return w


def test_clean_data_passes_every_check(db, settings, resources):
    _clean_world(db)
    checks = check_results(materialize(settings, resources, partition="2025-03-10"))
    assert set(checks) >= {"rows_for_every_active_seller", "rates_in_range", "counts_non_negative",
                           "replies_within_messages_sent", "lead_probability_in_range", "message_senders_known",
                           "seller_messages_have_seller", "assignments_within_tenant", "no_future_timestamps"}
    failed = {name for name, e in checks.items() if not e.passed and name != "seller_metrics_today_partition_fresh"}
    assert failed == set()
    assert checks["rows_for_every_active_seller"].metadata["days_checked"].value == 1


def test_bad_source_rows_fail_their_checks_with_counts_but_not_the_run(db, settings, resources):
    w = _clean_world(db)
    c = w.conversation(1, BETO, "2025-03-10 10:00")
    w.message(c, "customer", "2025-03-10 10:00")
    w.message(c, "agent", "2025-03-10 10:01")                       # unknown sender type
    w.message(c, "seller", "2025-03-10 10:02", seller_uuid(99))     # seller_id of no seller
    w.message(c, "seller", "2025-03-10 10:03")                      # seller message without seller_id
    w.message(c, "seller", "2025-03-10 10:04")                      # and another
    w.message(c, "seller", "2025-03-10 10:05", BETO)
    w.lead(1, BETO, "2025-03-10 10:00", "new", 1.5)                 # probability above 1
    w.lead(1, BETO, "2025-03-10 10:00", "new", -0.2)                # and below 0
    cross = w.conversation(2, ANA, "2025-03-10 11:00")              # tenant 2's, assigned to Ana (tenant 1)
    future = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    w.message(c, "customer", future)                                # dated in the future

    result = materialize(settings, resources, partition="2025-03-10")
    assert result.success  # WARN checks flag the rows, they never fail the run
    checks = check_results(result)
    counts = {name: e.metadata["failures"].value for name, e in checks.items() if "failures" in e.metadata}
    assert counts == {
        "lead_probability_in_range": 2,
        "message_senders_known": 2,          # the "agent" line and the unknown seller
        "seller_messages_have_seller": 2,
        "assignments_within_tenant": 1,
        "no_future_timestamps": 1,
        "rows_for_every_active_seller": 0, "rates_in_range": 0, "counts_non_negative": 0,
        "replies_within_messages_sent": 0,
    }
    for name in ("lead_probability_in_range", "message_senders_known", "seller_messages_have_seller",
                 "assignments_within_tenant", "no_future_timestamps"):
        assert not checks[name].passed and checks[name].severity == dg.AssetCheckSeverity.WARN
    assert checks["assignments_within_tenant"].metadata["examples"].value == [f"conversation {cross}"]
    # the good sellers' rows are there: Ana's reply, Beto's message, Zoe's empty day
    with db.begin() as conn:
        rows = dict(conn.execute(sa.text("SELECT seller_id, replies FROM seller_metrics "
                                         "WHERE period = '2025-03-10'")).all())
    assert rows == {ANA: 1, BETO: 0, ZOE: 0}


def test_output_checks_catch_missing_and_broken_rows(db, settings, resources):
    _clean_world(db)
    materialize(settings, resources, partition="2025-03-10", with_checks=False)
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM seller_metrics WHERE seller_id = :s"), {"s": ZOE})
        conn.execute(sa.text("UPDATE seller_metrics SET engagement_rate = 1.5, replies = 9 WHERE seller_id = :s"),
                     {"s": ANA})
        conn.execute(sa.text("UPDATE seller_metrics SET messages_received = -1 WHERE seller_id = :s"), {"s": BETO})

    # the checks alone, on the latest day in the table (what the UI's "execute checks" does)
    defs = build_defs(settings)
    output_checks = [dg.AssetCheckKey(dg.AssetKey("seller_metrics"), name) for name in (
        "rows_for_every_active_seller", "rates_in_range", "counts_non_negative", "replies_within_messages_sent")]
    result = dg.materialize([*defs.assets, *defs.asset_checks], resources=resources,
                            instance=dg.DagsterInstance.ephemeral(),
                            selection=dg.AssetSelection.checks(*output_checks))
    assert not result.asset_materializations_for_node("seller_metrics")  # the checks ran alone
    checks = check_results(result)
    assert {n: (e.passed, e.metadata["failures"].value) for n, e in checks.items()} == {
        "rows_for_every_active_seller": (False, 1),  # Zoe has no row for 2025-03-10
        "rates_in_range": (False, 1),                # Ana's engagement 1.5
        "counts_non_negative": (False, 1),           # Beto's -1
        "replies_within_messages_sent": (False, 1),  # Ana: 9 replies, 1 message sent
    }
    assert checks["rows_for_every_active_seller"].metadata["examples"].value == [f"2/{ZOE}/2025-03-10"]
    assert checks["rates_in_range"].severity == dg.AssetCheckSeverity.ERROR
