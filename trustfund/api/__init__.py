"""HTTP API under ``/api/v1`` plus ``/health``. ``ROUTE_HANDLERS`` lists every controller
once; nothing imports this package except ``trustfund.app``."""

from __future__ import annotations

from typing import Any

from trustfund.api import (
    alerts,
    approvals,
    auth,
    bank,
    books,
    disclosures,
    estates,
    fees,
    grants,
    inquiries,
    ledger,
    public,
    settlements,
)
from trustfund.api.health import HealthController

ROUTE_HANDLERS: list[Any] = [
    HealthController,
    *auth.CONTROLLERS,
    *alerts.CONTROLLERS,
    *estates.CONTROLLERS,
    *ledger.CONTROLLERS,
    *books.CONTROLLERS,
    *bank.CONTROLLERS,
    *fees.CONTROLLERS,
    *settlements.CONTROLLERS,
    *approvals.CONTROLLERS,
    *grants.CONTROLLERS,
    *disclosures.CONTROLLERS,
    *inquiries.CONTROLLERS,
    *public.CONTROLLERS,
]
