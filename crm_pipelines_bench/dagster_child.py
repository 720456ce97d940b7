"""Dagster measurements in child processes, so each run's peak memory is its own.

`python -m crm_pipelines_bench.dagster_child` is started once by the benchmark with the
environment it prepared (POSTGRES_DSN of the bench database, METRICS_START_DATE, a scratch
DAGSTER_HOME). It loads the code location once (10-20 s on a small machine, the same cost a run
worker pays), then reads one JSON task per line on stdin and forks a fresh process per task: the
fork runs the job(s) through Dagster's own execution on an ephemeral instance and reports its
per-run seconds, the step metadata and its peak RSS (ru_maxrss of the fork: the loaded code
location plus whatever the run added). One JSON line per task goes back on stdout.
Tasks:
  {"job": "seller_metrics_job", "range": ["2025-01-01", "2025-12-31"]}   one run, many partitions
  {"job": "seller_metrics_job", "partitions": ["2025-01-01", ...]}       one run per partition
  {"job": "notification_checks_job"}                                     one unpartitioned run
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from typing import Any


def run(defs, task: dict[str, Any]) -> dict[str, Any]:
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    job = defs.resolve_job_def(task["job"])
    instance = dg.DagsterInstance.ephemeral()
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
            "metadata": metadata, "maxrss_mb": _maxrss_mb()}


def _numeric_metadata(result) -> dict[str, float]:
    """Numbers the steps reported (row counts, SQL timings) in the last run's materializations."""
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


def _in_fork(defs, task: dict[str, Any]) -> dict[str, Any]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the measured process
        os.close(read_end)
        try:
            outcome = run(defs, task)
        except Exception:
            outcome = {"success": False, "error": traceback.format_exc(limit=3)[-800:], "run_seconds": []}
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(outcome))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as incoming:
        text = incoming.read()
    os.waitpid(pid, 0)
    if not text:
        return {"success": False, "error": "the run process died", "run_seconds": []}
    return json.loads(text)


def main() -> None:
    started = time.perf_counter()
    from crm_pipelines.definitions import build_definitions
    from crm_pipelines.settings import get_settings

    defs = build_definitions(get_settings())
    # Resolving every job once here keeps Dagster's lazy job building out of the measured forks.
    for name in ("seller_metrics_job", "notification_checks_job", "cleanup_job"):
        try:
            defs.resolve_job_def(name)
        except Exception:
            pass
    print(json.dumps({"ready": True, "load_seconds": round(time.perf_counter() - started, 3)}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(_in_fork(defs, json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
