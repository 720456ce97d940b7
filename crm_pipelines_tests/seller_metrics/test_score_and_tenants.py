"""productivity_score, rank_position and activity_level worked by hand (SPEC section 2), two
tenants whose data never mix, and bad CRM rows that are skipped or left unattributed without
stopping anyone else's metrics."""

import pytest

from crm_pipelines_tests.seller_metrics.metrics_rows import compute, day
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid

D = day("2025-03-10")
ANA, BETO, CIRO, DORA, EVA = (seller_uuid(n) for n in (1, 2, 3, 4, 5))


def _writes_first(world, seller, at):
    c = world.conversation(1, seller, f"2025-03-10 {at}")
    world.message(c, "seller", f"2025-03-10 {at}", seller)


def test_productivity_score_and_rank_by_hand(db, settings):
    w = CRMWorld(db)
    w.tenant("Clínica")
    for n, name in enumerate(["Ana", "Beto", "Ciro", "Dora", "Eva"], start=1):
        w.seller(1, n, name)
    # Ana: two replies (20 and 50 min), writes in her only active conversation, leads 1 of 2 converted
    c = w.conversation(1, ANA, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:10")
    w.message(c, "seller", "2025-03-10 09:30", ANA)
    w.message(c, "customer", "2025-03-10 10:00")
    w.message(c, "seller", "2025-03-10 10:50", ANA)
    w.lead(1, ANA, "2025-03-10 09:00", "closed_won", 1.0, converted="2025-03-10 12:00")
    w.lead(1, ANA, "2025-03-10 09:30", "contacted", 0.4)
    # Beto and Eva: write first in their only conversation, nothing else (same score)
    _writes_first(w, BETO, "11:00")
    _writes_first(w, EVA, "11:00")
    # Dora: same as Beto, plus a conversion of a lead created 40 days earlier (outside the 30 days)
    _writes_first(w, DORA, "11:00")
    w.lead(1, DORA, "2025-01-29 09:00", "closed_won", 1.0, converted="2025-03-10 15:00")
    # Ciro: a customer writes to him, he never answers
    c = w.conversation(1, CIRO, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:00")

    rows = compute(db, settings, "2025-03-10")
    ana, beto, ciro, dora, eva = (rows[(s, D)] for s in (ANA, BETO, CIRO, DORA, EVA))

    # Ana: R = 1 - 35/60 = 0.41667, E = 1, V = 1/2 = 0.5, W = 2/20 = 0.1
    #      10 x (0.30 x 0.41667 + 0.25 x 1 + 0.25 x 0.5 + 0.20 x 0.1) = 10 x 0.52 = 5.20
    assert ana["conversion_rate"] == pytest.approx(0.5)
    assert ana["productivity_score"] == 5.2
    # Beto, Dora, Eva: R = 0 (no replies), E = 1, V = 0 (null rate), W = 0 -> 10 x 0.25 = 2.50
    assert beto["productivity_score"] == eva["productivity_score"] == dora["productivity_score"] == 2.5
    assert dora["conversion_rate"] is None and dora["leads_converted"] == 1
    # Ciro: no replies, engagement 0, nothing converted -> 0.00, inactive, no rank
    assert (ciro["productivity_score"], ciro["activity_level"], ciro["rank_position"]) == (0.0, "inactive", None)

    # rank among those who sent messages: score desc, then leads_converted desc, then seller_id
    assert ana["rank_position"] == 1
    assert dora["rank_position"] == 2   # ties Beto and Eva on 2.50 but converted a lead
    assert beto["rank_position"] == 3   # ...0002 sorts before Eva's ...0005
    assert eva["rank_position"] == 4
    assert {r["activity_level"] for r in (ana, beto, dora, eva)} == {"low"}


@pytest.mark.parametrize(("sent", "level"), [(14, "low"), (15, "medium"), (49, "medium"), (50, "high")])
def test_activity_level_thresholds(db, settings, sent, level):
    w = CRMWorld(db)
    w.tenant("Muebles")
    w.seller(1, 1, "Ana")
    c = w.conversation(1, ANA, "2025-03-10 08:00")
    for minute in range(sent):
        w.message(c, "seller", f"2025-03-10 09:{minute:02d}", ANA)  # sent < 60: one a minute
    assert compute(db, settings, "2025-03-10")[(ANA, D)]["activity_level"] == level


def test_two_tenants_never_mix(db, settings):
    w = CRMWorld(db)
    w.tenant("Viajes")
    w.tenant("Academia")
    w.seller(1, 1, "Ana (tenant 1)")
    w.seller(2, 2, "Beto (tenant 2)")
    for tenant, seller, minutes in ((1, ANA, 10), (2, BETO, 40)):
        c = w.conversation(tenant, seller, "2025-03-10 09:00")
        w.message(c, "customer", "2025-03-10 09:00")
        w.message(c, "seller", f"2025-03-10 09:{minutes}", seller)
    # bad rows across tenants: a tenant-2 conversation assigned to Ana, and Ana "writing" in it
    cross = w.conversation(2, ANA, "2025-03-10 10:00")
    w.message(cross, "customer", "2025-03-10 10:00")
    w.message(cross, "seller", "2025-03-10 10:05", ANA)
    w.lead(2, ANA, "2025-03-10 10:00")

    rows = compute(db, settings, "2025-03-10")
    ana, beto = rows[(ANA, D)], rows[(BETO, D)]
    assert (ana["tenant_id"], beto["tenant_id"]) == (1, 2)
    # each counts only their own tenant: the cross-tenant conversation, message and lead count for nobody
    assert (ana["replies"], ana["messages_sent"], ana["conversations_total"], ana["leads_generated"]) == (1, 1, 1, 0)
    assert ana["avg_response_time_minutes"] == pytest.approx(10)
    assert (beto["replies"], beto["conversations_total"], beto["messages_received"]) == (1, 1, 1)
    assert beto["avg_response_time_minutes"] == pytest.approx(40)
    # each is first in their own team
    assert ana["rank_position"] == beto["rank_position"] == 1


def test_bad_source_rows_are_skipped_and_the_others_still_get_metrics(db, settings):
    w = CRMWorld(db)
    w.tenant("Tecnología")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Beto")
    c = w.conversation(1, ANA, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:00")
    w.message(c, "agent", "2025-03-10 09:01")              # unknown sender type: ignored entirely
    w.message(c, "seller", "2025-03-10 09:05")             # seller message without seller_id:
    w.message(c, "seller", "2025-03-10 09:06", ANA)        # it answered the turn, so Ana's is no reply
    w.message(c, "customer", "2025-03-10 10:00")
    w.message(c, "seller", "2025-03-10 10:30", seller_uuid(99))  # seller of no seller: answers, nobody's
    w.lead(1, ANA, "2025-03-10 09:00", "new", 1.7)          # probability outside 0..1
    other = w.conversation(1, BETO, "2025-03-10 09:00")
    w.message(other, "customer", "2025-03-10 09:00")
    w.message(other, "seller", "2025-03-10 09:15", BETO)    # Beto's day is untouched by the above

    rows = compute(db, settings, "2025-03-10")
    ana, beto = rows[(ANA, D)], rows[(BETO, D)]
    assert (ana["replies"], ana["messages_sent"], ana["messages_received"]) == (0, 1, 2)
    assert ana["total_chat_time_minutes"] == pytest.approx(90)  # 09:00 .. 10:30, the "agent" line not counted
    assert ana["leads_generated"] == 1
    assert (beto["replies"], beto["avg_response_time_minutes"]) == (1, pytest.approx(15))
