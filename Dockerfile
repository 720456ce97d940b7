# The image of the crm_pipelines code location. docker-compose.yml runs it as the gRPC code
# server, the webserver, the daemon, and (DockerRunLauncher) as the container of every run.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DAGSTER_HOME=/opt/dagster/dagster_home

WORKDIR /opt/dagster/app

# Dependencies first, in a layer of their own (as Dagster's deploy_docker example installs them
# before copying the code): it is rebuilt only when setup.py or pyproject.toml change, not on
# every code change. The pinned Dagster set and every other dependency come from setup.py,
# installed here against an empty stand-in package that is removed right after.
COPY setup.py pyproject.toml ./
RUN mkdir crm_pipelines \
    && touch crm_pipelines/__init__.py \
    && pip install . \
    && pip uninstall --yes crm-pipelines \
    && rm -rf crm_pipelines build ./*.egg-info

# The code, then the project itself, in place (-e) because the schema files in sql/ sit beside
# the package, where `crm-pipelines init-db` looks for them; every dependency is already there.
COPY . .
RUN pip install -e . --no-deps \
    && mkdir -p "$DAGSTER_HOME/storage" \
    && cp dagster.yaml workspace.yaml "$DAGSTER_HOME/" \
    && useradd --create-home --uid 1000 dagster \
    && chown -R dagster "$DAGSTER_HOME"

USER dagster

EXPOSE 4000

CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "4000", "-m", "crm_pipelines.definitions"]
