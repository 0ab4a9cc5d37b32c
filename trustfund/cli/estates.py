"""``trustfund`` commands for estates (to be filled by the estates work)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
