"""`crm-pipelines seed-demo`: realistic, deterministic demo data, written set-based in SQL.

Every random choice is a hash of (seed, row identity), so the same seed and `now` give the same
rows, byte for byte, however PostgreSQL plans the statements.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from tqdm import tqdm

from crm_pipelines.db.sql_files import load_sql

STEPS = [
    ("functions", "00_functions.sql"),
    ("tenants", "01_tenants.sql"),
    ("sellers", "02_sellers.sql"),
    ("conversations", "03_conversations.sql"),
    ("messages", "04_messages.sql"),
    ("conversation state", "05_conversation_state.sql"),
    ("leads", "06_leads.sql"),
]

CRM_TABLES = ("messages", "leads", "conversations", "sellers", "tenants")
DERIVED_TABLES = ("seller_metrics", "notifications", "daily_reports")


class SeedError(RuntimeError):
    pass


@dataclass(frozen=True)
class SeedResult:
    counts: dict[str, int]
    seconds: float


# Conversations a seller may open in a day (each taken with probability 0.35..0.75 by how busy the
# seller is): about 2.7 a day and 31 messages per seller-day at 5.
DEFAULT_MAX_DAILY_CONVERSATIONS = 5


def check_params(*, tenants: int, sellers: int, days: int, seed: int, now: datetime, timezone: str,
                 max_daily_conversations: int) -> dict:
    """The seed's SQL parameters; SeedError on a value it cannot use."""
    for name, value, low in (("--tenants", tenants, 1), ("--sellers", sellers, 1), ("--days", days, 1),
                             ("--max-daily-conversations", max_daily_conversations, 1)):
        if value < low:
            raise SeedError(f"{name}={value} must be at least {low}")
    if now.tzinfo is None:
        raise SeedError(f"--now={now.isoformat()} needs a UTC offset (e.g. 2025-03-01T12:00:00+00:00)")
    return {"seed": str(seed), "tenants": tenants, "sellers": sellers, "days": days,
            "now": now.isoformat(), "tz": timezone, "max_daily_conversations": max_daily_conversations}


# The CRM's own tenants per CRM_SOURCE: under crmventas `tenants` is our mirror, the CRM's are
# read through the crmventas_tenants view.
TENANTS = {"spec": "tenants", "crmventas": "crmventas_tenants"}


def count_tenants(conn: sa.Connection, source: str = "spec") -> int:
    return conn.execute(sa.text(f"SELECT count(*) FROM {TENANTS[source]}")).scalar()


def seed_demo(engine: sa.Engine, *, tenants: int, sellers: int, days: int, seed: int, now: datetime,
              timezone: str, replace: bool = False, progress: bool = True,
              max_daily_conversations: int = DEFAULT_MAX_DAILY_CONVERSATIONS) -> SeedResult:
    params = check_params(tenants=tenants, sellers=sellers, days=days, seed=seed, now=now, timezone=timezone,
                          max_daily_conversations=max_daily_conversations)
    started = time.perf_counter()
    with engine.begin() as conn:
        existing = count_tenants(conn)
        if existing and not replace:
            raise SeedError(f"the database already has {existing} tenants; pass --replace to wipe them "
                            "and every CRM and pipeline table (only ever on a demo database)")
        conn.execute(sa.text(f"TRUNCATE {', '.join(CRM_TABLES + DERIVED_TABLES)} RESTART IDENTITY CASCADE"))
        for label, filename in tqdm(STEPS, desc="seed-demo", unit="step", disable=not progress):
            conn.execute(load_sql(__file__, filename), params)
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in CRM_TABLES}
    return SeedResult(counts=counts, seconds=time.perf_counter() - started)
