"""The benchmark itself: build or reuse the data set, measure each path several times, check that
the paths computed the same rows, and judge the targets. Returns one JSON-ready dict."""

from __future__ import annotations

import dataclasses
import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines.settings import Settings
from crm_pipelines_bench import checks_bench
from crm_pipelines_bench.bare_sql import bare_params, bare_select, time_bare_select
from crm_pipelines_bench.compare import compare_rows, keyed
from crm_pipelines_bench.dagster_runs import DagsterWorker, child_environment, measure, scratch_dagster_home
from crm_pipelines_bench.dataset import Dataset, bench_dsn, prepare_dataset
from crm_pipelines_bench.machine import machine_details
from crm_pipelines_bench.original import compute_original
from crm_pipelines_bench.scales import Scale
from crm_pipelines_bench.targets import judge_targets
from crm_pipelines_bench.timing import Timing, repeat

METRICS_JOB = "seller_metrics_job"


@dataclass(frozen=True)
class BenchOptions:
    scale: Scale
    dsn: str | None = None
    repeat: int = 3
    rebuild: bool = False
    progress: bool = True


def run_benchmark(options: BenchOptions, settings: Settings, log: Callable[[str], None]) -> dict[str, Any]:
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    dataset = prepare_dataset(options.scale, bench_dsn(options.scale, settings, options.dsn),
                              settings.crm_timezone, archive_days=settings.conversation_archive_days,
                              rebuild=options.rebuild,
                              progress=options.progress, log=log)
    # The user's thresholds, pointed at the bench database and its days.
    settings = dataclasses.replace(settings, postgres_dsn=dataset.dsn, redis_url=None,
                                   metrics_start_date=dataset.first_day)
    engine = create_crm_engine(dataset.dsn, poolclass=sa.pool.NullPool)
    try:
        with scratch_dagster_home() as home:
            env = child_environment(dataset.dsn, dataset.first_day, dataset.timezone, home)
            log("loading the code location in the Dagster child process")
            worker = DagsterWorker(env, home)
            try:
                bench = _Bench(options, settings, dataset, engine, worker, log)
                measurements = {
                    "code_location_load_seconds": worker.load_seconds,
                    "metrics_one_day": bench.metrics_one_day(),
                    "metrics_backfill": bench.metrics_backfill(),
                    "partitions_as_runs": bench.partitions_as_runs(),
                    "notification_check": bench.notification_check(),
                    "cleanup": bench.cleanup(),
                }
            finally:
                worker.close()
        equality = bench.equality()
        result = {
            "scale": dataclasses.asdict(options.scale) | {"description": options.scale.describe()},
            "dataset": {"first_day": dataset.first_day.isoformat(), "last_day": dataset.last_day.isoformat(),
                        "counts": dataset.counts, "active_sellers": bench.active_sellers,
                        "built_seconds": dataset.built_seconds, "reused": dataset.built_seconds is None},
            "machine": machine_details(engine) | {"load_average_at_start": load_at_start},
            "repeat": options.repeat,
            "measurements": measurements,
            "equality": equality,
        }
        result["targets"] = judge_targets(result)
        result["ok"] = equality["all_equal"]
        return result
    finally:
        engine.dispose()


class _Bench:
    def __init__(self, options: BenchOptions, settings: Settings, dataset: Dataset, engine: sa.Engine,
                 worker: DagsterWorker, log: Callable[[str], None]) -> None:
        self.options, self.settings, self.dataset, self.engine, self.worker, self.log = (
            options, settings, dataset, engine, worker, log)
        self.times = options.repeat
        self.now = datetime.now(settings.timezone)
        self.select_sql, self.select_params = bare_select()
        with engine.connect() as conn:
            self.active_sellers = conn.execute(
                sa.text("SELECT count(*) FROM sellers WHERE is_active")).scalar()
            self.sample_tenant = conn.execute(sa.text("SELECT min(id) FROM tenants")).scalar()
        self.rows: dict[str, dict] = {}

    # -- 1-3: one day and the whole range, three ways -------------------------------------------
    def metrics_one_day(self) -> dict[str, Any]:
        day = self.dataset.last_day
        self.log(f"metrics for one day ({day}): Dagster run x{self.times}")
        dagster, _ = measure(self.worker, {"job": METRICS_JOB, "partitions": [day.isoformat()]}, self.times)
        bare = self._bare(day, day)
        original = self._original()
        return self._section(self.active_sellers, dagster, bare, original, days=1)

    def metrics_backfill(self) -> dict[str, Any]:
        first, last = self.dataset.first_day, self.dataset.last_day
        self.log(f"metrics backfill {first}..{last} as one run x{self.times}")
        task = {"job": METRICS_JOB, "range": [first.isoformat(), last.isoformat()]}
        dagster, _ = measure(self.worker, task, self.times)
        with self.engine.connect() as conn:
            self.rows["dagster"] = keyed(conn.execute(
                sa.text("SELECT * FROM seller_metrics WHERE period BETWEEN :a AND :b"),
                {"a": first, "b": last}))
        bare = self._bare(first, last, keep_rows=True)
        days = len(self.dataset.days)
        return self._section(self.active_sellers * days, dagster, bare, self._original(), days=days)

    def _bare(self, first: date, last: date, keep_rows: bool = False) -> Timing:
        self.log(f"bare SQL {first}..{last} x{self.times}")
        params = bare_params(self.select_params, self.settings, first, last, self.now)
        timing, rows = time_bare_select(self.dataset.libpq_dsn, self.select_sql, params, self.times,
                                        keep_rows)
        if keep_rows:
            self.rows["bare_sql"] = keyed(rows)
        return timing

    def _original(self) -> dict[str, Any]:
        """Measured once on the sample (re-used by both sections), extrapolated per seller-day."""
        if "original" not in self.rows:
            days = self.dataset.days
            wanted = max(1, min(self.options.scale.sample_days, len(days)))
            sample = sorted({days[round(i * (len(days) - 1) / max(wanted - 1, 1))] for i in range(wanted)})
            self.log(f"original approach on tenant {self.sample_tenant}, days {', '.join(map(str, sample))} "
                     f"x{self.times}")
            timing, run = repeat(lambda: compute_original(self.engine, self.settings, [self.sample_tenant],
                                                          sample, self.now), self.times)
            self.rows["original"] = keyed(run.rows)
            self._original_run = {"timing": timing, "seller_days": run.seller_days, "queries": run.queries,
                                  "sample_days": [d.isoformat() for d in sample],
                                  "tenant": self.sample_tenant}
        return self._original_run

    def _section(self, rows: int, dagster: Timing, bare: Timing, original: dict[str, Any], days: int) -> dict:
        per_seller_day = original["timing"].median / original["seller_days"]
        return {
            "rows": rows,
            "dagster": dagster.as_json(),
            "bare_sql": bare.as_json(),
            "original": {
                "extrapolated": True,
                "median_seconds": round(per_seller_day * rows, 3),
                "measured_seconds": round(original["timing"].median, 4),
                "measured_seller_days": original["seller_days"],
                "queries_measured": original["queries"],
                "queries_extrapolated": round(original["queries"] / original["seller_days"] * rows),
                "sample": {"tenant": original["tenant"], "days": original["sample_days"]},
            },
            "days": days,
        }

    # -- 4: the same partitions as one run and as a run each ------------------------------------
    def partitions_as_runs(self) -> dict[str, Any]:
        keys = [d.isoformat() for d in self.dataset.days[-self.options.scale.partition_runs:]]
        self.log(f"{len(keys)} partitions as {len(keys)} runs, then as one run")
        # Measured once: its runs are many samples already, and it is the slowest measurement.
        separate, outcome = measure(self.worker, {"job": METRICS_JOB, "partitions": keys}, 1)
        separate.extra["median_run_seconds"] = round(statistics.median(outcome["run_seconds"]), 4)
        single, _ = measure(self.worker, {"job": METRICS_JOB, "range": [keys[0], keys[-1]]}, self.times)
        bare = self._bare(date.fromisoformat(keys[0]), date.fromisoformat(keys[-1]))
        return {"partitions": len(keys), "rows": self.active_sellers * len(keys),
                "separate_runs": separate.as_json(), "one_run": single.as_json(), "bare_sql": bare.as_json(),
                "overhead_per_extra_run_seconds":
                    round((separate.median - single.median) / max(len(keys) - 1, 1), 4)}

    # -- 5: notification check and cleanup ------------------------------------------------------
    def notification_check(self) -> dict[str, Any]:
        """Twice: the first check (every open situation is new and gets a row) and the steady
        state a check every few minutes sees (the same situations, already notified)."""
        self.log(f"notification check: query plans, then the job x{self.times} "
                 "(first check, then steady state)")
        checks_bench.clear_notifications(self.engine)
        first_plans = checks_bench.explain_rules(self.engine, self.settings, self.now)
        first, _ = measure(self.worker, {"job": "notification_checks_job"}, self.times,
                           before_each=lambda: checks_bench.clear_notifications(self.engine))
        with self.engine.connect() as conn:
            created = conn.execute(sa.text("SELECT type, count(*) FROM notifications GROUP BY type")).all()
        steady_plans = checks_bench.explain_rules(self.engine, self.settings, self.now)
        steady, _ = measure(self.worker, {"job": "notification_checks_job"}, self.times)
        checks_bench.clear_notifications(self.engine)
        return {"notifications_created": dict(created),
                "first": {"dagster": first.as_json(), **first_plans},
                "steady": {"dagster": steady.as_json(), **steady_plans}}

    def cleanup(self) -> dict[str, Any]:
        rows = self.options.scale.expired_notifications
        self.log(f"cleanup of {rows:,} expired notifications x{self.times}")
        left: list[int] = []

        def after() -> None:
            left.append(checks_bench.expired_left(self.engine))
            checks_bench.restore_conversations(self.engine)

        dagster, _ = measure(self.worker, {"job": "cleanup_job"}, self.times,
                             before_each=lambda: checks_bench.add_expired_notifications(
                                 self.engine, self.now, rows),
                             after_each=after)
        checks_bench.clear_notifications(self.engine)
        return {"expired_rows": rows, "expired_left_after_run": left, "dagster": dagster.as_json(),
                "rows_per_second": round(rows / dagster.median) if dagster.median else None}

    # -- correctness -------------------------------------------------------------------------------
    def equality(self) -> dict[str, Any]:
        dagster, bare, original = self.rows["dagster"], self.rows["bare_sql"], self.rows["original"]
        sample = set(original)
        checks = {
            "dagster_vs_bare_sql": compare_rows("dagster", dagster, "bare_sql", bare),
            "original_vs_bare_sql": compare_rows("original", original, "bare_sql", bare, keys=sample),
            "original_vs_dagster": compare_rows("original", original, "dagster", dagster, keys=sample),
        }
        return {**checks, "all_equal": all(c["equal"] for c in checks.values())}
