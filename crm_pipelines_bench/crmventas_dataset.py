"""The benchmark's CRM Ventas-shaped data sets: the spec data set's recipe (same seed, scale and
end) written by `seed_crmventas` into a database of its own, crm_bench_<scale>_crmventas, plus
one with half the history (crm_bench_<scale>_crmventas_half) for the claim that a sync costs
what is new, not what is old.

A few busy quarter hours of the last day (from 10:00 local) are held back when the set is built
(sql/quarter_hour/hold_back.sql) and written again one at a time after the initial sync, with
new ids, as CRM Ventas writes new rows: those are "the quarter hour's new rows" a refresh cycle
syncs. Before every run the database is put back as built (sql/quarter_hour/reset.sql): the
mirrors empty, the rows written again by an earlier run gone.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from crm_pipelines.db.migrate import migrate
from crm_pipelines.db.schemas import DEFAULT_SCHEMAS
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.demo.crmventas import seed_crmventas
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines_bench.dataset import (
    SEED,
    _read_marker,
    _write_marker,
    ensure_database,
    plain_dsn,
    seed_scale,
)
from crm_pipelines_bench.scales import Scale

# Bump when this recipe changes, so old bench databases are rebuilt.
DATASET_VERSION = 1
QUARTER_HOURS = 6  # held back: three for the sync measured alone, then up to three refresh cycles
SYNC_QUARTERS = 3
FIRST_QUARTER = 10 * 60  # local minutes after midnight of the last day: a busy morning


@dataclass(frozen=True)
class CrmVentasDataset:
    dsn: str
    scale: Scale
    timezone: str
    first_day: date
    last_day: date
    counts: dict[str, int]
    held_back: list[dict]  # per quarter hour: its start and its rows
    last_ids: dict[str, int]
    built_seconds: float | None

    @property
    def libpq_dsn(self) -> str:
        return plain_dsn(self.dsn)


def crmventas_dsn(spec_dsn: str, suffix: str) -> str:
    url = sa.engine.make_url(spec_dsn)
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def half_history(scale: Scale) -> Scale:
    return dataclasses.replace(scale, name=f"{scale.name}_half", days=max(2, scale.days // 2))


def prepare_crmventas_dataset(scale: Scale, dsn: str, timezone: str, *, rebuild: bool = False,
                              progress: bool = True, log=print) -> CrmVentasDataset:
    ensure_database(dsn)
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    try:
        migrate(engine, DEFAULT_SCHEMAS, "crmventas")
        wanted = {"version": DATASET_VERSION, "source": "crmventas", "scale": scale.name, "tenants": scale.tenants,
                  "sellers": scale.sellers, "days": scale.days, "seed": SEED, "timezone": timezone,
                  "max_daily_conversations": scale.max_daily_conversations, "quarter_hours": QUARTER_HOURS}
        marker = _read_marker(engine)
        built_seconds = None
        if rebuild or marker is None or {k: marker.get(k) for k in wanted} != wanted:
            log(f"building the CRM Ventas-shaped {scale.name} data set ({scale.describe()}); kept for later runs")
            marker = _build(engine, scale, timezone, wanted, progress)
            built_seconds = marker["built_seconds"]
        else:
            log(f"reusing the CRM Ventas-shaped {scale.name} data set built on {marker['built_at']}")
        with engine.begin() as conn:
            conn.execute(load_sql(__file__, "quarter_hour/reset.sql"), {
                "last_message_id": marker["last_ids"]["chat_messages"],
                "last_event_id": marker["last_ids"]["system_events"]})
        return CrmVentasDataset(dsn=dsn, scale=scale, timezone=timezone,
                                first_day=date.fromisoformat(marker["first_day"]),
                                last_day=date.fromisoformat(marker["last_day"]), counts=marker["counts"],
                                held_back=marker["held_back"], last_ids=marker["last_ids"],
                                built_seconds=built_seconds)
    finally:
        engine.dispose()


def _build(engine: sa.Engine, scale: Scale, timezone: str, wanted: dict, progress: bool) -> dict:
    _write_marker(engine, None)
    data_now, result = seed_scale(engine, scale, timezone, seed_crmventas, progress)
    today, tz = data_now.date(), data_now.tzinfo
    started = time.perf_counter()
    last_day = today - timedelta(days=1)
    held_back = []
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS crm_bench CASCADE"))
        for quarter in range(QUARTER_HOURS):
            starts = datetime.combine(last_day, datetime.min.time(), tzinfo=tz) + timedelta(
                minutes=FIRST_QUARTER + 15 * quarter)
            conn.execute(load_sql(__file__, "quarter_hour/hold_back.sql"), {"quarter": quarter, "starts": starts})
            rows = conn.execute(sa.text("SELECT count(*) FROM crm_bench.held_back_messages WHERE quarter = :q"),
                                {"q": quarter}).scalar()
            held_back.append({"starts": starts.isoformat(), "messages": rows})
        last_ids = {"chat_messages": conn.execute(sa.text("SELECT last_value FROM chat_messages_id_seq")).scalar(),
                    "system_events": conn.execute(sa.text("SELECT last_value FROM system_events_id_seq")).scalar()}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    marker = dict(wanted, first_day=(today - timedelta(days=scale.days)).isoformat(), last_day=last_day.isoformat(),
                  counts=result.counts, held_back=held_back, last_ids=last_ids,
                  built_at=datetime.now(tz).isoformat(timespec="seconds"),
                  built_seconds=round(result.seconds + time.perf_counter() - started, 1))
    _write_marker(engine, marker)
    return marker


def write_quarter_hour(engine: sa.Engine, quarter: int) -> int:
    """The CRM writing quarter hour `quarter`'s rows; returns the messages written."""
    with engine.begin() as conn:
        return conn.execute(load_sql(__file__, "quarter_hour/write_again.sql"), {"quarter": quarter}).one().messages
