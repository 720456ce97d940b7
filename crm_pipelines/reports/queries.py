"""Read what a day's reports are made of, for every tenant at once (set-based SQL in sql/).

Numbers come from `seller_metrics` (written by the seller_metrics asset) and `notifications`;
nothing here recomputes a metric from messages or leads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql


@dataclass
class TenantDayData:
    """Everything one tenant's report for one day is computed from."""

    tenant_id: int
    tenant_name: str
    ceo_email: str | None
    day: date
    sellers: list[dict[str, Any]] = field(default_factory=list)  # the day's seller_metrics rows
    team_days: list[dict[str, Any]] = field(default_factory=list)  # 14 days ending `day`, oldest first
    alerts: dict[str, int] = field(default_factory=dict)  # notifications created that day, by type


def read_report_data(conn: sa.Connection, day: date, timezone: str) -> list[TenantDayData]:
    tenants = conn.execute(load_sql(__file__, "tenants.sql")).mappings().all()
    by_tenant = {
        t["tenant_id"]: TenantDayData(t["tenant_id"], t["tenant_name"], t["ceo_email"], day) for t in tenants
    }
    for row in conn.execute(load_sql(__file__, "seller_day.sql"), {"day": day}).mappings():
        if row["tenant_id"] in by_tenant:
            by_tenant[row["tenant_id"]].sellers.append(dict(row))
    for row in conn.execute(load_sql(__file__, "team_days.sql"), {"day": day}).mappings():
        by_tenant[row["tenant_id"]].team_days.append(dict(row))
    alerts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in conn.execute(load_sql(__file__, "alerts_day.sql"), {"day": day, "tz": timezone}).mappings():
        alerts[row["tenant_id"]][row["type"]] = int(row["created"])
    for tenant_id, counts in alerts.items():
        if tenant_id in by_tenant:
            by_tenant[tenant_id].alerts = counts
    return list(by_tenant.values())
