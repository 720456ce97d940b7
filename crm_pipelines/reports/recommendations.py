"""Rule-based recommendations, the sentences a sales manager would write after reading the day.

Each rule names the seller and the number, most urgent first: customers waiting, hot leads,
due follow-ups, slow replies, a slower team, idle sellers, and who to recognise (always kept).
At most MAX_PER_RULE sellers per rule and MAX_TOTAL sentences, so the list stays readable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crm_pipelines.reports.i18n import fmt_date, fmt_number, fmt_score
from crm_pipelines.settings import Settings

MAX_PER_RULE = 3
MAX_TOTAL = 10
# The team's response time must worsen by at least this much against the week before to mention it.
TEAM_SLOWDOWN_PCT = 20.0

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    # rule -> language -> (singular, plural); {n} is the number, {seller} the seller's name
    "unanswered": {
        "es": (
            "Revisar {n} conversación sin respuesta de {seller}",
            "Revisar {n} conversaciones sin respuesta de {seller}",
        ),
        "en": (
            "Review {n} unanswered conversation of {seller}",
            "Review {n} unanswered conversations of {seller}",
        ),
    },
    "hot_leads": {
        "es": (
            "Seguimiento urgente a {n} lead caliente de {seller}",
            "Seguimiento urgente a {n} leads calientes de {seller}",
        ),
        "en": (
            "Urgent follow-up on {n} hot lead of {seller}",
            "Urgent follow-up on {n} hot leads of {seller}",
        ),
    },
    "follow_ups": {
        "es": (
            "Contactar hoy {n} seguimiento vencido de {seller}",
            "Contactar hoy {n} seguimientos vencidos de {seller}",
        ),
        "en": (
            "Call back today {n} overdue follow-up of {seller}",
            "Call back today {n} overdue follow-ups of {seller}",
        ),
    },
    "slow": {
        "es": (
            "Acompañar a {seller}: su tiempo medio de respuesta fue {minutes} min (objetivo: {target} min)",
        )
        * 2,
        "en": ("Coach {seller}: average response time was {minutes} min (target: {target} min)",) * 2,
    },
    "team_slower": {
        "es": (
            (
                "El tiempo medio de respuesta del equipo subió {pct} % frente a los 7 días anteriores "
                "({now} min frente a {before} min)"
            ),
        )
        * 2,
        "en": (
            (
                "The team's average response time rose {pct}% against the 7 days before "
                "({now} min vs {before} min)"
            ),
        )
        * 2,
    },
    "idle": {
        "es": ("Confirmar disponibilidad de {seller}: no envió mensajes el {date}",) * 2,
        "en": ("Check on {seller}: sent no messages on {date}",) * 2,
    },
    "recognise": {
        "es": (
            "Reconocer a {seller}: {n} conversión y puntuación {score}",
            "Reconocer a {seller}: {n} conversiones y puntuación {score}",
        ),
        "en": (
            "Recognise {seller}: {n} conversion and a score of {score}",
            "Recognise {seller}: {n} conversions and a score of {score}",
        ),
    },
    "no_activity": {
        "es": ("Sin actividad el {date}: comprobar que los canales de mensajería y el CRM funcionan",) * 2,
        "en": ("No activity on {date}: check that the messaging channels and the CRM are working",) * 2,
    },
}


def _say(rule: str, language: str, n: float = 0, **values: Any) -> str:
    singular, plural = TEXTS[rule][language]
    return (singular if n == 1 else plural).format(n=fmt_number(n, language), **values)


def _top(sellers: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    chosen = [s for s in sellers if (s[key] or 0) > 0]
    return sorted(chosen, key=lambda s: (-(s[key] or 0), s["seller_name"], s["seller_id"]))[:MAX_PER_RULE]


def recommendations(payload: dict[str, Any], sellers: list[dict[str, Any]], settings: Settings) -> list[str]:
    lang = settings.report_language
    day = date.fromisoformat(payload["date"])
    if not payload["has_activity"]:
        return [_say("no_activity", lang, date=fmt_date(day, lang))]

    out: list[str] = []
    for s in _top(sellers, "conversations_unanswered"):
        out.append(_say("unanswered", lang, s["conversations_unanswered"], seller=s["seller_name"]))
    for s in _top(sellers, "hot_leads_open"):
        out.append(_say("hot_leads", lang, s["hot_leads_open"], seller=s["seller_name"]))
    for s in _top(sellers, "follow_ups_due"):
        out.append(_say("follow_ups", lang, s["follow_ups_due"], seller=s["seller_name"]))

    target = settings.performance_alert_max_response_minutes
    slow = [
        s
        for s in sellers
        if s["avg_response_time_minutes"] is not None and s["avg_response_time_minutes"] > target
    ]
    for s in _top(slow, "avg_response_time_minutes"):
        out.append(
            _say(
                "slow",
                lang,
                seller=s["seller_name"],
                minutes=fmt_number(round(s["avg_response_time_minutes"], 1), lang),
                target=fmt_number(target, lang),
            )
        )

    team = payload["team_performance"]
    change = team["change_pct"]["avg_response_time_minutes"]
    if change is not None and change >= TEAM_SLOWDOWN_PCT:
        out.append(
            _say(
                "team_slower",
                lang,
                pct=fmt_number(change, lang),
                now=fmt_number(team["avg_response_time_minutes"], lang),
                before=fmt_number(team["previous_7_days"]["avg_response_time_minutes"], lang),
            )
        )

    idle = sorted(
        (s for s in sellers if s["messages_sent"] == 0), key=lambda s: (s["seller_name"], s["seller_id"])
    )
    for s in idle[:MAX_PER_RULE]:
        out.append(_say("idle", lang, seller=s["seller_name"], date=fmt_date(day, lang)))

    # Recognition always has its place, however long the list of problems is.
    praise: list[str] = []
    best = payload["top_performers"][:1]
    if best and (best[0]["conversions"] > 0 or best[0]["score"] > 0):
        praise.append(
            _say(
                "recognise",
                lang,
                best[0]["conversions"],
                seller=best[0]["seller"],
                score=fmt_score(best[0]["score"], lang),
            )
        )
    return out[: MAX_TOTAL - len(praise)] + praise
