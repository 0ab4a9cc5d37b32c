"""What a household was charged for a fee year, what it paid (valid receipts less refunds) and
what is still outstanding, per fund; read for one household or many at once, the charge rows
locked where a payment is to be checked against them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sqlalchemy import Integer, String, func, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from trustfund.db.lists import PerBackend, one_of, pair_of, pair_params
from trustfund.db.models.estates import Household
from trustfund.db.models.fees import (
    FeeCharge,
    FeeChargeLine,
    FeeReceipt,
    FeeReceiptLine,
    FeeRefund,
    FeeRefundLine,
    ReceiptStatus,
)
from trustfund.errors import NotFoundError
from trustfund.fees.common import (
    HouseholdRef,
    households_by_code,
)
from trustfund.fees.receipt_views import (
    receipt_view,
)
from trustfund.fees.schemas import (
    HouseholdAccountOut,
)
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

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
    household_id: InstrumentedAttribute[int],
    fee_year: InstrumentedAttribute[int],
    *,
    arrays: bool = False,
) -> list[ColumnElement[bool]]:
    """Rows of the households ``:households`` and years ``:years`` (a superset when several:
    households × years; the caller keeps the pairs it asked for); ``arrays``: as array
    parameters (``db/lists``)."""
    return [
        one_of(household_id, "households", Integer(), arrays=arrays),
        one_of(fee_year, "years", Integer(), arrays=arrays),
    ]


# Built once (list parameters): every payment runs them.
_CHARGED = (
    select(FeeCharge.household_id, FeeCharge.fee_year, FeeChargeLine.fund, FeeChargeLine.amount)
    .outerjoin(FeeChargeLine, FeeChargeLine.charge_id == FeeCharge.id)
    .where(*_pairs_filter(FeeCharge.household_id, FeeCharge.fee_year))
    .order_by(FeeCharge.id, FeeChargeLine.id)
)
_CHARGED_LOCKED = _CHARGED.with_for_update(of=FeeCharge)
_PAID = PerBackend(
    lambda arrays: union_all(
        select(
            FeeReceipt.household_id,
            FeeReceipt.fee_year,
            FeeReceiptLine.fund,
            func.sum(FeeReceiptLine.amount),
            literal(1),
        )
        .join(FeeReceipt, FeeReceipt.id == FeeReceiptLine.receipt_id)
        .where(
            *_pairs_filter(FeeReceipt.household_id, FeeReceipt.fee_year, arrays=arrays),
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
        .where(*_pairs_filter(FeeRefund.household_id, FeeRefund.fee_year, arrays=arrays))
        .group_by(FeeRefund.household_id, FeeRefund.fee_year, FeeRefundLine.fund),
    )
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


# What the households named by ``(estate id, code)`` pairs (``_HOUSEHOLDS``,
# ``db/lists.pair_of``) were charged for ``:years``, their charge rows locked in id order:
# ``households_by_code`` and ``_CHARGED_LOCKED`` in one statement. Named as pairs, not as
# estates × codes: two estates of a group whose households drew the same code must not lock
# each other's rows.
_HOUSEHOLDS = ("households", "household_estates", "household_codes")
_CHARGED_BY_CODE = PerBackend(
    lambda arrays: (
        select(
            Household.estate_id,
            FeeCharge.household_id,
            Household.code,
            FeeCharge.fee_year,
            FeeChargeLine.fund,
            FeeChargeLine.amount,
        )
        .join(Household, Household.id == FeeCharge.household_id)
        .outerjoin(FeeChargeLine, FeeChargeLine.charge_id == FeeCharge.id)
        .where(
            pair_of(
                (Household.estate_id, Household.code),
                _HOUSEHOLDS,
                (Integer(), String()),
                arrays=arrays,
            ),
            one_of(FeeCharge.fee_year, "years", Integer(), arrays=arrays),
        )
        .order_by(FeeCharge.id, FeeChargeLine.id)
        .with_for_update(of=FeeCharge)
    )
)


def owed_by_code(
    session: Session, estate_id: int, wanted: Iterable[tuple[str, int]]
) -> tuple[dict[str, HouseholdRef], dict[tuple[int, int], dict[str, Decimal]]]:
    """``households_by_code`` of the codes and ``outstanding_many(…, lock=True)`` of the
    ``(household code, fee year)`` pairs ``wanted`` (a payment's or a batch's allocations):
    ``owed_in_estates`` of one estate."""
    households, owed = owed_in_estates(session, {estate_id: wanted})
    return households.get(estate_id, {}), owed


def owed_in_estates(
    session: Session, wanted: Mapping[int, Iterable[tuple[str, int]]]
) -> tuple[dict[int, dict[str, HouseholdRef]], dict[tuple[int, int], dict[str, Decimal]]]:
    """For ``{estate id: (household code, fee year) pairs}`` (payments' allocations, of one
    estate or several): the households named, per estate, and what each pair's household
    owes for the year, per fund, keyed by ``(household id, fee year)`` (pairs without a
    charge are missing). Two statements where the households have a charge for every year
    asked: the charge rows are read and locked by code (in id order), then what was paid is
    read (a later statement, so on PostgreSQL it sees a payment committed while the lock was
    waited for). A code with no charge among the pairs is looked up by
    ``households_by_code``."""
    asked = {(estate_id, *pair) for estate_id, pairs in wanted.items() for pair in pairs}
    households: dict[int, dict[str, HouseholdRef]] = {estate_id: {} for estate_id in wanted}
    charged: dict[tuple[int, int], dict[str, Decimal]] = {}
    if not asked:
        return households, charged
    named = sorted({(estate_id, code) for estate_id, code, _ in asked})
    connection = session.connection()
    rows = connection.execute(
        _CHARGED_BY_CODE.on(connection, len(named)),
        {**pair_params(_HOUSEHOLDS, named), "years": sorted({year for _, _, year in asked})},
    )
    for estate_id, household_id, code, fee_year, fund, amount in rows:
        households[estate_id].setdefault(code, HouseholdRef(household_id, code))
        if (estate_id, code, fee_year) not in asked:
            continue
        lines = charged.setdefault((household_id, fee_year), {})
        if fund is not None:
            lines[fund] = amount
    for estate_id, found in households.items():
        if missing := {code for estate, code in named if estate == estate_id} - found.keys():
            found.update(households_by_code(session, estate_id, missing))
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
    params = _pairs_params(wanted)
    for household_id, fee_year, fund, amount, sign in connection.execute(
        _PAID.on(connection, len(params["households"])), params
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
