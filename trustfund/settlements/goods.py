"""Goods in/out slips (物品出入单): goods bought (optionally for a claim), donated in kind
(with an optional estimated value), and issued to a work order; stock per item.

Slips are records, not ledger entries: bought goods are already an expense of the claim that
paid for them, and an in-kind gift's estimated value is a note for the disclosure, not money
in a fund. Issuing locks the item's row (``FOR UPDATE``) so two issues at once cannot take
more than is in stock.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.settlements import (
    Claim,
    GoodsItem,
    GoodsSlip,
    SlipKind,
    WorkOrder,
)
from trustfund.errors import FieldError, ValidationError, raise_if
from trustfund.fields import money, text
from trustfund.ledger.money import money_text
from trustfund.messages import Message
from trustfund.settlements.common import qty_text, quantity
from trustfund.settlements.schemas import GoodsSlipIn, GoodsSlipOut, GoodsStockOut

INBOUND = (SlipKind.PURCHASE, SlipKind.DONATION)


def _stock(session: Session, item_id: int) -> Decimal:
    total = Decimal("0.000")
    for kind, qty in session.execute(
        select(GoodsSlip.kind, GoodsSlip.quantity).where(GoodsSlip.item_id == item_id)
    ):
        total += qty if kind in INBOUND else -qty
    return total


def record_slip(
    session: Session, estate_id: int, data: GoodsSlipIn, *, actor_user_id: int | None
) -> GoodsSlip:
    """Flushes. Raises ValidationError (bad fields, a unit other than the item's, issuing
    more than in stock — field ``quantity``)."""
    errors: list[FieldError] = []
    name = text(data.item, "item", errors, limit=100)
    unit = text(data.unit, "unit", errors, limit=20)
    qty = quantity(data.quantity, "quantity", errors)
    kind = SlipKind(data.kind)
    donor = text(data.donor, "donor", errors, limit=100, required=False)
    note = text(data.note, "note", errors, limit=200, required=False)
    value = None
    if data.estimated_value is not None:
        if kind != SlipKind.DONATION:
            errors.append(
                FieldError("estimated_value", Message("settlements.value_only_for_donations"))
            )
        value = money(data.estimated_value, "estimated_value", errors)
    if kind == SlipKind.DONATION and not donor:
        errors.append(FieldError("donor", Message("settlements.donor_required")))
    if data.claim_id is not None:
        claim = session.get(Claim, data.claim_id)
        if claim is None or claim.estate_id != estate_id:
            errors.append(FieldError("claim_id", Message("settlements.no_such_claim")))
    if data.work_order_id is not None:
        order = session.get(WorkOrder, data.work_order_id)
        if order is None or order.estate_id != estate_id:
            errors.append(FieldError("work_order_id", Message("settlements.no_such_work_order")))
    raise_if(errors, Message("settlements.slip_invalid"))
    item = session.scalars(
        select(GoodsItem)
        .where(GoodsItem.estate_id == estate_id, GoodsItem.name == name)
        .with_for_update()
    ).one_or_none()
    if item is None:
        if kind == SlipKind.ISSUE:
            raise ValidationError.field("quantity", Message("settlements.out_of_stock", name=name))
        item = GoodsItem(estate_id=estate_id, name=name, unit=unit)
        session.add(item)
        session.flush()
    elif item.unit != unit:
        raise ValidationError.field(
            "unit", Message("settlements.goods_unit", name=name, unit=item.unit)
        )
    if kind == SlipKind.ISSUE:
        stock = _stock(session, item.id)
        if qty > stock:
            raise ValidationError.field(
                "quantity",
                Message(
                    "settlements.stock_short", stock=qty_text(stock), unit=item.unit, name=name
                ),
            )
    slip = GoodsSlip(
        estate_id=estate_id,
        item_id=item.id,
        kind=kind,
        quantity=qty,
        slip_date=data.slip_date,
        claim_id=data.claim_id,
        work_order_id=data.work_order_id,
        donor=donor,
        estimated_value=value,
        note=note,
        recorded_by=actor_user_id,
    )
    session.add(slip)
    session.flush()
    return slip


def slip_view(slip: GoodsSlip) -> GoodsSlipOut:
    return {
        "id": slip.id,
        "item": slip.item.name,
        "unit": slip.item.unit,
        "kind": slip.kind.value,
        "direction": "in" if slip.kind in INBOUND else "out",
        "quantity": qty_text(slip.quantity),
        "slip_date": slip.slip_date.isoformat(),
        "claim_id": slip.claim_id,
        "work_order_id": slip.work_order_id,
        "donor": slip.donor,
        "estimated_value": None
        if slip.estimated_value is None
        else money_text(slip.estimated_value),
        "note": slip.note,
    }


def list_slips(session: Session, estate_id: int) -> list[GoodsSlipOut]:
    rows = session.scalars(
        select(GoodsSlip)
        .where(GoodsSlip.estate_id == estate_id)
        .order_by(GoodsSlip.slip_date, GoodsSlip.id)
    )
    return [slip_view(s) for s in rows]


def stock(session: Session, estate_id: int) -> list[GoodsStockOut]:
    """Per item: received, issued, in stock."""
    items = session.scalars(
        select(GoodsItem).where(GoodsItem.estate_id == estate_id).order_by(GoodsItem.name)
    )
    out: list[GoodsStockOut] = []
    for item in items:
        received = issued = Decimal("0.000")
        for kind, qty in session.execute(
            select(GoodsSlip.kind, GoodsSlip.quantity).where(GoodsSlip.item_id == item.id)
        ):
            if kind in INBOUND:
                received += qty
            else:
                issued += qty
        out.append(
            {
                "item": item.name,
                "unit": item.unit,
                "received": qty_text(received),
                "issued": qty_text(issued),
                "in_stock": qty_text(received - issued),
            }
        )
    return out
