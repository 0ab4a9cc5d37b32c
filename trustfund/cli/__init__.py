"""The ``trustfund`` command line. Each domain adds its commands in its own module here;
``main`` only assembles the groups."""

from __future__ import annotations

import click

from trustfund.cli import db, serve
from trustfund.cli.context import CliContext


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """trustfund — fund and fee accounting for trust-model (信托制) estates.

    Settings come from TRUSTFUND_* environment variables (see README).
    """
    ctx.obj = CliContext()


main.add_command(serve.serve)
main.add_command(db.db)
