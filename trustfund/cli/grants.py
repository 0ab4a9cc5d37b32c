"""``trustfund`` commands for the autonomy fund (to be filled by the grants work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
