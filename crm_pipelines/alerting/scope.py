"""Which runs are ours to alert on: every run of this code location's jobs and assets in the
instance, however it was started.

Dagster's run status sensors, by default, only see runs launched from the sensor's own code
location (the run's remote origin names it). Runs started with `dagster job execute` or
`dagster asset materialize` (docs/ recommends them for backfills) have no remote origin, or one
from an ephemeral location, and would be skipped. The sensors therefore
watch every run of the instance (`monitor_all_code_locations=True`) and keep those whose job,
or for an ad-hoc materialization whose assets, this code location defines.
"""

from __future__ import annotations

import dagster as dg

from crm_pipelines.alerting.content import is_hidden_job, run_assets


def is_our_run(repository: dg.RepositoryDefinition | None, instance: dg.DagsterInstance,
               run: dg.DagsterRun) -> bool:
    if repository is None:
        # evaluated outside a code location (a test's build_sensor_context): every run is ours
        return True
    if not is_hidden_job(run.job_name):
        return repository.has_job(run.job_name)
    # __ASSET_JOB, __ephemeral_asset_job__: ours when every asset it covers is one of ours
    assets = run_assets(instance, run)
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    return bool(assets) and set(assets) <= keys
