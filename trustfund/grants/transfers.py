"""Recorded decisions that move autonomy money (approval subject kind ``grant_transfer``,
decided by the council): a transfer between autonomy funds, or a refund of a restricted
gift's unspent money to its source.

Restricted money stays restricted: it leaves a project's sub-fund only after the project is
settled, and only by one of these decisions. Unrestricted money (fund ``autonomy``) reaches a
project the same way. Once approved, the transfer is posted (its own entry)::

    2026-09-05 * "基金调拨：自治项目·快鹿公园微改造 → 自治基金：结余转后期绿化维护"
      kind: "fund_transfer"
      transfer: "2"
      Equity:Transfers:Autonomy:Project:KLGY 412.00 CNY
      Equity:Transfers:Autonomy -412.00 CNY

and a refund takes the money back out of the bank, against the income it came in as::

    2026-09-05 * "区民政局" "退回未使用的限定用途资金：区民政局（共享厨房）"
      kind: "refund"
      Income:Autonomy:Project:GXCF:Government 300.00 CNY
      Assets:Bank:Committee -300.00 CNY

When a settled project's sub-fund reaches zero, the project is closed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals import ApprovalRequest, RequestStatus, Tier
from trustfund.auth.principal import Role
from trustfund.db.base import ZERO
from trustfund.db.models.approvals import ApprovalRule
from trustfund.db.models.grants import (
    FundTransfer,
    Gift,
    GrantProject,
    ProjectStatus,
    TransferKind,
    TransferStatus,
)
from trustfund.db.session import lock_row
from trustfund.errors import ConflictError, FieldError, NotFoundError, raise_if
from trustfund.fields import text
from trustfund.grants.common import (
    ACTIVE,
    SOURCE_ACCOUNTS,
    money,
    move,
    note,
    project_by_code,
    public_name,
)
from trustfund.grants.schemas import TransferIn, TransferOut
from trustfund.journal.personal import personal_data_problems
from trustfund.journal.reading import fund_balances
from trustfund.journal.service import post_entry
from trustfund.ledger.accounts import (
    BANK,
    Fund,
    autonomy_income_account,
    transfer_equity_account,
)
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import money_text
from trustfund.messages import Message

TRANSFER = "grant_transfer"
#: The council decides autonomy money, with the same amount tiers as projects.
COUNCIL_TIERS: tuple[Tier, ...] = (
    Tier(Decimal("500.00"), 1, Role.COUNCIL),
    Tier(Decimal("5000.00"), 2, Role.COUNCIL),
    Tier(Decimal("50000.00"), None, Role.COUNCIL),
    Tier(None, None, Role.COUNCIL, owners_vote=True),
)


def ensure_rules(session: Session, estate_id: int) -> None:
    """Give the estate council tiers for ``grant_transfer`` unless it has its own (the
    approvals default for unknown kinds would ask the committee)."""
    exists = session.scalar(
        select(ApprovalRule.id).where(
            ApprovalRule.estate_id == estate_id, ApprovalRule.subject_kind == TRANSFER
        )
    )
    if exists is None:
        approvals.set_rules(session, estate_id, TRANSFER, COUNCIL_TIERS)


def fund_name(session: Session, estate_id: int, fund: str) -> str:
    if fund == Fund.AUTONOMY:
        return "自治基金"
    project = project_by_code(session, estate_id, fund.split(":", 1)[1])
    return f"自治项目·{project.title}" if project is not None else fund


def _project_of(session: Session, estate_id: int, fund: str) -> GrantProject | None:
    if not fund.startswith("autonomy:"):
        return None
    return project_by_code(session, estate_id, fund.split(":", 1)[1])


def refunded(session: Session, gift_id: int, *, exclude: int | None = None) -> Decimal:
    """What refunds of a gift take (pending, approved or posted)."""
    stmt = select(FundTransfer.amount).where(
        FundTransfer.gift_id == gift_id,
        FundTransfer.kind == TransferKind.REFUND,
        FundTransfer.status != TransferStatus.REJECTED,
    )
    if exclude is not None:
        stmt = stmt.where(FundTransfer.id != exclude)
    return sum(session.scalars(stmt), ZERO)


def propose(
    session: Session, estate_id: int, data: TransferIn, *, actor_user_id: int
) -> FundTransfer:
    """Record the proposal and submit it to the council. Flushes.
    Raises ValidationError (fields named), ConflictError (restricted money of a project that
    is not settled yet)."""
    errors: list[FieldError] = []
    amount = money(data.amount, "amount", errors)
    reason = text(data.reason, "reason", errors, limit=500)
    kind = TransferKind(data.kind)
    gift: Gift | None = None
    if kind == TransferKind.TRANSFER:
        funds = []
        for field, value in (("from_fund", data.from_fund), ("to_fund", data.to_fund)):
            fund = (value or "").strip()
            if fund != Fund.AUTONOMY and _project_of(session, estate_id, fund) is None:
                errors.append(FieldError(field, Message("grants.fund_choice")))
            funds.append(fund)
        from_fund, to_fund = funds
        if from_fund == to_fund and from_fund:
            errors.append(FieldError("to_fund", Message("grants.same_fund")))
        if data.gift_id is not None:
            errors.append(FieldError("gift_id", Message("grants.only_for_refund")))
        # the reason is the public ledger's narration once the council approves: refused now
        problems = personal_data_problems(session, estate_id, [("reason", reason)])
        errors += [FieldError(f, r) for f, r in problems]
    else:
        to_fund = ""
        from_fund = ""
        gift = session.get(Gift, data.gift_id) if data.gift_id is not None else None
        if gift is None or gift.estate_id != estate_id:
            errors.append(FieldError("gift_id", Message("grants.no_such_gift")))
            gift = None
        elif gift.project_id is None:
            errors.append(FieldError("gift_id", Message("grants.gift_unrestricted")))
        else:
            project = session.get(GrantProject, gift.project_id)
            assert project is not None
            from_fund = f"autonomy:{project.code}"
            left = gift.amount - refunded(session, gift.id)
            if amount > left:
                errors.append(FieldError("amount", Message("grants.gift_left", left=left)))
    raise_if(errors, Message("grants.transfer_invalid"))
    source_project = _project_of(session, estate_id, from_fund)
    if source_project is not None and source_project.status != ProjectStatus.SETTLED:
        raise ConflictError(
            Message(
                "grants.not_settled_yet",
                code=source_project.code,
                status=source_project.status.value,
            ),
            errors=[FieldError("from_fund", Message("grants.project_not_settled"))],
        )
    target = _project_of(session, estate_id, to_fund) if to_fund else None
    if target is not None and target.status not in ACTIVE:
        raise ConflictError(
            Message("grants.not_receiving", code=target.code, status=target.status.value),
            errors=[FieldError("to_fund", Message("grants.project_not_active"))],
        )
    transfer = FundTransfer(
        estate_id=estate_id,
        kind=kind,
        from_fund=from_fund,
        to_fund=to_fund or None,
        gift_id=gift.id if gift else None,
        amount=amount,
        moved_on=data.moved_on,
        reason=reason,
        status=TransferStatus.PENDING,
        created_by=actor_user_id,
    )
    session.add(transfer)
    session.flush()
    ensure_rules(session, estate_id)
    request = approvals.submit(
        session,
        estate_id,
        subject_kind=TRANSFER,
        subject_id=transfer.id,
        content=transfer_content(transfer),
        amount=amount,
        submitted_by=actor_user_id,
    )
    for project in {p.id: p for p in (source_project, target) if p is not None}.values():
        note(
            session,
            project,
            by=actor_user_id,
            reason=f"提交资金{'退回' if kind == TransferKind.REFUND else '调拨'} "
            f"#{transfer.id}（{amount}）：{reason}（{request.rule_label}）",
        )
    session.flush()
    return transfer


def transfer_content(transfer: FundTransfer) -> dict[str, Any]:
    return {
        "kind": transfer.kind.value,
        "from_fund": transfer.from_fund,
        "to_fund": transfer.to_fund,
        "gift_id": transfer.gift_id,
        "amount": transfer.amount,
        "moved_on": transfer.moved_on,
        "reason": transfer.reason,
    }


def _after(session: Session, request: ApprovalRequest) -> None:
    transfer = session.get(FundTransfer, request.subject_id)
    if transfer is None or transfer.status != TransferStatus.PENDING:
        return
    if request.status == RequestStatus.APPROVED:
        transfer.status = TransferStatus.APPROVED
    elif request.status == RequestStatus.REJECTED:
        transfer.status = TransferStatus.REJECTED
    session.flush()


def get_transfer(session: Session, estate_id: int, transfer_id: int) -> FundTransfer:
    transfer = session.get(FundTransfer, transfer_id)
    if transfer is None or transfer.estate_id != estate_id:
        raise NotFoundError(Message("grants.no_transfer", transfer_id=transfer_id))
    return transfer


def execute(
    session: Session, estate_id: int, transfer_id: int, *, actor_user_id: int | None
) -> FundTransfer:
    """Post an approved transfer or refund (once; the entry's key is fixed). Closes a settled
    project whose sub-fund is then empty. Flushes. Raises NotFoundError, ConflictError (not
    approved for its current content, already posted), InsufficientFundsError,
    PeriodLockedError."""
    transfer = lock_row(
        session,
        FundTransfer,
        transfer_id,
        estate_id=estate_id,
        missing=Message("grants.no_transfer", transfer_id=transfer_id),
    )
    if transfer.status == TransferStatus.POSTED:
        raise ConflictError(
            Message("grants.transfer_posted", transfer_id=transfer.id, entry=transfer.entry_seq)
        )
    if transfer.status != TransferStatus.APPROVED or not approvals.is_approved(
        session, TRANSFER, transfer.id, transfer_content(transfer)
    ):
        raise ConflictError(
            Message(
                "grants.transfer_not_approved",
                transfer_id=transfer.id,
                state=transfer.status.value,
            )
        )
    if transfer.kind == TransferKind.TRANSFER:
        assert transfer.to_fund is not None
        draft = EntryDraft(
            date=transfer.moved_on,
            narration=f"基金调拨：{fund_name(session, estate_id, transfer.from_fund)} → "
            f"{fund_name(session, estate_id, transfer.to_fund)}：{transfer.reason}",
            legs=(
                Leg(transfer_equity_account(transfer.from_fund), transfer.amount),
                Leg(transfer_equity_account(transfer.to_fund), -transfer.amount),
            ),
            meta={"transfer": str(transfer.id)},
            kind="fund_transfer",
        )
    else:
        gift = session.get(Gift, transfer.gift_id)
        assert gift is not None and gift.project_id is not None
        project = session.get(GrantProject, gift.project_id)
        assert project is not None
        name = public_name(gift.source)
        draft = EntryDraft(
            date=transfer.moved_on,
            narration=f"退回未使用的限定用途资金：{name}（{project.title}）",
            payee=name,
            legs=(
                Leg(
                    autonomy_income_account(SOURCE_ACCOUNTS[gift.source.kind], transfer.from_fund),
                    transfer.amount,
                ),
                Leg(BANK, -transfer.amount),
            ),
            meta={
                "transfer": str(transfer.id),
                "gift": str(gift.id),
                "donor": name,
                "anonymous": "true" if gift.source.anonymous else "false",
            },
            kind="refund",
        )
    entry = post_entry(
        session,
        estate_id,
        draft,
        idempotency_key=f"grant-transfer:{transfer.id}",
        actor_user_id=actor_user_id,
    )
    transfer.status = TransferStatus.POSTED
    transfer.entry_seq = entry.seq
    for fund in (transfer.from_fund, transfer.to_fund):
        project = _project_of(session, estate_id, fund) if fund else None
        if project is None:
            continue
        note(session, project, by=actor_user_id, reason=f"资金变动 #{transfer.id} 已入账")
        close_if_empty(session, project, by=actor_user_id)
    session.flush()
    return transfer


def close_if_empty(session: Session, project: GrantProject, *, by: int | None) -> bool:
    """A settled project whose sub-fund holds nothing is closed (结项)."""
    if project.status != ProjectStatus.SETTLED:
        return False
    balance = fund_balances(session, project.estate_id).get(f"autonomy:{project.code}", ZERO)
    if balance != ZERO:
        return False
    move(session, project, ProjectStatus.CLOSED, by=by, reason="结余已全部退回或调拨，项目结项")
    session.flush()
    return True


def transfer_view(session: Session, transfer: FundTransfer) -> TransferOut:
    request = approvals.current_request(session, TRANSFER, transfer.id)
    return {
        "id": transfer.id,
        "kind": transfer.kind.value,
        "from_fund": transfer.from_fund,
        "to_fund": transfer.to_fund,
        "gift_id": transfer.gift_id,
        "amount": money_text(transfer.amount),
        "moved_on": transfer.moved_on.isoformat(),
        "reason": transfer.reason,
        "status": transfer.status.value,
        "entry_seq": transfer.entry_seq,
        "approval": None
        if request is None
        else {
            "request_id": request.id,
            "status": request.status.value,
            "rule": request.rule_label,
            "approvals_needed": request.approvals_needed,
        },
    }


def list_transfers(session: Session, estate_id: int) -> list[FundTransfer]:
    return list(
        session.scalars(
            select(FundTransfer)
            .where(FundTransfer.estate_id == estate_id)
            .order_by(FundTransfer.moved_on, FundTransfer.id)
        )
    )


approvals.register_subject(
    TRANSFER, content=approvals.row_content(FundTransfer, transfer_content), after_decision=_after
)
