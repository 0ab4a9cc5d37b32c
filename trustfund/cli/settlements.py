"""``trustfund`` commands for settlements (to be filled by the settlements work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
