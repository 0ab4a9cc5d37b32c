"""Controllers for fees (to be filled by the fees work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
