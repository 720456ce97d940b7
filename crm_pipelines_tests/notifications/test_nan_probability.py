"""On the notification side as in seller_metrics: a lead whose conversion_probability is 'NaN',
'Infinity' or 1.5 is no hot lead (a probability outside 0..1 counts for nothing) and no
notification ever reads "NaN% de probabilidad"."""

from __future__ import annotations

from datetime import datetime, timezone

from crm_pipelines.notifications.checks import load_notifications, run_rule
from crm_pipelines.notifications.texts import TEXTS
from crm_pipelines.notifications.thresholds import Thresholds
from crm_pipelines_tests.support import crm_factory as crm

T = datetime(2026, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


def test_every_hot_lead_text_has_one_percent_slot_for_a_number():
    # The slot receives round(probability * 100) of a probability the rule found within 0..1;
    # nothing else fills it, so the text can only say "NaN%" if the rule lets NaN through.
    for language, texts in TEXTS.items():
        for key in ("hot_lead_message", "hot_lead_message_never"):
            assert texts[key].count("%s%%") == 1, (language, key)


def test_nan_and_out_of_range_probabilities_notify_nobody(db, resources, settings):
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana Ruiz")
    conv = crm.conversation(db, tenant_id, ana, "Diego Luna", T, from_customer=False)
    real = crm.lead(db, tenant_id, ana, conv, "new", probability=0.9)
    for probability in ("NaN", "Infinity", "1.5"):
        crm.lead(db, tenant_id, ana, conv, "new", probability=probability)

    postgres = resources["postgres"]
    created = load_notifications(postgres, run_rule(postgres, "hot_lead", Thresholds.from_settings(settings), T,
                                                    settings))
    assert [n.id for n in created] == [f"hot_lead_{real}_0"]
    assert all("NaN" not in n.message and "Infinity" not in n.message for n in created)
