"""Arrears (欠费) and collection rates (收缴率), as SQL aggregates.

For fee year Y as of day D a household's *paid* amount is the sum of its receipts for Y
dated on or before D that were not void on D (a receipt voided later still counted then),
minus its refunds for Y dated on or before D. Arrears = charged − paid. A household is
*paid* when it paid its whole charge, *partial* when it paid something, *unpaid* otherwise.
Two rates: by households (paid in full ÷ charged) and by amount (paid ÷ charged).

Sums are taken over whole fen (integers) so they are exact on SQLite too, where NUMERIC is
kept as binary floating point.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trustfund.db.base import in_fen
from trustfund.db.models.estates import Building, Household
from trustfund.db.models.fees import (
    FeeCharge,
    FeeChargeLine,
    FeeReceipt,
    FeeReceiptLine,
    FeeRefund,
    FeeRefundLine,
    ReceiptStatus,
)
from trustfund.estates.order import address_key, natural_key
from trustfund.estates.service import today_in
from trustfund.fees.common import check_fee_year, get_estate
from trustfund.fees.rules import fee_year_end
from trustfund.fees.schemas import (
    BuildingCollectionOut,
    CollectionOut,
    CollectionStatsOut,
    ComponentCollectionOut,
    OccupancyCollectionOut,
    YearCollectionOut,
)
from trustfund.ledger.accounts import FUND_NAMES_ZH, fund_label
from trustfund.ledger.money import from_fen, money_text
from trustfund.spreadsheet import append_row, finish_sheet, workbook_bytes


def _counted(as_of: date) -> ColumnElement[bool]:
    return or_(
        FeeReceipt.status == ReceiptStatus.VALID,
        and_(FeeReceipt.voided_on.is_not(None), FeeReceipt.voided_on > as_of),
    )


def _household_rows(session: Session, estate_id: int, fee_year: int, as_of: date) -> Any:
    """A subquery: one row per charged household with charged and net paid (in fen)."""
    paid = (
        select(FeeReceipt.household_id.label("hid"), func.sum(in_fen(FeeReceipt.amount)).label("v"))
        .where(
            FeeReceipt.estate_id == estate_id,
            FeeReceipt.fee_year == fee_year,
            FeeReceipt.paid_on <= as_of,
            _counted(as_of),
        )
        .group_by(FeeReceipt.household_id)
        .subquery()
    )
    refunded = (
        select(FeeRefund.household_id.label("hid"), func.sum(in_fen(FeeRefund.amount)).label("v"))
        .where(
            FeeRefund.estate_id == estate_id,
            FeeRefund.fee_year == fee_year,
            FeeRefund.refunded_on <= as_of,
        )
        .group_by(FeeRefund.household_id)
        .subquery()
    )
    return (
        select(
            FeeCharge.household_id.label("household_id"),
            FeeCharge.vacant.label("vacant"),
            Building.number.label("building"),
            in_fen(FeeCharge.amount).label("charged"),
            (func.coalesce(paid.c.v, 0) - func.coalesce(refunded.c.v, 0)).label("paid"),
        )
        .join(Household, Household.id == FeeCharge.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(paid, paid.c.hid == FeeCharge.household_id)
        .outerjoin(refunded, refunded.c.hid == FeeCharge.household_id)
        .where(FeeCharge.estate_id == estate_id, FeeCharge.fee_year == fee_year)
        .subquery()
    )


def _stats(households: int, charged: int, paid: int, full: int, partial: int) -> CollectionStatsOut:
    def rate(a: int, b: int) -> str | None:
        return None if b == 0 else str((Decimal(a) * 100 / Decimal(b)).quantize(Decimal("0.01")))

    return {
        "households": households,
        "paid_in_full": full,
        "partial": partial,
        "unpaid": households - full - partial,
        "charged": money_text(from_fen(charged)),
        "paid": money_text(from_fen(paid)),
        "arrears": money_text(from_fen(charged - paid)),
        "household_rate": rate(full, households),
        "amount_rate": rate(paid, charged),
    }


def _grouped(session: Session, rows: Any, key: Any | None) -> list[tuple[Any, CollectionStatsOut]]:
    columns = [
        func.count(),
        func.coalesce(func.sum(rows.c.charged), 0),
        func.coalesce(func.sum(rows.c.paid), 0),
        func.coalesce(func.sum(case((rows.c.paid >= rows.c.charged, 1), else_=0)), 0),
        func.coalesce(
            func.sum(case((and_(rows.c.paid > 0, rows.c.paid < rows.c.charged), 1), else_=0)), 0
        ),
    ]
    if key is None:
        n, charged, paid, full, partial = session.execute(select(*columns)).one()
        return [(None, _stats(int(n), int(charged), int(paid), int(full), int(partial)))]
    result = session.execute(select(key, *columns).group_by(key).order_by(key)).all()
    return [
        (k, _stats(int(n), int(charged), int(paid), int(full), int(partial)))
        for k, n, charged, paid, full, partial in result
    ]


def _by_component(
    session: Session, estate_id: int, fee_year: int, as_of: date
) -> list[ComponentCollectionOut]:
    charged = _pairs(
        session.execute(
            select(FeeChargeLine.fund, func.sum(in_fen(FeeChargeLine.amount)))
            .join(FeeCharge, FeeCharge.id == FeeChargeLine.charge_id)
            .where(FeeCharge.estate_id == estate_id, FeeCharge.fee_year == fee_year)
            .group_by(FeeChargeLine.fund)
        )
    )
    paid = _pairs(
        session.execute(
            select(FeeReceiptLine.fund, func.sum(in_fen(FeeReceiptLine.amount)))
            .join(FeeReceipt, FeeReceipt.id == FeeReceiptLine.receipt_id)
            .where(
                FeeReceipt.estate_id == estate_id,
                FeeReceipt.fee_year == fee_year,
                FeeReceipt.paid_on <= as_of,
                _counted(as_of),
            )
            .group_by(FeeReceiptLine.fund)
        )
    )
    refunded = _pairs(
        session.execute(
            select(FeeRefundLine.fund, func.sum(in_fen(FeeRefundLine.amount)))
            .join(FeeRefund, FeeRefund.id == FeeRefundLine.refund_id)
            .where(
                FeeRefund.estate_id == estate_id,
                FeeRefund.fee_year == fee_year,
                FeeRefund.refunded_on <= as_of,
            )
            .group_by(FeeRefundLine.fund)
        )
    )
    out: list[ComponentCollectionOut] = []
    for fund in sorted(charged):
        c = int(charged[fund] or 0)
        p = int(paid.get(fund) or 0) - int(refunded.get(fund) or 0)
        out.append(
            {
                "fund": fund,
                "name": FUND_NAMES_ZH.get(fund, fund),
                "charged": money_text(from_fen(c)),
                "paid": money_text(from_fen(p)),
                "arrears": money_text(from_fen(c - p)),
                "amount_rate": None
                if c == 0
                else str((Decimal(p) * 100 / c).quantize(Decimal("0.01"))),
            }
        )
    return out


def _pairs(result: Any) -> dict[str, int]:
    return {str(k): int(v or 0) for k, v in result}


def fee_years(session: Session, estate_id: int) -> list[int]:
    return list(
        session.scalars(
            select(FeeCharge.fee_year)
            .where(FeeCharge.estate_id == estate_id)
            .distinct()
            .order_by(FeeCharge.fee_year)
        )
    )


def collection_report(
    session: Session, estate_id: int, fee_year: int, *, as_of: date | None = None
) -> CollectionOut:
    """Arrears and collection rates for ``fee_year`` as of ``as_of`` (default today, local):
    overall, occupied vs vacant, by building, by component, and the trend over every fee
    year with charges (each as of the end of that year, or ``as_of`` if earlier)."""
    check_fee_year(fee_year)
    estate = get_estate(session, estate_id)
    as_of = as_of or today_in(estate)
    rows = _household_rows(session, estate_id, fee_year, as_of)
    overall = _grouped(session, rows, None)[0][1]
    occupancy: OccupancyCollectionOut = {}
    for k, s in _grouped(session, rows, rows.c.vacant):
        occupancy["vacant" if k else "occupied"] = s
    buildings: list[BuildingCollectionOut] = sorted(
        ({"building": k, **s} for k, s in _grouped(session, rows, rows.c.building)),
        key=lambda b: natural_key(b["building"]),
    )
    trend: list[YearCollectionOut] = []
    for year in fee_years(session, estate_id):
        year_as_of = min(as_of, fee_year_end(year))
        year_rows = _household_rows(session, estate_id, year, year_as_of)
        trend.append(
            {
                "fee_year": year,
                "as_of": year_as_of.isoformat(),
                **_grouped(session, year_rows, None)[0][1],
            }
        )
    return {
        "fee_year": fee_year,
        "as_of": as_of.isoformat(),
        "overall": overall,
        "by_occupancy": occupancy,
        "by_building": buildings,
        "by_component": _by_component(session, estate_id, fee_year, as_of),
        "trend": trend,
    }


def arrears_list(
    session: Session, estate_id: int, fee_year: int, *, as_of: date
) -> list[dict[str, Any]]:
    """Households with arrears, by address (staff only: includes owner name and phone)."""
    rows = _household_rows(session, estate_id, fee_year, as_of)
    result = session.execute(
        select(
            Household.code,
            rows.c.building,
            Household.entrance,
            Household.room,
            Household.owner_name,
            Household.phone,
            rows.c.vacant,
            rows.c.charged,
            rows.c.paid,
        )
        .join(rows, rows.c.household_id == Household.id)
        .where(rows.c.paid < rows.c.charged)
    ).all()
    result = sorted(result, key=lambda r: address_key(r[1], r[2], r[3]))
    return [
        {
            "household_code": code,
            "building": building,
            "entrance": entrance,
            "room": room,
            "owner_name": owner or "",
            "phone": phone or "",
            "vacant": bool(vacant),
            "charged": str(from_fen(charged)),
            "paid": str(from_fen(paid)),
            "arrears": str(from_fen(charged - paid)),
        }
        for code, building, entrance, room, owner, phone, vacant, charged, paid in result
    ]


def export_xlsx(
    session: Session, estate_id: int, fee_year: int, *, as_of: date | None = None
) -> bytes:
    """The report as a workbook: 概览, 按楼栋, 按项目, 历年趋势, 欠费明细 (amounts as numbers
    with two decimals, so the steward's own spreadsheet sums still work)."""
    from openpyxl import Workbook

    report = collection_report(session, estate_id, fee_year, as_of=as_of)
    as_of_day = date.fromisoformat(report["as_of"])
    wb = Workbook()
    stat_head = [
        "户数",
        "已缴清",
        "部分缴纳",
        "未缴",
        "应收",
        "实收",
        "欠费",
        "户数收缴率%",
        "金额收缴率%",
    ]
    stat_keys = [
        "households",
        "paid_in_full",
        "partial",
        "unpaid",
        "charged",
        "paid",
        "arrears",
        "household_rate",
        "amount_rate",
    ]
    money_keys = {"charged", "paid", "arrears"}

    def cells(stats: CollectionStatsOut) -> list[Any]:
        out: list[Any] = []
        row: Mapping[str, Any] = stats
        for k in stat_keys:
            v = row[k]
            out.append(
                Decimal(v) if (k in money_keys or k.endswith("rate")) and v is not None else v
            )
        return out

    ws = wb.active
    assert ws is not None
    ws.title = "概览"
    append_row(ws, [f"{fee_year}年度 综合服务费收缴情况（截至 {report['as_of']}）"])
    append_row(ws, ["类别", *stat_head])
    append_row(ws, ["全部", *cells(report["overall"])])
    by_occupancy = report["by_occupancy"]
    if "occupied" in by_occupancy:
        append_row(ws, ["在住户", *cells(by_occupancy["occupied"])])
    if "vacant" in by_occupancy:
        append_row(ws, ["空户", *cells(by_occupancy["vacant"])])
    ws = wb.create_sheet("按楼栋")
    append_row(ws, ["楼栋", *stat_head])
    for b in report["by_building"]:
        append_row(ws, [f"{b['building']}幢", *cells(b)])
    ws = wb.create_sheet("按项目")
    append_row(ws, ["项目", "基金", "应收", "实收", "欠费", "金额收缴率%"])
    for c in report["by_component"]:
        append_row(
            ws,
            [
                c["name"],
                fund_label(c["fund"]),
                Decimal(c["charged"]),
                Decimal(c["paid"]),
                Decimal(c["arrears"]),
                None if c["amount_rate"] is None else Decimal(c["amount_rate"]),
            ],
        )
    ws = wb.create_sheet("历年趋势")
    append_row(ws, ["费用年度", "截至", *stat_head])
    for t in report["trend"]:
        append_row(ws, [t["fee_year"], date.fromisoformat(t["as_of"]), *cells(t)])
    ws = wb.create_sheet("欠费明细")
    append_row(ws, ["户号", "楼栋", "单元", "室", "业主", "电话", "空户", "应收", "实收", "欠费"])
    for r in arrears_list(session, estate_id, fee_year, as_of=as_of_day):
        append_row(
            ws,
            [
                r["household_code"],
                r["building"],
                r["entrance"],
                r["room"],
                r["owner_name"],
                r["phone"],
                "是" if r["vacant"] else "否",
                Decimal(r["charged"]),
                Decimal(r["paid"]),
                Decimal(r["arrears"]),
            ],
        )
    for sheet in wb.worksheets:
        finish_sheet(sheet, header_rows=2 if sheet.title == "概览" else 1)
    return workbook_bytes(wb)
