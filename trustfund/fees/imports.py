"""Batch import of payments from CSV or XLSX (all rows or none).

One row is one payment for one household and fee year. The household is named by its code
(户号) or by its address — one 地址 cell (``3-1-502`` or ``3幢1单元502室``) or the three
columns 幢/单元/室; a row giving both a code and an address must name the same household.
The columns, with their Chinese and English headers, are ``COLUMNS`` (the OpenAPI
description of ``POST …/fees/payments/import`` is made from it); an unknown column is
refused. The method is an API value (cash, wechat, alipay, bank_transfer) or its Chinese
word (现金, 微信, 支付宝, 银行转账 …, ``trustfund.fees.rules.METHOD_ALIASES``).

Every row is checked and posted in one transaction; if any row is bad nothing is kept and
the 422 lists every bad cell as ``rows[N].field`` (N = spreadsheet row, header is row 1).
Rows are posted in file order, so two rows for the same household are checked together
against what it owes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Building, Household
from trustfund.errors import FieldError, ValidationError, raise_if_rows
from trustfund.estates import importer, rules
from trustfund.estates.columns import Column, map_columns
from trustfund.fees.common import get_estate, households_by_code
from trustfund.fees.owed import outstanding_many
from trustfund.fees.payments import PaymentPlan, plan_payment, record_planned
from trustfund.fees.rules import METHODS_ACCEPTED, parse_method
from trustfund.fees.schemas import AllocationIn, PaymentImportOut, PaymentIn
from trustfund.journal.idempotency import run_idempotent
from trustfund.ledger.money import cell_number, money_text
from trustfund.messages import Message, reason_of

ADDRESS_PARTS = ("building", "entrance", "room")

#: The columns of a payments file, in the order the sample file has them.
COLUMNS: tuple[Column, ...] = (
    Column(
        "household_code",
        "户号",
        "household_code",
        format="the household's code `H-XXXXXX`; give it or the address",
        example="H-7K3M9P",
    ),
    Column(
        "address",
        "地址",
        "address",
        format="the household's address in one cell, `3-1-502` or `3幢1单元502室`; "
        "or use the columns 幢, 单元, 室",
        example="3-1-502",
        aliases=("住址", "房屋地址"),
    ),
    # 幢, 单元, 室 as in the household register, all three or none
    *(replace(c, required=False) for c in importer.COLUMNS if c.field in ADDRESS_PARTS),
    Column(
        "fee_year",
        "年度",
        "fee_year",
        required=True,
        format="the fee year paid for, `2026` or `2026年`",
        example="2026",
        aliases=("费用年度",),
    ),
    Column(
        "amount",
        "金额",
        "amount",
        required=True,
        format="yuan, at most 2 decimals, no thousands separators",
        example="200.00",
    ),
    Column(
        "method",
        "方式",
        "method",
        required=True,
        format=METHODS_ACCEPTED,
        example="微信",
        aliases=("付款方式", "收款方式"),
    ),
    Column(
        "paid_on",
        "日期",
        "paid_on",
        required=True,
        format="local date the money was received, `2026-01-15`; not in the future",
        example="2026-01-15",
        aliases=("收款日期", "付款日期"),
    ),
    Column(
        "payer",
        "付款人",
        "payer",
        format="who paid, at most 50 characters (staff only, never published)",
        example="王芳",
        aliases=("交款人",),
    ),
    Column(
        "reference",
        "备注",
        "reference",
        format="transfer reference or note, at most 80 characters",
        example="微信转账",
        aliases=("流水号",),
    ),
)
Address = tuple[str, str, str]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text)


def codes_by_address(session: Session, estate_id: int) -> dict[Address, str]:
    """Every household of the estate: (building, entrance, room) → code."""
    rows = session.execute(
        select(Building.number, Household.entrance, Household.room, Household.code)
        .join(Building, Building.id == Household.building_id)
        .where(Household.estate_id == estate_id)
    )
    return {(b, e, r): code for b, e, r, code in rows}


def _row_address(row: dict[str, Any], where: str, errors: list[FieldError]) -> Address | None:
    """The row's address from 地址 or from 幢/单元/室, or None when it gives none."""
    if _text(row.get("address")):
        try:
            return rules.clean_address(_text(row["address"]))
        except ValueError as exc:
            errors.append(
                FieldError(f"{where}.address", Message("fees.address_reason", exc=reason_of(exc)))
            )
            return None
    parts = {p: _text(row.get(p)) for p in ADDRESS_PARTS}
    if not any(parts.values()):
        return None
    cleaners = (rules.clean_building, rules.clean_entrance, rules.clean_room)
    out: list[str] = []
    for (part, value), clean in zip(parts.items(), cleaners, strict=True):
        try:
            out.append(clean(value))
        except ValueError as exc:
            errors.append(
                FieldError(
                    f"{where}.{part}",
                    Message("input.field_reason", field=part, reason=reason_of(exc)),
                )
            )
    return (out[0], out[1], out[2]) if len(out) == 3 else None


def _check_header(columns: dict[int, str]) -> None:
    """A file names households by code, by 地址, or by all three of 幢/单元/室."""
    fields = set(columns.values())
    parts = fields & set(ADDRESS_PARTS)
    errors: list[FieldError] = []
    if parts and parts != set(ADDRESS_PARTS):
        missing = ", ".join(p for p in ADDRESS_PARTS if p not in parts)
        errors.append(
            FieldError("columns", Message("fees.address_columns_missing", missing=missing))
        )
    if not fields & {"household_code", "address", *ADDRESS_PARTS}:
        errors.append(
            FieldError(
                "columns.household_code",
                Message("fees.header_needs_household_column"),
            )
        )
    if errors:
        raise ValidationError(Message("fees.header_names_no_household"), errors=errors)


def parse_rows(
    session: Session, estate_id: int, data: bytes, filename: str
) -> list[tuple[int, PaymentIn]]:
    """Rows as payments, each naming its household by code (addresses looked up in the
    estate). Raises ValidationError naming every bad cell."""
    table = importer.read_table(data, filename)
    columns = map_columns(table.header, COLUMNS)
    _check_header(columns)
    by_address = (
        codes_by_address(session, estate_id)
        if set(columns.values()) & {"address", *ADDRESS_PARTS}
        else {}
    )
    errors: list[FieldError] = []
    out: list[tuple[int, PaymentIn]] = []
    for number, cells in table.rows:
        row = {field: cells[i] if i < len(cells) else None for i, field in columns.items()}
        where = f"rows[{number}]"
        before = len(errors)
        code = _text(row.get("household_code"))
        address = _row_address(row, where, errors)
        if address is not None:
            found = by_address.get(address)
            shown = f"{address[0]}幢{address[1]}单元{address[2]}室"
            if found is None:
                errors.append(
                    FieldError(f"{where}.address", Message("fees.no_household_at", shown=shown))
                )
            elif code and code != found:
                errors.append(
                    FieldError(
                        f"{where}.household_code",
                        Message("fees.code_address_mismatch", code_=code, shown=shown, found=found),
                    )
                )
            else:
                code = found
        elif not code and len(errors) == before:
            errors.append(
                FieldError(f"{where}.household_code", Message("fees.code_or_address_required"))
            )
        try:
            fee_year = int(_text(row["fee_year"]).removesuffix("年"))
        except ValueError:
            errors.append(FieldError(f"{where}.fee_year", Message("fees.not_a_year")))
            fee_year = 0
        try:
            method = parse_method(_text(row["method"]))
        except ValueError as exc:
            errors.append(
                FieldError(f"{where}.method", Message("fees.method_reason", exc=reason_of(exc)))
            )
            method = ""
        try:
            paid_on = _date(row["paid_on"])
        except (ValueError, TypeError):
            errors.append(FieldError(f"{where}.paid_on", Message("input.not_a_date")))
            paid_on = None
        amount = cell_number(row["amount"])
        if len(errors) == before:
            out.append(
                (
                    number,
                    PaymentIn(
                        method=method,  # type: ignore[arg-type]  # parse_method's values
                        amount=amount,
                        paid_on=paid_on,
                        payer=_text(row.get("payer"))[:50],
                        reference=_text(row.get("reference"))[:80],
                        allocations=[
                            AllocationIn(household_code=code, fee_year=fee_year, amount=amount)
                        ],
                    ),
                )
            )
    raise_if_rows(errors)
    return out


def import_payments(
    session: Session,
    estate_id: int,
    data: bytes,
    filename: str,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[PaymentImportOut, bool]:
    """Import every row or none. Commits. Raises ValidationError (``rows[N].field``)."""
    import hashlib

    def action() -> PaymentImportOut:
        rows = parse_rows(session, estate_id, data, filename)
        estate = get_estate(session, estate_id)
        # One batch: every row checked against what is owed (read once, charge rows
        # locked), then all payments written with one take of receipt numbers and one
        # lock of the ledger head.
        households = households_by_code(
            session, estate_id, {a.household_code.strip() for _, p in rows for a in p.allocations}
        )
        owed = outstanding_many(
            session,
            [
                (households[a.household_code.strip()].id, a.fee_year)
                for _, p in rows
                for a in p.allocations
                if a.household_code.strip() in households
            ],
            lock=True,
        )
        errors: list[FieldError] = []
        plans: list[PaymentPlan] = []
        for number, payment in rows:
            try:
                plans.append(plan_payment(session, estate, payment, households, owed=owed))
            except ValidationError as exc:
                for e in exc.errors:
                    field = e.field.replace("allocations[0].", "")
                    errors.append(FieldError(f"rows[{number}].{field}", e.message))
        if errors:
            session.rollback()
            raise ValidationError(
                Message("fees.rows_not_posted", problems=errors[:5]),
                errors=errors,
            )
        results = record_planned(session, estate_id, plans, actor_user_id=actor_user_id)
        receipts = [r["receipt_no"] for result in results for r in result["receipts"]]
        total = sum((Decimal(result["amount"]) for result in results), Decimal("0.00"))
        return {
            "payments": len(rows),
            "amount": money_text(total),
            "first_receipt": receipts[0] if receipts else None,
            "last_receipt": receipts[-1] if receipts else None,
        }

    result, replayed = run_idempotent(
        session,
        scope=f"fees.import:{estate_id}",
        key=idempotency_key,
        fingerprint={"sha256": hashlib.sha256(data).hexdigest()},
        action=action,
    )
    session.commit()
    return result, replayed
