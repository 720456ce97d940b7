"""The stored report's numbers (SPEC 5) against a hand-built day: team totals and the change
against the 7 days before, the top three with ties, the day's alerts by type, recommendations in
Spanish and English, a tenant with no activity, and re-materialization replacing the row."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from crm_pipelines_tests.reports.conftest import DAY, build_acme_day, run_report
from crm_pipelines_tests.support import crm_factory as crm
from crm_pipelines_tests.support.crm_factory import stored_report


def test_team_performance_top_performers_and_alerts(db, report_settings, resources):
    acme = build_acme_day(db)
    result = run_report(report_settings, resources)
    assert result.success
    with db.connect() as conn:
        payload = stored_report(conn, acme.tenant_id, DAY)["payload"]

    team = payload["team_performance"]
    # 10+6+4+0+2 conversations; 4+2+2+0+1 new leads; 1+2+1+0+1 converted
    assert (team["total_conversations"], team["new_leads"], team["converted_leads"]) == (22, 9, 5)
    assert team["conversion_rate"] == 0.5556  # 5 / 9
    # (6×20 + 45×10 + 12×10 + 10×5) / (20+10+10+5) = 740 / 45
    assert team["avg_response_time_minutes"] == 16.4
    before = team["previous_7_days"]
    # D-1 and D-2 only (D-8 is outside): (8+12)/2, (3+5)/2, (1+3)/2, 4/8, (10×10+20×10)/20
    assert before == {
        "days_with_data": 2,
        "total_conversations": 10.0,
        "new_leads": 4.0,
        "converted_leads": 2.0,
        "conversion_rate": 0.5,
        "avg_response_time_minutes": 15.0,
    }
    assert team["change_pct"] == {
        "total_conversations": 120.0,
        "new_leads": 125.0,
        "converted_leads": 150.0,
        "conversion_rate": 11.1,
        "avg_response_time_minutes": 9.3,
    }

    # Carla 8.2 first; Bruno, Ana and Eva tie at 7.5: Bruno has 2 conversions, then Ana before Eva by
    # name; Diego (no messages) is never a top performer.
    assert [(p["rank"], p["seller"], p["conversions"], p["score"]) for p in payload["top_performers"]] == [
        (1, "Carla Ruiz", 1, 8.2),
        (2, "Bruno Díaz", 2, 7.5),
        (3, "Ana López", 1, 7.5),
    ]

    # Three unanswered, one hot lead, one performance alert created on the local day; the ones of the
    # previous and next local day are not counted.
    assert payload["alerts_summary"] == {
        "total": 5,
        "by_type": {"unanswered": 3, "hot_lead": 1, "followup": 0, "performance_alert": 1},
    }
    assert payload["date"] == "2026-11-20" and payload["tenant_name"] == "Acme"
    assert payload["trend"][0]["date"] == "2026-11-07" and len(payload["trend"]) == 14


def test_recommendations_in_spanish(db, report_settings, resources):
    acme = build_acme_day(db)
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        recommendations = stored_report(conn, acme.tenant_id, DAY)["payload"]["recommendations"]
    assert recommendations == [
        "Revisar 7 conversaciones sin respuesta de Bruno Díaz",
        "Revisar 2 conversaciones sin respuesta de Ana López",
        "Seguimiento urgente a 3 leads calientes de Bruno Díaz",
        "Seguimiento urgente a 1 lead caliente de Ana López",
        "Contactar hoy 2 seguimientos vencidos de Bruno Díaz",
        "Contactar hoy 1 seguimiento vencido de Carla Ruiz",
        "Acompañar a Bruno Díaz: su tiempo medio de respuesta fue 45 min (objetivo: 30 min)",
        "Confirmar disponibilidad de Diego Mora: no envió mensajes el 20/11/2026",
        "Reconocer a Carla Ruiz: 1 conversión y puntuación 8,20",
    ]


def test_recommendations_in_english(db, report_settings, resources):
    acme = build_acme_day(db)
    english = dataclasses.replace(report_settings, report_language="en")
    assert run_report(english, resources).success
    with db.connect() as conn:
        payload = stored_report(conn, acme.tenant_id, DAY)["payload"]
    assert payload["language"] == "en"
    assert payload["recommendations"] == [
        "Review 7 unanswered conversations of Bruno Díaz",
        "Review 2 unanswered conversations of Ana López",
        "Urgent follow-up on 3 hot leads of Bruno Díaz",
        "Urgent follow-up on 1 hot lead of Ana López",
        "Call back today 2 overdue follow-ups of Bruno Díaz",
        "Call back today 1 overdue follow-up of Carla Ruiz",
        "Coach Bruno Díaz: average response time was 45 min (target: 30 min)",
        "Check on Diego Mora: sent no messages on 2026-11-20",
        "Recognise Carla Ruiz: 1 conversion and a score of 8.20",
    ]


def test_team_slowdown_is_recommended(db, report_settings, resources):
    """A team response time 20 % or more above the week before gets its own sentence."""
    acme = build_acme_day(db)
    with db.begin() as conn:  # the week before: 10 min instead of 15 -> 16.4 is +64 %
        conn.execute(
            sa.text(
                "UPDATE seller_metrics SET avg_response_time_minutes = 10 "
                "WHERE period < :d AND period >= :d - 2"
            ),
            {"d": DAY},
        )
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        recommendations = stored_report(conn, acme.tenant_id, DAY)["payload"]["recommendations"]
    assert (
        "El tiempo medio de respuesta del equipo subió 64 % frente a los 7 días anteriores "
        "(16,4 min frente a 10 min)"
    ) in recommendations


def test_day_without_activity_says_so(db, report_settings, resources):
    acme = build_acme_day(db)
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        quiet = stored_report(conn, acme.quiet_tenant_id, DAY)
    payload = quiet["payload"]
    assert payload["metrics_available"] is False and payload["has_activity"] is False
    team = payload["team_performance"]
    assert (team["total_conversations"], team["new_leads"], team["converted_leads"]) == (0, 0, 0)
    assert team["conversion_rate"] is None and team["avg_response_time_minutes"] is None
    assert team["change_pct"]["total_conversations"] is None
    assert payload["top_performers"] == []
    assert payload["alerts_summary"]["total"] == 0
    assert payload["recommendations"] == [
        "Sin actividad el 20/11/2026: comprobar que los canales de mensajería y el CRM funcionan"
    ]
    assert "Aún no hay métricas calculadas para este día." in quiet["html"]
    assert 'src="data:image/png;base64,' in quiet["html"]


def test_rematerializing_replaces_the_day(db, report_settings, resources):
    acme = build_acme_day(db)
    assert run_report(report_settings, resources).success
    with db.begin() as conn:
        conn.execute(
            sa.text("UPDATE seller_metrics SET leads_converted = 4 WHERE seller_id = :s AND period = :d"),
            {"s": acme.sellers["b"], "d": DAY},
        )
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT tenant_id, payload FROM daily_reports WHERE report_date = :d ORDER BY tenant_id"),
            {"d": DAY},
        ).all()
    assert [r.tenant_id for r in rows] == [acme.tenant_id, acme.quiet_tenant_id]
    assert rows[0].payload["team_performance"]["converted_leads"] == 7


def test_metadata_shows_the_report_as_markdown(db, report_settings, resources):
    build_acme_day(db)
    result = run_report(report_settings, resources)
    materialization = result.asset_materializations_for_node("daily_report")[0]
    markdown = materialization.metadata["report"].value
    assert "Acme" in markdown and "Quiet" in markdown
    assert "| Conversaciones atendidas | **22** |" in markdown
    assert "Carla Ruiz" in markdown
    assert markdown.count("![Gráfico](data:image/png;base64,") == 2  # the chart, shown on the asset's page
    assert materialization.metadata["reports_stored"].value == 2
    # the asset sends nothing itself; the metadata says what does
    assert "daily_report_delivery_job" in materialization.metadata["delivery"].value


def test_sellers_without_activity_give_a_report_that_says_so(db, report_settings, resources):
    """seller_metrics rows exist but every number is zero: no division by zero, a clear sentence."""
    with db.begin() as conn:
        tenant = crm.tenant(conn, "Calm", "ceo@calm.test")
        crm.seller_metrics_row(conn, tenant, crm.seller(conn, tenant, "Zoe Paz"), DAY)
    english = dataclasses.replace(report_settings, report_language="en")
    assert run_report(english, resources).success
    with db.connect() as conn:
        stored = stored_report(conn, tenant, DAY)
    payload = stored["payload"]
    assert payload["metrics_available"] is True and payload["has_activity"] is False
    assert payload["team_performance"]["conversion_rate"] is None
    assert payload["recommendations"] == [
        "No activity on 2026-11-20: check that the messaging channels and the CRM are working"
    ]
    assert "No activity recorded this day." in stored["html"]
