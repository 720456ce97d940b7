"""The health figures in Prometheus' text format, printed once (`--prometheus`) or served for
scraping (`--serve PORT`, recomputed at each scrape so the figures are never older than the
scrape itself)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from crm_pipelines.health.report import HealthReport

log = logging.getLogger(__name__)
PREFIX = "crm_pipelines"


def _ts(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso).timestamp() if iso else None


def build_registry(report: HealthReport) -> CollectorRegistry:
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(f"{PREFIX}_{name}", doc, labels, registry=registry)

    gauge("health_status", "0 healthy, 1 degraded, 2 broken (the exit status of crm-pipelines health)").set(
        report.exit_code)
    up = gauge("service_up", "1 when the service answers, 0 when it does not (only configured services)",
               ("service",))
    latency = gauge("service_latency_seconds", "round trip of a trivial request", ("service",))
    for probe in (report.postgres, report.redis):
        if probe.configured:
            up.labels(probe.name).set(1 if probe.ok else 0)
            if probe.latency_ms is not None:
                latency.labels(probe.name).set(probe.latency_ms / 1000)

    alive = gauge("daemon_alive", "1 when the daemon's heartbeat is fresh", ("daemon",))
    beat_age = gauge("daemon_heartbeat_age_seconds", "age of the daemon's last heartbeat", ("daemon",))
    for daemon in report.daemons:
        alive.labels(daemon.daemon).set(1 if daemon.alive else 0)
        if daemon.age_seconds is not None:
            beat_age.labels(daemon.daemon).set(daemon.age_seconds)

    running = gauge("instigator_running", "1 when the schedule or sensor is running", ("name", "kind"))
    tick_age = gauge("instigator_last_tick_age_seconds", "age of the last tick", ("name", "kind"))
    for instigator in report.instigators:
        running.labels(instigator.name, instigator.kind).set(1 if instigator.state == "running" else 0)
        if instigator.last_tick_age_seconds is not None:
            tick_age.labels(instigator.name, instigator.kind).set(instigator.last_tick_age_seconds)

    job_success = gauge("job_last_run_success", "1 when the job's last run succeeded, 0 otherwise",
                        ("job", "status"))
    job_duration = gauge("job_last_run_duration_seconds", "duration of the job's last finished run", ("job",))
    job_time = gauge("job_last_run_start_timestamp_seconds", "when the job's last run started", ("job",))
    for job in report.jobs:
        if job.status is None:
            continue
        job_success.labels(job.name, job.status).set(1 if job.status == "SUCCESS" else 0)
        if job.duration_seconds is not None:
            job_duration.labels(job.name).set(job.duration_seconds)
        if job.started_at:
            job_time.labels(job.name).set(_ts(job.started_at))

    gauge("run_failures_24h", "failed runs in the last 24 hours").set(len(report.failures_24h))

    asset_age = gauge("asset_last_materialization_age_seconds", "age of the asset's latest materialization",
                      ("asset", "partition"))
    fresh = gauge("asset_fresh", "1 when the asset meets its freshness expectation",
                  ("asset", "expected_partition"))
    for asset in report.assets:
        if asset.latest_age_seconds is not None:
            asset_age.labels(asset.asset, asset.latest_partition or "").set(asset.latest_age_seconds)
        if asset.fresh is not None:
            fresh.labels(asset.asset, asset.expected_partition or "").set(1 if asset.fresh else 0)
    return registry


def render(report: HealthReport) -> str:
    return generate_latest(build_registry(report)).decode("utf-8")


def serve(port: int, make_report: Callable[[], HealthReport], host: str = "0.0.0.0") -> None:
    """Serve /metrics until interrupted; one scrape at a time (each one queries the instance)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] not in ("/metrics", "/"):
                self.send_error(404)
                return
            try:
                body = generate_latest(build_registry(make_report()))
            except Exception as err:  # keep serving: the next scrape may work
                log.warning("health collection failed: %s", type(err).__name__)
                self.send_error(500)
                return
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer((host, port), Handler)
    try:
        server.serve_forever()
    finally:
        server.server_close()
