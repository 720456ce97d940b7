"""One Dagster measurement in its own process, so its peak memory is its own.

`python -m crm_pipelines.bench.dagster_child '<json task>'` loads the code location from the
environment the parent set (POSTGRES_DSN of the bench database, METRICS_START_DATE, a scratch
DAGSTER_HOME), runs the job(s) through Dagster's own execution on an ephemeral instance, and
prints one JSON line: per-run seconds, success, the run's numeric metadata and the peak RSS.
Tasks:
  {"job": "seller_metrics_job", "range": ["2025-01-01", "2025-12-31"]}   one run, many partitions
  {"job": "seller_metrics_job", "partitions": ["2025-01-01", ...]}       one run per partition
  {"job": "notification_checks_job"}                                     one unpartitioned run
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any


def run(task: dict[str, Any], process_started: float) -> dict[str, Any]:
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from crm_pipelines.definitions import build_definitions
    from crm_pipelines.settings import get_settings

    job = build_definitions(get_settings()).resolve_job_def(task["job"])
    instance = dg.DagsterInstance.ephemeral()
    load_seconds = round(time.perf_counter() - process_started, 3)
    if "range" in task:
        start, end = task["range"]
        launches = [{"tags": {ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end}}]
    elif "partitions" in task:
        launches = [{"partition_key": key} for key in task["partitions"]]
    else:
        launches = [{}]
    run_seconds = []
    metadata: dict[str, float] = {}
    for launch in launches:
        started = time.perf_counter()
        result = job.execute_in_process(instance=instance, raise_on_error=False, **launch)
        run_seconds.append(time.perf_counter() - started)
        if not result.success:
            return {"success": False, "error": _failure(result), "run_seconds": run_seconds,
                    "maxrss_mb": _maxrss_mb()}
        metadata = _numeric_metadata(result)
    return {"success": True, "run_seconds": run_seconds, "seconds": sum(run_seconds),
            "load_seconds": load_seconds, "metadata": metadata, "maxrss_mb": _maxrss_mb()}


def _numeric_metadata(result) -> dict[str, float]:
    """Numbers the steps reported (row counts, SQL timings) from the last run's materializations."""
    found: dict[str, float] = {}
    for event in result.get_asset_materialization_events():
        for key, value in event.materialization.metadata.items():
            raw = getattr(value, "value", None)
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                found[f"{event.asset_key.to_user_string()}.{key}"] = raw
    return found


def _failure(result) -> str:
    for event in result.all_events:
        if event.is_failure and event.step_failure_data and event.step_failure_data.error:
            return event.step_failure_data.error.message.strip().splitlines()[0][:500]
    return "run failed"


def _maxrss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]), time.perf_counter())))
