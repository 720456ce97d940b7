"""The report's chart as a PNG: conversions and average response time per seller, and the team's
trend over the last 14 days. Matplotlib's Agg canvas on a bare Figure: no display, no pyplot
global state, safe in a worker process.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from crm_pipelines.reports.i18n import fmt_date, labels

MAX_SELLERS = 12  # beyond this a bar chart turns into a barcode; the busiest ones are shown
WIDTH_IN, HEIGHT_IN, DPI = 10, 8, 100
GREEN, BLUE, GREY, RED = "#2e7d32", "#1565c0", "#9e9e9e", "#c62828"


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=12, color=GREY, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _sellers_panels(
    ax_conv, ax_resp, sellers: list[dict[str, Any]], target: float, words: dict[str, str]
) -> None:
    shown = sorted(sellers, key=lambda s: (-s["conversions"], -s["messages_sent"], s["seller"]))[:MAX_SELLERS]
    shown = [s for s in shown if s["messages_sent"] > 0 or s["conversions"] > 0]
    ax_conv.set_title(words["chart_conversions"], fontsize=10)
    ax_resp.set_title(words["chart_response"], fontsize=10)
    if not shown:
        _empty(ax_conv, words["chart_empty"])
        _empty(ax_resp, words["chart_empty"])
        return
    shown.reverse()  # barh draws bottom-up; the best seller goes on top
    names = [_short(s["seller"]) for s in shown]
    positions = range(len(shown))
    ax_conv.barh(positions, [s["conversions"] for s in shown], color=GREEN)
    ax_conv.set_yticks(list(positions), names, fontsize=9)
    ax_conv.xaxis.get_major_locator().set_params(integer=True)
    for y, s in zip(positions, shown):
        ax_conv.text(s["conversions"], y, f" {s['conversions']}", va="center", fontsize=8)

    minutes = [s["avg_response_time_minutes"] or 0 for s in shown]
    colours = [RED if m > target else BLUE for m in minutes]
    ax_resp.barh(positions, minutes, color=colours)
    ax_resp.set_yticks(list(positions), names, fontsize=9)
    # The target is named in the title, not a legend: a legend box would sit on a bar.
    ax_resp.axvline(target, color=RED, linestyle="--", linewidth=1)
    ax_resp.set_title(f"{words['chart_response']} · {words['chart_target']} {target:g}", fontsize=10)
    for y, s, m in zip(positions, shown, minutes):
        ax_resp.text(
            m, y, " —" if s["avg_response_time_minutes"] is None else f" {m:g}", va="center", fontsize=8
        )


def _trend_panel(ax, trend: list[dict[str, Any]], words: dict[str, str]) -> None:
    ax.set_title(words["chart_trend"], fontsize=11)
    if not any(d["has_metrics"] for d in trend):
        _empty(ax, words["chart_empty"])
        return
    days = [date.fromisoformat(d["date"]).strftime("%d/%m") for d in trend]
    x = range(len(trend))
    # The reported day in full colour, the 13 days before it lighter.
    colours = [GREEN if i == len(trend) - 1 else "#a5d6a7" for i in x]
    ax.bar(x, [d["converted_leads"] for d in trend], color=colours, label=words["chart_trend_conversions"])
    ax.set_xticks(list(x), days, fontsize=8, rotation=45)
    ax.set_ylabel(words["chart_trend_conversions"], color=GREEN)
    ax.yaxis.get_major_locator().set_params(integer=True)
    twin = ax.twinx()
    points = [
        (i, d["avg_response_time_minutes"])
        for i, d in zip(x, trend)
        if d["avg_response_time_minutes"] is not None
    ]
    if points:
        twin.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=BLUE,
            marker="o",
            label=words["chart_trend_response"],
        )
    twin.set_ylabel(words["chart_trend_response"], color=BLUE)
    twin.set_ylim(bottom=0)


def render_chart(payload: dict[str, Any], target_minutes: float) -> bytes:
    """A PNG (1000×800) of the report's payload; never fails on an empty day."""
    words = labels(payload["language"])
    # Seller names are data, not math: "$" in a name must not switch on mathtext.
    with matplotlib.rc_context({"text.parse_math": False, "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        FigureCanvasAgg(fig)
        # Fixed margins instead of tight_layout: tight_layout draws the whole figure once more to
        # measure it, doubling the time of a chart (a month's backfill draws one per tenant and day).
        # The sellers' left margins fit the longest name _short() lets through.
        top = fig.add_gridspec(1, 2, left=0.17, right=0.95, top=0.9, bottom=0.56, wspace=0.62)
        bottom = fig.add_gridspec(1, 1, left=0.08, right=0.92, top=0.45, bottom=0.09)
        _sellers_panels(
            fig.add_subplot(top[0, 0]), fig.add_subplot(top[0, 1]), payload["sellers"], target_minutes, words
        )
        _trend_panel(fig.add_subplot(bottom[0, 0]), payload["trend"], words)
        day = fmt_date(date.fromisoformat(payload["date"]), payload["language"])
        fig.suptitle(f"{payload['tenant_name']} — {day}", fontsize=13, fontweight="bold")
        raw = io.BytesIO()
        fig.savefig(raw, format="png", dpi=DPI)
    return _palette_png(raw.getvalue())


def _palette_png(png: bytes) -> bytes:
    """A few flat colours and anti-aliased text: a 64-colour palette looks the same at a third of
    the bytes, which matters in every email, stored row and UI event that carries the chart."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
