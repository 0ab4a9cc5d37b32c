"""Payments (实收), receipts (收据), voids, refunds, cash deposits and prepaid recognition.

Voids and refunds are posted only by the approval of a request (``fees/refunds.py``):
``post_void`` and ``post_refund`` are its building blocks, never a route's.

**One payer, several households.** A payment is the money handed over once (one method,
one date). It is allocated to one or more ``(household, fee year)`` pairs; each allocation
gets **its own receipt** with its own number and its own journal entry. So a receipt always
names exactly one household (what the public verification page shows), and voiding one
household's receipt reverses exactly that household's money.

**Ledger entries** (cash debits ``CASH``; WeChat, Alipay and bank transfers debit ``BANK``)::

    2026-03-02 * "2026年度综合服务费 收据2026-000001"
      household: "H-7K2Q9D"
      receipt: "2026-000001"
      fee-year: "2026"
      Assets:Cash:Steward          200.00 CNY
      Income:Fees:Electricity      -50.00 CNY
      Income:Fees:Maintenance      -90.00 CNY
      Income:Fees:Garbage          -60.00 CNY

Money for a fee year that has not started is credited to ``Liabilities:Prepaid:Fees``
instead, and ``recognise_prepaid`` moves it to income when the year opens. A partial payment
is split over the components in proportion to what is still outstanding on each
(``split_exact``), so paying the rest later pays every component exactly.

Receipt numbers ``YYYY-NNNNNN`` are gapless per estate and calendar year of the payment date:
a payment is checked first (what each household owes is read with its charge rows locked, so
two payments of one household queue there), and only then are the estate's locks taken, always
in the same order: the receipt counter (``UPDATE … RETURNING`` on its row), then the ledger
head (``post_entry``). The number is taken in the same transaction as the entry — a failed
payment rolls its number back, and a refused one never takes one. (SQLite transactions are
``BEGIN IMMEDIATE``, which serialises every writer anyway.)
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Table, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Building, Estate, Household
from trustfund.db.models.fees import (
    CashDeposit,
    FeeCharge,
    FeeChargeLine,
    FeePayment,
    FeeReceipt,
    FeeReceiptCounter,
    FeeReceiptLine,
    FeeRefund,
    FeeRefundLine,
    PaymentMethod,
    ReceiptStatus,
)
from trustfund.db.session import command, is_postgres
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError, raise_if
from trustfund.fees.common import (
    MAX_FEE_YEAR,
    MIN_FEE_YEAR,
    HouseholdRef,
    check_fee_year,
    get_estate,
    households_by_code,
    local_today,
    parse_money,
)
from trustfund.fees.rules import (
    METHOD_LABELS,
    allocate,
    fee_year_start,
    format_receipt_no,
    mask_household,
)
from trustfund.fees.schemas import (
    CashOut,
    DepositIn,
    DepositOut,
    HouseholdAccountOut,
    PaymentIn,
    PaymentOut,
    PrepaidRecognisedOut,
    PublicReceiptOut,
    ReceiptOut,
    RefundOut,
)
from trustfund.journal.idempotency import (
    check_key,
    claim_keys,
    digest_of,
    replay_of,
    result_text,
    run_idempotent,
    store_result_statement,
    store_results,
)
from trustfund.journal.service import (
    OPENED_ACCOUNTS,
    account_balances,
    opened_accounts,
    post_entries,
    post_entry,
    reverse_entry,
)
from trustfund.ledger.accounts import BANK, CASH, PREPAID_FEES, Fund, fee_income_account
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

METHOD_NAMES_ZH = METHOD_LABELS


def money_account(method: PaymentMethod) -> str:
    """Where the money lands: the steward's cash, or the committee's bank account."""
    return CASH if method == PaymentMethod.CASH else BANK


# --- what a household owes and has paid --------------------------------------------------


def charged_by_fund(session: Session, household_id: int, fee_year: int) -> dict[str, Decimal]:
    rows = session.execute(
        select(FeeChargeLine.fund, FeeChargeLine.amount)
        .join(FeeCharge, FeeCharge.id == FeeChargeLine.charge_id)
        .where(FeeCharge.household_id == household_id, FeeCharge.fee_year == fee_year)
    )
    return {fund: amount for fund, amount in rows}


def paid_by_fund(session: Session, household_id: int, fee_year: int) -> dict[str, Decimal]:
    """Net money kept per fund: valid receipts minus refunds."""
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for fund, amount in session.execute(
        select(FeeReceiptLine.fund, func.sum(FeeReceiptLine.amount))
        .join(FeeReceipt, FeeReceipt.id == FeeReceiptLine.receipt_id)
        .where(
            FeeReceipt.household_id == household_id,
            FeeReceipt.fee_year == fee_year,
            FeeReceipt.status == ReceiptStatus.VALID,
        )
        .group_by(FeeReceiptLine.fund)
    ):
        paid[fund] += Decimal(amount)
    for fund, amount in session.execute(
        select(FeeRefundLine.fund, func.sum(FeeRefundLine.amount))
        .join(FeeRefund, FeeRefund.id == FeeRefundLine.refund_id)
        .where(FeeRefund.household_id == household_id, FeeRefund.fee_year == fee_year)
        .group_by(FeeRefundLine.fund)
    ):
        paid[fund] -= Decimal(amount)
    return {f: a.quantize(Decimal("0.01")) for f, a in paid.items()}


def outstanding_by_fund(
    session: Session, household_id: int, fee_year: int
) -> dict[str, Decimal] | None:
    """``None`` if the household has no charge for the year."""
    charged = charged_by_fund(session, household_id, fee_year)
    if not charged:
        has_charge = session.scalar(
            select(FeeCharge.id).where(
                FeeCharge.household_id == household_id, FeeCharge.fee_year == fee_year
            )
        )
        return {} if has_charge else None
    paid = paid_by_fund(session, household_id, fee_year)
    return {f: charged[f] - paid.get(f, ZERO) for f in charged}


def outstanding_many(
    session: Session, pairs: Iterable[tuple[int, int]], *, lock: bool = False
) -> dict[tuple[int, int], dict[str, Decimal]]:
    """``outstanding_by_fund`` for several ``(household id, fee year)`` pairs in two
    statements; pairs without a charge are missing from the answer. ``lock`` locks the
    pairs' charge rows (``FOR UPDATE`` on PostgreSQL, in id order) before the money paid is
    read, so two payments of one household and year cannot both pass the overpayment check."""
    wanted = sorted(set(pairs))
    answer: dict[tuple[int, int], dict[str, Decimal]] = {}
    for start in range(0, len(wanted), 500):  # bound the statement's parameters
        answer.update(_outstanding_chunk(session, wanted[start : start + 500], lock=lock))
    return answer


def _pairs_filter(
    household_id: InstrumentedAttribute[int], fee_year: InstrumentedAttribute[int]
) -> list[ColumnElement[bool]]:
    """Rows of the households ``:households`` and years ``:years`` (a superset when several:
    households × years; the caller keeps the pairs it asked for)."""
    return [
        household_id.in_(bindparam("households", expanding=True)),
        fee_year.in_(bindparam("years", expanding=True)),
    ]


# Built once (expanding parameters): every payment runs them.
_CHARGED = (
    select(FeeCharge.household_id, FeeCharge.fee_year, FeeChargeLine.fund, FeeChargeLine.amount)
    .outerjoin(FeeChargeLine, FeeChargeLine.charge_id == FeeCharge.id)
    .where(*_pairs_filter(FeeCharge.household_id, FeeCharge.fee_year))
    .order_by(FeeCharge.id, FeeChargeLine.id)
)
_CHARGED_LOCKED = _CHARGED.with_for_update(of=FeeCharge)
_PAID = union_all(
    select(
        FeeReceipt.household_id,
        FeeReceipt.fee_year,
        FeeReceiptLine.fund,
        func.sum(FeeReceiptLine.amount),
        literal(1),
    )
    .join(FeeReceipt, FeeReceipt.id == FeeReceiptLine.receipt_id)
    .where(
        *_pairs_filter(FeeReceipt.household_id, FeeReceipt.fee_year),
        FeeReceipt.status == ReceiptStatus.VALID,
    )
    .group_by(FeeReceipt.household_id, FeeReceipt.fee_year, FeeReceiptLine.fund),
    select(
        FeeRefund.household_id,
        FeeRefund.fee_year,
        FeeRefundLine.fund,
        func.sum(FeeRefundLine.amount),
        literal(-1),
    )
    .join(FeeRefund, FeeRefund.id == FeeRefundLine.refund_id)
    .where(*_pairs_filter(FeeRefund.household_id, FeeRefund.fee_year))
    .group_by(FeeRefund.household_id, FeeRefund.fee_year, FeeRefundLine.fund),
)


def _pairs_params(pairs: list[tuple[int, int]]) -> dict[str, list[int]]:
    return {
        "households": sorted({h for h, _ in pairs}),
        "years": sorted({y for _, y in pairs}),
    }


def _outstanding_chunk(
    session: Session, pairs: list[tuple[int, int]], *, lock: bool
) -> dict[tuple[int, int], dict[str, Decimal]]:
    charged: dict[tuple[int, int], dict[str, Decimal]] = {}
    asked = set(pairs)
    connection = session.connection()
    rows = connection.execute(_CHARGED_LOCKED if lock else _CHARGED, _pairs_params(pairs))
    for household_id, fee_year, fund, amount in rows:
        if (household_id, fee_year) not in asked:
            continue  # the filter is households × years
        lines = charged.setdefault((household_id, fee_year), {})
        if fund is not None:
            lines[fund] = amount
    return _less_paid(session, charged)


# What the households named by ``:codes`` were charged for ``:years``, their charge rows
# locked in id order: ``households_by_code`` and ``_CHARGED_LOCKED`` in one statement.
_CHARGED_BY_CODE = (
    select(
        FeeCharge.household_id,
        Household.code,
        FeeCharge.fee_year,
        FeeChargeLine.fund,
        FeeChargeLine.amount,
    )
    .join(Household, Household.id == FeeCharge.household_id)
    .outerjoin(FeeChargeLine, FeeChargeLine.charge_id == FeeCharge.id)
    .where(
        Household.estate_id == bindparam("estate_id"),
        Household.code.in_(bindparam("codes", expanding=True)),
        FeeCharge.fee_year.in_(bindparam("years", expanding=True)),
    )
    .order_by(FeeCharge.id, FeeChargeLine.id)
    .with_for_update(of=FeeCharge)
)


def owed_by_code(
    session: Session, estate_id: int, wanted: Iterable[tuple[str, int]]
) -> tuple[dict[str, HouseholdRef], dict[tuple[int, int], dict[str, Decimal]]]:
    """``households_by_code`` of the codes and ``outstanding_many(…, lock=True)`` of the
    ``(household code, fee year)`` pairs ``wanted`` (a payment's or a batch's allocations),
    in two statements where the households have a charge for every year asked: the charge
    rows are read and locked by code (in id order), then what was paid is read (a later
    statement, so on PostgreSQL it sees a payment committed while the lock was waited for).
    A code with no charge among the pairs is looked up by ``households_by_code``."""
    pairs = sorted(set(wanted))
    codes = sorted({code for code, _ in pairs})
    households: dict[str, HouseholdRef] = {}
    charged: dict[tuple[int, int], dict[str, Decimal]] = {}
    if not pairs:
        return households, charged
    asked = set(pairs)
    rows = session.connection().execute(
        _CHARGED_BY_CODE,
        {"estate_id": estate_id, "codes": codes, "years": sorted({y for _, y in pairs})},
    )
    for household_id, code, fee_year, fund, amount in rows:
        households.setdefault(code, HouseholdRef(household_id, code))
        if (code, fee_year) not in asked:
            continue  # the filter is codes × years
        lines = charged.setdefault((household_id, fee_year), {})
        if fund is not None:
            lines[fund] = amount
    if missing := set(codes) - households.keys():
        households.update(households_by_code(session, estate_id, missing))
    return households, _less_paid(session, charged)


def _less_paid(
    session: Session, charged: dict[tuple[int, int], dict[str, Decimal]]
) -> dict[tuple[int, int], dict[str, Decimal]]:
    """``charged`` (per pair, per fund) less the money kept from valid receipts and refunds,
    read in one statement."""
    if not any(charged.values()):
        return charged
    connection = session.connection()
    pairs = list(charged)
    asked = set(pairs)
    wanted = [p for p in pairs if charged.get(p)]
    paid: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for household_id, fee_year, fund, amount, sign in connection.execute(
        _PAID, _pairs_params(wanted)
    ):
        if (household_id, fee_year) not in asked:
            continue
        kept = paid[(household_id, fee_year)]
        kept[fund] = kept.get(fund, ZERO) + sign * Decimal(amount)
    return {
        pair: {
            f: a - paid[pair].get(f, ZERO).quantize(Decimal("0.01")) if pair in paid else a
            for f, a in lines.items()
        }
        for pair, lines in charged.items()
    }


def household_account(
    session: Session, estate_id: int, code: str, fee_year: int
) -> HouseholdAccountOut:
    """Charged, paid and outstanding per component for one household and fee year, with its
    receipts. Raises NotFoundError (no such household, or no charge for the year)."""
    household = households_by_code(session, estate_id, {code}).get(code)
    if household is None:
        raise NotFoundError(Message("fees.no_household", code_=code))
    charged = charged_by_fund(session, household.id, fee_year)
    outstanding = outstanding_by_fund(session, household.id, fee_year)
    if outstanding is None:
        raise NotFoundError(Message("fees.no_charge", code_=code, fee_year=fee_year))
    paid = paid_by_fund(session, household.id, fee_year)
    found = session.scalars(
        select(FeeReceipt)
        .where(FeeReceipt.household_id == household.id, FeeReceipt.fee_year == fee_year)
        .order_by(FeeReceipt.year, FeeReceipt.number)
    ).all()
    return {
        "household_code": code,
        "fee_year": fee_year,
        "components": [
            {
                "fund": f,
                "charged": money_text(charged[f]),
                "paid": money_text(paid.get(f, ZERO)),
                "outstanding": money_text(outstanding[f]),
            }
            for f in charged
        ],
        "charged": money_text(sum(charged.values(), ZERO)),
        "paid": money_text(sum(paid.values(), ZERO)),
        "outstanding": money_text(sum(outstanding.values(), ZERO)),
        "receipts": [receipt_view(session, r) for r in found],
    }


# --- receipt numbers -----------------------------------------------------------------------


def lock_counter(session: Session, estate_id: int, year: int) -> FeeReceiptCounter:
    """Lock (creating it if needed) the estate's receipt counter for ``year`` until the
    transaction ends. Voids, refunds, deposits and prepaid recognition take it before they
    check what was paid, so they are serialised with each other and with payments (which
    take it, through ``take_numbers``, only once their own checks are done)."""
    upsert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(
        upsert(FeeReceiptCounter)
        .values(estate_id=estate_id, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    return session.execute(
        select(FeeReceiptCounter)
        .where(FeeReceiptCounter.estate_id == estate_id, FeeReceiptCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def take_numbers(session: Session, estate_id: int, year: int, count: int) -> int:
    """Take ``count`` consecutive receipt numbers and return the first. One statement
    (``UPDATE … RETURNING``) increments the counter and locks its row until the transaction
    ends, so numbers are gapless and unique; a rollback gives them back."""
    connection = session.connection()
    bump = {"counter_estate_id": estate_id, "counter_year": year, "count": count}
    last = connection.execute(_BUMP_COUNTER, bump).scalar_one_or_none()
    if last is None:  # the year's first receipt
        _create_counter(session, estate_id, year)
        last = connection.execute(_BUMP_COUNTER, bump).scalar_one()
    return int(last) - count + 1


def _create_counter(session: Session, estate_id: int, year: int) -> None:
    upsert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(
        upsert(_COUNTERS)
        .values(estate_id=estate_id, year=year, last_number=0)
        .on_conflict_do_nothing()
    )


_COUNTERS = cast(Table, FeeReceiptCounter.__table__)
_BUMP_COUNTER = (  # built once: every payment runs it
    update(_COUNTERS)
    .where(
        _COUNTERS.c.estate_id == bindparam("counter_estate_id"),
        _COUNTERS.c.year == bindparam("counter_year"),
    )
    .values(last_number=_COUNTERS.c.last_number + bindparam("count"))
    .returning(_COUNTERS.c.last_number)
)


# --- payments ------------------------------------------------------------------------------


@command
def record_payment(
    session: Session,
    estate_id: int,
    data: PaymentIn,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[PaymentOut, bool]:
    """Record a payment (request entry point; idempotent by ``idempotency_key``). Commits.
    Returns ``(payment view, replayed)``.

    Raises ValidationError (bad input, unknown household, no charge, overpayment — naming
    the household and what is outstanding), IdempotencyConflictError, PeriodLockedError.
    """
    if idempotency_key is None:
        return pay(session, estate_id, data, actor_user_id=actor_user_id), False
    # ``run_idempotent``'s steps, with the result stored by ``record_planned`` in the
    # statement that writes the receipt (PostgreSQL)
    check_key(idempotency_key)
    digest = digest_of(data.model_dump(mode="json"))
    claimed, taken = claim_keys(session, f"fees.payment:{estate_id}", {idempotency_key: digest})
    if idempotency_key in taken:
        return cast(PaymentOut, replay_of(taken[idempotency_key], digest, idempotency_key)), True
    view = pay(
        session,
        estate_id,
        data,
        actor_user_id=actor_user_id,
        result_record=claimed[idempotency_key],
    )
    return json.loads(json.dumps(view, default=str, ensure_ascii=False)), False


@dataclass
class PaymentPlan:
    """A payment that passed every check: what ``record_planned`` writes."""

    method: PaymentMethod
    total: Decimal
    paid_on: date
    payer: str
    reference: str
    #: ``(household, fee year, amount, amount per fund)``, one receipt each.
    splits: list[tuple[HouseholdRef, int, Decimal, dict[str, Decimal]]]


def pay(
    session: Session,
    estate_id: int,
    data: PaymentIn,
    *,
    actor_user_id: int | None,
    result_record: int | None = None,
) -> PaymentOut:
    """The building block behind ``record_payment``: validates, numbers, posts and flushes
    (never commits); ``result_record``: the idempotency record to store the view in. See
    ``record_payment`` for the errors."""
    estate = get_estate(session, estate_id)
    households, owed = owed_by_code(
        session, estate_id, [(a.household_code.strip(), a.fee_year) for a in data.allocations]
    )
    plan = plan_payment(session, estate, data, households, owed=owed)
    return record_planned(
        session, estate_id, [plan], actor_user_id=actor_user_id, results=[result_record]
    )[0]


def plan_payment(
    session: Session,
    estate: Estate,
    data: PaymentIn,
    households: dict[str, HouseholdRef],
    *,
    owed: dict[tuple[int, int], dict[str, Decimal]] | None,
) -> PaymentPlan:
    """Check a payment against what its households owe, taking no estate-wide lock.
    ``owed`` is ``outstanding_many`` of its pairs, read beforehand (a batch): this payment's
    amounts are subtracted from it, so the next payment of the batch sees them. ``None``
    reads it here, locking the households' charge rows (a concurrent payment of the same
    household waits there; voids and refunds only ever raise what is outstanding).
    Raises ValidationError."""
    errors: list[FieldError] = []
    method = PaymentMethod(data.method)
    total = parse_money(data.amount, "amount", errors)
    today = local_today(estate)
    paid_on = data.paid_on or today
    if paid_on > today:
        errors.append(FieldError("paid_on", Message("input.in_future", today=today)))
    parsed: list[tuple[int, HouseholdRef, int, Decimal]] = []
    seen: set[tuple[str, int]] = set()
    for i, alloc in enumerate(data.allocations):
        where = f"allocations[{i}]"
        code = alloc.household_code.strip()
        amount = parse_money(alloc.amount, f"{where}.amount", errors)
        if amount is not None and amount <= 0:
            errors.append(FieldError(f"{where}.amount", Message("input.not_positive")))
            amount = None
        household = households.get(code)
        if household is None:
            errors.append(
                FieldError(
                    f"{where}.household_code", Message("fees.no_household_named", code_=code)
                )
            )
        if not MIN_FEE_YEAR <= alloc.fee_year <= MAX_FEE_YEAR:
            errors.append(FieldError(f"{where}.fee_year", Message("fees.implausible_year")))
        if (code, alloc.fee_year) in seen:
            errors.append(
                FieldError(f"{where}.household_code", Message("fees.household_year_twice"))
            )
        seen.add((code, alloc.fee_year))
        if household is not None and amount is not None:
            parsed.append((i, household, alloc.fee_year, amount))
    if total is not None and not errors:
        allocated = sum((p[3] for p in parsed), ZERO)
        if allocated != total:
            errors.append(
                FieldError(
                    "amount",
                    Message("fees.allocations_mismatch", total=total, allocated=allocated),
                )
            )
    raise_if(errors, Message("fees.payment_invalid"))
    assert total is not None

    if owed is None:
        owed = outstanding_many(session, [(h.id, fy) for _, h, fy, _ in parsed], lock=True)
    splits: list[tuple[HouseholdRef, int, Decimal, dict[str, Decimal]]] = []
    for i, household, fee_year, amount in parsed:
        where = f"allocations[{i}]"
        outstanding = owed.get((household.id, fee_year))
        if outstanding is None:
            errors.append(
                FieldError(
                    f"{where}.fee_year",
                    Message(
                        "fees.no_charge_for_year",
                        household=household.code,
                        fee_year=fee_year,
                    ),
                )
            )
            continue
        left = sum(outstanding.values(), ZERO)
        if amount > left:
            errors.append(
                FieldError(
                    f"{where}.amount",
                    Message(
                        "fees.overpayment",
                        household=household.code,
                        left=left,
                        fee_year=fee_year,
                        amount=amount,
                    ),
                )
            )
            continue
        splits.append((household, fee_year, amount, allocate(amount, outstanding)))
    if errors:
        raise ValidationError(
            Message("fees.payment_above_outstanding", problems=errors),
            errors=errors,
        )
    for household, fee_year, _, lines in splits:
        outstanding = owed[(household.id, fee_year)]
        for fund, part in lines.items():
            outstanding[fund] -= part
    return PaymentPlan(
        method=method,
        total=total,
        paid_on=paid_on,
        payer=data.payer.strip(),
        reference=data.reference.strip(),
        splits=splits,
    )


#: Accounts seen open, per database (engine) and estate (id and creation time, read in
#: every payment's transaction): an account, once opened, stays open from the same date
#: (``ledger_accounts`` rows are only ever added), so what was seen open is true for every
#: later transaction of every process. Only open accounts are remembered; one not seen
#: open is read again. (A backup is restored into a new database before the service is
#: started on it, ``docs/deploy.md`` section 6: a new process, nothing remembered.)
_SEEN_OPEN: WeakKeyDictionary[Engine, dict[tuple[int, datetime], dict[str, date]]] = (
    WeakKeyDictionary()
)


def known_open(session: Session, estate: Estate, accounts: set[str]) -> None:
    """Make ``accounts`` known to the session's ``opened_accounts`` (read before the
    estate's locks, so ``post_entry`` checks them without a query): from what this process
    has seen open, reading only the others."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    seen = _SEEN_OPEN.setdefault(engine, {}).setdefault((estate.id, estate.created_at), {})
    if accounts - seen.keys():
        seen.update(opened_accounts(session, estate.id, accounts))
    else:  # the journal's per-transaction memory (``opened_accounts``) learns them
        session.info.setdefault(OPENED_ACCOUNTS, {}).setdefault(estate.id, {}).update(seen)


_PAYMENTS = cast(Table, FeePayment.__table__)
_RECEIPTS = cast(Table, FeeReceipt.__table__)
_RECEIPT_LINES = cast(Table, FeeReceiptLine.__table__)
# Built once: the payment path runs them for every payment (constructing a statement costs
# more than SQLite takes to run it).
_INSERT_PAYMENTS = insert(_PAYMENTS).returning(_PAYMENTS.c.id, sort_by_parameter_order=True)
_INSERT_RECEIPTS = insert(_RECEIPTS).returning(_RECEIPTS.c.id, sort_by_parameter_order=True)
_INSERT_RECEIPT_LINES = insert(_RECEIPT_LINES)


def _insert_ids(session: Session, statement: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` with ``statement`` (``INSERT … RETURNING id``), ids in row order."""
    connection = session.connection()
    if len(rows) == 1:
        return [connection.execute(statement, rows[0]).scalar_one()]
    return list(connection.execute(statement, rows).scalars())


def record_planned(
    session: Session,
    estate_id: int,
    plans: list[PaymentPlan],
    *,
    actor_user_id: int | None,
    results: Sequence[int | None] | None = None,
) -> list[PaymentOut]:
    """Write checked payments: their rows first, then — only now — the estate's locks,
    always in this order: receipt numbers (``take_numbers``, once per year for the whole
    batch), then the ledger head (``post_entries``, once). Numbers are taken after every
    check, so a refused payment takes none. Payment and receipt rows are written with Core
    ``INSERT``s (no ORM objects: this is the hot path of fee collection). ``results``: per
    plan, the idempotency record (claimed in this transaction) to store its view in, or
    None. Flushes; returns each payment's view.

    On PostgreSQL a payment with one receipt (a lone request's usual shape) takes its
    number and its payment id in one statement and writes the payment, the receipt, its
    lines and the stored result in one more, after the entry."""
    lone = is_postgres(session) and len(plans) == 1 and len(plans[0].splits) == 1
    payment_ids = (
        []
        if lone
        else _insert_ids(session, _INSERT_PAYMENTS, _payment_rows(estate_id, plans, actor_user_id))
    )
    per_year: dict[int, int] = defaultdict(int)
    accounts: set[str] = set()
    for plan in plans:
        per_year[plan.paid_on.year] += len(plan.splits)
        accounts.add(money_account(plan.method))
        for _, fee_year, _, lines in plan.splits:
            if plan.paid_on < fee_year_start(fee_year):
                accounts.add(PREPAID_FEES)
            else:
                accounts.update(fee_income_account(Fund(f)) for f in lines)
    known_open(session, get_estate(session, estate_id), accounts)  # not under the locks
    if lone:
        year = plans[0].paid_on.year
        number, payment_id = _take_number_and_payment_id(session, estate_id, year)
        next_number = {year: number}
        payment_ids.append(payment_id)
    else:
        next_number = {
            year: take_numbers(session, estate_id, year, count)
            for year, count in sorted(per_year.items())
            if count
        }
    drafts: list[tuple[EntryDraft, str]] = []
    receipts: list[dict[str, Any]] = []
    owners: list[int] = []  # index of the payment each receipt belongs to
    for index, (payment_id, plan) in enumerate(zip(payment_ids, plans, strict=True)):
        year = plan.paid_on.year
        for household, fee_year, amount, lines in plan.splits:
            number = next_number[year]
            next_number[year] += 1
            receipt_no = format_receipt_no(year, number)
            prepaid = plan.paid_on < fee_year_start(fee_year)
            credit_legs = (
                [Leg(PREPAID_FEES, -amount)]
                if prepaid
                else [Leg(fee_income_account(Fund(f)), -a) for f, a in lines.items()]
            )
            narration = f"{fee_year}年度综合服务费{'(预收)' if prepaid else ''} 收据{receipt_no}"
            draft = EntryDraft(
                date=plan.paid_on,
                narration=narration,
                legs=(Leg(money_account(plan.method), amount), *credit_legs),
                meta={
                    "household": household.code,
                    "receipt": receipt_no,
                    "fee-year": str(fee_year),
                    "method": plan.method.value,
                },
                kind="fee_payment",
            )
            drafts.append((draft, f"fees.receipt:{estate_id}:{receipt_no}"))
            receipts.append(
                {
                    "estate_id": estate_id,
                    "payment_id": payment_id,
                    "household_id": household.id,
                    "household_code": household.code,
                    "fee_year": fee_year,
                    "year": year,
                    "number": number,
                    "receipt_no": receipt_no,
                    "amount": amount,
                    "paid_on": plan.paid_on,
                    "method": plan.method,
                    "prepaid": prepaid,
                    "status": ReceiptStatus.VALID,
                    "lines": lines,
                }
            )
            owners.append(index)
    entries = post_entries(session, estate_id, drafts, actor_user_id=actor_user_id)
    for receipt, entry in zip(receipts, entries, strict=True):
        receipt["entry_seq"] = entry.seq
    receipt_views: list[list[ReceiptOut]] = [[] for _ in plans]
    for owner, receipt in zip(owners, receipts, strict=True):
        receipt_views[owner].append(
            receipt_document(
                receipt,
                household_code=receipt["household_code"],
                lines=list(receipt["lines"].items()),
            )
        )
    views: list[PaymentOut] = [
        {
            "id": payment_id,
            "method": plan.method.value,
            "amount": money_text(plan.total),
            "paid_on": plan.paid_on.isoformat(),
            "receipts": receipt_views[index],
        }
        for index, (payment_id, plan) in enumerate(zip(payment_ids, plans, strict=True))
    ]
    stored = {
        record: view
        for record, view in zip(results or [None] * len(plans), views, strict=True)
        if record is not None
    }
    if lone:
        payment = _payment_rows(estate_id, plans, actor_user_id)[0] | {"id": payment_ids[0]}
        _write_lone(session, payment, receipts[0], stored)
        return views
    receipt_ids = _insert_ids(
        session,
        _INSERT_RECEIPTS,
        [
            {k: v for k, v in receipt.items() if k not in ("household_code", "lines")}
            for receipt in receipts
        ],
    )
    session.connection().execute(
        _INSERT_RECEIPT_LINES,
        [
            {"receipt_id": receipt_id, "fund": fund, "amount": part}
            for receipt_id, receipt in zip(receipt_ids, receipts, strict=True)
            for fund, part in receipt["lines"].items()
        ],
    )
    store_results(session, stored)
    return views


def _payment_rows(
    estate_id: int, plans: list[PaymentPlan], actor_user_id: int | None
) -> list[dict[str, Any]]:
    return [
        {
            "estate_id": estate_id,
            "method": plan.method,
            "amount": plan.total,
            "paid_on": plan.paid_on,
            "payer": plan.payer,
            "reference": plan.reference,
            "recorded_by_user_id": actor_user_id,
            "created_at": utcnow(),
        }
        for plan in plans
    ]


_PAYMENT_ID = func.nextval(func.pg_get_serial_sequence("fee_payments", "id"))
#: PostgreSQL, built once: ``_BUMP_COUNTER`` by one, also taking the next payment id.
_BUMP_COUNTER_AND_PAYMENT_ID = _BUMP_COUNTER.returning(_PAYMENT_ID)


def _take_number_and_payment_id(session: Session, estate_id: int, year: int) -> tuple[int, int]:
    """PostgreSQL: ``take_numbers`` of one number and the id of the payment to be written
    (``_write_lone``), in one statement."""
    connection = session.connection()
    bump = {"counter_estate_id": estate_id, "counter_year": year, "count": 1}
    row = connection.execute(_BUMP_COUNTER_AND_PAYMENT_ID, bump).first()
    if row is None:  # the year's first receipt
        _create_counter(session, estate_id, year)
        row = connection.execute(_BUMP_COUNTER_AND_PAYMENT_ID, bump).one()
    return int(row[0]), int(row[1])


def _write_lone(
    session: Session,
    payment: dict[str, Any],
    receipt: dict[str, Any],
    stored: Mapping[int, PaymentOut],
) -> None:
    """PostgreSQL: write a payment with one receipt — the payment row (its id taken by
    ``_take_number_and_payment_id``), the receipt, its lines and the idempotency result
    (``stored``: at most one) — in one statement."""
    lines = list(receipt["lines"].items())
    statement = _LONE_WRITES.get((len(lines), bool(stored)))
    if statement is None:
        statement = _LONE_WRITES[(len(lines), bool(stored))] = _lone_write(len(lines), bool(stored))
    values: dict[str, Any] = {f"p_{k}": v for k, v in payment.items()}
    values |= {f"r_{k}": receipt[k] for k in _LONE_RECEIPT_COLUMNS if k != "created_at"}
    values["r_created_at"] = payment["created_at"]
    for i, (fund, amount) in enumerate(lines):
        values[f"fund{i}"], values[f"amount{i}"] = fund, amount
    for record_id, result in stored.items():
        values["record_id"], values["stored"] = record_id, result_text(result)
    session.connection().execute(statement, values)


_LONE_PAYMENT_COLUMNS = (
    "id",
    "estate_id",
    "method",
    "amount",
    "paid_on",
    "payer",
    "reference",
    "recorded_by_user_id",
    "created_at",
)
_LONE_RECEIPT_COLUMNS = (
    "estate_id",
    "payment_id",
    "household_id",
    "fee_year",
    "year",
    "number",
    "receipt_no",
    "amount",
    "paid_on",
    "method",
    "prepaid",
    "entry_seq",
    "status",
    "created_at",
)
#: ``_lone_write`` by (receipt lines, whether a result is stored), built when first used.
_LONE_WRITES: dict[tuple[int, bool], Any] = {}


def _lone_write(lines: int, store: bool) -> Any:
    """``WITH p AS (INSERT payment), r AS (INSERT receipt RETURNING id)[, s AS (UPDATE
    idempotency record)] INSERT receipt lines SELECT … FROM r`` (data-modifying CTEs: one
    statement, one snapshot; the foreign keys are checked at its end)."""
    payment = insert(_PAYMENTS).values(
        {c: bindparam(f"p_{c}", type_=_PAYMENTS.c[c].type) for c in _LONE_PAYMENT_COLUMNS}
    )
    receipt = (
        insert(_RECEIPTS)
        .values({c: bindparam(f"r_{c}", type_=_RECEIPTS.c[c].type) for c in _LONE_RECEIPT_COLUMNS})
        .returning(_RECEIPTS.c.id)
        .cte("r")
    )
    parts = union_all(
        *[
            select(
                receipt.c.id,
                bindparam(f"fund{i}", type_=_RECEIPT_LINES.c.fund.type),
                bindparam(f"amount{i}", type_=_RECEIPT_LINES.c.amount.type),
            )
            for i in range(lines)
        ]
    )
    statement = insert(_RECEIPT_LINES).from_select(["receipt_id", "fund", "amount"], parts)
    ctes = [payment.cte("p")]
    if store:
        ctes.append(store_result_statement().cte("s"))
    return statement.add_cte(*ctes)


def payment_view(session: Session, payment: FeePayment) -> PaymentOut:
    receipts = session.scalars(
        select(FeeReceipt).where(FeeReceipt.payment_id == payment.id).order_by(FeeReceipt.number)
    ).all()
    return {
        "id": payment.id,
        "method": payment.method.value,
        "amount": money_text(payment.amount),
        "paid_on": payment.paid_on.isoformat(),
        "receipts": [receipt_view(session, r) for r in receipts],
    }


def receipt_view(session: Session, receipt: FeeReceipt) -> ReceiptOut:
    """Staff view of a receipt (household code, no names)."""
    household = session.get(Household, receipt.household_id)
    assert household is not None
    return receipt_document(
        {column: getattr(receipt, column) for column in RECEIPT_FIELDS},
        household_code=household.code,
        lines=[(line.fund, line.amount) for line in receipt.lines],
    )


#: The receipt columns its staff view shows.
RECEIPT_FIELDS = (
    "receipt_no",
    "fee_year",
    "amount",
    "paid_on",
    "method",
    "prepaid",
    "status",
    "void_reason",
    "voided_on",
    "entry_seq",
    "void_entry_seq",
)


def receipt_document(
    receipt: dict[str, Any], *, household_code: str, lines: list[tuple[str, Decimal]]
) -> ReceiptOut:
    """The staff view of a receipt from its column values (missing void columns: not void)."""
    voided_on = receipt.get("voided_on")
    return {
        "receipt_no": receipt["receipt_no"],
        "household_code": household_code,
        "fee_year": receipt["fee_year"],
        "amount": money_text(receipt["amount"]),
        "paid_on": receipt["paid_on"].isoformat(),
        "method": receipt["method"].value,
        "prepaid": receipt["prepaid"],
        "status": receipt["status"].value,
        "void_reason": receipt.get("void_reason"),
        "voided_on": voided_on.isoformat() if voided_on else None,
        "entry_seq": receipt["entry_seq"],
        "void_entry_seq": receipt.get("void_entry_seq"),
        "lines": [{"fund": fund, "amount": money_text(amount)} for fund, amount in lines],
    }


def get_receipt(session: Session, estate_id: int, receipt_no: str) -> FeeReceipt:
    """Raises NotFoundError."""
    receipt = session.scalar(
        select(FeeReceipt).where(
            FeeReceipt.estate_id == estate_id, FeeReceipt.receipt_no == receipt_no
        )
    )
    if receipt is None:
        raise NotFoundError(Message("fees.no_receipt", receipt_no=receipt_no))
    return receipt


def public_receipt(session: Session, estate_slug: str, receipt_no: str) -> PublicReceiptOut:
    """What anyone may see of a receipt: amount, date, fee year, masked household, status.
    No owner name, phone, payer or void reason (free text a steward typed).

    Raises NotFoundError.
    """
    from trustfund.db.models.estates import Estate

    estate = session.scalar(select(Estate).where(Estate.slug == estate_slug))
    if estate is None:
        raise NotFoundError(Message("fees.no_receipt", receipt_no=receipt_no))
    receipt = get_receipt(session, estate.id, receipt_no)
    row = session.execute(
        select(Household.code, Household.entrance, Household.room, Building.number)
        .join(Building, Building.id == Household.building_id)
        .where(Household.id == receipt.household_id)
    ).one()
    code, entrance, room, building = row
    return {
        "estate": estate.slug,
        "estate_name": estate.name,
        "receipt_no": receipt.receipt_no,
        "amount": money_text(receipt.amount),
        "paid_on": receipt.paid_on.isoformat(),
        "fee_year": receipt.fee_year,
        "household": mask_household(building, entrance, room),
        "household_code": code,
        "status": receipt.status.value,
        "voided_on": receipt.voided_on.isoformat() if receipt.voided_on else None,
        "prepaid": receipt.prepaid,
        "lines": [{"fund": line.fund, "amount": money_text(line.amount)} for line in receipt.lines],
        "entry_seq": receipt.entry_seq,
    }


# --- voids and refunds (posted only once a committee member approved, fees/refunds.py) ------


def void_problem(session: Session, estate_id: int, receipt: FeeReceipt) -> Message | None:
    """Why the receipt cannot be voided now, or None. Read after ``lock_counter``."""
    receipt_no = receipt.receipt_no
    if receipt.status == ReceiptStatus.VOID:
        return Message("fees.void_already", receipt_no=receipt_no)
    if receipt.recognised_entry_seq is not None:
        return Message("fees.void_recognised", receipt_no=receipt_no)
    if receipt.method == PaymentMethod.CASH:
        held = cash_balance(session, estate_id)
        if held < receipt.amount:
            return Message("fees.void_cash_gone", receipt_no=receipt_no, held=held)
    paid = paid_by_fund(session, receipt.household_id, receipt.fee_year)
    for line in receipt.lines:
        if paid.get(line.fund, ZERO) < line.amount:
            return Message("fees.void_refunded", receipt_no=receipt_no)
    return None


def post_void(
    session: Session,
    estate_id: int,
    receipt: FeeReceipt,
    *,
    reason: str,
    on: date,
    actor_user_id: int | None,
) -> ReceiptOut:
    """Void a receipt by reversing its journal entry on ``on``; the number stays, marked void
    with the reason. Takes the receipt counter's lock first, then checks again
    (``void_problem``). Flushes; the approval of a void request calls it.

    Raises ConflictError (naming why not), PeriodLockedError, InsufficientFundsError.
    """
    lock_counter(session, estate_id, receipt.year)
    session.refresh(receipt)
    problem = void_problem(session, estate_id, receipt)
    if problem is not None:
        raise ConflictError(Message("fees.not_voided", problem=problem))
    entry = reverse_entry(
        session,
        estate_id,
        receipt.entry_seq,
        on=on,
        reason=f"作废收据{receipt.receipt_no}: {reason.strip()}",
        idempotency_key=f"fees.void:{estate_id}:{receipt.receipt_no}",
        actor_user_id=actor_user_id,
    )
    receipt.status = ReceiptStatus.VOID
    receipt.void_reason = reason.strip()
    receipt.voided_on = on
    receipt.void_entry_seq = entry.seq
    session.flush()
    return receipt_view(session, receipt)


def refund_problem(
    session: Session,
    estate_id: int,
    household_id: int,
    fee_year: int,
    amount: Decimal,
    method: PaymentMethod,
    *,
    held_back: Decimal = ZERO,
    cash_held_back: Decimal = ZERO,
) -> Message | None:
    """Why ``amount`` cannot be refunded now, or None: more than the household kept for the
    year (less ``held_back``, asked for by other waiting requests), or cash the steward does
    not hold (less ``cash_held_back``)."""
    paid = paid_by_fund(session, household_id, fee_year)
    kept = sum((a for a in paid.values() if a > 0), ZERO) - held_back
    if amount > kept:
        if held_back:
            return Message(
                "fees.refund_above_kept_waiting",
                amount=amount,
                fee_year=fee_year,
                kept=kept,
                held_back=held_back,
            )
        return Message("fees.refund_above_kept", amount=amount, fee_year=fee_year, kept=kept)
    if method == PaymentMethod.CASH:
        held = cash_balance(session, estate_id) - cash_held_back
        if amount > held:
            if cash_held_back:
                return Message("fees.refund_cash_short_waiting", held=held)
            return Message("fees.refund_cash_short", held=held)
    return None


def post_refund(
    session: Session,
    estate_id: int,
    *,
    household: HouseholdRef,
    fee_year: int,
    amount: Decimal,
    method: PaymentMethod,
    reason: str,
    on: date,
    actor_user_id: int | None,
) -> FeeRefund:
    """Pay money back to a household for one fee year, dated ``on``. Takes the receipt
    counter's lock first, then checks again (``refund_problem``). Flushes; the approval of a
    refund request calls it.

    The refund is split over the funds in proportion to what the household paid into each
    (net of earlier refunds) with ``split_exact``; it debits the income accounts — or
    ``PREPAID_FEES`` when the fee year has not started on ``on`` — and credits cash or bank.

    Raises ConflictError (naming why not: more than was paid, more cash than the steward
    holds, prepaid money for an opened year not yet recognised), InsufficientFundsError (a
    fund has already spent the money, the bank does not hold it), PeriodLockedError.
    """
    lock_counter(session, estate_id, on.year)
    problem = refund_problem(session, estate_id, household.id, fee_year, amount, method)
    if problem is not None:
        raise ConflictError(Message("fees.not_refunded", problem=problem))
    from_prepaid = on < fee_year_start(fee_year)
    if not from_prepaid and unrecognised_prepaid(session, estate_id, fee_year, household.id):
        raise ConflictError(Message("fees.refund_prepaid_unrecognised", fee_year=fee_year))
    paid = {f: a for f, a in paid_by_fund(session, household.id, fee_year).items() if a > 0}
    kept = sum(paid.values(), ZERO)
    lines = allocate(amount, paid)
    debit_legs = (
        [Leg(PREPAID_FEES, amount)]
        if from_prepaid
        else [Leg(fee_income_account(Fund(f)), a) for f, a in lines.items()]
    )
    entry = post_entry(
        session,
        estate_id,
        EntryDraft(
            date=on,
            narration=f"退还{fee_year}年度综合服务费",
            legs=(*debit_legs, Leg(money_account(method), -amount)),
            meta={"household": household.code, "fee-year": str(fee_year)},
            kind="refund",
        ),
        idempotency_key=f"fees.refund:{estate_id}:{household.code}:{fee_year}:{kept}:{amount}",
        actor_user_id=actor_user_id,
    )
    row = FeeRefund(
        estate_id=estate_id,
        household_id=household.id,
        fee_year=fee_year,
        amount=amount,
        method=method,
        refunded_on=on,
        from_prepaid=from_prepaid,
        reason=reason.strip(),
        entry_seq=entry.seq,
        recorded_by_user_id=actor_user_id,
        lines=[FeeRefundLine(fund=f, amount=a) for f, a in lines.items()],
    )
    session.add(row)
    session.flush()
    return row


def refund_view(session: Session, row: FeeRefund) -> RefundOut:
    household = session.get(Household, row.household_id)
    assert household is not None
    return {
        "id": row.id,
        "household_code": household.code,
        "fee_year": row.fee_year,
        "amount": money_text(row.amount),
        "method": row.method.value,
        "refunded_on": row.refunded_on.isoformat(),
        "from_prepaid": row.from_prepaid,
        "entry_seq": row.entry_seq,
        "lines": [{"fund": line.fund, "amount": money_text(line.amount)} for line in row.lines],
    }


def unrecognised_prepaid(
    session: Session, estate_id: int, fee_year: int, household_id: int | None = None
) -> bool:
    query = select(FeeReceipt.id).where(
        FeeReceipt.estate_id == estate_id,
        FeeReceipt.fee_year == fee_year,
        FeeReceipt.prepaid.is_(True),
        FeeReceipt.status == ReceiptStatus.VALID,
        FeeReceipt.recognised_entry_seq.is_(None),
    )
    if household_id is not None:
        query = query.where(FeeReceipt.household_id == household_id)
    return session.scalar(query.limit(1)) is not None


# --- prepaid recognition ---------------------------------------------------------------------


@command
def recognise_prepaid(
    session: Session,
    estate_id: int,
    fee_year: int,
    *,
    on: date | None = None,
    actor_user_id: int | None = None,
) -> PrepaidRecognisedOut:
    """When ``fee_year`` opens, move the money received for it in advance from
    ``PREPAID_FEES`` to each fund's income (one transfer entry, dated ``on``, default
    1 January of the year). Safe to run again: only money not yet recognised moves. Commits.

    Raises ValidationError (the year has not started on ``on``), PeriodLockedError.
    """
    check_fee_year(fee_year)
    estate = get_estate(session, estate_id)
    start = fee_year_start(fee_year)
    on = on or start
    if on < start or start > local_today(estate):
        raise ValidationError.field("on", Message("fees.year_not_started", fee_year=fee_year))
    lock_counter(session, estate_id, on.year)
    receipts = session.scalars(
        select(FeeReceipt).where(
            FeeReceipt.estate_id == estate_id,
            FeeReceipt.fee_year == fee_year,
            FeeReceipt.prepaid.is_(True),
            FeeReceipt.status == ReceiptStatus.VALID,
            FeeReceipt.recognised_entry_seq.is_(None),
        )
    ).all()
    refunds = session.scalars(
        select(FeeRefund).where(
            FeeRefund.estate_id == estate_id,
            FeeRefund.fee_year == fee_year,
            FeeRefund.from_prepaid.is_(True),
            FeeRefund.recognised_entry_seq.is_(None),
        )
    ).all()
    per_fund: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for receipt in receipts:
        for line in receipt.lines:
            per_fund[line.fund] += line.amount
    for row in refunds:
        for rline in row.lines:
            per_fund[rline.fund] -= rline.amount
    total = sum(per_fund.values(), ZERO)
    result: PrepaidRecognisedOut = {
        "fee_year": fee_year,
        "receipts": len(receipts),
        "refunds": len(refunds),
        "amount": money_text(total),
        "entry_seq": None,
        "by_fund": {f: money_text(a) for f, a in sorted(per_fund.items())},
    }
    if not any(per_fund.values()):
        # Nothing left to move (no money, or all of it refunded): mark the rows as done
        # with seq 0 so later runs do not look at them again.
        for receipt in receipts:
            receipt.recognised_entry_seq = 0
        for row in refunds:
            row.recognised_entry_seq = 0
        return result
    legs = [Leg(PREPAID_FEES, total)] + [
        Leg(fee_income_account(Fund(f)), -a) for f, a in sorted(per_fund.items()) if a != 0
    ]
    first = min([r.id for r in receipts] + [0])
    entry = post_entry(
        session,
        estate_id,
        EntryDraft(
            date=on,
            narration=f"预收{fee_year}年度综合服务费转入当年收入",
            legs=tuple(legs),
            meta={"fee-year": str(fee_year)},
            kind="prepaid_recognition",
        ),
        idempotency_key=f"fees.recognise:{estate_id}:{fee_year}:{first}:{len(receipts)}:{len(refunds)}",
        actor_user_id=actor_user_id,
    )
    for receipt in receipts:
        receipt.recognised_entry_seq = entry.seq
    for row in refunds:
        row.recognised_entry_seq = entry.seq
    result["entry_seq"] = entry.seq
    return result


# --- cash and deposits -----------------------------------------------------------------------


def cash_balance(session: Session, estate_id: int) -> Decimal:
    return account_balances(session, estate_id).get(CASH, ZERO)


def cash_on_hand(session: Session, estate_id: int) -> CashOut:
    """How much cash the steward holds and since when: the date of the oldest cash receipt
    not yet covered by what left the cash box (deposits, cash refunds), first in first out."""
    held = cash_balance(session, estate_id)
    rows = session.execute(
        select(FeeReceipt.paid_on, FeeReceipt.amount)
        .where(
            FeeReceipt.estate_id == estate_id,
            FeeReceipt.method == PaymentMethod.CASH,
            FeeReceipt.status == ReceiptStatus.VALID,
        )
        .order_by(FeeReceipt.paid_on, FeeReceipt.id)
    ).all()
    return {"cash": money_text(held), "since": _oldest_undeposited(rows, held)}


def _oldest_undeposited(rows: Iterable[tuple[date, Decimal]], held: Decimal) -> str | None:
    received = [(d, Decimal(a)) for d, a in rows]
    gone = sum((a for _, a in received), ZERO) - held
    if held <= 0:
        return None
    for day, amount in received:
        if gone < amount:
            return day.isoformat()
        gone -= amount
    return None


@command
def deposit_cash(
    session: Session,
    estate_id: int,
    data: DepositIn,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[DepositOut, bool]:
    """The steward pays cash into the committee bank account (its own entry). Commits.

    Raises ValidationError (more than the steward holds, bad amount or date),
    IdempotencyConflictError, PeriodLockedError.
    """

    def action() -> DepositOut:
        estate = get_estate(session, estate_id)
        errors: list[FieldError] = []
        amount = parse_money(data.amount, "amount", errors)
        if amount is not None and amount <= 0:
            errors.append(FieldError("amount", Message("input.not_positive")))
        today = local_today(estate)
        on = data.deposited_on or today
        if on > today:
            errors.append(FieldError("deposited_on", Message("input.in_future", today=today)))
        raise_if(errors, Message("fees.deposit_invalid"))
        assert amount is not None
        lock_counter(session, estate_id, on.year)
        held = cash_balance(session, estate_id)
        if amount > held:
            raise ValidationError.field("amount", Message("fees.steward_cash_short", held=held))
        n = session.scalar(
            select(func.count(CashDeposit.id)).where(CashDeposit.estate_id == estate_id)
        )
        entry = post_entry(
            session,
            estate_id,
            EntryDraft(
                date=on,
                narration="管家现金存入业委会银行账户",
                legs=(Leg(BANK, amount), Leg(CASH, -amount)),
                meta={"deposit": str((n or 0) + 1)},
                kind="deposit",
            ),
            idempotency_key=f"fees.deposit:{estate_id}:{(n or 0) + 1}",
            actor_user_id=actor_user_id,
        )
        row = CashDeposit(
            estate_id=estate_id,
            amount=amount,
            deposited_on=on,
            reference=data.reference.strip(),
            entry_seq=entry.seq,
            recorded_by_user_id=actor_user_id,
        )
        session.add(row)
        session.flush()
        return {
            "id": row.id,
            "amount": money_text(amount),
            "deposited_on": on.isoformat(),
            "entry_seq": entry.seq,
            **cash_on_hand(session, estate_id),
        }

    result, replayed = run_idempotent(
        session,
        scope=f"fees.deposit:{estate_id}",
        key=idempotency_key,
        fingerprint=data.model_dump(mode="json"),
        action=action,
    )
    return result, replayed
