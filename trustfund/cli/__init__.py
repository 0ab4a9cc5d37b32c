"""The ``trustfund`` command line. Each domain adds its commands in its own module here
(``COMMANDS``); ``main`` only assembles them."""

from __future__ import annotations

import click

from trustfund.cli import (
    backup,
    bank,
    books,
    db,
    demo,
    disclosures,
    estates,
    fees,
    grants,
    ledger,
    serve,
    settlements,
    users,
)
from trustfund.cli.context import CliContext


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """trustfund — fund and fee accounting for trust-model (信托制) estates.

    Settings come from TRUSTFUND_* environment variables (see README).
    """
    ctx.obj = CliContext()


for command in (
    serve.serve,
    db.db,
    *users.COMMANDS,
    *estates.COMMANDS,
    *ledger.COMMANDS,
    *books.COMMANDS,
    *bank.COMMANDS,
    *fees.COMMANDS,
    *settlements.COMMANDS,
    *grants.COMMANDS,
    *disclosures.COMMANDS,
    *demo.COMMANDS,
    *backup.COMMANDS,
):
    main.add_command(command)
