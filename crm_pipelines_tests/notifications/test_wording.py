"""What a seller reads in a notification, in both languages: the singular for exactly one ("1 hora",
"1 conversación sin responder"), minutes or "less than a minute" for short waits instead of
"0.0 horas", whole numbers without ".0", and REPORT_LANGUAGE's separators (a decimal comma and a
thousands point in Spanish, as in the daily report)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from crm_pipelines.notifications.checks import load_notifications, run_rule
from crm_pipelines.notifications.thresholds import Thresholds
from crm_pipelines_tests.support import crm_factory as crm

T = datetime(2026, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def check(resources, settings):
    def run(rule: str, language: str, **overrides):
        s = dataclasses.replace(settings, report_language=language)
        postgres = resources["postgres"]
        ids = run_rule(postgres, rule, Thresholds.from_settings(s, overrides), T, s)
        return sorted(n.message for n in load_notifications(postgres, ids))

    return run


@pytest.fixture
def ana(db):
    tenant_id = crm.tenant(db, "Acme")
    return tenant_id, crm.seller(db, tenant_id, "Ana Ruiz")


@pytest.mark.parametrize("language, expected", [
    ("es", [
        "Carla lleva 1 hora esperando respuesta de Ana Ruiz.",
        "Diego lleva 1 minuto esperando respuesta de Ana Ruiz.",
        "Elena lleva 1.250,5 horas esperando respuesta de Ana Ruiz.",
        "Félix lleva 1,5 horas esperando respuesta de Ana Ruiz.",
        "Gloria lleva 25 minutos esperando respuesta de Ana Ruiz.",
        "Hugo lleva menos de un minuto esperando respuesta de Ana Ruiz.",
    ]),
    ("en", [
        "Carla has been waiting 1 hour for a reply from Ana Ruiz.",
        "Diego has been waiting 1 minute for a reply from Ana Ruiz.",
        "Elena has been waiting 1,250.5 hours for a reply from Ana Ruiz.",
        "Félix has been waiting 1.5 hours for a reply from Ana Ruiz.",
        "Gloria has been waiting 25 minutes for a reply from Ana Ruiz.",
        "Hugo has been waiting less than a minute for a reply from Ana Ruiz.",
    ]),
])
def test_unanswered_says_how_long_as_a_person_would(db, check, ana, language, expected):
    tenant_id, seller = ana
    for customer, waited in [("Carla", timedelta(minutes=61)), ("Diego", timedelta(seconds=119)),
                             ("Elena", timedelta(hours=1250, minutes=30)), ("Félix", timedelta(minutes=90)),
                             ("Gloria", timedelta(minutes=25, seconds=59)), ("Hugo", timedelta(seconds=59))]:
        crm.conversation(db, tenant_id, seller, customer, T - waited)

    assert check("unanswered", language, unanswered_conversation_hours=0.01) == expected


@pytest.mark.parametrize("language, expected", [
    ("es", ["El seguimiento de Elena Paz estaba previsto para el 10/03/2026 11:30 (hace 30 minutos).",
            "El seguimiento de Elena Paz estaba previsto para el 10/03/2026 12:00 (hace menos de un minuto)."]),
    ("en", ["The follow-up with Elena Paz was due on 2026-03-10 11:30 (30 minutes ago).",
            "The follow-up with Elena Paz was due on 2026-03-10 12:00 (less than a minute ago)."]),
])
def test_followup_due_just_now_is_not_zero_hours_ago(db, check, ana, language, expected):
    tenant_id, seller = ana
    conv = crm.conversation(db, tenant_id, seller, "Elena Paz", T, from_customer=False)
    crm.lead(db, tenant_id, seller, conv, "interested", next_follow_up=T)
    crm.lead(db, tenant_id, seller, conv, "negotiation", next_follow_up=T - timedelta(minutes=30))

    assert check("followup", language) == expected


def test_hot_lead_idle_for_exactly_one_hour(db, check, ana):
    tenant_id, seller = ana
    crm.lead(db, tenant_id, seller, None, "contacted", probability=0.9, last_contact_time=T - timedelta(hours=1))

    assert check("hot_lead", "es", hot_lead_idle_hours=0.5) == [
        "Cliente sin nombre tiene un 90% de probabilidad de conversión y nadie lo contacta desde hace 1 hora."
    ]


@pytest.mark.parametrize("language, expected", [
    ("es", ["Ana Ruiz tiene hoy 1 conversación sin responder y un tiempo medio de respuesta de 45,5 min "
            "(límites: 1 conversación, 7,25 min).",
            "Bruno Díaz tiene hoy 2 conversaciones sin responder y un tiempo medio de respuesta de sin datos "
            "min (límites: 1 conversación, 7,25 min)."]),
    ("en", ["Ana Ruiz has 1 unanswered conversation today and an average response time of 45.5 min "
            "(limits: 1 conversation, 7.25 min).",
            "Bruno Díaz has 2 unanswered conversations today and an average response time of n/a min "
            "(limits: 1 conversation, 7.25 min)."]),
])
def test_performance_alert_counts_in_the_singular_and_writes_decimals_in_the_language(
    db, check, ana, language, expected
):
    tenant_id, seller = ana
    bruno = crm.seller(db, tenant_id, "Bruno Díaz")
    crm.seller_metrics_row(db, tenant_id, seller, date(2026, 3, 10), conversations_unanswered=1,
                           avg_response_time_minutes=45.46)
    crm.seller_metrics_row(db, tenant_id, bruno, date(2026, 3, 10), conversations_unanswered=2,
                           avg_response_time_minutes=None)

    assert check("performance_alert", language, performance_alert_max_unanswered=1,
                 performance_alert_max_response_minutes=7.25) == expected
