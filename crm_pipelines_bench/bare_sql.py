"""The lower bound: seller_metrics' own SELECT, run alone in a plain psycopg2 connection.

No Dagster, no SQLAlchemy, no writes to seller_metrics: `CREATE TEMP TABLE ... AS <the SELECT>`
makes PostgreSQL compute every row and keep them for the comparison, at the cost of writing a
temporary table (a few percent of the SELECT's time; the asset pays a real INSERT instead).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import psycopg2
import psycopg2.extras
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from crm_pipelines.db.schemas import DEFAULT_SCHEMAS
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.seller_metrics import compute
from crm_pipelines.settings import Settings
from crm_pipelines_bench.timing import Timing, repeat

# The asset's own statements, read from the installed crm_pipelines: the SELECT its INSERT writes,
# and its per-transaction settings (jit off, more work_mem), so that the lower bound runs the
# statement exactly as the asset does (or it would time PostgreSQL's JIT compiler instead).
SELECT_FILE = "select_metrics.sql"
TUNING_FILE = "tune_transaction.sql"


class BareSqlUnavailable(RuntimeError):
    pass


def bare_select() -> tuple[str, list[str]]:
    """The SELECT in psycopg2's %(name)s style, and the names of its parameters."""
    text = load_sql(compute.__file__, SELECT_FILE).text.strip().rstrip(";")
    clause = sa.text(text)
    compiled = clause.compile(dialect=postgresql.psycopg2.dialect())
    return str(compiled), sorted(clause._bindparams)


def bare_params(names: list[str], settings: Settings, start: date, end: date,
                now: datetime) -> dict[str, Any]:
    """Values for the SELECT's parameters, by name (SPEC 7's settings and the window [start, end])."""
    known = {
        # select_metrics.sql takes the window's end as exclusive
        "start_date": start, "end_date": end + timedelta(days=1),
        "now": now, "as_of": now, "tz": settings.crm_timezone, "timezone": settings.crm_timezone,
        "unanswered_hours": settings.unanswered_conversation_hours,
        "hot_threshold": settings.hot_lead_probability_threshold,
        "hot_lead_probability_threshold": settings.hot_lead_probability_threshold,
        "hot_probability": settings.hot_lead_probability_threshold,
        "probability": settings.hot_lead_probability_threshold,
        "hot_idle_hours": settings.hot_lead_idle_hours, "hot_lead_idle_hours": settings.hot_lead_idle_hours,
        "idle_hours": settings.hot_lead_idle_hours,
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BareSqlUnavailable(f"select_metrics.sql has parameters the benchmark does not know: {unknown}")
    return {n: known[n] for n in names}


def time_bare_select(libpq_dsn: str, sql: str, params: dict[str, Any], times: int,
                     keep_rows: bool = False) -> tuple[Timing, list[dict[str, Any]]]:
    """Median time of computing every row into a temp table; the rows of the last run if asked."""
    # The bench database is built with the default schemas (its tables in crm_pipelines, the CRM's in public).
    conn = psycopg2.connect(libpq_dsn, options=DEFAULT_SCHEMAS.connect_options)
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql(compute.__file__, TUNING_FILE).text)
            # psycopg2 escapes params client-side; nothing of the statement is built from data.
            create = "CREATE TEMP TABLE bench_bare_metrics AS " + sql

            def once() -> int:
                cur.execute("DROP TABLE IF EXISTS bench_bare_metrics")
                cur.execute(create, params)
                return cur.rowcount

            timing, count = repeat(once, times)
            timing.extra["rows"] = count
            rows: list[dict[str, Any]] = []
            if keep_rows:
                with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as read:
                    read.execute("SELECT * FROM bench_bare_metrics")
                    rows = [dict(r) for r in read.fetchall()]
        conn.rollback()
    finally:
        conn.close()
    return timing, rows
