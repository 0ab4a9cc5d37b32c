"""Rendering a statement: HTML (the same document on screen and in the snapshot), PDF
(WeasyPrint, A4, Noto Sans CJK SC embedded, headers repeated on every page, "第 X 页 / 共 Y 页",
ledger head hash in the footer, signature block, QR code to the online version).

Every function here is pure over the statement dict and the publication facts: rendering
never touches the database, so a snapshot can be re-rendered and compared byte for byte.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from trustfund.disclosure import charts
from trustfund.disclosure.signoff import approvers_text
from trustfund.ledger.money import format_money, money_text

HERE = Path(__file__).resolve().parent
TEMPLATES = [HERE / "templates", HERE.parent / "web" / "templates"]
#: More expenditure lines than this are shown on the page and in the PDF grouped by month
#: and item (the JSON, CSV and XLSX keep every line; the ledger file has every entry).
MAX_DETAIL_LINES = 300


def _rate(value: str | None) -> str:
    return "—" if value is None else f"{value}%"


def _signed(value: str | Decimal) -> str:
    """``+1,200.00`` / ``−380.00`` / ``0.00``: a change, with its sign."""
    amount = Decimal(value)
    if amount > 0:
        return "+" + format_money(amount)
    if amount < 0:
        return "−" + format_money(-amount)
    return format_money(amount)


def _short_hash(value: str | None) -> str:
    """A hash that fits a phone: its first 10 and last 6 characters."""
    if not value:
        return "—"
    return value if len(value) <= 20 else f"{value[:10]}…{value[-6:]}"


def _approvers(line: dict[str, Any]) -> str:
    """An expense line's approvers: by name when the statement names them, else counted by
    role ("业委会委员2人"), "—" for none."""
    return approvers_text(line.get("approver_roles") or (), line.get("approver_names") or ())


#: The statement's filters; the pages' environment (``web.templating``) has them too.
FILTERS = {
    "money": format_money,
    "rate": _rate,
    "signed": _signed,
    "short_hash": _short_hash,
    "approvers": _approvers,
}


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(p) for p in TEMPLATES]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


_ENV = environment()


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline ``<svg>`` element."""
    return str(segno.make(url, error="m").svg_inline(scale=3, border=2))


def expenditure_view(expenditure: dict[str, Any]) -> dict[str, Any]:
    """Expenditure by month, then by item (category and fund) with totals; every line under
    its item unless there are more than ``MAX_DETAIL_LINES`` (then totals only: the CSV,
    XLSX and the ledger file keep every line)."""
    lines = expenditure["lines"]
    detailed = len(lines) <= MAX_DETAIL_LINES
    months: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for line in lines:
        months[line["date"][:7]][(line["category"], line["fund_name"])].append(line)

    out = []
    for month, items in sorted(months.items()):
        sums = {
            key: sum((Decimal(r["amount"]) for r in rows), Decimal("0.00"))
            for key, rows in items.items()
        }
        groups: list[dict[str, Any]] = [
            {
                "category": category,
                "fund_name": fund_name,
                "count": len(rows),
                "amount": money_text(sums[(category, fund_name)]),
                "lines": rows if detailed else [],
            }
            for (category, fund_name), rows in sorted(items.items())
        ]
        out.append(
            {
                "month": month,
                "label": f"{int(month[:4])}年{int(month[5:7])}月",
                "count": sum(g["count"] for g in groups),
                "amount": money_text(sum(sums.values(), Decimal("0.00"))),
                "groups": groups,
            }
        )
    return {"detailed": detailed, "months": out}


def headline(
    statement: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """A card per fund for the top of the page: income, expenditure, the balance and its
    change over the period (closing − opening); with the previous period's statement,
    also how income and expenditure compare with it."""
    before = {f["fund"]: f for f in (previous or {}).get("funds", [])}
    cards = []
    for fund in [*statement["funds"], {**statement["funds_total"], "fund": "", "name": "合计"}]:
        change = Decimal(fund["closing"]) - Decimal(fund["opening"])
        prev = before.get(fund["fund"]) if fund["fund"] else (previous or {}).get("funds_total")
        cards.append(
            {
                "fund": fund["fund"],
                "name": fund["name"],
                "income": fund["income"],
                "expenditure": fund["expenditure"],
                "closing": fund["closing"],
                "change": money_text(change),
                "prev_income": prev["income"] if prev else None,
                "prev_expenditure": prev["expenditure"] if prev else None,
                "total": not fund["fund"],
            }
        )
    return cards


def _figures(statement: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, value) of every headline figure of a statement, in reading order."""
    out: list[tuple[str, str, str]] = []
    parts = (
        ("opening", "期初余额"),
        ("income", "本期收入"),
        ("expenditure", "本期支出"),
        ("other", "建账/调拨"),
        ("closing", "期末余额"),
    )
    for fund in [*statement["funds"], {**statement["funds_total"], "fund": "", "name": "合计"}]:
        for key, label in parts:
            out.append((f"fund:{fund['fund']}:{key}", f"{fund['name']} · {label}", fund[key]))
    rec = statement["reconciliation"]
    for key, label in (
        ("bank", "业委会银行存款"),
        ("cash", "管家库存现金"),
        ("prepaid_fees", "预收下年度服务费"),
        ("payables", "应付承揽方款项"),
    ):
        out.append((f"rec:{key}", f"账实核对 · {label}", rec[key]))
    collection = statement.get("collection")
    if collection:
        overall = collection["overall"]
        for key, label in (("charged", "应收金额"), ("paid", "实收金额")):
            out.append((f"col:{key}", f"服务费收缴 · {label}", overall[key]))
    income, expenditure = statement["income"], statement["expenditure"]
    out.append(("inc:fees", "收入明细 · 服务费收入", income["fees_total"]))
    out.append(("inc:other", "收入明细 · 其他收入", income["other_total"]))
    out.append(("exp:total", "支出明细 · 支出合计", expenditure["total"]))
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Figure by figure, what a correction changed: every headline figure whose value
    differs between the corrected version (``before``) and the correction (``after``),
    with the difference; figures only one of them has count as 0.00 in the other."""
    old = {key: (label, value) for key, label, value in _figures(before)}
    new = {key: (label, value) for key, label, value in _figures(after)}
    rows = []
    for key in [*new, *(k for k in old if k not in new)]:
        label = (new.get(key) or old[key])[0]
        a = Decimal(old[key][1]) if key in old else Decimal("0.00")
        b = Decimal(new[key][1]) if key in new else Decimal("0.00")
        if a != b:
            rows.append(
                {
                    "label": label,
                    "before": money_text(a),
                    "after": money_text(b),
                    "change": money_text(b - a),
                }
            )
    count_before, count_after = before["expenditure"]["count"], after["expenditure"]["count"]
    if count_before != count_after:
        rows.append(
            {
                "label": "支出明细 · 笔数",
                "before": str(count_before),
                "after": str(count_after),
                "change": f"{count_after - count_before:+d}",
                "count": "1",
            }
        )
    return rows


def context(
    statement: dict[str, Any],
    publication: dict[str, Any] | None,
    *,
    base_url: str = "",
    draft_head: tuple[int, str] | None = None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the statement templates need; ``previous``: the statement of the period before
    (published), for the comparison on the page."""
    slug = statement["estate"]["slug"]
    url = publication["url"] if publication else f"{base_url.rstrip('/')}/e/{slug}"
    collection = statement.get("collection")
    head = (
        (publication["ledger_seq"], publication["ledger_hash"])
        if publication
        else (draft_head or (0, ""))
    )
    return {
        "s": statement,
        "pub": publication,
        "draft": publication is None,
        "head_seq": head[0],
        "head_hash": head[1],
        "url": url,
        "qr": qr_svg(url),
        "fund_chart": charts.fund_balances_svg(statement["fund_series"], statement["funds"]),
        "collection_chart": charts.collection_svg(collection["by_building"] if collection else []),
        "exp": expenditure_view(statement["expenditure"]),
        "headline": headline(statement, previous),
        "previous_title": previous["period"]["title"] if previous else None,
        "for_pdf": False,
        "max_lines": MAX_DETAIL_LINES,
    }


def statement_html(
    statement: dict[str, Any],
    publication: dict[str, Any] | None,
    *,
    for_pdf: bool = False,
    base_url: str = "",
    draft_head: tuple[int, str] | None = None,
) -> str:
    """The statement as one standalone HTML document (``for_pdf``: print layout)."""
    ctx = context(statement, publication, base_url=base_url, draft_head=draft_head)
    ctx["for_pdf"] = for_pdf
    return _ENV.get_template("disclosure_document.html").render(ctx)


def pdf_bytes(html: str) -> bytes:
    """Render print HTML to PDF with WeasyPrint (fonts from the system: Noto Sans CJK SC)."""
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=html, base_url=str(HERE)).write_pdf(out)
    return out.getvalue()
