"""At most one run of each of our jobs at a time.

Every job carries the tag `crm_pipelines/job=<job name>`; the instance's QueuedRunCoordinator
limits that tag to one run per unique value (dagster.yaml, dagster_home/dagster.yaml). The SQL is
safe without the limit too (idempotent inserts, one-transaction replaces): the limit just keeps
a slow run from piling up copies of itself behind it.
"""

from __future__ import annotations

JOB_TAG = "crm_pipelines/job"


def one_at_a_time(job_name: str) -> dict[str, str]:
    return {JOB_TAG: job_name}
