"""``trustfund demo``: build the demo estate youhe (游河小区), step by step."""

from __future__ import annotations

import click

from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.migrate import upgrade
from trustfund.db.session import unit_of_work
from trustfund.demo import STEPS


@click.command()
@pass_cli
def demo(cli: CliContext) -> None:
    """Create or complete the demo estate youhe (游河小区). Safe to run twice: each step
    checks what exists and adds only what is missing."""
    upgrade(cli.engine)
    for step in STEPS:
        with cli.session() as session, unit_of_work(session):
            summary = step.run(session, cli.settings)
        click.echo(f"demo: {step.__name__.rsplit('.', 1)[-1]}: {summary}")


COMMANDS: list[click.Command] = [demo]
