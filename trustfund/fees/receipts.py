"""Printable receipts (WeasyPrint PDF, Chinese fonts embedded). Their QR code points to the
public verification page ``/r/{estate_slug}/{receipt_no}`` (``web.receipts``).

The PDF is for the payer: it shows the household's address and code, never a name or phone,
and the receipt's check code (``inquiries.checkcode``) with which the household may question
a published line.
The public page shows only what ``receipt_views.public_receipt`` returns: amount, date, fee year,
masked household, status.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Building, Estate, Household
from trustfund.db.models.fees import PaymentMethod
from trustfund.fees.common import get_estate
from trustfund.fees.payments import METHOD_NAMES_ZH
from trustfund.fees.receipt_views import get_receipt
from trustfund.inquiries.checkcode import receipt_check_code
from trustfund.ledger.accounts import FUND_NAMES_ZH
from trustfund.ledger.money import format_money

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿"]


def rmb_upper(amount: Decimal) -> str:
    """The amount in Chinese capitals, as written on receipts: ``200.50`` → ``贰佰元伍角整``."""
    fen_total = int((amount * 100).to_integral_value())
    yuan, fen = divmod(fen_total, 100)
    jiao, fen = divmod(fen, 10)
    text = ""
    if yuan == 0:
        text = "零元" if (jiao or fen) == 0 else ""
    else:
        sections: list[str] = []
        i = 0
        while yuan:
            yuan, part = divmod(yuan, 10000)
            s = ""
            zero = False
            for pos in range(3, -1, -1):
                d = part // 10**pos % 10
                if d == 0:
                    zero = bool(s)
                else:
                    if zero:
                        s += "零"
                        zero = False
                    s += _DIGITS[d] + _UNITS[pos]
            if s and yuan and part < 1000:
                s = "零" + s  # 100010 → 壹拾万零壹拾
            if s:
                sections.insert(0, s + _SECTIONS[i])
            elif sections and not sections[0].startswith("零"):
                sections.insert(0, "零")
            i += 1
        text = "".join(sections).rstrip("零") + "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text


def receipt_url(public_url: str, estate_slug: str, receipt_no: str) -> str:
    return f"{public_url.rstrip('/')}/r/{estate_slug}/{receipt_no}"


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, border=2))


def receipt_context(
    session: Session, estate_id: int, receipt_no: str, *, public_url: str
) -> dict[str, Any]:
    receipt = get_receipt(session, estate_id, receipt_no)
    estate: Estate = get_estate(session, estate_id)
    code, entrance, room, building = session.execute(
        select(Household.code, Household.entrance, Household.room, Building.number)
        .join(Building, Building.id == Household.building_id)
        .where(Household.id == receipt.household_id)
    ).one()
    url = receipt_url(public_url, estate.slug, receipt_no)
    check_code = receipt_check_code(session, estate_id, receipt.receipt_no, code)
    return {
        "estate_name": estate.name,
        "receipt_no": receipt.receipt_no,
        "paid_on": receipt.paid_on.isoformat(),
        "fee_year": receipt.fee_year,
        "prepaid": receipt.prepaid,
        "address": f"{building}幢{entrance}单元{room}室",
        "household_code": code,
        "check_code": check_code,
        "method_zh": METHOD_NAMES_ZH[PaymentMethod(receipt.method)],
        "status": receipt.status.value,
        "voided_on": receipt.voided_on.isoformat() if receipt.voided_on else None,
        "lines": [
            {"name": FUND_NAMES_ZH.get(line.fund, line.fund), "amount": format_money(line.amount)}
            for line in receipt.lines
        ],
        "amount": format_money(receipt.amount),
        "amount_upper": rmb_upper(receipt.amount),
        "entry_seq": receipt.entry_seq,
        "url": url,
        "qr_svg": qr_svg(url),
    }


def render_receipt_html(
    session: Session, estate_id: int, receipt_no: str, *, public_url: str
) -> str:
    """Raises NotFoundError."""
    ctx = receipt_context(session, estate_id, receipt_no, public_url=public_url)
    return _env.get_template("receipt.html").render(r=ctx)


def render_receipt_pdf(
    session: Session, estate_id: int, receipt_no: str, *, public_url: str
) -> bytes:
    """The printable receipt as PDF bytes. Raises NotFoundError."""
    from weasyprint import HTML

    html = render_receipt_html(session, estate_id, receipt_no, public_url=public_url)
    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
