"""``trustfund serve``: run the web service with uvicorn."""

from __future__ import annotations

import click
import uvicorn

from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.migrate import upgrade
from trustfund.journal.mirror import catch_up_all_mirrors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help=(
        "Worker processes. PostgreSQL: N processes share the payments (each estate's "
        "payments are committed in batches; estates never wait for each other); about "
        "one per core. SQLite: always 1 (one writer at a time; writers of one process "
        "queue in the process, between processes SQLite's lock only polls, which was "
        "slower), a larger N is reduced to 1 with a warning."
    ),
)
@click.option("--no-upgrade", is_flag=True, help="Do not migrate the schema before starting.")
@pass_cli
def serve(cli: CliContext, host: str, port: int, workers: int, no_upgrade: bool) -> None:
    """Serve the API, the staff pages and the public pages. ``X-Forwarded-For`` is believed
    only from the proxies named in TRUSTFUND_TRUSTED_PROXIES."""
    if workers < 1:
        raise click.BadParameter("at least 1", param_hint="--workers")
    if workers > 1 and cli.engine.dialect.name == "sqlite":
        click.echo(
            f"trustfund serve: SQLite has one writer at a time; running 1 worker, not {workers} "
            "(use PostgreSQL to spread payments over several processes).",
            err=True,
        )
        workers = 1
    if not no_upgrade:
        upgrade(cli.engine)
    refused = catch_up_all_mirrors(cli.session_factory, cli.settings)
    if refused:  # the app would refuse at start-up too; say why before starting workers
        raise click.ClickException(
            f"ledger mirror ahead of or different from the database: {', '.join(refused)} "
            "(left alone). Inspect the file (trustfund ledger verify / check), then run "
            "trustfund ledger sync --force ESTATE."
        )
    cli.settings.resolved_secret_key()  # create it once, before workers race for it
    uvicorn.run(
        "trustfund.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # X-Forwarded-For only from TRUSTFUND_TRUSTED_PROXIES (none by default)
        proxy_headers=bool(cli.settings.trusted_proxies),
        forwarded_allow_ips=cli.settings.trusted_proxies or None,
        access_log=False,
    )
