"""Controllers for ledger (to be filled by the ledger work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
