"""The four rules of SPEC section 3, one set-based statement each: every rule fires for a row that
matches it and stays silent for the near misses on each side of every threshold; ids, texts,
recipients and expiry are exactly as SPEC says; a second run creates nothing."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from crm_pipelines.notifications.checks import load_notifications, run_rule
from crm_pipelines.notifications.thresholds import Thresholds
from crm_pipelines_tests.support import crm_factory as crm

T = datetime(2026, 3, 10, 12, 0, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


@pytest.fixture
def check(resources, settings):
    def run(rule: str, language: str | None = None, as_of: datetime = T):
        s = dataclasses.replace(settings, report_language=language) if language else settings
        # the rows this run created, read back as the job sends them
        postgres = resources["postgres"]
        return load_notifications(postgres, run_rule(postgres, rule, Thresholds.from_settings(s), as_of, s))

    return run


@pytest.fixture
def acme(db):
    tenant_id = crm.tenant(db, "Acme")
    return tenant_id, crm.seller(db, tenant_id, "Ana Ruiz"), crm.seller(db, tenant_id, "Bruno Díaz")


def test_unanswered_fires_strictly_after_the_threshold_and_only_for_active_assigned_customer_turns(
    db, check, acme
):
    tenant_id, ana, _ = acme
    hour = timedelta(hours=1)
    fires = crm.conversation(db, tenant_id, ana, "Carla Gómez", T - hour - SECOND)
    crm.conversation(db, tenant_id, ana, "At the threshold", T - hour)
    crm.conversation(db, tenant_id, ana, "One second younger", T - hour + SECOND)
    crm.conversation(db, tenant_id, ana, "Seller spoke last", T - 3 * hour, from_customer=False)
    crm.conversation(db, tenant_id, ana, "Closed", T - 3 * hour, status="closed")
    crm.conversation(db, tenant_id, ana, "Archived", T - 3 * hour, status="archived")
    crm.conversation(db, tenant_id, None, "Nobody assigned", T - 3 * hour)

    created = check("unanswered")

    expected_id = f"unanswered_{fires}_{crm.epoch(T - hour - SECOND)}"
    assert [n.id for n in created] == [expected_id]
    row = crm.notifications(db)[expected_id]
    assert (row["type"], row["tenant_id"], str(row["recipient_id"])) == ("unanswered", tenant_id, ana)
    assert (row["related_entity_type"], row["related_entity_id"]) == ("conversation", fires)
    assert row["title"] == "Conversación sin responder: Carla Gómez"
    assert row["message"] == "Carla Gómez lleva 1 hora esperando respuesta de Ana Ruiz."
    assert row["priority"] == "high"
    assert row["created_at"] == T
    assert row["expires_at"] == T + timedelta(days=7)
    assert row["read"] is False


def test_hot_lead_needs_probability_above_threshold_open_status_and_idle_time(db, check, acme):
    tenant_id, ana, bruno = acme
    two_hours = timedelta(hours=2)
    conv = crm.conversation(db, tenant_id, ana, "Diego Luna", T, from_customer=False)
    never_contacted = crm.lead(db, tenant_id, ana, conv, "new", probability=0.81)
    idle = crm.lead(
        db, tenant_id, bruno, None, "contacted", probability=0.95, last_contact_time=T - two_hours - SECOND
    )
    crm.lead(db, tenant_id, ana, conv, "new", probability=0.8)  # exactly at the threshold
    crm.lead(db, tenant_id, ana, conv, "contacted", probability=0.95, last_contact_time=T - two_hours)
    crm.lead(db, tenant_id, ana, conv, "interested", probability=0.95)  # past contacted
    crm.lead(db, tenant_id, ana, conv, "closed_won", probability=1)
    crm.lead(db, tenant_id, None, conv, "new", probability=0.99)  # no seller
    crm.lead(db, tenant_id, ana, conv, "new", probability=None)

    created = {n.id: n for n in check("hot_lead")}

    assert set(created) == {
        f"hot_lead_{never_contacted}_0",
        f"hot_lead_{idle}_{crm.epoch(T - two_hours - SECOND)}",
    }
    first = created[f"hot_lead_{never_contacted}_0"]
    assert (first.recipient_id, first.related_entity_type, first.related_entity_id) == (
        ana,
        "lead",
        never_contacted,
    )
    assert first.title == "Lead caliente: Diego Luna"
    assert (
        first.message == "Diego Luna tiene un 81% de probabilidad de conversión y aún no ha sido contactado."
    )
    second = created[f"hot_lead_{idle}_{crm.epoch(T - two_hours - SECOND)}"]
    assert second.recipient_id == bruno
    assert second.message == (
        "Cliente sin nombre tiene un 95% de probabilidad de conversión y nadie lo "
        "contacta desde hace 2 horas."
    )


def test_followup_fires_at_or_after_its_time_for_interested_and_negotiation(db, check, acme):
    tenant_id, ana, _ = acme
    conv = crm.conversation(db, tenant_id, ana, "Elena Paz", T, from_customer=False)
    at_time = crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=T)
    overdue = crm.lead(db, tenant_id, ana, conv, "negotiation", next_follow_up=T - timedelta(hours=5))
    crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=T + SECOND)
    crm.lead(db, tenant_id, ana, conv, "contacted", next_follow_up=T - timedelta(hours=5))
    crm.lead(db, tenant_id, ana, conv, "closed_lost", next_follow_up=T - timedelta(hours=5))
    crm.lead(db, tenant_id, None, conv, "negotiation", next_follow_up=T - timedelta(hours=5))

    created = {n.id: n for n in check("followup", language="en")}

    assert set(created) == {
        f"followup_{at_time}_{crm.epoch(T)}",
        f"followup_{overdue}_{crm.epoch(T - timedelta(hours=5))}",
    }
    late = created[f"followup_{overdue}_{crm.epoch(T - timedelta(hours=5))}"]
    assert late.title == "Follow-up due: Elena Paz"
    assert late.message == "The follow-up with Elena Paz was due on 2026-03-10 07:00 (5 hours ago)."
    assert (late.priority, created[f"followup_{at_time}_{crm.epoch(T)}"].priority) == ("high", "medium")


def test_performance_alert_reads_todays_metrics_and_goes_to_the_seller_and_each_manager_and_ceo(db, check, acme):
    tenant_id, ana, bruno = acme
    carla = crm.seller(db, tenant_id, "Carla Soto")
    dario = crm.seller(db, tenant_id, "Darío Paz")
    marta = crm.seller(db, tenant_id, "Marta Gil", role="manager")
    olga = crm.seller(db, tenant_id, "Olga Ríos", role="ceo")
    gone = crm.seller(db, tenant_id, "Pedro Ex", role="manager")
    with db.begin() as conn:
        conn.exec_driver_sql("UPDATE sellers SET is_active = false WHERE id = %s", (gone,))
    other_tenant = crm.tenant(db, "Other")
    crm.seller(db, other_tenant, "Quique Otro", role="manager")
    today, yesterday = date(2026, 3, 10), date(2026, 3, 9)
    crm.seller_metrics_row(db, tenant_id, ana, today,
                           conversations_unanswered=6, avg_response_time_minutes=12.0)  # 6 > 5
    crm.seller_metrics_row(db, tenant_id, bruno, today,
                           conversations_unanswered=5, avg_response_time_minutes=30.0)  # both at the limit
    crm.seller_metrics_row(db, tenant_id, carla, today,
                           conversations_unanswered=0, avg_response_time_minutes=30.01)
    crm.seller_metrics_row(db, tenant_id, dario, yesterday,
                           conversations_unanswered=40, avg_response_time_minutes=90.0)
    crm.seller_metrics_row(db, tenant_id, marta, today,
                           conversations_unanswered=7, avg_response_time_minutes=1.0)  # a manager over it too

    created = {n.id: n for n in check("performance_alert", language="en")}

    # the seller and the tenant's active manager and CEO, one row each; a manager over the limit is
    # told once about themself; nobody inactive or of another tenant
    expected = {(seller, recipient) for seller in (ana, carla) for recipient in (seller, marta, olga)}
    expected |= {(marta, marta), (marta, olga)}
    assert set(created) == {f"performance_{s}_20260310_{r}" for s, r in expected}
    for (seller, recipient) in expected:
        alert = created[f"performance_{seller}_20260310_{recipient}"]
        assert alert.recipient_id == recipient
        assert alert.room == f"notifications:{recipient}"
        assert (alert.related_entity_type, alert.related_entity_id) == (None, None)
    alert = created[f"performance_{ana}_20260310_{olga}"]
    assert crm.notifications(db)[alert.id]["metadata"]["seller_id"] == ana
    assert alert.title == "Performance alert: Ana Ruiz"
    assert alert.message == (
        "Ana Ruiz has 6 unanswered conversations today and an average response time of "
        "12 min (limits: 5 conversations, 30 min)."
    )
    assert check("performance_alert", as_of=T + timedelta(minutes=5)) == []


def test_running_the_checks_twice_creates_nothing_new_but_a_new_situation_does(db, check, acme):
    tenant_id, ana, _ = acme
    conv = crm.conversation(db, tenant_id, ana, "Félix Mora", T - timedelta(hours=3))
    crm.lead(db, tenant_id, ana, conv, "new", probability=0.9)
    crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=T - timedelta(hours=1))
    rules = ("unanswered", "hot_lead", "followup")

    first = [n.id for rule in rules for n in check(rule)]
    second = [n.id for rule in rules for n in check(rule, as_of=T + timedelta(minutes=5))]

    assert len(first) == 3 and second == []
    assert crm.notification_ids(db) == sorted(first)

    # The customer writes again: a new wait, a new notification (new epoch in the id).
    later = T + timedelta(minutes=10)
    with db.begin() as conn:
        conn.exec_driver_sql("UPDATE conversations SET last_message_time = %s", (later - timedelta(hours=2),))
    third = check("unanswered", as_of=later)
    assert [n.id for n in third] == [f"unanswered_{conv}_{crm.epoch(later - timedelta(hours=2))}"]
    assert len(crm.notification_ids(db)) == 4


def test_today_and_local_times_follow_crm_timezone(db, resources, settings, acme):
    """At 03:00 UTC it is still the 9th in Bogotá (UTC-5): the 9th's metrics row is today's."""
    tenant_id, ana, bruno = acme
    bogota = dataclasses.replace(settings, crm_timezone="America/Bogota", report_language="en")
    as_of = datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)
    crm.seller_metrics_row(db, tenant_id, ana, date(2026, 3, 9),
                           conversations_unanswered=9, avg_response_time_minutes=None)
    crm.seller_metrics_row(db, tenant_id, bruno, date(2026, 3, 10),
                           conversations_unanswered=9, avg_response_time_minutes=None)
    crm.lead(db, tenant_id, ana, None, "interested", next_follow_up=as_of - timedelta(hours=1))

    thresholds = Thresholds.from_settings(bogota)
    postgres = resources["postgres"]
    alerts = load_notifications(postgres, run_rule(postgres, "performance_alert", thresholds, as_of, bogota))
    followups = load_notifications(postgres, run_rule(postgres, "followup", thresholds, as_of, bogota))

    assert [a.id for a in alerts] == [f"performance_{ana}_20260309_{ana}"]
    assert "average response time of n/a min" in alerts[0].message
    assert (
        followups[0].message
        == "The follow-up with Unnamed customer was due on 2026-03-09 21:00 (1 hour ago)."
    )
