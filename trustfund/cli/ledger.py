"""``trustfund`` commands for ledger (to be filled by the ledger work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
