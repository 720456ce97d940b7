"""seller_metrics written for a window and read back by (seller, day), for the tests that work
metrics out by hand on data from `support.crm_factory.CRMWorld`."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from crm_pipelines.seller_metrics.compute import write_seller_metrics
from crm_pipelines.settings import Settings


def compute(engine: sa.Engine, settings: Settings, first: str, last: str | None = None,
            now: datetime | None = None) -> dict[tuple[uuid.UUID, date], dict[str, Any]]:
    """Write seller_metrics for the days first..last (inclusive) and read them back by (seller, day)."""
    start = date.fromisoformat(first)
    end = date.fromisoformat(last or first) + timedelta(days=1)
    now = now or datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    with engine.begin() as conn:
        write_seller_metrics(conn, start, end, now, settings)
    return read_rows(engine)


def read_rows(engine: sa.Engine) -> dict[tuple[uuid.UUID, date], dict[str, Any]]:
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM seller_metrics ORDER BY period, tenant_id, seller_id"))
        rows = rows.mappings()
        return {(r["seller_id"], r["period"]): dict(r) for r in rows}


def day(text: str) -> date:
    return date.fromisoformat(text)
