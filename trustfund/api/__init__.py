"""HTTP API under ``/api/v1``, ``/health`` and the web pages. ``ROUTE_HANDLERS`` lists every controller
once; nothing imports this package except ``trustfund.app``."""

from __future__ import annotations

from typing import Any

from trustfund.api import auth, estates, fees, ledger, public
from trustfund.api.health import HealthController
from trustfund.web import pages

ROUTE_HANDLERS: list[Any] = [
    HealthController,
    *auth.CONTROLLERS,
    *estates.CONTROLLERS,
    *ledger.CONTROLLERS,
    *fees.CONTROLLERS,
    *public.CONTROLLERS,
    *pages.CONTROLLERS,
]
