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
from trustfund.ledger.money import format_money

HERE = Path(__file__).resolve().parent
TEMPLATES = [HERE / "templates", HERE.parent / "web" / "templates"]
#: More expenditure lines than this are shown on the page and in the PDF grouped by month
#: and item (the JSON, CSV and XLSX keep every line; the ledger file has every entry).
MAX_DETAIL_LINES = 300


def _money(value: str | Decimal | None) -> str:
    if value is None or value == "":
        return "—"
    return format_money(Decimal(value))


def _rate(value: str | None) -> str:
    return "—" if value is None else f"{value}%"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(p) for p in TEMPLATES]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _money
    env.filters["rate"] = _rate
    return env


_ENV = environment()


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline ``<svg>`` element."""
    return str(segno.make(url, error="m").svg_inline(scale=3, border=2))


def expenditure_view(expenditure: dict[str, Any]) -> dict[str, Any]:
    """Either every line, or (beyond ``MAX_DETAIL_LINES``) a summary by month and item."""
    lines = expenditure["lines"]
    if len(lines) <= MAX_DETAIL_LINES:
        return {"detailed": True, "lines": lines, "groups": []}
    groups: dict[tuple[str, str, str], list[Decimal]] = defaultdict(list)
    for line in lines:
        groups[(line["date"][:7], line["category"], line["fund_name"])].append(
            Decimal(line["amount"])
        )
    return {
        "detailed": False,
        "lines": [],
        "groups": [
            {
                "month": month,
                "category": category,
                "fund_name": fund_name,
                "count": len(values),
                "amount": f"{sum(values, Decimal('0.00')):.2f}",
            }
            for (month, category, fund_name), values in sorted(groups.items())
        ],
    }


def context(
    statement: dict[str, Any],
    publication: dict[str, Any] | None,
    *,
    base_url: str = "",
    draft_head: tuple[int, str] | None = None,
) -> dict[str, Any]:
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


def page_html(template: str, **ctx: Any) -> str:
    """A public page (extends the site's ``base.html``)."""
    return _ENV.get_template(template).render(ctx)


def pdf_bytes(html: str) -> bytes:
    """Render print HTML to PDF with WeasyPrint (fonts from the system: Noto Sans CJK SC)."""
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=html, base_url=str(HERE)).write_pdf(out)
    return out.getvalue()
