"""In the Dagster UI, seller_metrics' `top_sellers` metadata is Markdown, and each
seller's name is the CRM user's text. Rendered by a real CommonMark renderer with GFM tables,
every hostile name stays in its own cell, reads as typed and makes no link, emphasis or code
(pandas' to_markdown, used before, escaped nothing: `| x |` added cells, `[phish](...)` a link)."""

from crm_pipelines_tests.seller_metrics.dagster_runs import materialization_metadata, materialize
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid
from crm_pipelines_tests.support.hostile_names import HOSTILE_NAMES, as_one_line, rendered


def test_hostile_seller_names_stay_text_in_their_own_cell(db, settings, resources):
    w = CRMWorld(db)
    w.tenant("Seguros")
    for n, name in enumerate(HOSTILE_NAMES, start=1):
        w.seller(1, n, name)
        c = w.conversation(1, seller_uuid(n), "2025-03-10 09:00")
        w.message(c, "customer", "2025-03-10 09:00")
        w.message(c, "seller", f"2025-03-10 09:{10 + n}", seller_uuid(n))

    preview = materialization_metadata(materialize(settings, resources, partition="2025-03-10",
                                                   with_checks=False))["top_sellers"]
    tags, text = rendered(preview)
    assert set(tags) == {"p", "table", "thead", "tbody", "tr", "th", "td"}  # no a, em, strong, code, s
    assert tags.count("th") == 10
    assert tags.count("td") == 10 * len(HOSTILE_NAMES)  # every row has its 10 cells, no more
    for name in HOSTILE_NAMES:
        assert as_one_line(name) in text
