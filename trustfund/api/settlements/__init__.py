"""Settlements: contractors, contracts, reference prices, the repair register, claims and
payouts, vouchers, goods, and the expense detail table — one module per seam.

Staff routes live under ``/api/v1/estates/{estate_slug}``: the steward writes
(Action.RECORD), the committee decides (Action.APPROVE; decisions on claims and contracts
go through ``trustfund.api.approvals``), staff read (Action.READ). Routes that move money
take an ``Idempotency-Key``. Residents read the expense table and public vouchers under
``/api/v1/public/estates/{estate_slug}``.
"""

from __future__ import annotations

from typing import Any

from trustfund.api.settlements import claims, contracts, goods, payouts, vouchers, workorders

CONTROLLERS: list[Any] = [
    contracts.ContractsController,
    workorders.WorkOrdersController,
    claims.ClaimsController,
    payouts.PayoutsController,
    vouchers.VouchersController,
    goods.GoodsController,
    payouts.PublicExpensesController,
    vouchers.PublicVouchersController,
]
