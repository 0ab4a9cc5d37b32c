"""Controllers for disclosures (to be filled by the disclosures work)."""

from __future__ import annotations

from typing import Any

CONTROLLERS: list[Any] = []
