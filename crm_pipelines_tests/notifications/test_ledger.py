"""The ledger of notified situations (SPEC 3): a situation is notified once while it lasts, also
after its notification expired and cleanup deleted it; cleanup forgets it when the situation ends,
and the next situation of the same conversation or lead is notified. Rules never notify across
tenants, and a probability that is NaN or above 1 makes no hot lead."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from crm_pipelines.cleanup.jobs import build_cleanup_job
from crm_pipelines.notifications.checks import run_rule
from crm_pipelines.notifications.thresholds import Thresholds
from crm_pipelines_tests.support import crm_factory as crm

RULES = ("unanswered", "hot_lead", "followup")


@pytest.fixture
def check(resources, settings):
    def run(rule: str, as_of: datetime) -> list[str]:
        return run_rule(resources["postgres"], rule, Thresholds.from_settings(settings), as_of, settings)

    return run


def ledger(db: sa.Engine) -> list[str]:
    with db.begin() as conn:
        return list(conn.execute(sa.text("SELECT id FROM notified_situations ORDER BY id")).scalars())


def expire_all_and_clean(db, settings, resources) -> None:
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE notifications SET expires_at = now() - interval '1 minute'"))
    assert build_cleanup_job(settings).execute_in_process(resources=resources).success


def test_a_cleaned_notification_is_not_made_again_while_its_situation_lasts(db, settings, resources, check):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana Ruiz")
    waiting = now - timedelta(hours=3)
    conv = crm.conversation(db, tenant_id, ana, "Carla Gómez", waiting)
    hot = crm.lead(db, tenant_id, ana, conv, "new", probability=0.9)
    due_at = now - timedelta(hours=1)
    follow = crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=due_at)
    first = sorted(i for rule in RULES for i in check(rule, now))
    assert first == sorted([f"unanswered_{conv}_{crm.epoch(waiting)}", f"hot_lead_{hot}_0",
                            f"followup_{follow}_{crm.epoch(due_at)}"])

    expire_all_and_clean(db, settings, resources)
    assert crm.notification_ids(db) == []
    assert ledger(db) == first  # the situations last: remembered

    later = now + timedelta(minutes=10)
    assert [i for rule in RULES for i in check(rule, later)] == []  # not notified again
    assert crm.notification_ids(db) == []

    # The situations end: the seller answers, the lead is contacted, the follow-up is moved.
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE conversations SET last_message_from_customer = false, "
                             "last_message_time = :t"), {"t": later})
        conn.execute(sa.text("UPDATE leads SET last_contact_time = :t WHERE id = :i"), {"t": later, "i": hot})
        conn.execute(sa.text("UPDATE leads SET next_follow_up = :t WHERE id = :i"),
                     {"t": later + timedelta(days=1), "i": follow})
    assert build_cleanup_job(settings).execute_in_process(resources=resources).success
    assert ledger(db) == []

    # A new situation of the same conversation is a new notification.
    wrote_again = later + timedelta(minutes=5)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE conversations SET last_message_from_customer = true, last_message_time = :t"),
                     {"t": wrote_again})
    assert check("unanswered", wrote_again + timedelta(hours=2)) == [
        f"unanswered_{conv}_{crm.epoch(wrote_again)}"]


def test_a_lasting_situation_stays_in_the_ledger_through_cleanups(db, settings, resources, check):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana Ruiz")
    hot = crm.lead(db, tenant_id, ana, None, "contacted", probability=0.95,
                   last_contact_time=now - timedelta(days=9))
    assert check("hot_lead", now) == [f"hot_lead_{hot}_{crm.epoch(now - timedelta(days=9))}"]
    for _ in range(2):
        expire_all_and_clean(db, settings, resources)
        assert ledger(db) == [f"hot_lead_{hot}_{crm.epoch(now - timedelta(days=9))}"]
        assert check("hot_lead", now + timedelta(hours=1)) == []


def test_rules_never_notify_across_tenants(db, check, resources, settings):
    """A conversation, a lead and a metrics row of tenant 1 assigned to a seller of tenant 2."""
    now = datetime.now(timezone.utc)
    acme, other = crm.tenant(db, "Acme"), crm.tenant(db, "Other")
    intruder = crm.seller(db, other, "Seller of Other")
    crm.seller(db, acme, "Marta Gil", role="manager")
    conv = crm.conversation(db, acme, intruder, "Cliente de Acme", now - timedelta(hours=3))
    crm.lead(db, acme, intruder, conv, "new", probability=0.95)
    crm.lead(db, acme, intruder, conv, "negotiation", next_follow_up=now - timedelta(hours=1))
    crm.seller_metrics_row(db, acme, intruder, now.date(),
                           conversations_unanswered=50, avg_response_time_minutes=300.0)

    created = [i for rule in (*RULES, "performance_alert") for i in check(rule, now)]

    assert created == [] and crm.notification_ids(db) == [] and ledger(db) == []


@pytest.mark.parametrize("probability", ["NaN", "1.5", "-0.5"])
def test_a_probability_that_is_not_one_makes_no_hot_lead(db, check, probability):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana Ruiz")
    crm.lead(db, tenant_id, ana, None, "new", probability=probability)
    real = crm.lead(db, tenant_id, ana, None, "new", probability=1.0)

    assert check("hot_lead", now) == [f"hot_lead_{real}_0"]


def test_performance_alerts_of_a_past_day_leave_the_ledger(db, settings, resources, check):
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana Ruiz")
    today = datetime.now(timezone.utc).date()  # CRM_TIMEZONE is UTC here
    yesterday = today - timedelta(days=1)
    crm.seller_metrics_row(db, tenant_id, ana, today,
                           conversations_unanswered=9, avg_response_time_minutes=1.0)
    with db.begin() as conn:
        conn.execute(sa.text("INSERT INTO notified_situations (id, tenant_id, type, notified_at) VALUES "
                             "(:old, :t, 'performance_alert', now() - interval '1 day')"),
                     {"old": f"performance_{ana}_{yesterday:%Y%m%d}_{ana}", "t": tenant_id})
    today_id = check("performance_alert", datetime.now(timezone.utc))
    assert today_id == [f"performance_{ana}_{today:%Y%m%d}_{ana}"]

    assert build_cleanup_job(settings).execute_in_process(resources=resources).success

    assert ledger(db) == today_id
