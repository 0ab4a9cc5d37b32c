"""Next year's proposal from actual spend; collection rates as of a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.fees.money_back import void
from trustfund.db.models.estates import Household
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import record_payment
from trustfund.fees.proposal import propose
from trustfund.fees.reports import collection_report, export_xlsx
from trustfund.fees.schemas import AllocationIn, PaymentIn
from trustfund.journal.service import post_entry
from trustfund.ledger.accounts import BANK, expense_account
from trustfund.ledger.entries import EntryDraft, Leg

from .helpers import STEWARD, approved_schedule, make_fee_estate

D = Decimal


def _pay(
    session: Session, estate_id: int, code: str, amount: str, on: date, year: int = 2025
) -> str:
    result, _ = record_payment(
        session,
        estate_id,
        PaymentIn(
            method="bank_transfer",
            amount=amount,
            paid_on=on,
            allocations=[AllocationIn(household_code=code, fee_year=year, amount=amount)],
        ),
        actor_user_id=STEWARD,
        idempotency_key=None,
    )
    return str(result["receipts"][0]["receipt_no"])


def test_proposal_prices_from_average_spend(session: Session) -> None:
    estate = make_fee_estate(session, households=4, vacant=1, since=date(2023, 1, 1))
    approved_schedule(session, estate.id, 2025)
    issue_charges(session, estate.id, 2025)
    codes = list(
        session.scalars(
            select(Household.code).where(Household.estate_id == estate.id).order_by(Household.id)
        )
    )
    for code, amount in zip(codes, ["200.00", "200.00", "100.00", "100.00"]):
        _pay(session, estate.id, code, amount, date(2025, 2, 1))
    # charged 3×200 + 100 = 700, paid 600 → 85.71 % amount rate
    for on, fund, item, amount in [
        (date(2025, 3, 1), "maintenance", "Repairs", "250.00"),
        (date(2025, 4, 1), "electricity", "Bills", "150.00"),
    ]:
        post_entry(
            session,
            estate.id,
            EntryDraft(
                date=on,
                narration="支出",
                legs=(Leg(expense_account(fund, item), D(amount)), Leg(BANK, -D(amount))),
                kind="payout",
            ),
            idempotency_key=f"x-{fund}",
        )
    session.commit()
    result = propose(session, estate.id, 2026, years=3)
    assert result["years"] == [2025]
    assert result["collection_rate"] == "85.71" and result["payers"] == "3.50"
    by_fund = {c["fund"]: c for c in result["components"]}
    # 250 ÷ (3.5 × 85.71 %) = 83.34 → 84 (rounded up); 150 ÷ 3.0 = 50.003 → 51
    assert by_fund["maintenance"]["amount"] == "84.00"
    assert by_fund["electricity"]["amount"] == "51.00"
    assert by_fund["garbage"]["amount"] == "60.00"  # no spend: this year's amount stays
    assert "250.00 ÷ (3.50 × 85.71%)" in by_fund["maintenance"]["calculation"]


def test_rates_as_of_a_date_count_receipts_voided_later(session: Session) -> None:
    estate = make_fee_estate(session, households=3, vacant=1, since=date(2023, 1, 1))
    approved_schedule(session, estate.id, 2025)
    issue_charges(session, estate.id, 2025)
    a, b, vac = session.scalars(
        select(Household.code).where(Household.estate_id == estate.id).order_by(Household.id)
    )
    first = _pay(session, estate.id, a, "200.00", date(2025, 1, 10))
    _pay(session, estate.id, b, "50.00", date(2025, 2, 10))
    _pay(session, estate.id, vac, "100.00", date(2025, 3, 10))
    void(session, estate.id, first, reason="错", on=date(2025, 4, 1))
    march = collection_report(session, estate.id, 2025, as_of=date(2025, 3, 31))
    assert march["overall"]["paid_in_full"] == 2 and march["overall"]["paid"] == "350.00"
    assert march["by_occupancy"]["occupied"]["partial"] == 1
    april = collection_report(session, estate.id, 2025, as_of=date(2025, 4, 30))
    assert april["overall"]["paid"] == "150.00" and april["overall"]["arrears"] == "350.00"
    assert april["by_occupancy"]["vacant"]["household_rate"] == "100.00"
    assert april["by_occupancy"]["occupied"]["household_rate"] == "0.00"
    assert [c["arrears"] for c in april["by_component"]] == [
        "87.50",
        "105.00",
        "157.50",
    ]  # electricity, garbage, maintenance
    assert april["by_building"][0]["building"] == "3"
    assert [t["fee_year"] for t in april["trend"]] == [2025]
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export_xlsx(session, estate.id, 2025, as_of=date(2025, 4, 30))))
    assert wb.sheetnames == ["概览", "按楼栋", "按项目", "历年趋势", "欠费明细"]
    rows = list(wb["欠费明细"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[-1]) for r in rows] == [(a, 200), (b, 150)]
