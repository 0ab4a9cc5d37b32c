"""Disbursements: a project pays through a settlements claim (with its vouchers and the
committee's approval) on the project's own sub-fund, charged to one budget line.

Two guards keep spending inside the approved budget:

1. ``disburse`` refuses a claim that would take a line beyond its approved amount
   (``BudgetExceededError``, 409): the council must first approve a budget revision.
2. Whatever path a claim takes (the settlements API, the CLI, a later edit of its amount),
   it cannot become payable — the moment money leaves the fund — unless it is linked to a
   line of an active project and the line's claims stay within the approved amount: this
   module's ``guard_payable`` is listed in ``trustfund.wiring.payable_checks``, which runs
   before a claim is made payable, for claims on a project sub-fund ``autonomy:<CODE>`` that
   belongs to a project here.

Restricted money cannot be spent elsewhere because each project has its own fund and
``post_entry`` refuses to take any fund below zero; unrestricted autonomy money reaches a
project only through an approved transfer (``trustfund.grants.transfers``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import ZERO
from trustfund.db.models.grants import BudgetLine, Disbursement, GrantProject, ProjectStatus
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.errors import ConflictError, ValidationError
from trustfund.grants.common import ACTIVE, fund_of_project, lock_project, move
from trustfund.grants.schemas import DisbursementIn, DisbursementOut
from trustfund.messages import Message
from trustfund.settlements import claims
from trustfund.settlements.schemas import ClaimIn

#: Claims that no longer take money from a line.
RELEASED = (ClaimStatus.VOID, ClaimStatus.REJECTED)
#: Claims whose cost is in the ledger.
BOOKED = (ClaimStatus.PAYABLE, ClaimStatus.PAID)
EXPENSE_ITEM = "Projects"


class BudgetExceededError(ConflictError):
    """A claim would take a budget line beyond its approved amount."""

    title = "Beyond the approved budget"
    type_slug = "budget-exceeded"


def committed_on_line(
    session: Session, line_id: int, *, exclude_claim_id: int | None = None
) -> Decimal:
    stmt = (
        select(Claim.amount)
        .join(Disbursement, Disbursement.claim_id == Claim.id)
        .where(Disbursement.budget_line_id == line_id, Claim.status.not_in(RELEASED))
    )
    if exclude_claim_id is not None:
        stmt = stmt.where(Claim.id != exclude_claim_id)
    return sum(session.scalars(stmt), ZERO)


def committed_by_line(session: Session, project_id: int) -> dict[int, Decimal]:
    rows = session.execute(
        select(Disbursement.budget_line_id, Claim.amount)
        .join(Claim, Claim.id == Disbursement.claim_id)
        .where(Disbursement.project_id == project_id, Claim.status.not_in(RELEASED))
    )
    out: dict[int, Decimal] = {}
    for line_id, amount in rows:
        out[line_id] = out.get(line_id, ZERO) + amount
    return out


def _check_line(line: BudgetLine, taken: Decimal, amount: Decimal, what: str) -> None:
    limit = line.approved_amount
    if limit is None:
        raise BudgetExceededError(
            Message("grants.line_not_approved", description=repr(line.description)),
            extra={"budget_line_id": line.id},
        )
    if taken + amount > limit:
        raise BudgetExceededError(
            Message(
                "grants.budget_exceeded",
                what=what,
                amount=amount,
                description=repr(line.description),
                total=taken + amount,
                limit=limit,
                short=taken + amount - limit,
            ),
            extra={
                "budget_line_id": line.id,
                "approved": str(limit),
                "committed": str(taken),
                "requested": str(amount),
            },
        )


def disburse(
    session: Session,
    estate_id: int,
    project_id: int,
    data: DisbursementIn,
    *,
    actor_user_id: int,
) -> Disbursement:
    """Create the claim for a project payment, charged to a budget line, and (by default)
    submit it for approval. Flushes. Raises NotFoundError, ConflictError (project not
    approved or already settled), BudgetExceededError, ValidationError (bad claim fields,
    field ``budget_line_id``)."""
    project = lock_project(session, estate_id, project_id)
    if project.status not in ACTIVE:
        raise ConflictError(
            Message("grants.project_not_spending", code=project.code, status=project.status.value)
        )
    line = session.scalars(
        select(BudgetLine)
        .where(BudgetLine.id == data.budget_line_id, BudgetLine.project_id == project.id)
        .with_for_update()
    ).one_or_none()
    if line is None:
        raise ValidationError.field("budget_line_id", Message("grants.no_budget_line"))
    claim = claims.create_claim(
        session,
        estate_id,
        ClaimIn(
            payee=data.payee,
            contractor_id=data.contractor_id,
            fund=fund_of_project(project),
            expense_item=EXPENSE_ITEM,
            description=data.description,
            work_date=data.work_date,
            lines=data.lines,
        ),
        actor_user_id=actor_user_id,
        before_insert=lambda new: _check_line(
            line, committed_on_line(session, line.id), new.amount, "The claim"
        ),
    )
    link = Disbursement(
        estate_id=estate_id,
        project_id=project.id,
        budget_line_id=line.id,
        claim_id=claim.id,
        created_by=actor_user_id,
    )
    session.add(link)
    if project.status == ProjectStatus.APPROVED:
        move(
            session,
            project,
            ProjectStatus.IMPLEMENTING,
            by=actor_user_id,
            reason=f"开始实施：第一笔支出申请 {claim.id}",
        )
    session.flush()
    if data.submit:
        claims.submit_claim(session, estate_id, claim.id, actor_user_id=actor_user_id)
    return link


def disbursement_view(session: Session, link: Disbursement) -> DisbursementOut:
    claim = session.get(Claim, link.claim_id)
    assert claim is not None
    return {
        "id": link.id,
        "project_id": link.project_id,
        "budget_line_id": link.budget_line_id,
        "claim": claims.claim_view(session, claim),
    }


def list_disbursements(session: Session, project_id: int) -> list[Disbursement]:
    return list(
        session.scalars(
            select(Disbursement)
            .where(Disbursement.project_id == project_id)
            .order_by(Disbursement.id)
        )
    )


# --- the guard ------------------------------------------------------------------------


def guard_payable(session: Session, claim: Claim) -> None:
    """Refuse to make a claim on a project's sub-fund payable unless it is one of the
    project's disbursements, the project is active and its line stays within budget.
    Raises ConflictError, BudgetExceededError."""
    if not (claim.fund or "").startswith("autonomy:"):
        return
    code = claim.fund.split(":", 1)[1]
    project = session.scalar(
        select(GrantProject).where(
            GrantProject.estate_id == claim.estate_id, GrantProject.code == code
        )
    )
    if project is None:
        return  # a sub-fund not managed as a project here
    link = session.scalar(select(Disbursement).where(Disbursement.claim_id == claim.id))
    if link is None:
        raise ConflictError(
            Message("grants.claim_not_on_line", claim_id=claim.id, code=project.code)
        )
    if project.status not in ACTIVE:
        raise ConflictError(
            Message("grants.project_spends_no_more", code=project.code, status=project.status.value)
        )
    line = session.get(BudgetLine, link.budget_line_id)
    assert line is not None
    taken = committed_on_line(session, line.id, exclude_claim_id=claim.id)
    _check_line(line, taken, claim.amount, f"Claim {claim.id}")


def line_actuals(session: Session, project_id: int) -> dict[int, Decimal]:
    """Per line: the amounts of claims whose cost is booked (payable or paid)."""
    rows = session.execute(
        select(Disbursement.budget_line_id, Claim.amount)
        .join(Claim, Claim.id == Disbursement.claim_id)
        .where(Disbursement.project_id == project_id, Claim.status.in_(BOOKED))
    )
    out: dict[int, Decimal] = {}
    for line_id, amount in rows:
        out[line_id] = out.get(line_id, ZERO) + amount
    return out
