"""Fee services against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household, HouseholdOccupancy, Occupancy
from trustfund.db.models.fees import FeeCharge, FeeReceipt
from trustfund.errors import ConflictError, PermissionDeniedError, ValidationError
from trustfund.fees.charges import issue_charges
from trustfund.fees.deposits import cash_on_hand, deposit_cash
from trustfund.fees.owed import outstanding_by_fund
from trustfund.fees.payments import record_payment
from trustfund.fees.prepaid import recognise_prepaid
from trustfund.fees.schedule import approve_schedule, get_schedule, save_schedule
from trustfund.fees.schemas import (
    AllocationIn,
    ComponentIn,
    DepositIn,
    PaymentIn,
    RefundIn,
    ScheduleIn,
)
from trustfund.journal.service import account_balances, fund_balances

from .helpers import COMMITTEE, DEMO_COMPONENTS, STEWARD, approved_schedule, make_fee_estate
from .money_back import refund, void

D = Decimal


def _pay(
    session: Session,
    estate_id: int,
    *allocs: tuple[str, int, str],
    method: str = "cash",
    paid_on: date = date(2026, 3, 1),
    key: str | None = None,
) -> dict:
    total = sum(D(a) for _, _, a in allocs)
    data = PaymentIn(
        method=method,  # type: ignore[arg-type]
        amount=str(total),
        paid_on=paid_on,
        allocations=[AllocationIn(household_code=c, fee_year=y, amount=a) for c, y, a in allocs],
    )
    result, _ = record_payment(session, estate_id, data, actor_user_id=STEWARD, idempotency_key=key)
    return result


def _codes(session: Session, estate_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Household.code).where(Household.estate_id == estate_id).order_by(Household.id)
        )
    )


def test_schedule_four_eyes_and_edit_voids_approval(session: Session) -> None:
    estate = make_fee_estate(session)
    data = ScheduleIn(components=DEMO_COMPONENTS, vacancy_rule="percent", vacancy_percent="50")
    schedule = save_schedule(session, estate.id, 2026, data, actor_user_id=STEWARD)
    first_hash = schedule.content_hash
    with pytest.raises(PermissionDeniedError):
        approve_schedule(session, estate.id, 2026, content_hash=first_hash, actor_user_id=STEWARD)
    with pytest.raises(ConflictError):  # charges need an approved schedule
        issue_charges(session, estate.id, 2026)
    approve_schedule(session, estate.id, 2026, content_hash=first_hash, actor_user_id=COMMITTEE)
    assert get_schedule(session, estate.id, 2026).status == "approved"
    # an edit returns it to draft; the old approval does not carry over
    edited = ScheduleIn(components=DEMO_COMPONENTS, vacancy_rule="percent", vacancy_percent="40")
    schedule = save_schedule(session, estate.id, 2026, edited, actor_user_id=STEWARD)
    assert schedule.status == "draft" and schedule.content_hash != first_hash
    with pytest.raises(ConflictError):  # approving what one reviewed before the edit
        approve_schedule(session, estate.id, 2026, content_hash=first_hash, actor_user_id=COMMITTEE)
    approve_schedule(
        session, estate.id, 2026, content_hash=schedule.content_hash, actor_user_id=COMMITTEE
    )
    issue_charges(session, estate.id, 2026)
    with pytest.raises(ConflictError):  # no edits once charged
        save_schedule(session, estate.id, 2026, data, actor_user_id=STEWARD)


def test_schedule_validation_names_fields(session: Session) -> None:
    estate = make_fee_estate(session)
    bad = ScheduleIn(
        components=[
            ComponentIn(fund="electricity", name="电", amount="50.001"),
            ComponentIn(fund="parking", name="停车", amount="10.00"),
            ComponentIn(fund="garbage", name="垃圾", amount="-1.00"),
        ],
        vacancy_rule="percent",
        vacancy_percent="120",
    )
    with pytest.raises(ValidationError) as info:
        save_schedule(session, estate.id, 2026, bad, actor_user_id=STEWARD)
    fields = {e.field for e in info.value.errors}
    assert fields == {
        "components[0].amount",
        "components[1].fund",
        "components[2].amount",
        "vacancy_percent",
    }


def test_charges_follow_new_year_occupancy(session: Session) -> None:
    estate = make_fee_estate(session, households=3, vacant=1)
    hs = list(
        session.scalars(
            select(Household).where(Household.estate_id == estate.id).order_by(Household.id)
        )
    )
    # household 0 moves out in March: still charged as occupied for 2026
    session.add(
        HouseholdOccupancy(
            household_id=hs[0].id, status=Occupancy.VACANT, effective_from=date(2026, 3, 1)
        )
    )
    # household 2 (vacant) moves in on 1 January: charged as occupied
    session.add(
        HouseholdOccupancy(
            household_id=hs[2].id, status=Occupancy.OCCUPIED, effective_from=date(2026, 1, 1)
        )
    )
    session.commit()
    approved_schedule(session, estate.id, 2026)
    result = issue_charges(session, estate.id, 2026)
    assert (result.issued, result.occupied, result.vacant) == (3, 3, 0)
    again = issue_charges(session, estate.id, 2026)
    assert again.issued == 0 and again.already == 3
    approved_schedule(session, estate.id, 2027)
    r27 = issue_charges(session, estate.id, 2027)
    assert (r27.occupied, r27.vacant) == (2, 1)  # the March move-out counts from 2027
    amounts = sorted(
        c.amount for c in session.scalars(select(FeeCharge).where(FeeCharge.fee_year == 2027))
    )
    assert amounts == [D("100.00"), D("200.00"), D("200.00")]


def test_partial_payments_overpayment_and_receipts(session: Session) -> None:
    estate = make_fee_estate(session, households=3, vacant=1)
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    a, b, vac = _codes(session, estate.id)
    p1 = _pay(session, estate.id, (a, 2026, "33.33"))
    assert p1["receipts"][0]["receipt_no"] == "2026-000001"
    assert {x["fund"]: x["amount"] for x in p1["receipts"][0]["lines"]} == {
        "electricity": "8.33",
        "maintenance": "15.00",
        "garbage": "10.00",
    }
    # one payer, two households, one receipt each
    p2 = _pay(session, estate.id, (a, 2026, "166.67"), (vac, 2026, "100.00"), method="wechat")
    assert [r["receipt_no"] for r in p2["receipts"]] == ["2026-000002", "2026-000003"]
    assert outstanding_by_fund(
        session, session.scalar(select(Household.id).where(Household.code == a)), 2026
    ) == {"electricity": D("0.00"), "maintenance": D("0.00"), "garbage": D("0.00")}
    with pytest.raises(ValidationError) as info:
        _pay(session, estate.id, (b, 2026, "150.00"), (a, 2026, "0.01"))
    assert info.value.errors[0].field == "allocations[1].amount"
    assert a in info.value.errors[0].reason and "0.00" in info.value.errors[0].reason
    assert session.scalar(select(FeeReceipt).where(FeeReceipt.receipt_no == "2026-000004")) is None
    p3 = _pay(session, estate.id, (b, 2026, "150.00"))
    assert p3["receipts"][0]["receipt_no"] == "2026-000004"  # the failed attempt used no number
    funds = fund_balances(session, estate.id)
    assert funds["electricity"] == D("50.00") + D("25.00") + D("37.50")
    assert funds["electricity"] + funds["maintenance"] + funds["garbage"] == D("450.00")
    balances = account_balances(session, estate.id)
    assert balances["Assets:Cash:Steward"] == D("183.33")
    assert balances["Assets:Bank:Committee"] == D("266.67")


def test_void_refund_deposit_keep_funds_exact(session: Session) -> None:
    estate = make_fee_estate(session, households=2, vacant=0)
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    a, b = _codes(session, estate.id)
    _pay(session, estate.id, (a, 2026, "200.00"), paid_on=date(2026, 2, 1))
    _pay(session, estate.id, (b, 2026, "120.00"), paid_on=date(2026, 2, 3))
    assert cash_on_hand(session, estate.id) == {"cash": "320.00", "since": "2026-02-01"}
    # void b's receipt: number stays, marked void with its reason
    voided = void(session, estate.id, "2026-000002", reason="录入错误", on=date(2026, 2, 4))
    assert voided["status"] == "void" and voided["void_reason"] == "录入错误"
    assert voided["receipt_no"] == "2026-000002"
    with pytest.raises(ConflictError):
        void(session, estate.id, "2026-000002", reason="again", on=date(2026, 2, 4))
    session.rollback()
    deposit_cash(
        session,
        estate.id,
        DepositIn(amount="150.00", deposited_on=date(2026, 2, 5)),
        actor_user_id=STEWARD,
        idempotency_key="dep-1",
    )
    assert cash_on_hand(session, estate.id) == {"cash": "50.00", "since": "2026-02-01"}
    with pytest.raises(ValidationError):
        deposit_cash(
            session,
            estate.id,
            DepositIn(amount="50.01"),
            actor_user_id=STEWARD,
            idempotency_key="dep-2",
        )
    # a cash receipt whose cash was deposited cannot be voided (refund instead)
    with pytest.raises(ConflictError):
        void(session, estate.id, "2026-000001", reason="x", on=date(2026, 2, 6))
    session.rollback()
    # refund part of a's money by bank, proportionally; more than paid is refused
    with pytest.raises(ValidationError):
        refund(
            session,
            estate.id,
            RefundIn(
                household_code=a,
                fee_year=2026,
                amount="200.01",
                method="bank_transfer",
                reason="搬离",
            ),
            on=date(2026, 6, 1),
        )
    session.rollback()
    r = refund(
        session,
        estate.id,
        RefundIn(
            household_code=a,
            fee_year=2026,
            amount="100.01",
            method="bank_transfer",
            reason="搬离",
        ),
        on=date(2026, 6, 1),
    )
    assert sum(D(x["amount"]) for x in r["lines"]) == D("100.01")
    funds = fund_balances(session, estate.id)
    assert funds["electricity"] + funds["maintenance"] + funds["garbage"] == D("99.99")
    # per component: a paid 50/90/60 and got back 25.00/45.01/30.00 (largest remainder)
    assert (funds["electricity"], funds["maintenance"], funds["garbage"]) == (
        D("25.00"),
        D("44.99"),
        D("30.00"),
    )
    balances = account_balances(session, estate.id)
    assert balances["Assets:Bank:Committee"] == D("150.00") - D("100.01")
    assert balances["Assets:Cash:Steward"] == D("50.00")


def test_prepaid_money_becomes_income_when_the_year_opens(session: Session) -> None:
    estate = make_fee_estate(session, households=2, vacant=1)
    approved_schedule(session, estate.id, 2025)
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    a, vac = _codes(session, estate.id)
    _pay(
        session,
        estate.id,
        (a, 2026, "200.00"),
        (vac, 2026, "100.00"),
        method="alipay",
        paid_on=date(2025, 12, 1),
    )
    balances = account_balances(session, estate.id)
    assert balances["Liabilities:Prepaid:Fees"] == D("-300.00")
    assert not any(fund_balances(session, estate.id).values())
    refund(
        session,
        estate.id,
        RefundIn(
            household_code=vac,
            fee_year=2026,
            amount="10.00",
            method="bank_transfer",
            reason="多收",
        ),
        on=date(2025, 12, 20),
    )
    with pytest.raises(ValidationError):
        recognise_prepaid(session, estate.id, 2026, on=date(2025, 12, 31))
    result = recognise_prepaid(session, estate.id, 2026)
    assert result["amount"] == "290.00"
    assert "Liabilities:Prepaid:Fees" not in account_balances(session, estate.id)
    funds = fund_balances(session, estate.id)
    assert (funds["electricity"], funds["maintenance"], funds["garbage"]) == (
        D("72.50"),
        D("130.50"),
        D("87.00"),
    )
    assert recognise_prepaid(session, estate.id, 2026)["receipts"] == 0
    with pytest.raises(ConflictError):  # recognised prepaid money is refunded, not voided
        void(session, estate.id, "2025-000001", reason="x")
    session.rollback()


def test_replayed_payment_pays_once(session: Session) -> None:
    estate = make_fee_estate(session, households=1, vacant=0)
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    (a,) = _codes(session, estate.id)
    first = _pay(session, estate.id, (a, 2026, "50.00"), key="k-1")
    again = _pay(session, estate.id, (a, 2026, "50.00"), key="k-1")
    assert first == again
    assert len(session.scalars(select(FeeReceipt)).all()) == 1
    from trustfund.errors import IdempotencyConflictError

    with pytest.raises(IdempotencyConflictError):
        _pay(session, estate.id, (a, 2026, "60.00"), key="k-1")
