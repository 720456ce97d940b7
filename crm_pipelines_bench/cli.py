"""`crm-pipelines bench`: speed and memory of the pipelines against the bare SQL and the original
per-seller service, on a generated data set kept in its own database (crm_bench_<scale>)."""

from __future__ import annotations

import json
import sys
import time

import click

from crm_pipelines_bench.scales import SCALES


@click.command()
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True,
              help="small: 1x5 sellers x 14 days; medium: 2x100 x 180 days; large: 4x250 x 365 days")
@click.option("--dsn", default=None, metavar="URL",
              help="the bench database (created if missing); default: crm_bench_<scale> on the server of "
                   "POSTGRES_DSN, or on the embedded server when it is unset")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20),
              help="runs of each measurement; the median is reported")
@click.option("--rebuild", is_flag=True, help="rebuild the data set even if the database already has it")
@click.option("--json", "as_json", is_flag=True, help="print the full result as JSON (for machines)")
@click.option("--source", type=click.Choice(["spec", "crmventas"]), default="spec", show_default=True,
              help="crmventas: CRM_SOURCE=crmventas against spec on the same data, side by side (initial sync, "
                   "a 15-minute refresh cycle, a one-day refresh, the sync at two history sizes)")
@click.option("--markdown", "markdown_path", default=None, type=click.Path(dir_okay=False),
              help="also write the tables to this file (Markdown)")
def bench_command(scale: str, dsn: str | None, repeat: int, rebuild: bool, as_json: bool,
                  markdown_path: str | None, source: str = "spec") -> None:
    """Measure the pipelines against the bare SQL and the original per-seller approach.

    Exits 1 when the three paths do not compute the same seller_metrics rows.
    """
    from crm_pipelines.cli import _settings
    from crm_pipelines.db.unreachable import database_errors
    from crm_pipelines.settings import redact_url
    from crm_pipelines_bench.bare_sql import BareSqlUnavailable
    from crm_pipelines_bench.crmventas_report import render_crmventas
    from crm_pipelines_bench.crmventas_runner import run_crmventas_benchmark
    from crm_pipelines_bench.dagster_runs import DagsterRunFailed
    from crm_pipelines_bench.report import render
    from crm_pipelines_bench.runner import BenchOptions, run_benchmark

    options = BenchOptions(scale=SCALES[scale], dsn=dsn, repeat=repeat, rebuild=rebuild)
    command = " ".join(["crm-pipelines bench", f"--scale {scale}"]
                       + ([f"--source {source}"] if source != "spec" else [])
                       + ([f"--repeat {repeat}"] if repeat != 3 else []))
    run, show = (run_crmventas_benchmark, render_crmventas) if source == "crmventas" else (run_benchmark, render)
    try:
        started = time.perf_counter()
        def log(text: str) -> None:
            click.echo(f"[{time.perf_counter() - started:6.1f}s] {text}", err=True)

        settings = _settings()
        where = redact_url(dsn or settings.postgres_dsn) or "embedded PostgreSQL"
        with database_errors(where):
            result = run(options, settings, log=log)
    except (BareSqlUnavailable, DagsterRunFailed) as err:
        raise click.ClickException(str(err)) from None
    result["command"] = command
    table = show(result, command)
    if markdown_path:
        with open(markdown_path, "w") as out:
            out.write(table + "\n")
    click.echo(json.dumps(result, indent=2, default=str) if as_json else table)
    if not result["ok"]:
        paths = ("spec and crmventas" if source == "crmventas"
                 else "the Dagster path, the bare SQL and the original approach")
        click.echo(f"MISMATCH: {paths} computed different seller_metrics rows (see 'equality'); the timings "
                   "compare different work.", err=True)
        sys.exit(1)
