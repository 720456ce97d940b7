"""`crm-pipelines bench --source crmventas`: CRM_SOURCE=crmventas against CRM_SOURCE=spec on the
same data, side by side in one run.

Three databases: the spec data set (crm_bench_<scale>, as `bench --source spec` builds it), the
same data in CRM Ventas's shape (crm_bench_<scale>_crmventas) and the CRM Ventas shape with half
the history (..._half). Measured:
- the initial sync (every CRM Ventas row into empty mirrors), on both CRM Ventas databases;
- the incremental sync alone of a quarter hour's new rows, on both (the same rows per quarter
  hour, twice the history behind them in one): its cost should follow the new rows, not the
  history;
- a refresh cycle: a quarter hour's new rows written, then seller_metrics for today (the data's
  last day) as one Dagster run, whose freshness step syncs them first; with spec the same run
  (the CRM writes its own tables: nothing to sync);
- a one-day refresh: seller_metrics for the last day as one Dagster run with nothing new.
The last day's rows of both sources are compared, but for the two columns the mapping computes
differently (docs/crmventas-mapping.md).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from crm_pipelines.crmventas.sync import sync
from crm_pipelines.resources.build import build_postgres
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines.settings import Settings
from crm_pipelines_bench.compare import compare_rows, keyed
from crm_pipelines_bench.crmventas_dataset import (
    QUARTER_HOURS,
    SYNC_QUARTERS,
    CrmVentasDataset,
    crmventas_dsn,
    half_history,
    prepare_crmventas_dataset,
    write_quarter_hour,
)
from crm_pipelines_bench.dagster_runs import DagsterWorker, child_environment, measure, scratch_dagster_home
from crm_pipelines_bench.dataset import bench_dsn, prepare_dataset
from crm_pipelines_bench.machine import machine_details
from crm_pipelines_bench.runner import METRICS_JOB, BenchOptions
from crm_pipelines_bench.timing import Timing

# Computed differently by the mapping (docs/crmventas-mapping.md): left out of the comparison.
MAPPED_COLUMNS = ("conversations_unanswered", "hot_leads_open")
TARGET_CYCLE_RATIO = 1.5


def run_crmventas_benchmark(options: BenchOptions, settings: Settings,
                            log: Callable[[str], None]) -> dict[str, Any]:
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    spec_dsn = bench_dsn(options.scale, settings, options.dsn)
    spec = prepare_dataset(options.scale, spec_dsn, settings.crm_timezone,
                           archive_days=settings.conversation_archive_days, rebuild=options.rebuild,
                           progress=options.progress, log=log)
    full = prepare_crmventas_dataset(options.scale, crmventas_dsn(spec_dsn, "crmventas"), settings.crm_timezone,
                                     rebuild=options.rebuild, progress=options.progress, log=log)
    half = prepare_crmventas_dataset(half_history(options.scale), crmventas_dsn(spec_dsn, "crmventas_half"),
                                     settings.crm_timezone, rebuild=options.rebuild, progress=options.progress,
                                     log=log)
    day = spec.last_day.isoformat()
    cycles = min(options.repeat, QUARTER_HOURS - SYNC_QUARTERS)
    result: dict[str, Any] = {"scale": dataclasses.asdict(options.scale) | {"description": options.scale.describe()},
                              "repeat": options.repeat, "day": day}

    crmventas: dict[str, Any] = {}
    for name, dataset in (("half_history", half), ("full_history", full)):
        crmventas[name] = _syncs(dataset, settings, log)

    with scratch_dagster_home() as home:
        log(f"spec: seller_metrics for {day} as one Dagster run x{options.repeat}")
        worker = DagsterWorker(child_environment(spec.dsn, spec.first_day, spec.timezone, home), home)
        try:
            spec_day, _ = measure(worker, {"job": METRICS_JOB, "partitions": [day]}, options.repeat)
        finally:
            worker.close()
    with scratch_dagster_home() as home:
        env = child_environment(full.dsn, full.first_day, full.timezone, home, source="crmventas")
        worker = DagsterWorker(env, home)
        engine = create_crm_engine(full.dsn, poolclass=sa.pool.NullPool)
        try:
            quarters = iter(range(SYNC_QUARTERS, SYNC_QUARTERS + cycles))
            new_rows: list[int] = []
            log(f"crmventas: {cycles} refresh cycles (a quarter hour's rows, then seller_metrics for {day})")
            cycle, _ = measure(worker, {"job": METRICS_JOB, "partitions": [day]}, cycles,
                               before_each=lambda: new_rows.append(write_quarter_hour(engine, next(quarters))))
            cycle.extra["new_messages"] = new_rows
            # The quarter hours no cycle wrote (fewer --repeat), synced outside the measurements:
            # the one-day refresh then reads the whole data set, as spec's does.
            for quarter in range(SYNC_QUARTERS + cycles, QUARTER_HOURS):
                write_quarter_hour(engine, quarter)
            sync(build_postgres(dataclasses.replace(settings, postgres_dsn=full.dsn, crm_source="crmventas")),
                 full.timezone, archive_days=settings.conversation_archive_days)
            log(f"crmventas: seller_metrics for {day} with nothing new x{options.repeat}")
            ventas_day, _ = measure(worker, {"job": METRICS_JOB, "partitions": [day]}, options.repeat)
            crmventas["mirrors"] = _mirror_counts(engine)
            equality = _compare_last_day(spec.dsn, engine, spec.last_day)
            machine = machine_details(engine) | {"load_average_at_start": load_at_start}
        finally:
            worker.close()
            engine.dispose()

    spec_engine = create_crm_engine(spec.dsn, poolclass=sa.pool.NullPool)
    try:
        with spec_engine.connect() as conn:
            spec_active = conn.execute(sa.text("SELECT count(*) FROM conversations WHERE status = 'active'")).scalar()
    finally:
        spec_engine.dispose()
    spec_median = spec_day.median
    crmventas.update(refresh_cycle=cycle.as_json(), one_day=ventas_day.as_json())
    result.update(
        dataset={"first_day": spec.first_day.isoformat(), "last_day": day, "spec_counts": spec.counts,
                 "crmventas_counts": full.counts, "half_history_counts": half.counts,
                 "half_history_days": half.scale.days, "held_back": full.held_back},
        spec={"refresh_cycle": spec_day.as_json(), "one_day": spec_day.as_json(),
              "active_conversations": spec_active},
        crmventas=crmventas, equality=equality, machine=machine,
        ratios={"refresh_cycle": round(cycle.median / spec_median, 2),
                "one_day": round(ventas_day.median / spec_median, 2)},
    )
    result["targets"] = _targets(result)
    result["ok"] = equality["equal"]
    return result


def _syncs(dataset: CrmVentasDataset, settings: Settings, log: Callable[[str], None]) -> dict[str, Any]:
    """The initial sync, then the sync alone of each of the first quarter hours written again."""
    postgres = build_postgres(dataclasses.replace(settings, postgres_dsn=dataset.dsn, crm_source="crmventas"))
    days = dataset.scale.days
    log(f"crmventas ({days} days): initial sync of {dataset.counts['chat_messages']:,} chat_messages")
    started = time.perf_counter()
    initial = sync(postgres, dataset.timezone, archive_days=settings.conversation_archive_days)
    initial_seconds = time.perf_counter() - started
    # Statistics and visibility map of the new mirrors, as autovacuum would leave them.
    with postgres.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE messages, conversations, leads, sellers, tenants"))
    timing = Timing()
    rows = []
    reads = []
    for quarter in range(SYNC_QUARTERS):
        rows.append(write_quarter_hour(postgres.engine, quarter))
        started = time.perf_counter()
        report = sync(postgres, dataset.timezone, archive_days=settings.conversation_archive_days)
        timing.runs.append(time.perf_counter() - started)
        reads.append(report.read)
    log(f"crmventas ({days} days): a quarter hour's sync {statistics.median(timing.runs) * 1000:.0f} ms "
        f"(median of {SYNC_QUARTERS}; {rows} new messages)")
    postgres.engine.dispose()
    return {"days": days, "chat_messages": dataset.counts["chat_messages"],
            "initial_sync": {"seconds": round(initial_seconds, 3), "read": initial.read, "written": initial.written},
            "quarter_hour_sync": timing.as_json() | {"new_messages": rows, "read": reads}}


def _mirror_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT 'messages', count(*) FROM messages UNION ALL SELECT 'conversations', count(*) FROM conversations "
            "UNION ALL SELECT 'active_conversations', count(*) FROM conversations WHERE status = 'active' "
            "UNION ALL SELECT 'leads', count(*) FROM leads")).all())


def _compare_last_day(spec_dsn: str, ventas: sa.Engine, last_day) -> dict[str, Any]:
    statement = sa.text("SELECT * FROM seller_metrics WHERE period = :d")
    spec_engine = create_crm_engine(spec_dsn, poolclass=sa.pool.NullPool)
    try:
        with spec_engine.connect() as conn:
            spec_rows = keyed(conn.execute(statement, {"d": last_day}))
    finally:
        spec_engine.dispose()
    with ventas.connect() as conn:
        ventas_rows = keyed(conn.execute(statement, {"d": last_day}))
    for rows in (spec_rows, ventas_rows):
        for row in rows.values():
            for column in MAPPED_COLUMNS:
                row[column] = None
    return compare_rows("spec", spec_rows, "crmventas", ventas_rows) | {"columns_left_out": list(MAPPED_COLUMNS)}


def _targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    full, half = result["crmventas"]["full_history"], result["crmventas"]["half_history"]
    per_row = {name: run["quarter_hour_sync"]["median_seconds"] / max(1, statistics.median(
        run["quarter_hour_sync"]["new_messages"])) for name, run in (("full", full), ("half", half))}
    history = full["chat_messages"] / max(1, half["chat_messages"])
    growth = per_row["full"] / per_row["half"] if per_row["half"] else None
    return [
        {"target": f"refresh cycle within {TARGET_CYCLE_RATIO}x of spec", "value": result["ratios"]["refresh_cycle"],
         "unit": "x", "met": result["ratios"]["refresh_cycle"] <= TARGET_CYCLE_RATIO},
        {"target": f"a quarter hour's sync per new message at {history:.1f}x the history, against half of it "
                   "(proportional to new rows: about 1x)",
         "value": None if growth is None else round(growth, 2), "unit": "x",
         "met": None if growth is None else growth < 1 + (history - 1) / 2},
    ]
