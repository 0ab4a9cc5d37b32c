"""``trustfund`` commands for fees (to be filled by the fees work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
