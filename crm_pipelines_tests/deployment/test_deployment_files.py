"""The production files, read as Compose and Dagster read them (no Docker here).

Covers docker-compose.yml (services, health checks, no published database/Redis port, no secret
written in the file, every required secret refused when missing), dagster.yaml (PostgreSQL storage
from environment variables, the queued run coordinator's per-job limit, the Docker run launcher on
the Compose network forwarding every setting, run retries, run monitoring, tick retention;
validated by Dagster's own config schema), workspace.yaml, the Dockerfile, .env.example and
.dockerignore.
"""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
import yaml

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines.settings import PROJECT_ROOT, Settings
from crm_pipelines_tests.deployment.compose_file import (
    MissingVariable,
    interpolate,
    load_compose,
    read_env_file,
    references,
    strings,
)

INSTANCE = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
WORKSPACE = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
COMPOSE = load_compose()
SERVICES = COMPOSE["services"]
ENV_EXAMPLE = read_env_file(PROJECT_ROOT / ".env.example")
SETTING_VARIABLES = {f.metadata["env"] for f in fields(Settings)} - {"DAGSTER_HOME"}
STORAGE_VARIABLES = {"DAGSTER_POSTGRES_HOST", "DAGSTER_POSTGRES_USER", "DAGSTER_POSTGRES_PASSWORD",
                     "DAGSTER_POSTGRES_DB"}
SECRET_NAME = re.compile(r"PASSWORD|DSN|SECRET|TOKEN|WEBHOOK")
# scheme://user:password@host with a literal password
DSN_WITH_PASSWORD = re.compile(r"://[^/\s:@${}]*:(?!\$\{)[^@\s/]+@")

# What an operator fills in: the example file with its two secrets set.
FILLED_ENV = dict(ENV_EXAMPLE, POSTGRES_PASSWORD="s3cretpw",
                  POSTGRES_DSN="postgresql://crm_pipelines:s3cretpw@postgres:5432/crm")


def command_of(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test[1:]) if isinstance(test, list) else test


def test_compose_runs_the_five_parts_each_with_its_health_check():
    expected = {
        "postgres": "pg_isready",
        "redis": "redis-cli ping",
        "crm_pipelines_code": "dagster api grpc-health-check -h 127.0.0.1 -p 4000",
        "dagster_webserver": "/server_info",
        "dagster_daemon": "dagster-daemon liveness-check",
    }
    for name, check in expected.items():
        assert check in command_of(SERVICES[name]), name
    assert SERVICES["crm_pipelines_code"]["command"][:3] == ["dagster", "api", "grpc"]
    assert SERVICES["dagster_webserver"]["command"][0] == "dagster-webserver"
    assert SERVICES["dagster_daemon"]["command"] == ["dagster-daemon", "run"]
    # the webserver and the daemon wait for a code server that answers
    for name in ("dagster_webserver", "dagster_daemon"):
        assert SERVICES[name]["depends_on"]["crm_pipelines_code"]["condition"] == "service_healthy"
    assert SERVICES["crm_pipelines_code"]["depends_on"]["crm_pipelines_init"]["condition"] == \
        "service_completed_successfully"
    assert SERVICES["crm_pipelines_init"]["command"] == ["crm-pipelines", "init-db"]


def test_no_database_or_redis_port_is_published_and_the_ui_binds_to_loopback():
    for name in ("postgres", "redis", "crm_pipelines_code", "dagster_daemon", "crm_pipelines_init"):
        assert "ports" not in SERVICES[name], name
    for name in ("dagster_webserver", "dagster_webserver_readonly"):
        (published,) = interpolate(SERVICES[name]["ports"], {})
        assert published.startswith("127.0.0.1:"), published


def test_the_read_only_ui_cannot_launch_and_is_opt_in():
    readonly = SERVICES["dagster_webserver_readonly"]
    assert "--read-only" in readonly["command"]
    assert readonly["profiles"] == ["readonly"]
    assert "--read-only" not in SERVICES["dagster_webserver"]["command"]


def test_no_secret_is_written_in_the_compose_file():
    for where, text in strings(COMPOSE):
        key = where.rsplit(".", 1)[-1]
        assert not DSN_WITH_PASSWORD.search(text), f"{where} holds a DSN with a password"
        if SECRET_NAME.search(key):
            refs = references(text)
            assert refs and re.fullmatch(r"(\$\{[^}]*\})+|[^$]*\$\{[^}]*\}[^$]*", text), \
                f"{where}={text!r} is not a ${{VAR}} reference"
    # the secrets without which nothing can run are required, never defaulted
    required = {name for _, text in strings(COMPOSE) for name, op in references(text) if op == ":?"}
    assert {"POSTGRES_PASSWORD", "POSTGRES_DSN", "POSTGRES_USER"} <= required


def test_compose_refuses_to_start_without_the_secrets_and_resolves_with_them():
    for missing in ("POSTGRES_PASSWORD", "POSTGRES_DSN"):
        env = dict(FILLED_ENV, **{missing: ""})
        with pytest.raises(MissingVariable, match=missing):
            interpolate(COMPOSE, env)
    resolved = interpolate(COMPOSE, FILLED_ENV)
    daemon_env = resolved["services"]["dagster_daemon"]["environment"]
    assert daemon_env["DAGSTER_POSTGRES_PASSWORD"] == "s3cretpw"
    assert daemon_env["DAGSTER_POSTGRES_HOST"] == "postgres"
    assert daemon_env["POSTGRES_DSN"] == FILLED_ENV["POSTGRES_DSN"]
    assert daemon_env["REDIS_URL"] == "redis://redis:6379/0"
    assert resolved["services"]["postgres"]["healthcheck"]["test"][1] == \
        'pg_isready -U "${POSTGRES_USER}" -d "${POSTGRES_DB}"'  # $$ left for the container's shell


def test_env_example_documents_every_variable_and_holds_no_secret():
    referenced = {name for _, text in strings(COMPOSE) for name, _ in references(text)}
    assert referenced - set(ENV_EXAMPLE) == set()
    assert SETTING_VARIABLES - set(ENV_EXAMPLE) == set()
    for name, value in ENV_EXAMPLE.items():
        if SECRET_NAME.search(name):
            assert value == "", f"{name} has a value in .env.example"
    gitignored = (PROJECT_ROOT / ".gitignore").read_text().split()
    dockerignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert ".env" in gitignored and ".env" in dockerignored and ".git" in dockerignored


def test_the_image_leaves_out_the_tests_and_the_benchmark():
    dockerignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {"crm_pipelines_tests", "crm_pipelines_bench", "crm_pipelines_bench_tests",
            "scripts/bench.py"} <= set(dockerignored)


def test_instance_storage_is_postgres_from_environment_variables_only():
    db = INSTANCE["storage"]["postgres"]["postgres_db"]
    assert {key: db[key] for key in ("hostname", "username", "password", "db_name")} == {
        "hostname": {"env": "DAGSTER_POSTGRES_HOST"},
        "username": {"env": "DAGSTER_POSTGRES_USER"},
        "password": {"env": "DAGSTER_POSTGRES_PASSWORD"},
        "db_name": {"env": "DAGSTER_POSTGRES_DB"},
    }
    assert "postgres_url" not in INSTANCE["storage"]["postgres"]
    for where, text in strings(INSTANCE):
        assert not DSN_WITH_PASSWORD.search(text), where
        if "password" in where.lower():
            assert where.endswith(".env"), f"{where} is written in the file, not read from the environment"


def test_instance_queues_runs_one_at_a_time_per_job():
    coordinator = INSTANCE["run_coordinator"]
    assert coordinator["class"] == "QueuedRunCoordinator"
    assert coordinator["config"]["max_concurrent_runs"] >= 1
    assert coordinator["config"]["tag_concurrency_limits"] == [
        {"key": JOB_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}]


def test_instance_retries_monitors_and_purges():
    assert INSTANCE["run_retries"]["enabled"] is True
    assert INSTANCE["run_retries"]["max_retries"] == 2
    assert INSTANCE["run_monitoring"]["enabled"] is True
    assert set(INSTANCE["retention"]) == {"schedule", "sensor"}
    assert INSTANCE["scheduler"]["class"] == "DagsterDaemonScheduler"


def test_runs_start_in_containers_on_the_compose_network_with_every_setting():
    launcher = INSTANCE["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_docker", "DockerRunLauncher")
    network = launcher["config"]["network"]
    assert COMPOSE["networks"]["crm_pipelines_network"]["name"] == network
    forwarded = set(launcher["config"]["env_vars"])
    assert SETTING_VARIABLES - forwarded == set(), "settings a run container would not see"
    assert STORAGE_VARIABLES <= forwarded
    # Dagster refuses to launch a run when a forwarded variable is unset in the daemon
    daemon_env = interpolate(SERVICES["dagster_daemon"]["environment"], FILLED_ENV)
    assert forwarded - set(daemon_env) == set()
    # the shared storage volume the run containers mount is the one Compose creates
    (volume,) = launcher["config"]["container_kwargs"]["volumes"]
    assert COMPOSE["volumes"][volume.split(":")[0]]["name"] == volume.split(":")[0]
    # runs start from the code server's own image
    code = SERVICES["crm_pipelines_code"]
    assert interpolate(code["environment"]["DAGSTER_CURRENT_IMAGE"], {}) == interpolate(code["image"], {})


def test_dagster_accepts_the_instance_file(tmp_path, monkeypatch):
    """Dagster's own schema validation of dagster.yaml, and of the Docker launcher's config."""
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster_docker import DockerRunLauncher

    for name in STORAGE_VARIABLES:
        monkeypatch.setenv(name, "x")
    (tmp_path / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    launcher = process_config(DockerRunLauncher.config_type(), INSTANCE["run_launcher"]["config"])
    assert launcher.success, launcher.errors


def test_workspace_points_at_the_code_server_service():
    (entry,) = WORKSPACE["load_from"]
    server = entry["grpc_server"]
    assert server == {"host": "crm_pipelines_code", "port": 4000, "location_name": "crm_pipelines"}
    command = SERVICES[server["host"]]["command"]
    assert command[command.index("-p") + 1] == "4000"
    assert command[command.index("-m") + 1] == "crm_pipelines.definitions"


def test_dockerfile_builds_the_code_location_with_the_production_instance():
    lines = [line.strip() for line in (PROJECT_ROOT / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    text = "\n".join(lines)
    assert "pip install -e ." in text  # the pinned Dagster set of setup.py
    assert "DAGSTER_HOME=/opt/dagster/dagster_home" in text
    assert 'cp dagster.yaml workspace.yaml "$DAGSTER_HOME/"' in text
    assert lines[-1] == ('CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "4000", '
                         '"-m", "crm_pipelines.definitions"]')
