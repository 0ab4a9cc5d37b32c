"""Controllers for estates (to be filled by the estates work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
