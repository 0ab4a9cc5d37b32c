"""Demo step: open the books of youhe (游河小区) with its opening balances on 2026-01-01."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.journal.service import open_books
from trustfund.settings import Settings

OPENING_DATE = date(2026, 1, 1)
OPENING_BALANCES = {
    "electricity": Decimal("3120.50"),
    "maintenance": Decimal("12480.00"),
    "garbage": Decimal("2310.00"),
    "autonomy": Decimal("5000.00"),
}


def run(session: Session, settings: Settings) -> str:
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    if estate is None:
        return "no estate youhe: skipped"
    open_books(session, estate.id, on=OPENING_DATE, opening_balances=OPENING_BALANCES)
    total = sum(OPENING_BALANCES.values(), Decimal("0.00"))
    return f"books of youhe open since {OPENING_DATE}, opening balances {total} CNY"
