"""Controllers for auth (to be filled by the auth work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
