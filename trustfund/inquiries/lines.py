"""The lines of a published disclosure a resident may question, each with a stable reference
(``line_ref``) read from the published statement itself (snapshots never change, so a
reference keeps pointing at the same line):

| ref | line |
|---|---|
| ``exp-<seq>`` | an expenditure line (journal entry ``seq``) |
| ``don-<seq>`` | a donation or sponsorship |
| ``fee-<fund>`` | service-fee income of one fund (a total) |
| ``inc-<source>-<fund>`` | other income of one source and fund (a total) |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LINE_REF = re.compile(r"^(exp|don|fee|inc)-[A-Za-z0-9:_-]{1,70}$")


@dataclass(frozen=True)
class Line:
    ref: str
    section: str  # Chinese: 支出 / 捐赠 / 服务费收入 / 其他收入
    date: str  # "" for totals
    text: str  # what the line says
    amount: str


def public_lines(statement: dict[str, Any]) -> dict[str, Line]:
    """Every questionable line of a published statement, by reference, in page order."""
    out: dict[str, Line] = {}
    income = statement.get("income") or {}
    for row in income.get("fees", []):
        ref = f"fee-{row['fund']}"
        out.setdefault(ref, Line(ref, "服务费收入", "", str(row["name"]), str(row["amount"])))
    for row in income.get("other", []):
        ref = f"inc-{row['source']}-{row['fund']}"
        text = f"{row['name']}（{row['fund_name']}）"
        out.setdefault(ref, Line(ref, "其他收入", "", text, str(row["amount"])))
    for row in income.get("donors", []):
        ref = f"don-{row['seq']}"
        text = f"{row['donor']}：{row['item']}"
        out.setdefault(ref, Line(ref, "捐赠", str(row["date"]), text, str(row["amount"])))
    for row in (statement.get("expenditure") or {}).get("lines", []):
        ref = f"exp-{row['seq']}"
        text = str(row["item"]) + (f"（{row['payee']}）" if row.get("payee") else "")
        out.setdefault(ref, Line(ref, "支出", str(row["date"]), text, str(row["amount"])))
    return {ref: line for ref, line in out.items() if LINE_REF.fullmatch(ref)}


def line_view(line: Line) -> dict[str, str]:
    return {
        "ref": line.ref,
        "section": line.section,
        "date": line.date,
        "text": line.text,
        "amount": line.amount,
    }
