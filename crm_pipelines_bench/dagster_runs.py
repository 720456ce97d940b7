"""Dagster measurements, each in a process of its own (see dagster_child.py).

The child gets the bench database as POSTGRES_DSN, the data set's first day as
METRICS_START_DATE (so every day of the set is a partition), a scratch DAGSTER_HOME, schedules
off and no REDIS_URL: the benchmark measures the PostgreSQL work, and a bench run must not
publish made-up tenants' metrics to a real Socket.IO server or cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from crm_pipelines_bench.timing import Timing


class DagsterRunFailed(RuntimeError):
    pass


def child_environment(dsn: str, first_day: date, timezone: str, dagster_home: str,
                      source: str = "spec") -> dict[str, str]:
    dropped = ("REDIS_URL", "SMTP_HOST", "SLACK_WEBHOOK_URL", "TEAMS_WEBHOOK_URL", "DAGSTER_HOME")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(POSTGRES_DSN=dsn, METRICS_START_DATE=first_day.isoformat(), CRM_TIMEZONE=timezone, CRM_SOURCE=source,
               DAGSTER_HOME=dagster_home, ENABLE_SCHEDULED_TASKS="false", METRICS_RETENTION_DAYS="0",
               PYTHONWARNINGS="ignore")
    return env


class DagsterWorker:
    """The child that loads the code location once and forks a measured process per task."""

    def __init__(self, env: dict[str, str], home: str) -> None:
        self.log_path = Path(home) / "dagster_child.log"
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "crm_pipelines_bench.dagster_child"],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._log, text=True)
        ready = self._read("loading the code location")
        self.load_seconds = ready["load_seconds"]

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        self.process.stdin.write(json.dumps(task) + "\n")
        self.process.stdin.flush()
        outcome = self._read(task["job"])
        if not outcome.get("success"):
            raise DagsterRunFailed(f"{task['job']} run failed: {outcome.get('error')}")
        return outcome

    def _read(self, what: str) -> dict[str, Any]:
        line = self.process.stdout.readline()
        if not line:
            self._log.flush()
            tail = self.log_path.read_text().strip().splitlines()[-5:]
            raise DagsterRunFailed(f"the Dagster child process died while {what}: " + " | ".join(tail))
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        self._log.close()


def measure(worker: DagsterWorker, task: dict[str, Any], times: int,
            before_each=None, after_each=None) -> tuple[Timing, dict[str, Any]]:
    """`times` measured processes; the timing is of the run(s) inside (execute_in_process)."""
    timing = Timing()
    outcome: dict[str, Any] = {}
    for _ in range(times):
        if before_each is not None:
            before_each()
        try:
            outcome = worker.run(task)
        finally:
            if after_each is not None:
                after_each()
        timing.runs.append(outcome["seconds"])
        timing.peak_rss_mb = max(timing.peak_rss_mb or 0, outcome["maxrss_mb"])
    timing.extra["runs_per_process"] = len(outcome["run_seconds"])
    timing.extra["metadata"] = outcome.get("metadata", {})
    return timing, outcome


def scratch_dagster_home() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="crm_bench_dagster_home_")
