"""The read-only UI of docs/deployment.md: `dagster-webserver --read-only` on the same instance
and code server shows the runs but refuses to launch a run or switch on a schedule."""

from __future__ import annotations

import pytest
from dagster_graphql import DagsterGraphQLClientError

from crm_pipelines_tests.deployment.conftest import RunningDeployment
from crm_pipelines_tests.deployment.graphql_api import GraphQLError, OperatorAPI
from crm_pipelines_tests.deployment.harness import VENV_BIN, ManagedProcess, stop_all, wait_until
from crm_pipelines_tests.support.socketio_server import free_port

pytestmark = pytest.mark.deployment

SCHEDULE = "daily_report_schedule"  # ticks at DAILY_REPORT_HOUR only: never mid-test


def test_the_read_only_webserver_shows_runs_but_launches_nothing(deployed: RunningDeployment):
    deployment = deployed.deployment
    # a run the operator's webserver launched, finished before the viewer starts
    (operator_run,) = deployed.api.wait_for_runs([deployed.api.submit_job("notification_checks_job")], 180)
    port = free_port()
    viewer = ManagedProcess("webserver_readonly", [
        str(VENV_BIN / "dagster-webserver"), "--read-only", "-h", "127.0.0.1", "-p", str(port),
        "-w", str(deployment.home / "workspace.yaml")], deployment.env, deployment.log_dir).start()
    try:
        api = OperatorAPI(port)
        wait_until(api.location_loaded, 120, "the read-only webserver to load the location", every=1)

        # looking is allowed: the viewer shows the operator's run, as it ended
        (seen,) = api.runs(runIds=[operator_run["runId"]])
        assert (seen["runId"], seen["status"]) == (operator_run["runId"], operator_run["status"])
        with pytest.raises(GraphQLError, match="UnauthorizedError"):
            api.start_schedule(SCHEDULE)
        with pytest.raises(DagsterGraphQLClientError, match="Unauthorized"):
            api.submit_job("notification_checks_job")
        assert deployed.api.schedule_status(SCHEDULE) == "STOPPED"
        # the operators' webserver takes the same request
        assert deployed.api.start_schedule(SCHEDULE) == "RUNNING"
        assert deployed.api.stop_schedule(SCHEDULE) == "STOPPED"
    finally:
        stop_all([viewer])
        print(viewer.tail())
