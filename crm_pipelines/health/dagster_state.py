"""What the Dagster instance knows: daemon heartbeats, schedules and sensors with their last
tick, each job's last run, the failures of the last 24 hours and how stale each asset is.

Read from DAGSTER_HOME's instance (the same storage the webserver and daemon use) and from the
code location's definitions (which schedules, sensors, jobs and assets exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import dagster as dg

# Private on purpose: Dagster 1.13 exports no public name for the stored state of a schedule or
# sensor (what `instance.all_instigator_state()` returns); dg.DefaultSensorStatus is only the
# default declared in code.
from dagster._core.scheduler.instigation import InstigatorStatus, InstigatorType

from crm_pipelines.alerting.content import is_hidden_job, run_subject
from crm_pipelines.alerting.freshness import (
    DAILY_REPORT,
    SELLER_METRICS,
    daily_report_verdict,
    seller_metrics_verdict,
)
from crm_pipelines.settings import Settings

# The daemon writes a heartbeat every 30 s; three missed ones mean it is not running.
DEFAULT_HEARTBEAT_TOLERANCE_SECONDS = 90


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds") if ts else None


def _age(ts: float | None, now: float) -> float | None:
    return round(max(0.0, now - ts), 1) if ts else None


@dataclass
class DaemonState:
    daemon: str
    last_heartbeat: str | None
    age_seconds: float | None
    alive: bool
    errors: list[str] = field(default_factory=list)


def daemon_states(instance: dg.DagsterInstance, now: float, tolerance: float) -> list[DaemonState]:
    """One entry per daemon this instance needs (scheduler, sensors, backfills, run queue...)."""
    heartbeats = instance.get_daemon_heartbeats()
    states = []
    for daemon in sorted(instance.get_required_daemon_types()):
        beat = heartbeats.get(daemon)
        ts = beat.timestamp if beat else None
        errors = [e.message.strip().splitlines()[0][:200] for e in (beat.errors or [])] if beat else []
        alive = ts is not None and now - ts <= tolerance
        states.append(DaemonState(daemon, _iso(ts), _age(ts, now), alive, errors))
    return states


@dataclass
class InstigatorInfo:
    name: str
    kind: str  # "schedule" or "sensor"
    state: str  # "running" / "stopped"
    state_source: str  # "code default" or "set in the UI"
    last_tick: str | None = None
    last_tick_age_seconds: float | None = None
    last_tick_status: str | None = None


def instigators(instance: dg.DagsterInstance, repo: dg.RepositoryDefinition,
                now: float) -> list[InstigatorInfo]:
    stored = {}
    for state in instance.all_instigator_state():
        current = stored.get((state.instigator_type, state.name))
        if current is None or state.status != InstigatorStatus.DECLARED_IN_CODE:
            stored[(state.instigator_type, state.name)] = state
    out = []
    defs = [(InstigatorType.SCHEDULE, "schedule", s) for s in repo.schedule_defs]
    defs += [(InstigatorType.SENSOR, "sensor", s) for s in repo.sensor_defs]
    for itype, kind, definition in sorted(defs, key=lambda d: (d[1], d[2].name)):
        default_running = definition.default_status.value == "RUNNING"
        state = stored.get((itype, definition.name))
        if state is None or state.status == InstigatorStatus.DECLARED_IN_CODE:
            state_name = "running" if default_running else "stopped"
            info = InstigatorInfo(definition.name, kind, state_name, "code default")
        else:
            state_name = "running" if state.status == InstigatorStatus.RUNNING else "stopped"
            info = InstigatorInfo(definition.name, kind, state_name, "set in the UI")
        if state is not None:
            ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
            if ticks:
                info.last_tick = _iso(ticks[0].timestamp)
                info.last_tick_age_seconds = _age(ticks[0].timestamp, now)
                info.last_tick_status = ticks[0].status.value.lower()
        out.append(info)
    return out


@dataclass
class JobInfo:
    name: str
    last_run_id: str | None = None
    status: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    duration_seconds: float | None = None


def jobs(instance: dg.DagsterInstance, repo: dg.RepositoryDefinition) -> list[JobInfo]:
    out = []
    for name in sorted(j.name for j in repo.get_all_jobs() if not is_hidden_job(j.name)):
        info = JobInfo(name)
        records = instance.get_run_records(filters=dg.RunsFilter(job_name=name), limit=1)
        if records:
            record = records[0]
            info.last_run_id = record.dagster_run.run_id
            info.status = record.dagster_run.status.value
            info.started_at, info.ended_at = _iso(record.start_time), _iso(record.end_time)
            if record.start_time and record.end_time:
                info.duration_seconds = round(record.end_time - record.start_time, 1)
        out.append(info)
    return out


@dataclass
class FailedRun:
    run_id: str
    job: str
    subject: str
    partition: str | None
    ended_at: str | None


def recent_failures(instance: dg.DagsterInstance, now: float, hours: int = 24,
                    limit: int = 50) -> list[FailedRun]:
    since = datetime.fromtimestamp(now, timezone.utc) - timedelta(hours=hours)
    records = instance.get_run_records(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE], updated_after=since), limit=limit)
    out = []
    for record in records:
        run = record.dagster_run
        subject, _ = run_subject(instance, run)
        out.append(FailedRun(run.run_id, run.job_name, subject, run.tags.get("dagster/partition"),
                             _iso(record.end_time)))
    return out


@dataclass
class AssetInfo:
    asset: str
    latest_partition: str | None
    latest_materialized_at: str | None
    latest_age_seconds: float | None
    expected_partition: str | None = None
    expectation: str | None = None
    fresh: bool | None = None  # None: no freshness expectation for this asset
    detail: str | None = None


def assets(settings: Settings, instance: dg.DagsterInstance, repo: dg.RepositoryDefinition,
           now: float) -> list[AssetInfo]:
    verdicts = {SELLER_METRICS: seller_metrics_verdict, DAILY_REPORT: daily_report_verdict}
    out = []
    for key in sorted(repo.asset_graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        if key in verdicts:
            v = verdicts[key](settings, instance)
            latest_ts = v.latest_materialized_at.timestamp() if v.latest_materialized_at else None
            out.append(AssetInfo(key.to_user_string(), v.latest_partition, _iso(latest_ts),
                                 _age(latest_ts, now),
                                 v.expected_partition, v.expectation, v.fresh, v.describe()))
            continue
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key), limit=1).records
        ts = records[0].timestamp if records else None
        partition = records[0].partition_key if records else None
        out.append(AssetInfo(key.to_user_string(), partition, _iso(ts), _age(ts, now)))
    return out
