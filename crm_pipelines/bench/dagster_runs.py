"""Dagster measurements, each in a child process (dagster_child.py) with its own peak memory.

The child gets the bench database as POSTGRES_DSN, the data set's first day as
METRICS_START_DATE (so every day of the set is a partition), a scratch DAGSTER_HOME, schedules
off, and no REDIS_URL: the benchmark measures the PostgreSQL work, and a bench run must not
publish metrics of made-up tenants to a real Socket.IO server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from typing import Any

from crm_pipelines.bench.timing import Timing


class DagsterRunFailed(RuntimeError):
    pass


def child_environment(dsn: str, first_day: date, timezone: str, dagster_home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SMTP_HOST", "SLACK_WEBHOOK_URL",
                                                             "TEAMS_WEBHOOK_URL", "DAGSTER_HOME")}
    env.update(POSTGRES_DSN=dsn, METRICS_START_DATE=first_day.isoformat(), CRM_TIMEZONE=timezone,
               DAGSTER_HOME=dagster_home, ENABLE_SCHEDULED_TASKS="false")
    return env


def run_child(task: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "crm_pipelines.bench.dagster_child", json.dumps(task)],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise DagsterRunFailed(f"{task['job']} child process failed (exit {done.returncode}): " + " | ".join(tail))
    outcome = json.loads(lines[-1])
    if not outcome.get("success"):
        raise DagsterRunFailed(f"{task['job']} run failed: {outcome.get('error')}")
    outcome["process_seconds"] = wall
    return outcome


def measure(task: dict[str, Any], env: dict[str, str], times: int,
            before_each=None, after_each=None) -> tuple[Timing, dict[str, Any]]:
    """`times` child processes; the timing is of the run(s) inside (execute_in_process), the
    process start and code-location load are reported apart."""
    timing = Timing()
    outcome: dict[str, Any] = {}
    loads = []
    for _ in range(times):
        if before_each is not None:
            before_each()
        try:
            outcome = run_child(task, env)
        finally:
            if after_each is not None:
                after_each()
        timing.runs.append(outcome["seconds"])
        loads.append(outcome["load_seconds"])
        timing.peak_rss_mb = max(timing.peak_rss_mb or 0, outcome["maxrss_mb"])
    timing.extra["runs_per_process"] = len(outcome["run_seconds"])
    timing.extra["process_start_and_load_seconds"] = round(sorted(loads)[len(loads) // 2], 3)
    timing.extra["metadata"] = outcome.get("metadata", {})
    return timing, outcome


def scratch_dagster_home() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="crm_bench_dagster_home_")
