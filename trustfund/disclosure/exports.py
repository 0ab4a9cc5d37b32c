"""CSV and XLSX of a statement: every line (the page and PDF may summarise long lists).
Amounts are plain numbers with two decimals so spreadsheets can sum them; text that a
spreadsheet would run as a formula is written as text (``trustfund.spreadsheet``)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from trustfund.disclosure.signoff import approvers_text
from trustfund.ledger.accounts import fund_label
from trustfund.spreadsheet import append_row, csv_row, finish_sheet, workbook_bytes

FUND_HEAD = ["基金", "期初余额", "本期收入", "本期支出", "建账/调拨", "期末余额"]
EXP_HEAD = [
    "账本序号",
    "日期",
    "事项",
    "科目",
    "收款方",
    "基金",
    "金额",
    "凭证号",
    "审批人角色",
    "标记",
]


def _blocks(
    statement: dict[str, Any], publication: dict[str, Any] | None
) -> list[tuple[str, list[list[Any]]]]:
    s = statement
    title = f"{s['estate']['name']} {s['period']['title']}财务收支公示"
    head = [[title], ["期间", s["period"]["start"], s["period"]["end"]]]
    if publication:
        head.append(["版本", publication["number"], "公示日期", publication["published_on"]])
        head.append(["账本头", publication["ledger_seq"], publication["ledger_hash"]])
        if publication.get("supersedes"):
            head.append(
                ["取代版本", publication["supersedes"]["number"], publication["correction_reason"]]
            )
    funds = [FUND_HEAD] + [
        [
            f["name"],
            *(Decimal(f[k]) for k in ("opening", "income", "expenditure", "other", "closing")),
        ]
        for f in s["funds"]
    ]
    funds.append(
        [
            "合计",
            *(
                Decimal(s["funds_total"][k])
                for k in ("opening", "income", "expenditure", "other", "closing")
            ),
        ]
    )
    r = s["reconciliation"]
    recon = [
        ["等式", r["identity"]],
        ["银行存款", Decimal(r["bank"])],
        ["管家现金", Decimal(r["cash"])],
        ["预收服务费", Decimal(r["prepaid_fees"])],
        ["应付款", Decimal(r["payables"])],
        ["资产减负债", Decimal(r["assets_less_liabilities"])],
        ["基金余额合计", Decimal(r["funds_total"])],
        ["账实相符", "是" if r["balanced"] else "否"],
    ]
    c = s.get("collection")
    collection: list[list[Any]] = [["暂无"]]
    if c:
        collection = [
            ["楼栋", "应收户数", "已缴清", "部分缴纳", "未缴", "户数收缴率%", "金额收缴率%"]
        ]
        for b in [{"building": "全部", **c["overall"]}, *c["by_building"]]:
            collection.append(
                [
                    b["building"],
                    b["households"],
                    b["paid_in_full"],
                    b["partial"],
                    b["unpaid"],
                    b["household_rate"],
                    b["amount_rate"],
                ]
            )
    income: list[list[Any]] = [["类别", "名称", "基金", "金额"]]
    income += [
        ["服务费", f["name"], fund_label(f["fund"]), Decimal(f["amount"])]
        for f in s["income"]["fees"]
    ]
    income += [
        ["其他收入", o["name"], o["fund_name"], Decimal(o["amount"])] for o in s["income"]["other"]
    ]
    income += [
        ["捐赠", f"{d['date']} {d['donor']} {d['item']}", d["fund_name"], Decimal(d["amount"])]
        for d in s["income"]["donors"]
    ]
    expenditure = [EXP_HEAD] + [
        [
            line["seq"],
            line["date"],
            line["item"],
            line["category"],
            line["payee"],
            line["fund_name"],
            Decimal(line["amount"]),
            line["voucher"],
            approvers_text(line["approver_roles"], line.get("approver_names") or ())
            if line["approver_roles"]
            else "",
            line["flag"],
        ]
        for line in s["expenditure"]["lines"]
    ]
    blocks = [
        ("公示", head),
        ("基金收支", funds),
        ("账实核对", recon),
        ("收缴情况", collection),
        ("收入明细", income),
        ("支出明细", expenditure),
    ]
    for sec in s["sections"]:
        rows: list[list[Any]] = [["暂无"]]
        if sec["status"] == "ok":
            rows = [[h for _, h in sec["columns"]]] + [
                [row.get(k, "") for k, _ in sec["columns"]] for row in sec["rows"]
            ]
        blocks.append((sec["title"][:31], rows))
    return blocks


def to_csv(statement: dict[str, Any], publication: dict[str, Any] | None) -> bytes:
    """UTF-8 with BOM (Excel opens it correctly); blocks separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for name, rows in _blocks(statement, publication):
        writer.writerow([f"【{name}】"])
        for row in rows:
            writer.writerow(csv_row(row))
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(statement: dict[str, Any], publication: dict[str, Any] | None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for name, rows in _blocks(statement, publication):
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        first = False
        ws.title = name.replace("/", "·")[:31]
        for row in rows:
            append_row(ws, [_typed(value) for value in row])
        finish_sheet(ws, header_rows=2 if name == "公示" else 1)
    return workbook_bytes(wb)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"-?\d+\.\d+")


def _typed(value: Any) -> Any:
    """A statement value as a spreadsheet cell: ISO dates as dates, rates and prices written
    with a decimal point as numbers; whole numbers in text (a building "10", a receipt
    number) stay text."""
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if _DECIMAL.fullmatch(value):
            return Decimal(value)
    return value
