"""Subject-specific details on an approval page, read from the package that owns the subject
(claims: lines with reference prices and vouchers; disclosures: the period and figures).
A kind without details here is shown from the content bound to the request."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.db.models.estates import Estate
from trustfund.db.models.settlements import Voucher
from trustfund.errors import NotFoundError
from trustfund.fees import deposits, owed, refunds
from trustfund.journal import proposals
from trustfund.ledger.accounts import FUND_NAMES_ZH, account_label
from trustfund.ledger.money import ZERO
from trustfund.settlements import claims, vouchers, workorders
from trustfund.web.staff import grant_details


def for_request(
    session: Session, estate: Estate, request: approvals.ApprovalRequest
) -> dict[str, Any] | None:
    """``{"template": ..., ...}`` for the approval page, or None."""
    content = approvals.request_view(request)["content"]
    if request.subject_kind == "disclosure":
        return {"template": "staff/_detail_disclosure.html", "content": content}
    if request.subject_kind == "bank_reconciliation":
        return {"template": "staff/_detail_bank.html", "content": content, "slug": estate.slug}
    if request.subject_kind == "cash_count":
        return {
            "template": "staff/_detail_cash_count.html",
            "content": content,
            "slug": estate.slug,
        }
    if request.subject_kind == "claim":
        try:
            found = claims.get_claim(session, estate.id, request.subject_id)
        except NotFoundError:
            found = None
        if found is not None:
            claim = claims.claim_view(session, found)
            return {
                "template": "staff/_detail_lines.html",
                "lines": claim["lines"],
                "vouchers": [voucher_card(estate, v) for v in found.vouchers],
                "work_order": work_order_link(session, estate, found.work_order_id),
            }
    if request.subject_kind in refunds.KINDS:
        return refund_details(session, estate, request.subject_id)
    if request.subject_kind in proposals.PURPOSES and isinstance(content, dict):
        return entry_details(content)
    if request.subject_kind in grant_details.KINDS and isinstance(content, dict):
        return grant_details.for_request(session, estate, request.subject_kind, content)
    lines = content.get("lines") if isinstance(content, dict) else None
    if isinstance(lines, list):
        return {"template": "staff/_detail_lines.html", "lines": lines, "vouchers": []}
    return None


def work_order_link(
    session: Session, estate: Estate, order_id: int | None
) -> dict[str, Any] | None:
    """The repair work order a claim came from, as the approval page links it: its number,
    place and problem, and where it stands (``None`` for a claim made without one)."""
    # imported here: the work order pages import the claim pages, which import this module
    from trustfund.web.staff.workorders import STATUS_NAMES

    if order_id is None:
        return None
    try:
        order = workorders.get_order(session, estate.id, order_id)
    except NotFoundError:
        return None
    return {
        "id": order.id,
        "url": f"/staff/{estate.slug}/work-orders/{order.id}",
        "place": workorders.place(order),
        "problem": order.problem,
        "status_name": STATUS_NAMES.get(order.status, order.status),
    }


def voucher_card(estate: Estate, voucher: Voucher) -> dict[str, Any]:
    """A voucher as staff pages show it: its number and file name, the original (``url``)
    and, for an image, its thumbnail (``thumb``: small, no EXIF); ``photo`` for a photo
    taken on a work order (现场照片) rather than an invoice uploaded to the claim."""
    view = vouchers.voucher_view(voucher, staff=True)
    url = f"/api/v1/estates/{estate.slug}/vouchers/{voucher.id}"
    image = voucher.content_type in vouchers.IMAGE_TYPES
    return {
        **view,
        "url": url,
        "image": image,
        "thumb": f"{url}/thumbnail" if image else None,
        "photo": voucher.work_order_id is not None,
    }


def entry_details(content: dict[str, Any]) -> dict[str, Any]:
    """A proposed entry (opening balances or a general entry) as the approval page shows it:
    the per-fund figures the steward entered, and every leg that will be posted."""
    funds = content.get("detail", {}).get("funds") or []
    return {
        "template": "staff/_detail_entry.html",
        "funds": [{**row, "name": FUND_NAMES_ZH.get(row["fund"], row["fund"])} for row in funds],
        "legs": [
            {"account": account, "name": account_label(account), "amount": amount}
            for account, amount in content.get("legs", [])
        ],
        "meta": content.get("meta") or {},
    }


def refund_details(session: Session, estate: Estate, request_id: int) -> dict[str, Any] | None:
    """A refund or void request as the committee decides it: what was asked and why, what the
    household kept for the year and the cash the steward holds now (the approval checks both
    again when it posts)."""
    try:
        row = refunds.get_request(session, estate.id, request_id)
    except NotFoundError:
        return None
    asked = refunds.request_view(session, row)
    kept = owed.paid_by_fund(session, row.household_id, row.fee_year)
    return {
        "template": "staff/_detail_refund.html",
        "asked": asked,
        "kept": sum((a for a in kept.values() if a > 0), ZERO),
        "cash": deposits.cash_on_hand(session, estate.id)["cash"],
    }
