"""Demo step: the 2026 service fee of youhe (游河小区).

The steward submits the 2026 schedule (electricity 50.00, maintenance 90.00, garbage 60.00 =
200.00; vacant households pay 50 %), committee member ``committee1`` approves it, charges are
issued, and the year's payments are recorded: about 91 % of occupied and 86 % of vacant
households paid in full, a few paid part, some paid for a neighbour too (one payment, one
receipt per household); cash, WeChat, Alipay and bank transfers; the steward deposits cash at
each month's end; one household that moved out gets a refund and one receipt entered twice is
voided, each requested by the steward and approved by ``committee1``. Seeded, so every
fresh run gives the same data.

Safe to run twice: each part is skipped when it exists (the schedule, charges, payments).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.approvals import Decision
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Principal
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate, Household, HouseholdOccupancy, Occupancy
from trustfund.db.models.fees import FeeCharge, FeeReceipt
from trustfund.estates.service import today_in
from trustfund.fees import refunds
from trustfund.fees.charges import issue_charges
from trustfund.fees.deposits import deposit_cash
from trustfund.fees.payments import pay
from trustfund.fees.refunds import ask_refund, ask_void
from trustfund.fees.schedule import approve_schedule, find_schedule, is_approved, save_schedule
from trustfund.fees.schemas import (
    AllocationIn,
    ComponentIn,
    DepositIn,
    PaymentIn,
    RefundIn,
    ScheduleIn,
)
from trustfund.settings import Settings

FEE_YEAR = 2026
SCHEDULE = ScheduleIn(
    components=[
        ComponentIn(fund="electricity", name="公共电费", amount="50.00"),
        ComponentIn(fund="maintenance", name="公共设施维护", amount="90.00"),
        ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
    ],
    vacancy_rule="percent",
    vacancy_percent="50",
)
PAID_OCCUPIED = 0.91
PAID_VACANT = 0.86
PARTIAL = 0.03
METHODS = (("cash", 35), ("wechat", 30), ("alipay", 20), ("bank_transfer", 15))
FIRST_DAY = date(2026, 1, 5)
LAST_DAY = date(2026, 11, 20)


def _user_id(session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username))


def run(session: Session, settings: Settings) -> str:
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    if estate is None:
        return "no estate youhe: skipped"
    steward = _user_id(session, "steward")
    committee = _user_id(session, "committee1")
    schedule = find_schedule(session, estate.id, FEE_YEAR)
    if schedule is None:
        schedule = save_schedule(session, estate.id, FEE_YEAR, SCHEDULE, actor_user_id=steward)
    if not is_approved(schedule):
        approve_schedule(
            session,
            estate.id,
            FEE_YEAR,
            content_hash=schedule.content_hash,
            actor_user_id=committee,
        )
    issued = issue_charges(session, estate.id, FEE_YEAR)
    done = session.scalar(select(FeeReceipt.id).where(FeeReceipt.estate_id == estate.id).limit(1))
    if done is not None:
        return f"fees {FEE_YEAR}: schedule approved, {issued.issued} new charges, payments exist"
    last_day = min(LAST_DAY, today_in(estate) - timedelta(days=1))
    counts = _payments(session, estate, steward, last_day)
    return (
        f"fees {FEE_YEAR}: schedule approved by committee1, {issued.issued} charges "
        f"({issued.occupied} occupied, {issued.vacant} vacant), {counts['receipts']} receipts in "
        f"{counts['payments']} payments ({counts['partial']} partial), {counts['deposits']} "
        "deposits, 1 refund, 1 void"
    )


def _payments(
    session: Session, estate: Estate, steward: int | None, last_day: date
) -> dict[str, int]:
    rng = random.Random(20260101)  # noqa: S311 — reproducible demo data
    rows = session.execute(
        select(Household.code, FeeCharge.vacant, FeeCharge.amount)
        .join(FeeCharge, FeeCharge.household_id == Household.id)
        .where(FeeCharge.estate_id == estate.id, FeeCharge.fee_year == FEE_YEAR)
        .order_by(Household.code)
    ).all()
    span = (last_day - FIRST_DAY).days
    plans: list[tuple[date, str, list[tuple[str, Decimal]]]] = []
    for code, vacant, amount in rows:
        if rng.random() >= (PAID_VACANT if vacant else PAID_OCCUPIED):
            if rng.random() < PARTIAL * 10:  # some of the others paid part
                part = (amount * Decimal(rng.choice(("0.25", "0.5", "0.75")))).quantize(
                    Decimal("0.01")
                )
                plans.append((_day(rng, span), _method(rng), [(code, part)]))
            continue
        # early payers dominate: the prepaid collection happens in the first months
        plans.append((_day(rng, span), _method(rng), [(code, amount)]))
    # some payers pay for a neighbour too: merge a few pairs into one payment
    rng.shuffle(plans)
    merged: list[tuple[date, str, list[tuple[str, Decimal]]]] = []
    i = 0
    while i < len(plans):
        if i + 1 < len(plans) and rng.random() < 0.04:
            day, method, allocs = plans[i]
            merged.append((day, method, allocs + plans[i + 1][2]))
            i += 2
        else:
            merged.append(plans[i])
            i += 1
    merged.sort(key=lambda p: (p[0], p[2][0][0]))

    counts = {"payments": 0, "receipts": 0, "partial": 0, "deposits": 0}
    month = FIRST_DAY.month
    for day, method, allocs in merged:
        while day.month != month:  # month end: deposit the cash collected
            counts["deposits"] += _deposit(session, estate, steward, _month_end(month))
            month += 1
        total = sum((a for _, a in allocs), Decimal("0.00"))
        result = pay(
            session,
            estate.id,
            PaymentIn(
                method=method,  # type: ignore[arg-type]
                amount=str(total),
                paid_on=day,
                allocations=[
                    AllocationIn(household_code=c, fee_year=FEE_YEAR, amount=str(a))
                    for c, a in allocs
                ],
            ),
            actor_user_id=steward,
        )
        counts["payments"] += 1
        counts["receipts"] += len(result["receipts"])
        counts["partial"] += sum(
            1 for _, a in allocs if a not in (Decimal("200.00"), Decimal("100.00"))
        )
    # collection over: the steward deposits what is left, change and all (cash held more
    # than 40 days raises the oversight alert ``cash_held``)
    counts["deposits"] += _deposit(session, estate, steward, last_day, change=False)
    _refund_and_void(session, estate, steward, merged, last_day)
    return counts


def _day(rng: random.Random, span: int) -> date:
    # a triangular distribution leaning to the start of the year
    return FIRST_DAY + timedelta(days=int(rng.triangular(0, span, 0)))


def _method(rng: random.Random) -> str:
    return rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]


def _month_end(month: int) -> date:
    nxt = date(FEE_YEAR + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _deposit(
    session: Session, estate: Estate, steward: int | None, on: date, *, change: bool = True
) -> int:
    """Deposit the cash held, in hundreds (``change``: the steward keeps the small change
    for the next month's deposit) or all of it."""
    from trustfund.fees.deposits import cash_balance

    held = cash_balance(session, estate.id)
    amount = (held // 100) * 100 if change else held
    if amount <= 0:
        return 0
    deposit_cash(
        session,
        estate.id,
        DepositIn(amount=str(amount.quantize(Decimal("0.01"))), deposited_on=on, reference="存款"),
        actor_user_id=steward,
        idempotency_key=None,
    )
    return 1


def _people(session: Session, steward: int | None) -> tuple[int, Principal]:
    """The steward, who requests, and committee1, who approves."""
    approver_id = _user_id(session, "committee1")
    assert steward is not None and approver_id is not None, "the demo estate has its people"
    principal = load_principal(session, approver_id)
    assert principal is not None
    return steward, principal


def _approve(session: Session, estate: Estate, request_id: int, by: Principal, on: date) -> None:
    """A committee member approves; the demo replays history, so the posting is dated ``on``
    (the API dates it the day of the decision)."""
    refunds.decide(
        session,
        estate.id,
        request_id,
        principal=by,
        decision=Decision.APPROVE,
        reason=None,
        on=on,
    )


def _refund_and_void(
    session: Session,
    estate: Estate,
    steward: int | None,
    plans: list[tuple[date, str, list[tuple[str, Decimal]]]],
    last_day: date,
) -> None:
    # A household that moved out in 2026 and paid in full gets half its fee back.
    movers = set(
        session.scalars(
            select(Household.code)
            .join(HouseholdOccupancy, HouseholdOccupancy.household_id == Household.id)
            .where(
                Household.estate_id == estate.id,
                HouseholdOccupancy.status == Occupancy.VACANT,
                HouseholdOccupancy.effective_from > date(FEE_YEAR, 1, 1),
            )
        )
    )
    paid_full = [
        (day, code)
        for day, _, allocs in plans
        for code, amount in allocs
        if code in movers and amount == Decimal("200.00")
    ]
    steward_id, approver = _people(session, steward)
    if paid_full:
        day, code = min(paid_full)
        asked = ask_refund(
            session,
            estate.id,
            RefundIn(
                household_code=code,
                fee_year=FEE_YEAR,
                amount="100.00",
                method="bank_transfer",
                reason="年中搬离，退还半年费用",
            ),
            actor_user_id=steward_id,
        )
        _approve(session, estate, asked.id, approver, min(last_day, max(day, date(FEE_YEAR, 7, 1))))
    # The last single WeChat receipt was issued with the wrong payment method noted by the
    # payer: void it and issue a new one for the same money.
    day, _, allocs = next(p for p in reversed(plans) if p[1] == "wechat" and len(p[2]) == 1)
    code, amount = allocs[0]
    receipt_no = session.scalar(
        select(FeeReceipt.receipt_no)
        .join(Household, Household.id == FeeReceipt.household_id)
        .where(Household.code == code, FeeReceipt.fee_year == FEE_YEAR)
    )
    assert receipt_no is not None
    asked = ask_void(
        session, estate.id, receipt_no, "收据抬头有误，作废后重开", actor_user_id=steward_id
    )
    _approve(session, estate, asked.id, approver, day)
    pay(
        session,
        estate.id,
        PaymentIn(
            method="wechat",
            amount=str(amount),
            paid_on=day,
            allocations=[AllocationIn(household_code=code, fee_year=FEE_YEAR, amount=str(amount))],
        ),
        actor_user_id=steward,
    )
