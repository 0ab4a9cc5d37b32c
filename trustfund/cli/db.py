"""``trustfund db``: schema migrations."""

from __future__ import annotations

import click

from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.migrate import upgrade


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target Alembic revision.")
@pass_cli
def db_upgrade(cli: CliContext, revision: str) -> None:
    """Create or migrate the schema of TRUSTFUND_DATABASE_URL (safe to run again)."""
    upgrade(cli.engine, revision)
    click.echo(
        f"database at {cli.engine.url.render_as_string(hide_password=True)} is at {revision}"
    )
