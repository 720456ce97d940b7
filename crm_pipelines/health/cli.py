"""`crm-pipelines health`: is the deployment healthy? A table for people, `--json` for probes,
`--prometheus` for a scrape, `--serve PORT` to be scraped. Exit status 0 healthy, 1 degraded,
2 broken (see report.py for what each means).

It reads DAGSTER_HOME's instance (as the webserver and daemon do) and the code location's
definitions (`-m`, default `crm_pipelines.definitions`, the same flag as `dagster -m`).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings

import click
import dagster as dg

DEFAULT_MODULE = "crm_pipelines.definitions"


class CodeLocationError(click.ClickException):
    """The code location does not load: nothing of it can run, so the deployment is broken."""

    exit_code = 2


def load_repository(module_name: str) -> dg.RepositoryDefinition:
    # Like `dagster -m`: the working directory is importable.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        # Beta/superseded notices from loading the definitions are for developers, not for a probe.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(module_name)
        defs = getattr(module, "defs", None)
        if not isinstance(defs, dg.Definitions):
            raise CodeLocationError(f"{module_name} has no `defs` (a dagster Definitions)")
        return defs.get_repository_def()
    except click.ClickException:
        raise
    except Exception as err:
        first_line = str(err).splitlines()[0] if str(err) else ""
        raise CodeLocationError(f"broken: the code location {module_name} does not load: "
                                f"{type(err).__name__}: {first_line}") from None


def open_instance() -> tuple[dg.DagsterInstance | None, str | None]:
    try:
        return dg.DagsterInstance.get(), None
    except Exception as err:  # DAGSTER_HOME unset or its dagster.yaml invalid
        return None, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON (for probes)")
@click.option("--prometheus", is_flag=True, help="print the figures in Prometheus text format")
@click.option("--serve", "serve_port", type=int, default=None, metavar="PORT",
              help="serve the figures for Prometheus on http://HOST:PORT/metrics")
@click.option("--host", default="0.0.0.0", show_default=True, help="address --serve listens on")
@click.option("-m", "--module", "module_name", default=DEFAULT_MODULE, show_default=True,
              help="module whose `defs` is the code location")
@click.option("--heartbeat-tolerance", default=90, show_default=True, type=int,
              help="seconds without a daemon heartbeat before the daemon counts as not running")
def health_command(as_json: bool, prometheus: bool, serve_port: int | None, host: str, module_name: str,
                   heartbeat_tolerance: int) -> None:
    """Say whether PostgreSQL, Redis and the Dagster daemon are healthy, with schedules, sensors,
    jobs, recent failures and asset freshness. Exit 0 healthy, 1 degraded, 2 broken."""
    from crm_pipelines.cli import _settings
    from crm_pipelines.health.prometheus import render, serve
    from crm_pipelines.health.report import collect, render_table

    settings = _settings()
    repo = load_repository(module_name)
    instance, instance_error = open_instance()

    def make_report():
        report = collect(settings, instance, repo, heartbeat_tolerance=heartbeat_tolerance)
        if instance is None and instance_error:
            report.instance_error = instance_error
        return report

    try:
        if serve_port is not None:
            click.echo(f"serving health metrics on http://{host}:{serve_port}/metrics", err=True)
            serve(serve_port, make_report, host=host)
            return
        report = make_report()
    finally:
        if instance is not None:
            instance.dispose()
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    elif prometheus:
        click.echo(render(report), nl=False)
    else:
        click.echo(render_table(report))
    sys.exit(report.exit_code)
