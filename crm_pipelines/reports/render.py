"""The report as HTML (email and stored copy), plain text (email's text part), Markdown (the
asset's metadata in the Dagster UI) and short chat summaries (Slack, Teams).

HTML is rendered by Jinja2 with autoescape on, so a seller called `<script>` is shown, not run.
Markdown and text templates escape through the `md` filter / are plain text. Chat messages escape
every value with the helper of their format (crm_pipelines/escaping.py).
"""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from crm_pipelines import escaping
from crm_pipelines.delivery.chat import slack_escape
from crm_pipelines.reports.i18n import fmt_change, fmt_date, fmt_number, fmt_percent, fmt_score, labels

CHART_CID = "report-chart"
TEMPLATES = Path(__file__).resolve().parent / "templates"

md_escape = escaping.markdown


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    return env


_ENV = _environment()


def _context(payload: dict[str, Any], chart_src: str | None) -> dict[str, Any]:
    lang = payload["language"]
    return {
        "r": payload,
        "t": labels(lang),
        "chart_src": chart_src,
        "day": fmt_date(date.fromisoformat(payload["date"]), lang),
        "num": lambda v, d=1: fmt_number(v, lang, d),
        "pct": lambda v: fmt_percent(v, lang),
        "change": lambda v: fmt_change(v, lang),
        "score": lambda v: fmt_score(v, lang),
        "team_rows": _team_rows(payload, lang),
    }


def _team_rows(payload: dict[str, Any], lang: str) -> list[dict[str, str]]:
    team = payload["team_performance"]
    before = team["previous_7_days"]
    words = labels(lang)
    rows = []
    for key in (
        "total_conversations",
        "new_leads",
        "converted_leads",
        "conversion_rate",
        "avg_response_time_minutes",
    ):
        if key == "conversion_rate":
            now, prev = fmt_percent(team[key], lang), fmt_percent(before[key], lang)
        elif key == "avg_response_time_minutes":
            now = "—" if team[key] is None else f"{fmt_number(team[key], lang)} {words['minutes']}"
            prev = "—" if before[key] is None else f"{fmt_number(before[key], lang)} {words['minutes']}"
        else:
            now, prev = fmt_number(team[key], lang), fmt_number(before[key], lang)
        rows.append(
            {
                "key": key,
                "label": words[key],
                "value": now,
                "previous": prev,
                "change": fmt_change(team["change_pct"][key], lang),
            }
        )
    return rows


def chart_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(payload: dict[str, Any], chart_src: str | None) -> str:
    """`chart_src` is `cid:report-chart` in email and a data: URI in the stored copy."""
    return _ENV.get_template("report.html.j2").render(_context(payload, chart_src))


def render_text(payload: dict[str, Any]) -> str:
    return _ENV.get_template("report.txt.j2").render(_context(payload, None))


def render_markdown(payload: dict[str, Any], chart_src: str | None = None) -> str:
    """For the asset's page; a data: URI `chart_src` shows the chart there too."""
    return _ENV.get_template("report.md.j2").render(_context(payload, chart_src))


def email_subject(payload: dict[str, Any]) -> str:
    words = labels(payload["language"])
    day = fmt_date(date.fromisoformat(payload["date"]), payload["language"])
    return f"{words['title']} {payload['tenant_name']} — {day}"


def _summary_facts(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (row["label"], f"{row['value']} ({row['change']})")
        for row in _team_rows(payload, payload["language"])
    ]


def slack_message(payload: dict[str, Any]) -> dict[str, Any]:
    """A short Slack summary (blocks plus a text fallback); every value is mrkdwn-escaped."""
    lang = payload["language"]
    words = labels(lang)
    title = slack_escape(email_subject(payload))
    facts = "\n".join(f"• {slack_escape(k)}: *{slack_escape(v)}*" for k, v in _summary_facts(payload))
    mrkdwn = lambda text: {"type": "mrkdwn", "text": text, "verbatim": True}  # noqa: E731 - no URL auto-links
    top = "\n".join(
        f"{p['rank']}. {slack_escape(p['seller'])} — {p['conversions']} · {fmt_score(p['score'], lang)}"
        for p in payload["top_performers"]
    ) or slack_escape(words["no_performers"])
    recs = "\n".join(f"• {slack_escape(r)}" for r in payload["recommendations"][:5])
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": email_subject(payload)[:150]}},
        {"type": "section", "text": mrkdwn(facts)},
        {"type": "section", "text": mrkdwn(f"*{slack_escape(words['top_performers'])}*\n{top}")},
    ]
    if recs:
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(f"*{slack_escape(words['recommendations'])}*\n{recs}"),
            }
        )
    return {"text": title, "blocks": blocks}


def teams_message(payload: dict[str, Any], legacy: bool) -> dict[str, Any]:
    """A MessageCard for legacy Office 365 connectors, an Adaptive Card for Workflows hooks.
    MessageCard text renders Markdown and HTML, Adaptive Card text Markdown only: each value is
    escaped for the card's format."""
    lang = payload["language"]
    words = labels(lang)
    esc = escaping.message_card if legacy else escaping.adaptive_card
    title = esc(email_subject(payload))
    facts = [{"name": esc(k), "value": esc(v)} for k, v in _summary_facts(payload)]
    top = [
        f"{p['rank']}. {esc(p['seller'])} — {p['conversions']} · {fmt_score(p['score'], lang)}"
        for p in payload["top_performers"]
    ] or [esc(words["no_performers"])]
    recs = [esc(r) for r in payload["recommendations"][:5]]
    if legacy:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": title,
            "themeColor": "1565C0",
            "title": title,
            "sections": [
                {"facts": facts},
                {"title": esc(words["top_performers"]), "text": "<br>".join(top)},
                {"title": esc(words["recommendations"]), "text": "<br>".join(recs)},
            ],
        }
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "FactSet", "facts": [{"title": f["name"], "value": f["value"]} for f in facts]},
        {"type": "TextBlock", "text": esc(words["top_performers"]), "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": "\n\n".join(top), "wrap": True},
    ]
    if recs:
        body += [
            {"type": "TextBlock", "text": esc(words["recommendations"]), "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": "\n\n".join(f"- {r}" for r in recs), "wrap": True},
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                },
            }
        ],
    }
