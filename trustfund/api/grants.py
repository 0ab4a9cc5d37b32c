"""Controllers for the autonomy fund (to be filled by the grants work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
