"""Titles and messages of the notifications, in REPORT_LANGUAGE (es default, en).

They are PostgreSQL `format()` templates (`%s` a value, `%%` a literal percent sign): the rule
statements fill them with the customer's or seller's name and the numbers in the same set-based
INSERT that writes the rows, so no text is assembled row by row in Python.

Numbers are written as the daily report writes them (reports/i18n.py): whole numbers without
decimals, otherwise one decimal, with the language's separators (`separators`: thousands then
decimal, for `translate()` of a `to_char(..., 'FM999,990.0')`). Counts and durations take the
singular for exactly one (`_one`) and the plural otherwise (`_other`); a wait under a minute is
"less than a minute", under an hour it is counted in minutes, from an hour on in hours.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "es": {
        # unanswered: customer, how long they have waited, seller
        "unanswered_title": "Conversación sin responder: %s",
        "unanswered_message": "%s lleva %s esperando respuesta de %s.",
        # hot_lead: customer, probability %, how long nobody contacted them (or never contacted)
        "hot_lead_title": "Lead caliente: %s",
        "hot_lead_message": "%s tiene un %s%% de probabilidad de conversión y nadie lo contacta desde hace %s.",
        "hot_lead_message_never": (
            "%s tiene un %s%% de probabilidad de conversión y aún no ha sido contactado."
        ),
        # followup: customer, when it was due (local time), how long ago
        "followup_title": "Seguimiento pendiente: %s",
        "followup_message": "El seguimiento de %s estaba previsto para el %s (hace %s).",
        # performance_alert: seller, unanswered conversations, avg response, limits
        "performance_alert_title": "Alerta de rendimiento: %s",
        "performance_alert_message": (
            "%s tiene hoy %s y un tiempo medio de respuesta de %s min (límites: %s, %s min)."
        ),
        "unanswered_conversations_one": "%s conversación sin responder",
        "unanswered_conversations_other": "%s conversaciones sin responder",
        "conversations_one": "%s conversación",
        "conversations_other": "%s conversaciones",
        "hours_one": "%s hora",
        "hours_other": "%s horas",
        "minutes_one": "%s minuto",
        "minutes_other": "%s minutos",
        "less_than_a_minute": "menos de un minuto",
        "datetime_format": "DD/MM/YYYY HH24:MI",
        "separators": ".,",
        "unknown_customer": "Cliente sin nombre",
        "unknown_seller": "vendedor sin nombre",
        "no_value": "sin datos",
    },
    "en": {
        "unanswered_title": "Unanswered conversation: %s",
        "unanswered_message": "%s has been waiting %s for a reply from %s.",
        "hot_lead_title": "Hot lead: %s",
        "hot_lead_message": "%s has a %s%% conversion probability and nobody has contacted them for %s.",
        "hot_lead_message_never": "%s has a %s%% conversion probability and has not been contacted yet.",
        "followup_title": "Follow-up due: %s",
        "followup_message": "The follow-up with %s was due on %s (%s ago).",
        "performance_alert_title": "Performance alert: %s",
        "performance_alert_message": (
            "%s has %s today and an average response time of %s min (limits: %s, %s min)."
        ),
        "unanswered_conversations_one": "%s unanswered conversation",
        "unanswered_conversations_other": "%s unanswered conversations",
        "conversations_one": "%s conversation",
        "conversations_other": "%s conversations",
        "hours_one": "%s hour",
        "hours_other": "%s hours",
        "minutes_one": "%s minute",
        "minutes_other": "%s minutes",
        "less_than_a_minute": "less than a minute",
        "datetime_format": "YYYY-MM-DD HH24:MI",
        "separators": ",.",
        "unknown_customer": "Unnamed customer",
        "unknown_seller": "unnamed seller",
        "no_value": "n/a",
    },
}


def texts_for(language: str) -> dict[str, str]:
    """Bound parameters for a rule statement: every template of the language, prefixed `t_`."""
    return {f"t_{key}": value for key, value in TEXTS[language].items()}
