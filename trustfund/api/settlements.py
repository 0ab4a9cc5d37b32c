"""Controllers for settlements (to be filled by the settlements work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
