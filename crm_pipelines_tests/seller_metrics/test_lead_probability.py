"""A lead's conversion_probability of 'NaN', 'Infinity', 1.5 or -0.2 is no
probability. PostgreSQL orders numeric NaN (and Infinity) above every number, so "> threshold"
alone counted them as hot leads. Such leads now count for nothing in `hot_leads_open`, the
`lead_probability_in_range` check flags each of them (WARN, the run succeeds), and the
benchmark's original per-seller queries agree with the Dagster path row for row."""

from datetime import date, datetime, timezone

import sqlalchemy as sa

from crm_pipelines_bench.compare import compare_rows, keyed
from crm_pipelines_bench.original import compute_original
from crm_pipelines_tests.seller_metrics.dagster_runs import check_results, materialize
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid

ANA, BETO = seller_uuid(1), seller_uuid(2)
DAY = date(2025, 3, 10)
NOT_PROBABILITIES = [float("nan"), float("inf"), 1.5, -0.2]


def test_nan_and_out_of_range_probabilities_are_not_hot_and_are_flagged(db, settings, resources):
    w = CRMWorld(db)
    w.tenant("Seguros")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Beto")
    hot = w.lead(1, ANA, "2025-03-10 09:00", "new", 0.9)       # the one real hot lead
    w.lead(1, ANA, "2025-03-10 09:00", "new", 1.0)              # 1 is a probability: hot too
    bad = [w.lead(1, BETO, "2025-03-10 09:00", "new", p) for p in NOT_PROBABILITIES]
    with db.begin() as conn:
        stored = conn.execute(sa.text("SELECT conversion_probability::text FROM leads "
                                      "WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY conversion_probability"),
                              {"ids": bad}).scalars().all()
    assert stored == ["-0.2", "1.5", "Infinity", "NaN"]  # what the CRM really holds

    result = materialize(settings, resources, partition="2025-03-10")
    assert result.success
    with db.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM seller_metrics WHERE period = :d"), {"d": DAY}).mappings().all()
    by_seller = {r["seller_id"]: r for r in rows}
    assert by_seller[ANA]["hot_leads_open"] == 2
    assert by_seller[BETO]["hot_leads_open"] == 0  # NaN, Infinity, 1.5 and -0.2 count for nothing

    check = check_results(result)["lead_probability_in_range"]
    assert not check.passed and check.metadata["failures"].value == 4
    assert sorted(check.metadata["examples"].value) == sorted(str(i) for i in bad)
    assert str(hot) not in check.metadata["examples"].value

    original = compute_original(db, settings, [1], [DAY], now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    comparison = compare_rows("dagster", keyed(rows), "original", keyed(original.rows))
    assert comparison["equal"], comparison["examples"]
