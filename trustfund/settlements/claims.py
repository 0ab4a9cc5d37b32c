"""Claims (结算 and other expenses): payee, fund, expense item, lines checked against the
reference prices, and the committee's approval (subject kind ``claim``).

Status machine::

    draft → submitted → approved → payable → paid
              ↘ rejected (with a reason)      draft/submitted/approved/rejected → void

Editing a claim (draft, submitted, approved or rejected) voids its approval requests and
returns it to draft: a new submission is needed. The approval is bound to
``claim_content`` — payee, contractor, fund, expense item, work date, description, amount
and every line — so nothing that matters can change under an approval.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.db.base import ZERO, utcnow
from trustfund.db.models.approvals import ApprovalRequest, RequestStatus
from trustfund.db.models.settlements import Claim, ClaimLine, ClaimStatus, Voucher, WorkOrder
from trustfund.db.session import lock_row
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError, raise_if
from trustfund.fields import text
from trustfund.journal.chart import account_known
from trustfund.journal.personal import personal_data_problems
from trustfund.ledger.accounts import expense_account
from trustfund.ledger.money import money_text
from trustfund.messages import Message, reason_of
from trustfund.settlements.common import price_text, quantity
from trustfund.settlements.common import unit_price as unit_price_of
from trustfund.settlements.contracts import get_contractor
from trustfund.settlements.lines import price_line
from trustfund.settlements.prices import price_in_force
from trustfund.settlements.schemas import ClaimIn, ClaimOut

EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.REJECTED)
MAX_LINES = 100
#: A work order's photos that back a claim are chosen by their voucher ids (``photo_ids``).
PHOTOS_FIELD = "photo_ids"


def _expense_account(session: Session, estate_id: int, fund: str, item: str) -> str:
    try:
        account = expense_account(fund, item)
    except ValueError as exc:
        reason = reason_of(exc)
        field = "expense_item" if reason.code == "ledger.expense_item_invalid" else "fund"
        raise ValidationError.field(field, reason) from exc
    if not account_known(session, estate_id, account):
        raise ValidationError.field(
            "expense_item", Message("settlements.account_not_open", account=account)
        )
    return account


def _build_lines(
    session: Session, estate_id: int, data: ClaimIn, errors: list[FieldError]
) -> list[ClaimLine]:
    if not data.lines:
        errors.append(FieldError("lines", Message("settlements.line_required")))
    if len(data.lines) > MAX_LINES:
        errors.append(
            FieldError("lines", Message("settlements.too_many_lines", max_lines=MAX_LINES))
        )
    built: list[ClaimLine] = []
    for i, raw in enumerate(data.lines):
        where = f"lines[{i}]"
        qty = quantity(raw.quantity, f"{where}.quantity", errors)
        unit_price = unit_price_of(raw.unit_price, f"{where}.unit_price", errors)
        reference = None
        code = (raw.item_code or "").strip() or None
        if code is not None:
            reference = price_in_force(session, estate_id, code, data.work_date)
            if reference is None:
                errors.append(
                    FieldError(
                        f"{where}.item_code",
                        Message(
                            "settlements.no_reference_price",
                            code_=code,
                            work_date=data.work_date,
                        ),
                    )
                )
        description = text(
            raw.description or (reference.name if reference else ""),
            f"{where}.description",
            errors,
            limit=200,
        )
        unit = text(
            raw.unit or (reference.unit if reference else ""), f"{where}.unit", errors, limit=20
        )
        if reference is not None and unit != reference.unit:
            errors.append(
                FieldError(
                    f"{where}.unit",
                    Message("settlements.reference_unit", code_=code, unit=reference.unit),
                )
            )
        priced = price_line(qty, unit_price, reference.unit_price if reference else None)
        reason = text(raw.over_reason, f"{where}.over_reason", errors, limit=500, required=False)
        if priced.over_reference is not None and not reason:
            errors.append(
                FieldError(
                    f"{where}.over_reason",
                    Message(
                        "settlements.above_reference",
                        unit_price=price_text(unit_price),
                        value=price_text(priced.reference_price or unit_price),
                        unit=unit,
                        over_reference=priced.over_reference,
                    ),
                )
            )
        built.append(
            ClaimLine(
                position=i,
                item_code=code,
                description=description,
                quantity=qty,
                unit=unit,
                unit_price=unit_price,
                amount=priced.amount,
                reference_price=priced.reference_price,
                over_reference=priced.over_reference,
                over_reason=reason or None,
            )
        )
    return built


def _photos(
    session: Session, estate_id: int, claim_id: int | None, data: ClaimIn, errors: list[FieldError]
) -> list[Voucher] | None:
    """The work order's photos ``data.photo_ids`` names (``None``: leave the claim's as they
    are). Each must be a photo of the claim's own work order in this estate — a voucher of
    another estate or work order, or a claim's invoice, is refused by the same words, so an id
    reveals nothing — and must not already back another claim that is not void."""
    if data.photo_ids is None:
        return None
    chosen: list[Voucher] = []
    wanted = list(dict.fromkeys(data.photo_ids))
    if wanted and data.work_order_id is None:
        errors.append(FieldError(PHOTOS_FIELD, Message("settlements.photos_need_order")))
        return []
    found = {
        v.id: v
        for v in session.scalars(
            select(Voucher).where(Voucher.id.in_(wanted), Voucher.estate_id == estate_id)
        )
    }
    for i, voucher_id in enumerate(wanted):
        voucher = found.get(voucher_id)
        if voucher is None or voucher.work_order_id != data.work_order_id:
            errors.append(
                FieldError(
                    f"{PHOTOS_FIELD}[{i}]",
                    Message("settlements.photo_not_of_order", voucher_id=voucher_id),
                )
            )
            continue
        if voucher.claim_id is not None and voucher.claim_id != claim_id:
            other = session.get(Claim, voucher.claim_id)
            if other is not None and other.status != ClaimStatus.VOID:
                errors.append(
                    FieldError(
                        f"{PHOTOS_FIELD}[{i}]",
                        Message(
                            "settlements.photo_on_other_claim",
                            number=voucher.number,
                            claim_id=other.id,
                        ),
                    )
                )
                continue
        chosen.append(voucher)
    return chosen


def _link_photos(session: Session, claim: Claim, photos: list[Voucher] | None) -> None:
    """Make ``photos`` (work-order photos, checked by ``_photos``) exactly the work-order
    photos backing ``claim``; the vouchers uploaded to the claim itself stay."""
    if photos is None:
        return
    keep = {v.id for v in photos}
    for voucher in session.scalars(
        select(Voucher).where(Voucher.claim_id == claim.id, Voucher.work_order_id.is_not(None))
    ):
        if voucher.id not in keep:
            voucher.claim_id = None
    for voucher in photos:
        voucher.claim_id = claim.id
    session.flush()
    session.expire(claim, ["vouchers"])


def _apply(session: Session, estate_id: int, claim: Claim, data: ClaimIn) -> list[Voucher] | None:
    """Check ``data`` and write it into ``claim``; returns the work-order photos to link
    (``_link_photos``) once the claim has its id. Raises ValidationError."""
    errors: list[FieldError] = []
    payee = text(data.payee, "payee", errors, limit=100)
    description = text(data.description, "description", errors, limit=300)
    # both go into the public ledger when the claim is booked: refused now, not at payment
    texts = [("payee", payee), ("description", description)]
    errors += [FieldError(f, r) for f, r in personal_data_problems(session, estate_id, texts)]
    contractor_id = None
    if data.contractor_id is not None:
        contractor_id = get_contractor(session, estate_id, data.contractor_id).id
    if data.work_order_id is not None:
        order = session.get(WorkOrder, data.work_order_id)
        if order is None or order.estate_id != estate_id:
            errors.append(FieldError("work_order_id", Message("settlements.no_such_work_order")))
    try:
        _expense_account(session, estate_id, data.fund.strip(), data.expense_item.strip())
    except ValidationError as exc:
        errors.extend(exc.errors)
    lines = _build_lines(session, estate_id, data, errors)
    photos = _photos(session, estate_id, claim.id, data, errors)
    raise_if(errors, Message("settlements.claim_invalid"))
    claim.payee, claim.description = payee, description
    claim.contractor_id = contractor_id
    claim.fund = data.fund.strip()
    claim.expense_item = data.expense_item.strip()[:1].upper() + data.expense_item.strip()[1:]
    claim.work_date = data.work_date
    claim.work_order_id = data.work_order_id
    claim.lines.clear()
    session.flush()
    claim.lines.extend(lines)
    claim.amount = sum((line.amount for line in lines), ZERO)
    return photos


def create_claim(
    session: Session,
    estate_id: int,
    data: ClaimIn,
    *,
    actor_user_id: int | None,
    before_insert: Callable[[Claim], None] | None = None,
) -> Claim:
    """A draft claim. Flushes. Raises ValidationError naming each bad field or line
    (``lines[N].over_reason`` for a line above the reference price without a reason,
    ``photo_ids[N]`` for a voucher that is not a free photo of the claim's work order), or
    whatever ``before_insert`` raises.

    ``before_insert`` sees the checked claim (its lines and amount, no id yet) before the
    insert draws its number: a refusal there draws none. The number is public (``申请单 N``
    in the ledger) and a PostgreSQL sequence does not roll back, so a claim refused after
    its insert would leave a gap there that SQLite, which reuses the number, does not."""
    claim = Claim(estate_id=estate_id, status=ClaimStatus.DRAFT, created_by=actor_user_id)
    photos = _apply(session, estate_id, claim, data)
    if before_insert is not None:
        before_insert(claim)
    session.add(claim)
    session.flush()
    _link_photos(session, claim, photos)
    if actor_user_id is not None:
        approvals.record_participant(session, estate_id, "claim", claim.id, actor_user_id, "author")
    return claim


def get_claim(session: Session, estate_id: int, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None or claim.estate_id != estate_id:
        raise NotFoundError(Message("settlements.no_claim", claim_id=claim_id))
    return claim


def lock_claim(session: Session, estate_id: int, claim_id: int) -> Claim:
    """The claim row, locked until the transaction ends (``FOR UPDATE`` on PostgreSQL) and
    fresh from the database."""
    return lock_row(
        session,
        Claim,
        claim_id,
        estate_id=estate_id,
        missing=Message("settlements.no_claim", claim_id=claim_id),
    )


def update_claim(
    session: Session, estate_id: int, claim_id: int, data: ClaimIn, *, actor_user_id: int
) -> Claim:
    """Edit a claim; its approvals become void and it returns to draft, and the editor can
    never approve it. Flushes. Raises NotFoundError, ConflictError (payable, paid or void),
    ValidationError."""
    claim = lock_claim(session, estate_id, claim_id)
    if claim.status not in EDITABLE:
        raise ConflictError(
            Message("settlements.claim_frozen", claim_id=claim.id, value=claim.status.value)
        )
    _link_photos(session, claim, _apply(session, estate_id, claim, data))
    approvals.void_for_subject(session, "claim", claim.id, reason="the claim was edited")
    approvals.record_participant(session, estate_id, "claim", claim.id, actor_user_id, "editor")
    claim.status = ClaimStatus.DRAFT
    claim.revision += 1
    claim.approved_at = None
    claim.rejected_reason = None
    session.flush()
    return claim


def claim_content(claim: Claim) -> dict[str, Any]:
    """What an approval of the claim is bound to."""
    return {
        "payee": claim.payee,
        "contractor_id": claim.contractor_id,
        "fund": claim.fund,
        "expense_item": claim.expense_item,
        "work_date": claim.work_date,
        "description": claim.description,
        "amount": claim.amount,
        "lines": [
            {
                "item_code": line.item_code,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "over_reason": line.over_reason,
            }
            for line in claim.lines
        ],
    }


def submit_claim(
    session: Session, estate_id: int, claim_id: int, *, actor_user_id: int
) -> ApprovalRequest:
    """Submit a draft (or rejected) claim for approval. Flushes. Raises ConflictError."""
    claim = lock_claim(session, estate_id, claim_id)
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.REJECTED):
        raise ConflictError(
            Message(
                "settlements.claim_not_submittable",
                claim_id=claim.id,
                value=claim.status.value,
            )
        )
    request = approvals.submit(
        session,
        estate_id,
        subject_kind="claim",
        subject_id=claim.id,
        content=claim_content(claim),
        amount=claim.amount,
        submitted_by=actor_user_id,
    )
    claim.status = ClaimStatus.SUBMITTED
    claim.submitted_by = actor_user_id
    claim.submitted_at = utcnow()
    claim.rejected_reason = None
    session.flush()
    return request


def void_claim(session: Session, estate_id: int, claim_id: int) -> Claim:
    """Withdraw a claim that was not made payable. Flushes. Raises ConflictError."""
    claim = lock_claim(session, estate_id, claim_id)
    if claim.status not in EDITABLE:
        raise ConflictError(
            Message("settlements.claim_not_voidable", claim_id=claim.id, value=claim.status.value)
        )
    approvals.void_for_subject(session, "claim", claim.id, reason="the claim was withdrawn")
    claim.status = ClaimStatus.VOID
    session.flush()
    return claim


def claim_view(session: Session, claim: Claim) -> ClaimOut:
    request = approvals.current_request(session, "claim", claim.id)
    over = [line for line in claim.lines if line.over_reference is not None]
    return {
        "id": claim.id,
        "status": claim.status.value,
        "revision": claim.revision,
        "payee": claim.payee,
        "contractor_id": claim.contractor_id,
        "fund": claim.fund,
        "expense_item": claim.expense_item,
        "account": expense_account(claim.fund, claim.expense_item),
        "description": claim.description,
        "work_date": claim.work_date.isoformat(),
        "work_order_id": claim.work_order_id,
        "amount": money_text(claim.amount),
        "above_reference": money_text(sum((line.over_reference or ZERO for line in over), ZERO)),
        "lines": [
            {
                "item_code": line.item_code,
                "description": line.description,
                "quantity": str(line.quantity.normalize())
                if line.quantity == line.quantity.to_integral()
                else str(line.quantity),
                "unit": line.unit,
                "unit_price": price_text(line.unit_price),
                "amount": money_text(line.amount),
                "reference_price": None
                if line.reference_price is None
                else price_text(line.reference_price),
                "above_reference": line.over_reference is not None,
                "over_reference": None
                if line.over_reference is None
                else money_text(line.over_reference),
                "over_reason": line.over_reason,
            }
            for line in claim.lines
        ],
        "approval": None
        if request is None
        else {
            "request_id": request.id,
            "status": request.status.value,
            "rule": request.rule_label,
            "approvals_needed": request.approvals_needed,
            "content_hash": request.content_hash,
        },
        "rejected_reason": claim.rejected_reason,
        "payable_on": claim.payable_on.isoformat() if claim.payable_on else None,
        "payable_entry_seq": claim.payable_entry_seq,
        "paid_on": claim.paid_on.isoformat() if claim.paid_on else None,
        "paid_entry_seq": claim.paid_entry_seq,
        "vouchers": [{"id": v.id, "number": v.number} for v in claim.vouchers],
    }


def list_claims(session: Session, estate_id: int, *, status: str | None = None) -> list[ClaimOut]:
    stmt = select(Claim).where(Claim.estate_id == estate_id)
    if status:
        try:
            stmt = stmt.where(Claim.status == ClaimStatus(status))
        except ValueError:
            raise ValidationError.field(
                "status", Message("input.one_of_short", choices=", ".join(ClaimStatus))
            ) from None
    rows = session.scalars(stmt.order_by(Claim.work_date, Claim.id))
    return [claim_view(session, c) for c in rows]


def _after(session: Session, request: ApprovalRequest) -> None:
    claim = session.get(Claim, request.subject_id)
    if claim is None or claim.status != ClaimStatus.SUBMITTED:
        return
    if request.status == RequestStatus.APPROVED:
        claim.status = ClaimStatus.APPROVED
        claim.approved_at = request.decided_at
    elif request.status == RequestStatus.REJECTED:
        reasons = [d.reason for d in request.decisions if d.reason]
        claim.status = ClaimStatus.REJECTED
        claim.rejected_reason = (reasons[-1] if reasons else "the owners' vote did not pass")[:500]


approvals.register_subject(
    "claim", content=approvals.row_content(Claim, claim_content), after_decision=_after
)


def claims_to_pay(session: Session, estate_id: int) -> int:
    """Claims approved and not yet paid: what the steward still has to pay out."""
    return int(
        session.scalar(
            select(func.count(Claim.id)).where(
                Claim.estate_id == estate_id,
                Claim.status.in_([ClaimStatus.APPROVED, ClaimStatus.PAYABLE]),
            )
        )
        or 0
    )
