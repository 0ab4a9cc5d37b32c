"""``trustfund db``: schema migrations."""

from __future__ import annotations

import click

from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.migrate import upgrade
from trustfund.db.roles import role_statements


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


@db.command("roles")
@click.option("--owner", default="trustfund_owner", show_default=True, help="Owner role.")
@click.option("--app", "app_role", default="trustfund_app", show_default=True, help="Service role.")
@click.option(
    "--apply",
    is_flag=True,
    help="Run the SQL on TRUSTFUND_DATABASE_URL (as a superuser) instead of printing it.",
)
@pass_cli
def db_roles(cli: CliContext, owner: str, app_role: str, apply: bool) -> None:
    """PostgreSQL: the SQL of the role split (docs/deploy.md). OWNER runs migrations and owns
    every table and trigger; APP, the role the service connects as, owns nothing and may
    only SELECT and INSERT the journal and disclosure snapshots (no UPDATE, DELETE,
    TRUNCATE, and no way to disable their triggers). Idempotent: run it after every
    ``db upgrade``. Set the passwords yourself (ALTER ROLE … PASSWORD)."""
    try:
        statements = role_statements(owner, app_role)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    if not apply:
        click.echo(";\n".join(statements) + ";")
        return
    if cli.engine.dialect.name != "postgresql":
        raise click.ClickException("roles exist on PostgreSQL only")
    with cli.engine.begin() as connection:
        cursor = connection.connection.cursor()  # no parameters: '%I' is PL/pgSQL's, not ours
        for statement in statements:
            cursor.execute(statement)
    click.echo(f"roles {owner} (owner) and {app_role} (service) set up")
