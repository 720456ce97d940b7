"""Failure streaks: alert on the first failure of a job, stay quiet while it keeps failing, and
say once when it succeeds again.

The state is the run history itself (the instance's run storage), not a sensor cursor: the
failure sensor and the recovery sensor both read it, it survives a sensor reset, and it is what
an operator sees in the UI. A run's streak is its job in its code location; an ad-hoc
materialization (Dagster's hidden asset job) is a streak per set of assets. Runs that Dagster
will retry automatically (run_retries, tag `dagster/will_retry=true`) do not count: their
retry's outcome does. A run started from the command line has no code location: it belongs to
the streak of its job whatever location the others ran in (a backfill re-run by hand after a
scheduled failure is the same job failing again).
"""

from __future__ import annotations

import dagster as dg

from crm_pipelines.alerting.content import is_hidden_job

WILL_RETRY_TAG = "dagster/will_retry"
# How far back to look for the previous finished run of the same streak.
HISTORY_LIMIT = 50


def _location(run: dg.DagsterRun) -> str | None:
    origin = run.remote_job_origin
    return origin.location_name if origin is not None else None


def same_streak(run: dg.DagsterRun, other: dg.DagsterRun) -> bool:
    locations = {_location(other), _location(run)} - {None}
    if other.job_name != run.job_name or len(locations) > 1:
        return False
    if is_hidden_job(run.job_name):
        return frozenset(other.asset_selection or ()) == frozenset(run.asset_selection or ())
    return True


def will_be_retried(run: dg.DagsterRun) -> bool:
    return run.tags.get(WILL_RETRY_TAG, "").lower() == "true"


def previous_outcome(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRunStatus | None:
    """SUCCESS or FAILURE of the last finished run of the same streak created before `run`;
    None when there is none (the first run ever)."""
    records = instance.get_run_records(
        filters=dg.RunsFilter(
            job_name=run.job_name,
            statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE],
        ),
        cursor=run.run_id,  # runs created before this one, newest first
        limit=HISTORY_LIMIT,
    )
    for record in records:
        other = record.dagster_run
        if other.run_id == run.run_id or not same_streak(run, other) or will_be_retried(other):
            continue
        return other.status
    return None


def starts_failure_streak(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    """A failed run alerts when it is not going to be retried and the streak's previous run did
    not fail."""
    if will_be_retried(run):
        return False
    return previous_outcome(instance, run) != dg.DagsterRunStatus.FAILURE


def ends_failure_streak(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    """A successful run sends a recovery when the streak's previous run failed."""
    return previous_outcome(instance, run) == dg.DagsterRunStatus.FAILURE
