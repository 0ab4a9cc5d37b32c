"""Payout of an approved claim: approved → payable → paid, each step one journal entry.

Payable (dated the claim's work date — the cost arises when the work is done; the approval
may come later — unless that date lies in a locked, published period: then the cost is
booked on the day it is made payable or paid, the payment's own date, with ``work_date`` in
its metadata, so work done before a publication can still be paid after it; principle 9:
later corrections land in the open period)::

    2026-03-12 * "甬安维修公司" "结算：更换声控灯（申请单 12）" ^tf-30
      hash: "3bfd…"
      kind: "payable"
      claim: "12"
      Expenses:Maintenance:Repairs 860.00 CNY
      Liabilities:Payable:Contractors -860.00 CNY

Paid (dated the payment day, not before the payable day) from the committee's bank account::

    2026-03-20 * "甬安维修公司" "付款：更换声控灯（申请单 12）" ^tf-31
      hash: "91c0…"
      kind: "payout"
      claim: "12"
      Liabilities:Payable:Contractors 860.00 CNY
      Assets:Bank:Committee -860.00 CNY

The payable entry takes the money out of the fund; ``post_entry`` refuses it when the fund
would go below zero, and this module turns that into a message naming the fund and the
shortfall. A claim is never paid twice: the claim row is locked (``FOR UPDATE``), the status
machine only moves forward, each entry has a fixed idempotency key (``claim:<id>:payable``,
``claim:<id>:paid``), and the HTTP routes take an ``Idempotency-Key`` (``run_idempotent``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from trustfund import approvals, wiring
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.db.session import command
from trustfund.errors import ConflictError, InsufficientFundsError, ValidationError
from trustfund.estates.service import today_in
from trustfund.journal.idempotency import run_idempotent
from trustfund.journal.periods import locking
from trustfund.journal.service import post_entry
from trustfund.ledger.accounts import BANK, FUND_NAMES_ZH, PAYABLE, expense_account
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import format_money
from trustfund.messages import Message
from trustfund.settlements.claims import claim_content, claim_view, lock_claim
from trustfund.settlements.common import get_estate
from trustfund.settlements.schemas import ClaimOut


def fund_label(fund: str) -> str:
    """``maintenance`` → ``公共设施维护 (maintenance)``; ``autonomy:P01`` → ``自治项目 P01 …``."""
    if fund.startswith("autonomy:"):
        return f"自治项目 {fund.split(':', 1)[1]} ({fund})"
    return f"{FUND_NAMES_ZH.get(fund, fund)} ({fund})"


def _narration(prefix: str, claim: Claim) -> str:
    return f"{prefix}：{claim.description}（申请单 {claim.id}）"[:500]


def _make_payable(session: Session, claim: Claim, actor_user_id: int | None, on: dt.date) -> None:
    """Book the claim's cost on its work date, or on ``on`` (the day it is made payable or
    paid) when the work date lies in a locked period."""
    if not approvals.is_approved(session, "claim", claim.id, claim_content(claim)):
        raise ConflictError(Message("settlements.claim_not_approved_as_is", claim_id=claim.id))
    for check in wiring.payable_checks():  # the autonomy fund's budget guard
        check(session, claim)
    booked, meta = claim.work_date, {"claim": str(claim.id)}
    if on > claim.work_date and locking(session, claim.estate_id, claim.work_date) is not None:
        booked, meta = on, {**meta, "work_date": claim.work_date.isoformat()}
    draft = EntryDraft(
        date=booked,
        narration=_narration("结算", claim),
        payee=claim.payee,
        legs=(
            Leg(expense_account(claim.fund, claim.expense_item), claim.amount),
            Leg(PAYABLE, -claim.amount),
        ),
        meta=meta,
        kind="payable",
    )
    try:
        entry = post_entry(
            session,
            claim.estate_id,
            draft,
            idempotency_key=f"claim:{claim.id}:payable",
            actor_user_id=actor_user_id,
        )
    except InsufficientFundsError as exc:
        shortfall = Decimal(str(exc.extra.get("shortfall", "0")))
        fund = str(exc.extra.get("fund", claim.fund))
        held = claim.amount - shortfall
        raise InsufficientFundsError(
            Message(
                "settlements.fund_short",
                fund=fund_label(fund),
                held=format_money(held),
                booked=booked,
                claim_id=claim.id,
                amount=format_money(claim.amount),
                shortfall=format_money(shortfall),
            ),
            extra={"fund": fund, "shortfall": str(shortfall), "claim_id": claim.id},
        ) from exc
    claim.status = ClaimStatus.PAYABLE
    claim.payable_on = booked
    claim.payable_entry_seq = entry.seq


def make_payable(
    session: Session, estate_id: int, claim_id: int, *, actor_user_id: int | None
) -> Claim:
    """approved → payable. Flushes. Raises NotFoundError, ConflictError (not approved, or
    already payable/paid), InsufficientFundsError (fund and shortfall named),
    PeriodLockedError, ValidationError."""
    claim = lock_claim(session, estate_id, claim_id)
    if claim.status != ClaimStatus.APPROVED:
        raise ConflictError(
            Message(
                "settlements.claim_not_approved_for_payable",
                claim_id=claim.id,
                value=claim.status.value,
            )
        )
    _make_payable(session, claim, actor_user_id, today_in(get_estate(session, estate_id)))
    session.flush()
    return claim


def pay_claim(
    session: Session,
    estate_id: int,
    claim_id: int,
    *,
    paid_on: dt.date | None = None,
    actor_user_id: int | None,
) -> Claim:
    """Pay an approved or payable claim from the committee's bank account (an approved one is
    made payable first). Flushes. Raises NotFoundError, ConflictError (already paid, not
    approved), InsufficientFundsError, PeriodLockedError, ValidationError (paid before the
    work date)."""
    claim = lock_claim(session, estate_id, claim_id)
    if claim.status == ClaimStatus.PAID:
        raise ConflictError(
            Message(
                "settlements.claim_paid_already",
                claim_id=claim.id,
                paid_on=claim.paid_on,
                paid_entry_seq=claim.paid_entry_seq,
            )
        )
    if claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PAYABLE):
        raise ConflictError(
            Message(
                "settlements.claim_not_payable",
                claim_id=claim.id,
                value=claim.status.value,
            )
        )
    on = paid_on or today_in(get_estate(session, estate_id))
    if on < claim.work_date:
        raise ValidationError.field(
            "paid_on", Message("settlements.before_work_date", work_date=claim.work_date)
        )
    if claim.status == ClaimStatus.APPROVED:
        _make_payable(session, claim, actor_user_id, on)
    draft = EntryDraft(
        date=on,
        narration=_narration("付款", claim),
        payee=claim.payee,
        legs=(Leg(PAYABLE, claim.amount), Leg(BANK, -claim.amount)),
        meta={"claim": str(claim.id)},
        kind="payout",
    )
    entry = post_entry(
        session,
        estate_id,
        draft,
        idempotency_key=f"claim:{claim.id}:paid",
        actor_user_id=actor_user_id,
    )
    claim.status = ClaimStatus.PAID
    claim.paid_on = on
    claim.paid_entry_seq = entry.seq
    session.flush()
    return claim


@command
def payable_request(
    session: Session,
    estate_id: int,
    claim_id: int,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[ClaimOut, bool]:
    """The command behind ``make_payable``, with request idempotency."""
    return run_idempotent(
        session,
        scope=f"settlements.payable:{estate_id}",
        key=idempotency_key,
        fingerprint={"claim_id": claim_id},
        action=lambda: claim_view(
            session, make_payable(session, estate_id, claim_id, actor_user_id=actor_user_id)
        ),
    )


@command
def pay_request(
    session: Session,
    estate_id: int,
    claim_id: int,
    *,
    paid_on: dt.date | None,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[ClaimOut, bool]:
    """The command behind ``pay_claim``, with request idempotency: a replay of the same
    key and body answers the first result; the same key with another body is a 409."""
    return run_idempotent(
        session,
        scope=f"settlements.pay:{estate_id}",
        key=idempotency_key,
        fingerprint={"claim_id": claim_id, "paid_on": paid_on},
        action=lambda: claim_view(
            session,
            pay_claim(session, estate_id, claim_id, paid_on=paid_on, actor_user_id=actor_user_id),
        ),
    )
