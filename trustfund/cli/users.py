"""``trustfund`` commands for users (to be filled by the users work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
