"""Payments (实收) and their receipts (收据). Beside them: what a household owes
(``fees/owed.py``), receipt numbers (``fees/numbers.py``), receipt views
(``fees/receipt_views.py``), voids and refunds (``fees/reversals.py``; posted only by the
approval of a request, ``fees/refunds.py``), prepaid recognition (``fees/prepaid.py``), cash
and deposits (``fees/deposits.py``).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Table, bindparam, insert, select, union_all
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Estate
from trustfund.db.models.fees import (
    FeePayment,
    FeeReceipt,
    FeeReceiptLine,
    PaymentMethod,
    ReceiptStatus,
)
from trustfund.db.session import command, is_postgres
from trustfund.errors import FieldError, ValidationError, raise_if
from trustfund.estates.service import today_in
from trustfund.fees.common import MAX_FEE_YEAR, MIN_FEE_YEAR, HouseholdRef, get_estate, parse_money
from trustfund.fees.numbers import (
    take_number_and_payment_id,
    take_numbers_in,
)
from trustfund.fees.owed import (
    outstanding_many,
    owed_by_code,
)
from trustfund.fees.receipt_views import (
    receipt_document,
    receipt_view,
)
from trustfund.fees.rules import (
    METHOD_LABELS,
    allocate,
    fee_year_start,
    format_receipt_no,
)
from trustfund.fees.schemas import (
    PaymentIn,
    PaymentOut,
    ReceiptOut,
)
from trustfund.journal.head import OPENED_ACCOUNTS, opened_accounts
from trustfund.journal.idempotency import (
    check_key,
    claim_keys,
    digest_of,
    replay_of,
    result_text,
    store_result_statement,
    store_results,
)
from trustfund.journal.service import post_in_estates
from trustfund.ledger.accounts import BANK, CASH, PREPAID_FEES, Fund, fee_income_account
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

METHOD_NAMES_ZH = METHOD_LABELS


def money_account(method: PaymentMethod) -> str:
    """Where the money lands: the steward's cash, or the committee's bank account."""
    return CASH if method == PaymentMethod.CASH else BANK


# --- payments ------------------------------------------------------------------------------


def take_payment(
    session: Session,
    estate_id: int,
    data: PaymentIn,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[PaymentOut, bool]:
    """Record a payment (idempotent by ``idempotency_key``) in the caller's transaction:
    flushes, does not commit — ``record_payment`` is the command that commits; the group
    commit writes the request's audit record in the same transaction. Returns ``(payment
    view, replayed)``.

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


#: The request entry point: ``take_payment`` as a command (commits when it returns, rolls
#: back when it raises).
record_payment = command(take_payment)


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
    today = today_in(estate)
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
    """Write checked payments of one estate (``record_planned_in``); returns each payment's
    view."""
    return record_planned_in(session, [(estate_id, plans, actor_user_id, results)])[0]


#: Checked payments to write together: ``(estate id, plans, actor, results)`` — ``results``:
#: per plan, the idempotency record (claimed in this transaction) to store its view in, or
#: None.
Planned = tuple[int, list[PaymentPlan], int | None, Sequence[int | None] | None]


def record_planned_in(session: Session, batches: Sequence[Planned]) -> list[list[PaymentOut]]:
    """Write checked payments — of one estate, or of several (a group commit) — their rows
    first, then — only now — the estates' locks, always in this order: receipt numbers
    (``take_numbers_in``: one statement for every estate and year), then the ledger heads
    (``post_in_estates``: one statement for every estate). Numbers are taken after every
    check, so a refused payment takes none. Payment and receipt rows are written with Core
    ``INSERT``s, one statement each for the whole lot (no ORM objects: this is the hot path
    of fee collection). Flushes; returns each batch's views.

    On PostgreSQL a lone payment with one receipt (a lone request's usual shape) takes its
    number and its payment id in one statement and writes the payment, the receipt, its
    lines and the stored result in one more, after the entry."""
    lone = (
        is_postgres(session)
        and len(batches) == 1
        and len(batches[0][1]) == 1
        and len(batches[0][1][0].splits) == 1
    )
    flat = [
        (estate_id, plan, actor, record)
        for estate_id, plans, actor, results in batches
        for plan, record in zip(plans, results or [None] * len(plans), strict=True)
    ]
    if not flat:  # every payment of a group refused
        return [[] for _ in batches]
    payments = [_payment_row(estate_id, plan, actor) for estate_id, plan, actor, _ in flat]
    payment_ids = [] if lone else _insert_ids(session, _INSERT_PAYMENTS, payments)
    per_year: dict[tuple[int, int], int] = defaultdict(int)
    accounts: dict[int, set[str]] = defaultdict(set)
    for estate_id, plan, _, _ in flat:
        per_year[(estate_id, plan.paid_on.year)] += len(plan.splits)
        accounts[estate_id].add(money_account(plan.method))
        for _, fee_year, _, lines in plan.splits:
            if plan.paid_on < fee_year_start(fee_year):
                accounts[estate_id].add(PREPAID_FEES)
            else:
                accounts[estate_id].update(fee_income_account(Fund(f)) for f in lines)
    for estate_id, needed in accounts.items():  # not under the locks
        known_open(session, get_estate(session, estate_id), needed)
    if lone:
        estate_id, plan, _, _ = flat[0]
        number, payment_id = take_number_and_payment_id(session, estate_id, plan.paid_on.year)
        next_number = {(estate_id, plan.paid_on.year): number}
        payment_ids.append(payment_id)
    else:
        next_number = take_numbers_in(session, {k: n for k, n in per_year.items() if n})
    drafts: list[tuple[int, EntryDraft, str, int | None]] = []
    receipts: list[dict[str, Any]] = []
    owners: list[int] = []  # index (in ``flat``) of the payment each receipt belongs to
    for index, (payment_id, (estate_id, plan, actor, _)) in enumerate(
        zip(payment_ids, flat, strict=True)
    ):
        year = plan.paid_on.year
        for household, fee_year, amount, lines in plan.splits:
            number = next_number[(estate_id, year)]
            next_number[(estate_id, year)] += 1
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
            drafts.append((estate_id, draft, f"fees.receipt:{estate_id}:{receipt_no}", actor))
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
    entries = post_in_estates(session, drafts)
    for receipt, entry in zip(receipts, entries, strict=True):
        receipt["entry_seq"] = entry.seq
    receipt_views: list[list[ReceiptOut]] = [[] for _ in flat]
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
        for index, (payment_id, (_, plan, _, _)) in enumerate(zip(payment_ids, flat, strict=True))
    ]
    stored = {
        record: view
        for (_, _, _, record), view in zip(flat, views, strict=True)
        if record is not None
    }
    if lone:
        _write_lone(session, payments[0] | {"id": payment_ids[0]}, receipts[0], stored)
    else:
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
    out: list[list[PaymentOut]] = []
    for _, plans, _, _ in batches:
        out.append(views[: len(plans)])
        del views[: len(plans)]
    return out


def _payment_row(estate_id: int, plan: PaymentPlan, actor_user_id: int | None) -> dict[str, Any]:
    return {
        "estate_id": estate_id,
        "method": plan.method,
        "amount": plan.total,
        "paid_on": plan.paid_on,
        "payer": plan.payer,
        "reference": plan.reference,
        "recorded_by_user_id": actor_user_id,
        "created_at": utcnow(),
    }


def _write_lone(
    session: Session,
    payment: dict[str, Any],
    receipt: dict[str, Any],
    stored: Mapping[int, PaymentOut],
) -> None:
    """PostgreSQL: write a payment with one receipt — the payment row (its id taken by
    ``take_number_and_payment_id``), the receipt, its lines and the idempotency result
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
