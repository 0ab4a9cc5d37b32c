"""Staff pages for stewards, committees, supervisors and administrators (Chinese,
phone-first). One router holds them so that application errors render as HTML pages here,
not as problem JSON: ``ROUTER``."""

from __future__ import annotations

from typing import Any

from litestar import Router

from trustfund.web.staff import (
    admin,
    alerts,
    approvals,
    autonomy,
    bank,
    books,
    cashcount,
    claims,
    contractors,
    disclosures,
    entries,
    expenses,
    fees,
    goods,
    home,
    households,
    inquiries,
    leftovers,
    prices,
    refunds,
    schedules,
    vouchers,
    workorders,
)
from trustfund.web.staff.common import EXCEPTION_HANDLERS

HANDLERS: list[Any] = [
    *home.CONTROLLERS,
    *books.CONTROLLERS,
    *bank.CONTROLLERS,
    *entries.CONTROLLERS,
    *cashcount.CONTROLLERS,
    *fees.CONTROLLERS,
    *refunds.CONTROLLERS,
    *households.CONTROLLERS,
    *claims.CONTROLLERS,
    *contractors.CONTROLLERS,
    *workorders.CONTROLLERS,
    *goods.CONTROLLERS,
    *prices.CONTROLLERS,
    *vouchers.CONTROLLERS,
    *expenses.CONTROLLERS,
    *approvals.CONTROLLERS,
    *autonomy.CONTROLLERS,
    *leftovers.CONTROLLERS,
    *schedules.CONTROLLERS,
    *disclosures.CONTROLLERS,
    *inquiries.CONTROLLERS,
    *alerts.CONTROLLERS,
    *admin.CONTROLLERS,
]

ROUTER = Router(path="/", route_handlers=HANDLERS, exception_handlers=EXCEPTION_HANDLERS)
