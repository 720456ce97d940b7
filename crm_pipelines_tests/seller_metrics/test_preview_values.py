"""seller_metrics' `top_sellers` preview as an operator reads it in the Dagster UI: a seller who
sent messages but answered nobody has no average response time, shown as a dash (never "nan" or
"None"), next to a seller whose numbers are all there."""

from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid
from crm_pipelines_tests.seller_metrics.dagster_runs import materialization_metadata, materialize


def test_a_seller_without_replies_shows_a_dash_for_the_average(db, settings, resources):
    w = CRMWorld(db)
    w.tenant("Seguros")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Bruno")
    opened_by_ana = w.conversation(1, seller_uuid(1), "2025-03-10 09:00")
    w.message(opened_by_ana, "seller", "2025-03-10 09:05", seller_uuid(1))  # nobody to answer
    answered = w.conversation(1, seller_uuid(2), "2025-03-10 09:00")
    w.message(answered, "customer", "2025-03-10 09:00")
    w.message(answered, "seller", "2025-03-10 09:10", seller_uuid(2))

    preview = materialization_metadata(materialize(settings, resources, partition="2025-03-10",
                                                   with_checks=False))["top_sellers"]

    rows = [line for line in preview.splitlines() if line.startswith("| 1 |")]
    assert rows == [
        "| 1 | 1 | Bruno | 5.1 | 1 | 1 | 10.0 | 1.0 | 0 | low |",
        "| 1 | 2 | Ana | 2.5 | 1 | 0 | — | 1.0 | 0 | low |",
    ]
    assert "| nan |" not in preview and "| None |" not in preview
