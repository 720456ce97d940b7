"""`crm-pipelines`: the command line. Every command validates the settings first, so a bad value
stops it with a message naming the variable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timezone

import click

from crm_pipelines.settings import Settings, SettingsError, get_settings


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as err:
        raise click.ClickException(f"bad setting: {err}") from None


@click.group()
def main() -> None:
    """A sales CRM's background work on Dagster: metrics, reports, notifications, cleanup."""


def _where(settings: Settings, postgres) -> str:
    return "embedded PostgreSQL" if settings.embedded_postgres else postgres.safe_dsn


@main.command("init-db")
@click.option("--plan", "show_plan", is_flag=True,
              help="print every statement init-db would run, CRM-side ones marked [CRM]; change nothing")
def init_db(show_plan: bool = False) -> None:
    """Check the CRM's tables, then create or update our schema (CRM_PIPELINES_SCHEMA).

    Exits 2, changing nothing, when the CRM's tables lack what CRM_SOURCE needs."""
    from crm_pipelines.db.migrate import PreflightFailed, migrate, plan
    from crm_pipelines.db.schemas import Schemas
    from crm_pipelines.db.unreachable import database_errors
    from crm_pipelines.resources.build import build_postgres

    settings = _settings()
    postgres = build_postgres(settings)
    where = _where(settings, postgres)
    schemas = Schemas.from_settings(settings)
    try:
        with database_errors(where):
            if show_plan:
                steps = plan(postgres.engine, schemas, settings.crm_source)
                for step in steps:
                    for statement in step.describe():
                        click.echo(statement + ";\n")
                click.echo(f"-- {len(steps)} steps on {where}; nothing was changed (--plan)")
                return
            result = migrate(postgres.engine, schemas, settings.crm_source)
    except PreflightFailed as failed:
        click.echo(f"init-db: the CRM's tables in schema {schemas.crm!r} on {where} lack what "
                   f"CRM_SOURCE={settings.crm_source} needs; nothing was changed:", err=True)
        for problem in failed.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    if result.created_crm_tables:
        click.echo(f"created the CRM's tables in schema {schemas.crm} (the database was empty)")
    for statement in result.moved:
        click.echo(f"moved: {statement}")
    for name in result.applied:
        click.echo(f"applied {name}")
    for name in result.indexes_built:
        click.echo(f"built index {name} (concurrently)")
    click.echo(f"schema {schemas.pipelines} up to date on {where} ({len(result.applied)} applied, "
               f"{len(result.already_applied)} already there)")


@main.command("seed-demo")
@click.option("--tenants", default=2, show_default=True, type=int)
@click.option("--sellers", default=25, show_default=True, type=int, help="sellers per tenant")
@click.option("--days", default=90, show_default=True, type=int, help="days of history up to --now")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--max-daily-conversations", default=5, show_default=True, type=int,
              help="conversations a seller may open in a day (about 31 messages per seller-day at 5)")
@click.option("--now", "now_text", default=None, help="ISO timestamp with offset; default: the current time")
@click.option("--replace", is_flag=True, help="wipe existing CRM and pipeline rows first (demo databases only)")
@click.option("--if-empty", is_flag=True, help="do nothing when the database already has tenants")
@click.option("--source", type=click.Choice(["spec", "crmventas"]), default=None,
              help="the shape of the CRM's tables to fill; default: CRM_SOURCE (the same seed gives the "
                   "same sellers, messages and leads in either shape)")
def seed_demo_command(tenants: int, sellers: int, days: int, seed: int, max_daily_conversations: int,
                      now_text: str | None, replace: bool, if_empty: bool, source: str | None = None) -> None:
    """Fill the database with realistic, deterministic demo data."""
    import dataclasses

    from crm_pipelines.db.migrate import PreflightFailed, migrate
    from crm_pipelines.db.schemas import Schemas
    from crm_pipelines.db.unreachable import database_errors
    from crm_pipelines.demo.crmventas import seed_crmventas
    from crm_pipelines.demo.seed import SeedError, count_tenants, seed_demo
    from crm_pipelines.resources.build import build_postgres

    settings = _settings()
    if source is not None:
        settings = dataclasses.replace(settings, crm_source=source)
    postgres = build_postgres(settings)
    engine = postgres.engine
    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(timezone.utc)
    except ValueError:
        raise click.ClickException(f"--now={now_text!r} is not an ISO timestamp") from None
    with database_errors(_where(settings, postgres)):
        try:
            migrate(engine, Schemas.from_settings(settings), settings.crm_source)
        except PreflightFailed as failed:
            raise click.ClickException("the CRM's tables lack what CRM_SOURCE needs (run `crm-pipelines "
                                       "init-db` for the list): " + failed.problems[0]) from None
        if if_empty:
            with engine.connect() as conn:
                if count_tenants(conn, settings.crm_source):
                    click.echo("demo data already there (--if-empty): nothing to do")
                    return
        options = {"tenants": tenants, "sellers": sellers, "days": days, "seed": seed, "now": now,
                   "timezone": settings.crm_timezone, "replace": replace,
                   "max_daily_conversations": max_daily_conversations}
        try:
            if settings.crm_source == "crmventas":
                result = seed_crmventas(engine, schemas=Schemas.from_settings(settings), **options)
            else:
                result = seed_demo(engine, **options)
        except SeedError as err:
            raise click.ClickException(str(err)) from None
    counts = ", ".join(f"{n} {t}" for t, n in result.counts.items())
    click.echo(f"seeded {counts} in {result.seconds:.1f}s")
    click.echo(f"the data ends at {now.isoformat(timespec='seconds')}: --seed {seed} --now "
               f"{now.isoformat(timespec='seconds')} gives the same rows again")


@main.command("dev")
@click.option("--port", default=3000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def dev(port: int, host: str) -> None:
    """Initialise the database, seed the demo if empty, and start the Dagster UI and daemon."""
    ctx = click.get_current_context()
    ctx.invoke(init_db)
    ctx.invoke(seed_demo_command, if_empty=True)
    settings = _settings()
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DAGSTER_HOME=str(settings.dagster_home))
    click.echo(f"Dagster UI on http://{host}:{port}"
               + ("; Ctrl-C stops it and the embedded PostgreSQL" if settings.embedded_postgres else ""))
    sys.exit(serve([sys.executable, "-m", "dagster", "dev", "-m", "crm_pipelines.definitions",
                    "-h", host, "-p", str(port)], env, settings))


def serve(command: list[str], env: dict[str, str], settings: Settings) -> int:
    """Run `dagster dev` (`command`) until it exits, however it is stopped, then stop the embedded
    PostgreSQL when it is the one in use: it outlives the processes that use it (resources/embedded.py)
    and would otherwise keep running after Ctrl-C."""
    code = run_until_stopped(command, env)
    if settings.embedded_postgres:
        from crm_pipelines.resources.embedded import stop_embedded

        if stop_embedded(settings.dagster_home):
            click.echo("stopped the embedded PostgreSQL")
    return code


def run_until_stopped(command: list[str], env: dict[str, str]) -> int:
    """Run `command` until it exits and return its exit code. Ctrl-C reaches it directly (same
    terminal process group) and it shuts down its own processes; we only wait for it, so that the
    caller can clean up afterwards. SIGTERM is passed on."""
    child = subprocess.Popen(command, env=env)
    previous_int = signal.signal(signal.SIGINT, lambda *_: None)
    previous_term = signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)


BENCH_NOT_INSTALLED = ("the benchmark is not installed here: from a checkout of crm-pipelines, "
                       "pip install -e \".[bench]\"")


@click.command("bench", context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
               add_help_option=False)
def _bench_not_installed() -> None:
    """The benchmark (not installed: the crm_pipelines_bench package comes with the bench extra)."""
    click.echo(BENCH_NOT_INSTALLED, err=True)
    sys.exit(1)


def _register_optional_commands() -> None:
    """Commands owned by their feature's package: health, and bench where crm_pipelines_bench is
    installed (a checkout with the bench extra; never the production image)."""
    from crm_pipelines.health.cli import health_command

    main.add_command(health_command, "health")
    try:
        from crm_pipelines_bench.cli import bench_command
    except ModuleNotFoundError as err:
        if err.name != "crm_pipelines_bench":
            raise
        bench_command = _bench_not_installed
    main.add_command(bench_command, "bench")


_register_optional_commands()


if __name__ == "__main__":
    main()
