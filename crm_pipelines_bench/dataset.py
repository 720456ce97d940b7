"""The benchmark's own database: created once per scale, filled by seed_demo, kept between runs.

A marker (a JSON comment on the database) records what was built; a later run reuses the
database when the marker matches the scale, and rebuilds it otherwise. The marker is cleared
before a build starts, so an interrupted build is never mistaken for a finished one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from crm_pipelines import cleanup
from crm_pipelines.db.migrate import migrate
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.demo.seed import SeedResult, seed_demo
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines.settings import Settings
from crm_pipelines_bench.scales import Scale

# Bump when the data set's recipe changes, so old bench databases are rebuilt.
# 3: seed_demo closes leads left open for 30 days (all but one in fifty).
# 2: conversations idle for CONVERSATION_ARCHIVE_DAYS are archived after seeding (see _build);
#    large has 13 conversations a seller-day at most instead of 5 (about 30 million messages).
DATASET_VERSION = 3
SEED = 8


@dataclass(frozen=True)
class Dataset:
    dsn: str  # postgresql+psycopg2://... of the bench database (may hold a password: never print)
    scale: Scale
    timezone: str
    first_day: date
    last_day: date
    counts: dict[str, int]
    built_seconds: float | None  # None when an existing database was reused

    @property
    def libpq_dsn(self) -> str:
        """The same DSN for a plain psycopg2 connection."""
        return plain_dsn(self.dsn)

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]


def plain_dsn(dsn: str) -> str:
    return sa.engine.make_url(dsn).set(drivername="postgresql").render_as_string(hide_password=False)


def bench_dsn(scale: Scale, settings: Settings, dsn: str | None) -> str:
    """--dsn as given; else crm_bench_<scale> on POSTGRES_DSN's server; else on the embedded server."""
    if dsn:
        return dsn
    name = f"crm_bench_{scale.name}"
    if settings.postgres_dsn:
        url = sa.engine.make_url(settings.postgres_dsn).set(database=name)
        return url.render_as_string(hide_password=False)
    from crm_pipelines.resources.embedded import embedded_dsn

    return embedded_dsn(Path(settings.dagster_home), database=name)


def ensure_database(dsn: str) -> None:
    """CREATE DATABASE on the same server when it does not exist yet."""
    url = sa.engine.make_url(dsn)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                  {"d": url.database}).scalar()
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote(url.database)
                conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        admin.dispose()


def prepare_dataset(scale: Scale, dsn: str, timezone: str, *, archive_days: int, rebuild: bool = False,
                    progress: bool = True, log=print) -> Dataset:
    """The bench database of `scale`, built if its marker is missing or different."""
    ensure_database(dsn)
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    try:
        migrate(engine)
        wanted = {"version": DATASET_VERSION, "scale": scale.name, "tenants": scale.tenants,
                  "sellers": scale.sellers, "days": scale.days, "seed": SEED, "timezone": timezone,
                  "max_daily_conversations": scale.max_daily_conversations,
                  "archive_days": archive_days}
        marker = _read_marker(engine)
        built_seconds = None
        if rebuild or marker is None or {k: marker.get(k) for k in wanted} != wanted:
            log(f"building the {scale.name} data set ({scale.describe()}); kept for later runs")
            marker = _build(engine, scale, timezone, archive_days, wanted, progress)
            built_seconds = marker["built_seconds"]
        else:
            log(f"reusing the {scale.name} data set built on {marker['built_at']} "
                f"({marker['counts']['messages']:,} messages)")
        return Dataset(dsn=dsn, scale=scale, timezone=timezone,
                       first_day=date.fromisoformat(marker["first_day"]),
                       last_day=date.fromisoformat(marker["last_day"]),
                       counts=marker["counts"], built_seconds=built_seconds)
    finally:
        engine.dispose()


def seed_scale(engine: sa.Engine, scale: Scale, timezone: str, seeder: Callable[..., SeedResult],
               progress: bool) -> tuple[datetime, SeedResult]:
    """The data set's recipe through `seeder` (seed_demo, or seed_crmventas for the same rows in
    CRM Ventas's shape): SEED and the scale's sizes, ending at local midnight of the build day, so
    that every day of the set is complete and its metrics do not depend on when the benchmark runs
    (a cut-off of "now" would). Returns that end and the seed's result."""
    tz = ZoneInfo(timezone)
    data_now = datetime.combine(datetime.now(tz).date(), datetime.min.time(), tzinfo=tz)
    result = seeder(engine, tenants=scale.tenants, sellers=scale.sellers, days=scale.days, seed=SEED,
                    now=data_now, timezone=timezone, replace=True, progress=progress,
                    max_daily_conversations=scale.max_daily_conversations)
    return data_now, result


def _build(engine: sa.Engine, scale: Scale, timezone: str, archive_days: int, wanted: dict,
           progress: bool) -> dict:
    _write_marker(engine, None)
    data_now, result = seed_scale(engine, scale, timezone, seed_demo, progress)
    today, tz = data_now.date(), data_now.tzinfo
    started = time.perf_counter()
    archived = archive_idle_conversations(engine, data_now - timedelta(days=archive_days))
    # Visibility map and statistics, as on a CRM database that autovacuum has caught up with.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    marker = dict(wanted, first_day=(today - timedelta(days=scale.days)).isoformat(),
                  last_day=(today - timedelta(days=1)).isoformat(),
                  counts=dict(result.counts, archived_conversations=archived),
                  built_at=datetime.now(tz).isoformat(timespec="seconds"),
                  built_seconds=round(result.seconds + time.perf_counter() - started, 1))
    _write_marker(engine, marker)
    return marker


def archive_idle_conversations(engine: sa.Engine, cutoff: datetime) -> int:
    """What cleanup_job's archive step (every CLEANUP_INTERVAL_HOURS) leaves on a live CRM: no
    conversation stays active after CONVERSATION_ARCHIVE_DAYS without a message. seed_demo
    writes a year at once and leaves one in ten quiet conversations active for ever (100,000 at
    large, which a deployment of this project would never have); the benchmark runs the same
    batched statement as the job, with the cutoff taken from the data's end."""
    statement = load_sql(cleanup.__file__, "archive_idle_conversations.sql")
    archived = 0
    while True:
        with engine.begin() as conn:
            affected, _ = conn.execute(statement, {"cutoff": cutoff, "batch_size": 50_000}).one()
        if not affected:
            return archived
        archived += affected


def _read_marker(engine: sa.Engine) -> dict | None:
    with engine.connect() as conn:
        text = conn.execute(sa.text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )).scalar()
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _write_marker(engine: sa.Engine, marker: dict | None) -> None:
    with engine.begin() as conn:
        name = conn.dialect.identifier_preparer.quote(engine.url.database)
        # COMMENT takes no server-side parameters; psycopg2 binds the literal client-side.
        conn.execute(sa.text(f"COMMENT ON DATABASE {name} IS :marker"),
                     {"marker": json.dumps(marker) if marker else None})
