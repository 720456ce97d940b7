"""Titles and messages of the notifications, in REPORT_LANGUAGE (es default, en).

They are PostgreSQL `format()` templates (`%s` a value, `%%` a literal percent sign): the rule
statements fill them with the customer's or seller's name and the numbers in the same set-based
INSERT that writes the rows, so no text is assembled row by row in Python.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "es": {
        # unanswered: customer, hours waiting, seller
        "unanswered_title": "Conversación sin responder: %s",
        "unanswered_message": "%s lleva %s horas esperando respuesta de %s.",
        # hot_lead: customer, probability %, idle hours (or never contacted)
        "hot_lead_title": "Lead caliente: %s",
        "hot_lead_message": (
            "%s tiene un %s%% de probabilidad de conversión y nadie lo contacta desde hace %s horas."
        ),
        "hot_lead_message_never": (
            "%s tiene un %s%% de probabilidad de conversión y aún no ha sido contactado."
        ),
        # followup: customer, when it was due (local time), hours overdue
        "followup_title": "Seguimiento pendiente: %s",
        "followup_message": "El seguimiento de %s estaba previsto para el %s (hace %s horas).",
        # performance_alert: seller, unanswered, avg response, limit unanswered, limit minutes
        "performance_alert_title": "Alerta de rendimiento: %s",
        "performance_alert_message": (
            "%s tiene hoy %s conversaciones sin responder y un tiempo medio de respuesta de %s min "
            "(límites: %s conversaciones, %s min)."
        ),
        "unknown_customer": "Cliente sin nombre",
        "unknown_seller": "vendedor sin nombre",
        "no_value": "sin datos",
    },
    "en": {
        "unanswered_title": "Unanswered conversation: %s",
        "unanswered_message": "%s has been waiting %s hours for a reply from %s.",
        "hot_lead_title": "Hot lead: %s",
        "hot_lead_message": (
            "%s has a %s%% conversion probability and nobody has contacted them for %s hours."
        ),
        "hot_lead_message_never": "%s has a %s%% conversion probability and has not been contacted yet.",
        "followup_title": "Follow-up due: %s",
        "followup_message": "The follow-up with %s was due on %s (%s hours ago).",
        "performance_alert_title": "Performance alert: %s",
        "performance_alert_message": (
            "%s has %s unanswered conversations today and an average response time of %s min "
            "(limits: %s conversations, %s min)."
        ),
        "unknown_customer": "Unnamed customer",
        "unknown_seller": "unnamed seller",
        "no_value": "n/a",
    },
}


def texts_for(language: str) -> dict[str, str]:
    """Bound parameters for a rule statement: every template of the language, prefixed `t_`."""
    return {f"t_{key}": value for key, value in TEXTS[language].items()}
