"""`crm-pipelines health` (being built under issue 6)."""

import click


@click.command()
def health_command() -> None:
    """Say whether PostgreSQL, Redis and the Dagster daemon are healthy."""
    raise click.ClickException("health is not built yet (issue 6)")
