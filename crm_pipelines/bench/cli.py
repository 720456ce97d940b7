"""`crm-pipelines bench` (being built under issue 8)."""

import click


@click.command()
def bench_command() -> None:
    """Measure the pipelines against the bare SQL and the original per-seller approach."""
    raise click.ClickException("bench is not built yet (issue 8)")
