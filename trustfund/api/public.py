"""Controllers for public (to be filled by the public work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
