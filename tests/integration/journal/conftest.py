from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Building, Estate, Household, Site
from trustfund.journal import service
from trustfund.ledger.accounts import BANK, Fund, expense_account, fee_income_account
from trustfund.ledger.entries import EntryDraft, Leg

OPENING = {
    "electricity": Decimal("3120.50"),
    "maintenance": Decimal("12480.00"),
    "garbage": Decimal("2310.00"),
    "autonomy": Decimal("5000.00"),
}


def make_estate(session: Session, slug: str = "youhe", name: str = "游河小区") -> Estate:
    estate = Estate(slug=slug, name=name, address="", community="", street_office="")
    session.add(estate)
    session.flush()
    site = Site(estate_id=estate.id, code="S1", name="一区")
    session.add(site)
    session.flush()
    building = Building(estate_id=estate.id, site_id=site.id, number="3")
    session.add(building)
    session.flush()
    session.add(
        Household(
            estate_id=estate.id,
            building_id=building.id,
            entrance="1",
            room="101",
            code="H-7K2Q9D",
            owner_name="张伟明",
            phone="021-6234 5678",
        )
    )
    session.flush()
    return estate


@pytest.fixture
def estate(session: Session) -> Estate:
    estate = make_estate(session)
    service.open_books(session, estate.id, on=date(2026, 1, 1), opening_balances=OPENING)
    session.commit()
    return estate


def fee_payment(on: date, total: str = "200.00", household: str = "H-7K2Q9D") -> EntryDraft:
    parts = {"electricity": "50.00", "maintenance": "90.00", "garbage": "60.00"}
    scale = Decimal(total) / Decimal("200.00")
    legs = [Leg(BANK, Decimal(total))]
    legs += [
        Leg(fee_income_account(Fund(f)), -(Decimal(a) * scale).quantize(Decimal("0.01")))
        for f, a in parts.items()
    ]
    return EntryDraft(
        date=on,
        narration="2026年度综合服务费",
        legs=tuple(legs),
        meta={"household": household},
        kind="fee_payment",
    )


def payout(on: date, fund: str, amount: str, item: str = "Repairs") -> EntryDraft:
    return EntryDraft(
        date=on,
        narration="楼道灯维修",
        payee="某某维修公司",
        legs=(Leg(expense_account(fund, item), Decimal(amount)), Leg(BANK, -Decimal(amount))),
        kind="payout",
    )
