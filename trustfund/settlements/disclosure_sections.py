"""Settlements' part of the period statement (listed in
``trustfund.wiring``, read by ``trustfund.disclosure.sections``; the only place settlements touches disclosure).

- ``reference_price_flags`` (结算超出政府参考价的明细及原因): every line of a claim booked in
  the period (made payable: its cost is dated the work date) whose unit price is above the
  reference price in force, with the difference and the written reason.
- ``goods_received`` (物品入库及实物捐赠): goods slips of the period that brought goods in —
  bought (for which claim) and donated in kind (donor, estimated value or "未估值").
- an expense annotator: the expenditure line of a claim's payable entry gets the claim's
  voucher numbers, the approvers' ROLES (never their names), the contractor's registered
  name as payee, and a "高于参考价" flag naming the difference.

What reaches the public, and what never does:

- a payee is shown as the contractor's registered name (an organisation) when the claim has
  a contractor, else as recorded on the claim — which the journal only accepted because it
  names no owner and no phone (``journal.service._check_personal_data``);
- a voucher is shown by its number only (never its file name, nor the file while it is
  marked as containing personal data); a work order's reporter is never read here;
- free text written by staff (line descriptions, reasons, donors, notes) goes through
  :class:`Scrubber`: owners' names and phone numbers of the estate are masked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.approvals import ApprovalDecision, ApprovalRequest, Decision, RequestStatus
from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.settlements import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Contractor,
    GoodsItem,
    GoodsSlip,
    SlipKind,
    Voucher,
)
from trustfund.disclosure.periods import Period
from trustfund.disclosure.sections import (
    ExpenseNote,
    SectionData,
)
from trustfund.disclosure.signoff import ROLE_ZH
from trustfund.ledger.money import money_text
from trustfund.settlements.common import price_text, qty_text

BOOKED = (ClaimStatus.PAYABLE, ClaimStatus.PAID)
MASK_NAME = "某居民"
MASK_PHONE = "***"
#: Runs of 7 or more digits, also written with spaces or dashes (phones, landlines, ids).
_DIGITS = re.compile(r"(?<!\d)\d(?:[ -]?\d){6,}(?!\d)")


class Scrubber:
    """Masks the estate's owners' names and any phone-like digit run in public text."""

    def __init__(self, session: Session, estate_id: int) -> None:
        names: set[str] = set()
        for name, _phone in session.execute(
            select(Household.owner_name, Household.phone).where(Household.estate_id == estate_id)
        ):
            if name and len(name.strip()) >= 2:
                names.add(name.strip())
        # longest first, so that "张伟明" is masked whole before a shorter "张伟"
        self._names = sorted(names, key=len, reverse=True)

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        for name in self._names:
            text = text.replace(name, MASK_NAME)
        return _DIGITS.sub(MASK_PHONE, text)


def _m(value: Decimal) -> str:
    return money_text(value)


def booked_claims(session: Session, estate_id: int, period: Period) -> list[Claim]:
    """Claims whose cost was booked (made payable) in the period, by date."""
    return list(
        session.scalars(
            select(Claim)
            .where(
                Claim.estate_id == estate_id,
                Claim.status.in_(BOOKED),
                Claim.payable_on >= period.start,
                Claim.payable_on <= period.end,
            )
            .order_by(Claim.payable_on, Claim.id)
        )
    )


def contractor_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Contractor.id, Contractor.name).where(Contractor.id.in_(wanted)))
    return {int(i): str(n) for i, n in rows}


def public_payee(claim: Claim, contractors: dict[int, str], scrub: Scrubber) -> str:
    """The contractor's registered name when the claim has one, else the claim's payee."""
    if claim.contractor_id is not None and claim.contractor_id in contractors:
        return scrub(contractors[claim.contractor_id])
    return scrub(claim.payee)


def voucher_numbers(session: Session, claim_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if claim_ids:
        for claim_id, number in session.execute(
            select(Voucher.claim_id, Voucher.number)
            .where(Voucher.claim_id.in_(claim_ids))
            .order_by(Voucher.id)
        ):
            if claim_id is not None:
                out[claim_id].append(str(number))
    return out


def approvers(session: Session, claim_ids: list[int]) -> dict[int, tuple[tuple[str, int], ...]]:
    """Per claim, who approved its current request — only when that request is approved —
    as (role in Chinese, user id) in the order they decided. Names are never read here: the
    statement shows them only when the committee decided so (``disclosure.names``)."""
    if not claim_ids:
        return {}
    latest: dict[int, tuple[int, RequestStatus]] = {}
    for request_id, subject_id, status in session.execute(
        select(ApprovalRequest.id, ApprovalRequest.subject_id, ApprovalRequest.status)
        .where(
            ApprovalRequest.subject_kind == "claim",
            ApprovalRequest.subject_id.in_(claim_ids),
        )
        .order_by(ApprovalRequest.id)
    ):
        latest[int(subject_id)] = (int(request_id), status)
    approved = {
        rid: cid for cid, (rid, status) in latest.items() if status == RequestStatus.APPROVED
    }
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if approved:
        for request_id, role, user_id in session.execute(
            select(ApprovalDecision.request_id, ApprovalDecision.role, ApprovalDecision.user_id)
            .where(
                ApprovalDecision.request_id.in_(list(approved)),
                ApprovalDecision.decision == Decision.APPROVE,
            )
            .order_by(ApprovalDecision.id)
        ):
            found[approved[int(request_id)]].append((ROLE_ZH.get(role, role), int(user_id)))
    return {cid: tuple(r) for cid, r in found.items()}


def _over_lines(session: Session, claim_ids: list[int]) -> dict[int, list[ClaimLine]]:
    out: dict[int, list[ClaimLine]] = defaultdict(list)
    if claim_ids:
        for line in session.scalars(
            select(ClaimLine)
            .where(ClaimLine.claim_id.in_(claim_ids), ClaimLine.over_reference.is_not(None))
            .order_by(ClaimLine.claim_id, ClaimLine.position)
        ):
            out[line.claim_id].append(line)
    return out


def reference_price_section(session: Session, estate: Estate, period: Period) -> SectionData | None:
    claims = booked_claims(session, estate.id, period)
    if not claims:
        return None
    scrub = Scrubber(session, estate.id)
    contractors = contractor_names(session, (c.contractor_id for c in claims))
    over = _over_lines(session, [c.id for c in claims])
    rows: list[dict[str, str]] = []
    total = Decimal("0.00")
    for claim in claims:
        for line in over.get(claim.id, []):
            assert line.over_reference is not None and line.reference_price is not None
            total += line.over_reference
            rows.append(
                {
                    "date": claim.work_date.isoformat(),
                    "claim": f"申请单 {claim.id}",
                    "payee": public_payee(claim, contractors, scrub),
                    "line": scrub(line.description)
                    + (f"（{line.item_code}）" if line.item_code else ""),
                    "quantity": f"{qty_text(line.quantity)}{line.unit}",
                    "unit_price": price_text(line.unit_price),
                    "reference_price": price_text(line.reference_price),
                    "over": _m(line.over_reference),
                    "reason": scrub(line.over_reason) or "（未写明）",
                }
            )
    checked = len(claims)
    note = (
        f"本期入账结算 {checked} 笔，其中 {len({r['claim'] for r in rows})} 笔有超出政府参考价的"
        f"明细，超出合计 {_m(total)} 元；超出部分须写明原因并经审批。"
        if rows
        else f"本期入账结算 {checked} 笔，均未超出政府参考价。"
    )
    return SectionData(
        columns=(
            ("date", "日期"),
            ("claim", "申请单"),
            ("payee", "收款方"),
            ("line", "结算明细"),
            ("quantity", "数量"),
            ("unit_price", "结算单价"),
            ("reference_price", "参考价"),
            ("over", "超出金额（元）"),
            ("reason", "原因"),
        ),
        rows=rows,
        note=note,
        totals={"over": _m(total)} if rows else {},
    )


KIND_ZH = {SlipKind.PURCHASE: "购入", SlipKind.DONATION: "捐赠"}


def _donor(name: str, scrub: Scrubber) -> str:
    name = name.strip()
    if not name or name in ("匿名", "anonymous"):
        return "匿名"
    return scrub(name)


def goods_section(session: Session, estate: Estate, period: Period) -> SectionData | None:
    slips = session.execute(
        select(GoodsSlip, GoodsItem.name, GoodsItem.unit)
        .join(GoodsItem, GoodsItem.id == GoodsSlip.item_id)
        .where(
            GoodsSlip.estate_id == estate.id,
            GoodsSlip.kind.in_([SlipKind.PURCHASE, SlipKind.DONATION]),
            GoodsSlip.slip_date >= period.start,
            GoodsSlip.slip_date <= period.end,
        )
        .order_by(GoodsSlip.slip_date, GoodsSlip.id)
    ).all()
    if not slips:
        return None
    scrub = Scrubber(session, estate.id)
    rows: list[dict[str, str]] = []
    donated_value = Decimal("0.00")
    for slip, item, unit in slips:
        if slip.kind == SlipKind.DONATION:
            source = _donor(slip.donor, scrub)
            if slip.estimated_value is not None:
                donated_value += slip.estimated_value
                value = _m(slip.estimated_value)
            else:
                value = "未估值"
        else:
            source = f"申请单 {slip.claim_id}" if slip.claim_id else "购入"
            value = "计入结算支出" if slip.claim_id else "—"
        rows.append(
            {
                "date": slip.slip_date.isoformat(),
                "kind": KIND_ZH[slip.kind],
                "item": scrub(item),
                "quantity": f"{qty_text(slip.quantity)}{unit}",
                "source": source,
                "value": value,
                "note": scrub(slip.note),
            }
        )
    return SectionData(
        columns=(
            ("date", "日期"),
            ("kind", "来源"),
            ("item", "物品"),
            ("quantity", "数量"),
            ("source", "捐赠人／申请单"),
            ("value", "估值（元）"),
            ("note", "备注"),
        ),
        rows=rows,
        note="购入物品的费用已计入对应结算支出；捐赠物品的估值仅作登记，不计入基金收支。",
        totals={"value": _m(donated_value)} if donated_value else {},
    )


def claim_notes(session: Session, estate: Estate, period: Period) -> dict[int, ExpenseNote]:
    """Keyed by the claim's payable entry (the one whose posting is the expense line)."""
    claims = booked_claims(session, estate.id, period)
    if not claims:
        return {}
    ids = [c.id for c in claims]
    scrub = Scrubber(session, estate.id)
    contractors = contractor_names(session, (c.contractor_id for c in claims))
    vouchers = voucher_numbers(session, ids)
    decided = approvers(session, ids)
    over = _over_lines(session, ids)
    notes: dict[int, ExpenseNote] = {}
    for claim in claims:
        if claim.payable_entry_seq is None:
            continue
        flagged = over.get(claim.id, [])
        flag = None
        if flagged:
            diff = sum((line.over_reference or Decimal("0") for line in flagged), Decimal("0.00"))
            flag = f"高于政府参考价 {_m(diff)} 元（{len(flagged)} 项，原因见参考价明细）"
        notes[claim.payable_entry_seq] = ExpenseNote(
            voucher="、".join(vouchers.get(claim.id, [])) or None,
            approver_roles=tuple(role for role, _ in decided.get(claim.id, ())),
            approver_ids=tuple(uid for _, uid in decided.get(claim.id, ())),
            reference_price_flag=flag,
            payee=public_payee(claim, contractors, scrub),
        )
    return notes
