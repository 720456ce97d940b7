"""What an operator's tools do through the webserver's GraphQL API (dagster-graphql's client).

`DagsterGraphQLClient` covers launching a job and reading a run's status; backfills, sensors and
run records are not in it, so those go through its `_execute` (gql) with the 1.13 schema's own
mutations and queries (`launchPartitionBackfill`, `startSensor`, `runsOrError`).
"""

from __future__ import annotations

from typing import Any

from dagster_graphql import DagsterGraphQLClient

from crm_pipelines_tests.deployment.harness import LOCATION_NAME, wait_until

REPOSITORY_NAME = "__repository__"  # what Dagster calls the repository behind a Definitions

FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}

LAUNCH_BACKFILL = """
mutation LaunchBackfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}
"""

BACKFILL = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill {
      id status numPartitions isAssetBackfill
      runs { runId status tags { key value } }
    }
    ... on Error { message }
  }
}
"""

START_SENSOR = """
mutation StartSensor($selector: SensorSelector!) {
  startSensor(sensorSelector: $selector) {
    __typename
    ... on Sensor { name sensorState { status } }
    ... on Error { message }
  }
}
"""

STOP_SENSOR = """
mutation StopSensor($id: String!) {
  stopSensor(id: $id) {
    __typename
    ... on StopSensorMutationResult { instigationState { status } }
    ... on Error { message }
  }
}
"""

SENSOR = """
query Sensor($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { id name sensorState { status } }
    ... on Error { message }
  }
}
"""

SCHEDULE = """
query Schedule($selector: ScheduleSelector!) {
  scheduleOrError(scheduleSelector: $selector) {
    __typename
    ... on Schedule { id name scheduleState { status } }
    ... on Error { message }
  }
}
"""

START_SCHEDULE = """
mutation StartSchedule($selector: ScheduleSelector!) {
  startSchedule(scheduleSelector: $selector) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}
"""

STOP_SCHEDULE = """
mutation StopSchedule($id: String!) {
  stopRunningSchedule(id: $id) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}
"""

RUNS = """
query Runs($filter: RunsFilter) {
  runsOrError(filter: $filter) {
    __typename
    ... on Runs {
      results { runId jobName status creationTime startTime endTime tags { key value } }
    }
    ... on Error { message }
  }
}
"""

LOCATION_STATUS = """
query Locations {
  workspaceOrError {
    __typename
    ... on Workspace { locationEntries { name loadStatus locationOrLoadError { __typename } } }
  }
}
"""

RUN_EVENTS = """
query RunEvents($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { eventConnection(limit: 1000) { events { __typename } } }
    ... on Error { message }
  }
}
"""

DAEMON_HEALTH = """
query DaemonHealth {
  instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } }
}
"""


class GraphQLError(AssertionError):
    pass


def _ok(result: dict[str, Any], field: str, expected: str) -> dict[str, Any]:
    value = result[field]
    if value["__typename"] != expected:
        raise GraphQLError(f"{field} answered {value['__typename']}: {value.get('message')}")
    return value


class OperatorAPI:
    """The webserver's GraphQL API, as an operator's script would use it."""

    def __init__(self, port: int):
        self.client = DagsterGraphQLClient("127.0.0.1", port_number=port, timeout=60)

    def location_loaded(self) -> bool:
        entries = self.client._execute(LOCATION_STATUS)["workspaceOrError"]["locationEntries"]
        return any(e["name"] == LOCATION_NAME and e["locationOrLoadError"]["__typename"] == "RepositoryLocation"
                   for e in entries)

    def unhealthy_daemons(self) -> list[str]:
        """The required daemons (scheduler, sensors, run queue, backfills...) without a recent
        heartbeat: what `dagster-daemon liveness-check` looks at."""
        statuses = self.client._execute(DAEMON_HEALTH)["instance"]["daemonHealth"]["allDaemonStatuses"]
        return [s["daemonType"] for s in statuses if s["required"] and not s["healthy"]]

    def launch_asset_backfill(self, asset: str, partition_keys: list[str]) -> str:
        params = {"assetSelection": [{"path": [asset]}], "partitionNames": partition_keys}
        result = self.client._execute(LAUNCH_BACKFILL, {"params": params})
        return _ok(result, "launchPartitionBackfill", "LaunchBackfillSuccess")["backfillId"]

    def backfill(self, backfill_id: str) -> dict[str, Any]:
        result = self.client._execute(BACKFILL, {"id": backfill_id})
        return _ok(result, "partitionBackfillOrError", "PartitionBackfill")

    def _sensor_selector(self, sensor: str) -> dict[str, str]:
        return {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME,
                "sensorName": sensor}

    def sensor_status(self, sensor: str) -> str:
        result = self.client._execute(SENSOR, {"selector": self._sensor_selector(sensor)})
        return _ok(result, "sensorOrError", "Sensor")["sensorState"]["status"]

    def start_sensor(self, sensor: str) -> str:
        result = self.client._execute(START_SENSOR, {"selector": self._sensor_selector(sensor)})
        return _ok(result, "startSensor", "Sensor")["sensorState"]["status"]

    def stop_sensor(self, sensor: str) -> str:
        sensor_id = _ok(self.client._execute(SENSOR, {"selector": self._sensor_selector(sensor)}),
                        "sensorOrError", "Sensor")["id"]
        result = self.client._execute(STOP_SENSOR, {"id": sensor_id})
        return _ok(result, "stopSensor", "StopSensorMutationResult")["instigationState"]["status"]

    def _schedule_selector(self, schedule: str) -> dict[str, str]:
        return {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME,
                "scheduleName": schedule}

    def schedule_status(self, schedule: str) -> str:
        result = self.client._execute(SCHEDULE, {"selector": self._schedule_selector(schedule)})
        return _ok(result, "scheduleOrError", "Schedule")["scheduleState"]["status"]

    def start_schedule(self, schedule: str) -> str:
        result = self.client._execute(START_SCHEDULE, {"selector": self._schedule_selector(schedule)})
        return _ok(result, "startSchedule", "ScheduleStateResult")["scheduleState"]["status"]

    def stop_schedule(self, schedule: str) -> str:
        schedule_id = _ok(self.client._execute(SCHEDULE, {"selector": self._schedule_selector(schedule)}),
                          "scheduleOrError", "Schedule")["id"]
        result = self.client._execute(STOP_SCHEDULE, {"id": schedule_id})
        return _ok(result, "stopRunningSchedule", "ScheduleStateResult")["scheduleState"]["status"]

    def submit_job(self, job: str, tags: dict[str, str] | None = None) -> str:
        return self.client.submit_job_execution(job, repository_location_name=LOCATION_NAME,
                                                repository_name=REPOSITORY_NAME, tags=tags or {})

    def runs(self, **run_filter: Any) -> list[dict[str, Any]]:
        """Run records, newest first, e.g. runs(runIds=[...]) or runs(pipelineName="x_job")."""
        result = self.client._execute(RUNS, {"filter": run_filter})
        runs = _ok(result, "runsOrError", "Runs")["results"]
        for run in runs:
            run["tags"] = {t["key"]: t["value"] for t in run["tags"]}
        return runs

    def run_event_types(self, run_id: str) -> list[str]:
        """The run's event log as GraphQL type names, in order (RunEnqueuedEvent, ...)."""
        result = self.client._execute(RUN_EVENTS, {"runId": run_id})
        return [e["__typename"] for e in _ok(result, "runOrError", "Run")["eventConnection"]["events"]]

    def wait_for_runs(self, run_ids: list[str], timeout: float) -> list[dict[str, Any]]:
        """The runs' records once every one of them has finished (in the order of run_ids)."""
        def finished() -> list[dict[str, Any]] | None:
            runs = {r["runId"]: r for r in self.runs(runIds=run_ids)}
            if len(runs) == len(run_ids) and all(r["status"] in FINISHED for r in runs.values()):
                return [runs[i] for i in run_ids]
            return None

        return wait_until(finished, timeout, f"runs {run_ids} to finish", every=1)
