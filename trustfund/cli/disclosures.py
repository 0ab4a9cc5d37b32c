"""``trustfund`` commands for disclosures (to be filled by the disclosures work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
