"""The health report: every figure gathered once, an overall verdict, and the two renderings
(a table for people, JSON for probes).

Verdict and exit status:
- 2 broken: PostgreSQL does not answer, the Dagster instance cannot be read, or a daemon the
  instance needs has no fresh heartbeat (nothing gets scheduled, sensed or launched).
- 1 degraded: Redis is configured but does not answer (cache, queue and Socket.IO are off; the
  data in PostgreSQL is still right), a daemon reports errors, or an asset misses its freshness
  expectation. An unset REDIS_URL is a choice, not a problem.
- 0 healthy.
Failed runs are listed (and counted for Prometheus) but do not change the verdict: the failure
sensor alerts on them, and a failure from this morning is not an outage now.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

import dagster as dg

from crm_pipelines.health import dagster_state as ds
from crm_pipelines.health.probes import Probe, probe_postgres, probe_redis
from crm_pipelines.settings import Settings

HEALTHY, DEGRADED, BROKEN = 0, 1, 2
STATUS_NAMES = {HEALTHY: "healthy", DEGRADED: "degraded", BROKEN: "broken"}


@dataclass
class HealthReport:
    checked_at: str
    postgres: Probe
    redis: Probe
    daemons: list[ds.DaemonState] = field(default_factory=list)
    instigators: list[ds.InstigatorInfo] = field(default_factory=list)
    jobs: list[ds.JobInfo] = field(default_factory=list)
    failures_24h: list[ds.FailedRun] = field(default_factory=list)
    assets: list[ds.AssetInfo] = field(default_factory=list)
    instance_error: str | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return max((level for level, _ in self.problems), default=HEALTHY)

    @property
    def status(self) -> str:
        return STATUS_NAMES[self.exit_code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "exit_code": self.exit_code,
            "checked_at": self.checked_at,
            "problems": [{"level": STATUS_NAMES[level], "problem": text} for level, text in self.problems],
            "postgres": asdict(self.postgres),
            "redis": asdict(self.redis),
            "daemons": [asdict(d) for d in self.daemons],
            "schedules": [asdict(i) for i in self.instigators if i.kind == "schedule"],
            "sensors": [asdict(i) for i in self.instigators if i.kind == "sensor"],
            "jobs": [asdict(j) for j in self.jobs],
            "failures_24h": {"count": len(self.failures_24h), "runs": [asdict(f) for f in self.failures_24h]},
            "assets": [asdict(a) for a in self.assets],
            "instance_error": self.instance_error,
        }


def collect(settings: Settings, instance: dg.DagsterInstance | None, repo: dg.RepositoryDefinition,
            heartbeat_tolerance: float = ds.DEFAULT_HEARTBEAT_TOLERANCE_SECONDS) -> HealthReport:
    now = time.time()
    report = HealthReport(
        checked_at=datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds"),
        postgres=probe_postgres(settings),
        redis=probe_redis(settings),
    )
    problems = report.problems
    if not report.postgres.ok:
        problems.append((BROKEN, f"PostgreSQL does not answer: {report.postgres.error}"))
    if report.redis.configured and not report.redis.ok:
        problems.append((DEGRADED, "Redis does not answer (cache, queue and Socket.IO off): "
                                   f"{report.redis.error}"))
    if instance is None:
        problems.append((BROKEN, "no Dagster instance (DAGSTER_HOME)"))
        return report
    try:
        report.daemons = ds.daemon_states(instance, now, heartbeat_tolerance)
        report.instigators = ds.instigators(instance, repo, now)
        report.jobs = ds.jobs(instance, repo)
        report.failures_24h = ds.recent_failures(instance, now)
        report.assets = ds.assets(settings, instance, repo, now)
    except Exception as err:  # the instance's storage is down or unreadable
        report.instance_error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"[:300]
        problems.append((BROKEN, f"the Dagster instance cannot be read: {report.instance_error}"))
        return report
    dead = [d.daemon for d in report.daemons if not d.alive]
    if dead:
        problems.append((BROKEN, "Dagster daemon not running "
                                 f"(no heartbeat within {heartbeat_tolerance:.0f} s): {', '.join(dead)}"))
    for daemon in report.daemons:
        if daemon.alive and daemon.errors:
            problems.append((DEGRADED, f"daemon {daemon.daemon} reports errors: {daemon.errors[0]}"))
    for asset in report.assets:
        if asset.fresh is False:
            problems.append((DEGRADED, f"{asset.asset} is stale: {asset.detail}"))
    return report


def _table(title: str, header: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [[("-" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = ["", title, fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*row) for row in cells] or ["(none)"]
    return out


def _ms(value: float | None) -> str | None:
    return f"{value:.1f} ms" if value is not None else None


def _ok(ok: bool | None) -> str:
    return {True: "ok", False: "DOWN", None: "off"}[ok]


def render_table(report: HealthReport) -> str:
    lines = [f"crm-pipelines health: {report.status.upper()} (exit {report.exit_code}) "
             f"at {report.checked_at}"]
    lines += [f"  ! {STATUS_NAMES[level]}: {text}" for level, text in report.problems]
    lines += _table("Services", ["service", "state", "latency", "target", "error"], [
        [p.name, _ok(p.ok), _ms(p.latency_ms), p.target, p.error] for p in (report.postgres, report.redis)])
    lines += _table("Dagster daemon", ["daemon", "state", "last heartbeat", "age (s)", "errors"], [
        [d.daemon, "alive" if d.alive else "NOT RUNNING", d.last_heartbeat, d.age_seconds,
         "; ".join(d.errors) or None]
        for d in report.daemons])
    lines += _table("Schedules and sensors",
                    ["name", "kind", "state", "last tick", "age (s)", "tick status"], [
        [i.name, i.kind, f"{i.state} ({i.state_source})", i.last_tick, i.last_tick_age_seconds,
         i.last_tick_status]
        for i in report.instigators])
    lines += _table("Jobs", ["job", "last run", "status", "started", "duration (s)"], [
        [j.name, j.last_run_id[:8] if j.last_run_id else None, j.status, j.started_at, j.duration_seconds]
        for j in report.jobs])
    lines += _table(f"Failures in the last 24 hours: {len(report.failures_24h)}",
                    ["run", "job / assets", "partition", "ended"], [
        [f.run_id[:8], f.subject, f.partition, f.ended_at] for f in report.failures_24h])
    lines += _table("Assets", ["asset", "latest partition", "materialized", "age (s)", "freshness"], [
        [a.asset, a.latest_partition, a.latest_materialized_at, a.latest_age_seconds,
         a.detail if a.fresh is not None else "no expectation"] for a in report.assets])
    if report.instance_error:
        lines += ["", f"Dagster instance error: {report.instance_error}"]
    return "\n".join(lines)
