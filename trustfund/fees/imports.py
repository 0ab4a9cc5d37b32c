"""Batch import of payments from CSV or XLSX (all rows or none).

One row is one payment for one household and fee year. Columns (Chinese or English
headers): 户号/household_code, 年度/fee_year, 金额/amount, 方式/method (现金, 微信, 支付宝,
银行转账 or cash, wechat, alipay, bank_transfer), 日期/paid_on, optional 付款人/payer and
备注/reference. Every row is checked and posted in one transaction; if any row is bad
nothing is kept and the 422 lists every bad cell as ``rows[N].field`` (N = spreadsheet row,
header is row 1). Rows are posted in file order, so two rows for the same household are
checked together against what it owes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from trustfund.errors import FieldError, ValidationError
from trustfund.estates.importer import read_table
from trustfund.fees.common import get_estate, households_by_code
from trustfund.fees.payments import (
    PaymentPlan,
    outstanding_many,
    plan_payment,
    record_planned,
)
from trustfund.fees.schemas import AllocationIn, PaymentIn
from trustfund.journal.idempotency import run_idempotent
from trustfund.ledger.money import cell_number

HEADERS = {
    "户号": "household_code",
    "household_code": "household_code",
    "年度": "fee_year",
    "费用年度": "fee_year",
    "fee_year": "fee_year",
    "金额": "amount",
    "amount": "amount",
    "方式": "method",
    "付款方式": "method",
    "method": "method",
    "日期": "paid_on",
    "收款日期": "paid_on",
    "paid_on": "paid_on",
    "付款人": "payer",
    "payer": "payer",
    "备注": "reference",
    "reference": "reference",
}
REQUIRED = ("household_code", "fee_year", "amount", "method", "paid_on")
METHODS = {
    "现金": "cash",
    "cash": "cash",
    "微信": "wechat",
    "微信支付": "wechat",
    "wechat": "wechat",
    "支付宝": "alipay",
    "alipay": "alipay",
    "银行转账": "bank_transfer",
    "转账": "bank_transfer",
    "bank_transfer": "bank_transfer",
}


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


def parse_rows(data: bytes, filename: str) -> list[tuple[int, PaymentIn]]:
    """Rows as payments; raises ValidationError naming every bad cell."""
    table = read_table(data, filename)
    columns: dict[int, str] = {}
    for i, name in enumerate(table.header):
        field = HEADERS.get(_text(name).lower()) or HEADERS.get(_text(name))
        if field:
            columns[i] = field
    missing = [f for f in REQUIRED if f not in columns.values()]
    if missing:
        raise ValidationError(
            "The file lacks required columns: " + ", ".join(missing),
            errors=[FieldError(f"header.{f}", "column missing") for f in missing],
        )
    errors: list[FieldError] = []
    out: list[tuple[int, PaymentIn]] = []
    for number, cells in table.rows:
        row = {field: cells[i] if i < len(cells) else None for i, field in columns.items()}
        where = f"rows[{number}]"
        before = len(errors)
        code = _text(row["household_code"])
        if not code:
            errors.append(FieldError(f"{where}.household_code", "required"))
        try:
            fee_year = int(_text(row["fee_year"]).removesuffix("年"))
        except ValueError:
            errors.append(FieldError(f"{where}.fee_year", "not a year"))
            fee_year = 0
        method = METHODS.get(_text(row["method"]).lower())
        if method is None:
            errors.append(FieldError(f"{where}.method", "must be 现金, 微信, 支付宝 or 银行转账"))
        try:
            paid_on = _date(row["paid_on"])
        except (ValueError, TypeError):
            errors.append(FieldError(f"{where}.paid_on", "not a date (YYYY-MM-DD)"))
            paid_on = None
        amount = cell_number(row["amount"])
        if len(errors) == before:
            out.append(
                (
                    number,
                    PaymentIn(
                        method=method,  # type: ignore[arg-type]
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
    if errors:
        raise ValidationError(
            f"{len({e.field.split('.')[0] for e in errors})} rows are not valid; nothing was "
            "imported.",
            errors=errors,
        )
    return out


def import_payments(
    session: Session,
    estate_id: int,
    data: bytes,
    filename: str,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[dict[str, Any], bool]:
    """Import every row or none. Commits. Raises ValidationError (``rows[N].field``)."""
    import hashlib

    def action() -> dict[str, Any]:
        rows = parse_rows(data, filename)
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
                    errors.append(FieldError(f"rows[{number}].{field}", e.reason))
        if errors:
            session.rollback()
            raise ValidationError(
                "Some rows cannot be posted; nothing was imported. "
                + "; ".join(f"{e.field}: {e.reason}" for e in errors[:5]),
                errors=errors,
            )
        results = record_planned(session, estate_id, plans, actor_user_id=actor_user_id)
        receipts = [r["receipt_no"] for result in results for r in result["receipts"]]
        total = sum((Decimal(result["amount"]) for result in results), Decimal("0.00"))
        return {
            "payments": len(rows),
            "amount": str(total),
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
