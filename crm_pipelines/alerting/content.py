"""What an alert says: the job or assets, the partition, the failing step, the error's first lines
and a link to the run in the Dagster UI, with every secret of the settings masked.

The text comes from the run's own event log (the step failure events), so every channel says
the same thing and a person can follow the link to the full stack trace.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

import dagster as dg

from crm_pipelines.alerting.redaction import mask, secrets_of
from crm_pipelines.settings import Settings

# Dagster's names for what a run covers (dagster._core.storage.tags).
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

ERROR_LINES = 4
ERROR_CHARS = 600


@dataclass(frozen=True)
class Alert:
    """One message to the operators: a failure (the first of a streak) or a recovery."""

    kind: str  # "failure" or "recovery"
    job: str
    subject: str  # what failed, as a person names it: a job, or the assets of an ad-hoc run
    assets: list[str]
    partition: str | None
    run_id: str
    run_url: str
    steps: list[str] = field(default_factory=list)
    error: str = ""
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def title(self) -> str:
        where = f" (partition {self.partition})" if self.partition else ""
        if self.kind == "recovery":
            return f"Recovered: {self.subject}{where} succeeded again"
        return f"Failed: {self.subject}{where}"

    def fields(self) -> list[tuple[str, str]]:
        """What failed, as (label, value) pairs; each channel formats them its own way."""
        out = [("Job", self.job)]
        if self.assets:
            out.append(("Assets", ", ".join(self.assets)))
        if self.partition:
            out.append(("Partition", self.partition))
        if self.steps:
            out.append(("Failed step", ", ".join(self.steps)))
        return out

    def lines(self) -> list[str]:
        """The body as plain lines, shared by Slack, Teams and email."""
        out = [f"{label}: {value}" for label, value in self.fields()]
        if self.error:
            out.append("Error:")
            out.extend("    " + line for line in self.error.splitlines())
        if self.kind == "recovery":
            out.append("The job succeeded after a failure streak; no further alerts until it fails again.")
        out.append(f"Run: {self.run_url}")
        return out

    def as_event(self) -> dict[str, Any]:
        """The Socket.IO payload: every field, plus the title."""
        return {**asdict(self), "title": self.title}


def is_hidden_job(job_name: str) -> bool:
    """Dagster's own jobs for ad-hoc materializations (`__ASSET_JOB`, `__ephemeral_asset_job__`)."""
    return job_name.startswith("__")


def run_assets(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[str]:
    """The run's assets: its selection, or what it planned to materialize when it has none
    (a run of a whole asset job)."""
    keys = set(run.asset_selection or ())
    if not keys:
        planned = instance.get_records_for_run(
            run_id=run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
        keys = {r.event_log_entry.dagster_event.asset_key for r in planned
                if r.event_log_entry.dagster_event is not None and r.event_log_entry.dagster_event.asset_key}
    return sorted(key.to_user_string() for key in keys)


def run_subject(instance: dg.DagsterInstance, run: dg.DagsterRun) -> tuple[str, list[str]]:
    """A named job is its name; an ad-hoc materialization (a hidden asset job) is its assets."""
    assets = run_assets(instance, run)
    if is_hidden_job(run.job_name) and assets:
        return ", ".join(assets), assets
    return run.job_name, assets


def run_partition(run: dg.DagsterRun) -> str | None:
    if run.tags.get(PARTITION_TAG):
        return run.tags[PARTITION_TAG]
    start, end = run.tags.get(RANGE_START_TAG), run.tags.get(RANGE_END_TAG)
    if start and end:
        return start if start == end else f"{start}...{end}"
    return None


def run_url(settings: Settings, run_id: str) -> str:
    return f"{settings.dagster_webserver_url}/runs/{run_id}"


def first_lines(text: str, lines: int = ERROR_LINES, chars: int = ERROR_CHARS) -> str:
    kept = "\n".join(line.rstrip() for line in text.strip().splitlines()[:lines])
    return kept if len(kept) <= chars else kept[: chars - 1] + "…"


def step_errors(instance: dg.DagsterInstance, run: dg.DagsterRun) -> tuple[list[str], str]:
    """The failed steps and the first error's first lines; the run failure message when no step
    failed (a run that died before or between steps)."""
    records = instance.get_records_for_run(
        run_id=run.run_id, of_type={dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE}
    ).records
    steps: list[str] = []
    error = ""
    run_message = ""
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.RUN_FAILURE:
            # a run that died outside any step (resource set-up, a killed worker) carries its error here
            data = event.event_specific_data
            run_error = getattr(data, "error", None)
            run_message = _error_text(run_error) if run_error is not None else (event.message or "")
            continue
        steps.append(event.step_key or "?")
        info = event.step_failure_data.error if event.step_failure_data else None
        if info is not None and not error:
            error = _error_text(info)
    return steps, first_lines(error or run_message)


def _error_text(info: Any) -> str:
    """The message of the error that matters: Dagster wraps user errors in its own
    (DagsterResourceFunctionError, DagsterExecutionStepExecutionError...) that only say where it
    happened, so follow the causes down to the first error that is not Dagster's."""
    while info.cause is not None and _is_dagster_wrapper(info):
        info = info.cause
    return _strip_class_path(info.message)


def _is_dagster_wrapper(info: Any) -> bool:
    name = (info.cls_name or "")
    return name.startswith("Dagster") or "while executing" in info.message or "Error occurred" in info.message


def _strip_class_path(message: str) -> str:
    # "dagster._core.definitions.events.Failure: bad setting" -> "Failure: bad setting"
    return re.sub(r"^(?:[\w]+\.)+(\w+: )", r"\1", message.strip())


def build_alert(kind: str, settings: Settings, instance: dg.DagsterInstance, run: dg.DagsterRun) -> Alert:
    subject, assets = run_subject(instance, run)
    steps, error = step_errors(instance, run) if kind == "failure" else ([], "")
    secrets = secrets_of(settings)
    return Alert(
        kind=kind,
        job=run.job_name,
        subject=mask(subject, secrets),
        assets=assets,
        partition=run_partition(run),
        run_id=run.run_id,
        run_url=run_url(settings, run.run_id),
        steps=steps,
        error=mask(error, secrets),
    )
