"""Project settlement (结算): actual against budget per line, and the project's sub-fund
read straight from the ledger.

Figures, for project ``<CODE>`` (fund ``autonomy:<CODE>``), all SQL sums over postings::

    received   = −Σ Income:Autonomy:Project:<CODE>:<Source>   (gifts less refunds; in kind too)
    spent      =  Σ Expenses:Autonomy:Project:<CODE>:Projects (claims payable or paid)
    in_kind    =  Σ Expenses:Autonomy:Project:<CODE>:InKind   (valued gifts put to use)
    transfers  = −Σ Equity:Transfers:Autonomy:Project:<CODE>  (+ in, − out)
    remaining  = received − spent − in_kind + transfers = the fund's balance

``spent`` must equal the sum of the lines' actual amounts (claims on the project's lines);
``matches_ledger`` says whether it does, and a test holds it true.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import ZERO
from trustfund.db.models.grants import Disbursement, GrantProject, ProjectStatus
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.errors import ConflictError, FieldError, ValidationError, raise_if
from trustfund.fields import text
from trustfund.grants.common import (
    ACTIVE,
    IN_KIND,
    fund_of_project,
    lock_project,
    move,
)
from trustfund.grants.disbursements import EXPENSE_ITEM, line_actuals
from trustfund.grants.transfers import close_if_empty
from trustfund.journal.reading import account_balances
from trustfund.ledger.accounts import AUTONOMY_SOURCES, fund_component
from trustfund.ledger.money import money_text
from trustfund.messages import Message

#: Claims still on their way: a project with any of these cannot be settled.
OPEN_CLAIMS = (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)


def settle(
    session: Session,
    estate_id: int,
    project_id: int,
    *,
    settled_on: date,
    note_text: str = "",
    actor_user_id: int | None,
) -> GrantProject:
    """Implementation ends: no more spending; the remaining money waits for a decision
    (refund or transfer) unless there is none, then the project closes at once. Flushes.
    Raises NotFoundError, ConflictError (not in implementation, claims still open),
    ValidationError."""
    project = lock_project(session, estate_id, project_id)
    if project.status not in ACTIVE:
        raise ConflictError(
            Message("grants.not_settleable", code=project.code, status=project.status.value)
        )
    if settled_on < project.applied_on:
        raise ValidationError.field(
            "settled_on", Message("grants.before_application", applied_on=project.applied_on)
        )
    open_ids = list(
        session.scalars(
            select(Claim.id)
            .join(Disbursement, Disbursement.claim_id == Claim.id)
            .where(Disbursement.project_id == project.id, Claim.status.in_(OPEN_CLAIMS))
            .order_by(Claim.id)
        )
    )
    if open_ids:
        raise ConflictError(
            Message("grants.claims_open", claims=", ".join(map(str, open_ids)), code=project.code),
            extra={"open_claims": open_ids},
        )
    errors: list[FieldError] = []
    why = text(note_text, "note", errors, limit=400, required=False)
    raise_if(errors, Message("grants.settlement_invalid"))
    project.settled_on = settled_on
    figures = settlement(session, project)
    move(
        session,
        project,
        ProjectStatus.SETTLED,
        by=actor_user_id,
        reason=f"项目结算：预算 {figures['budget_total']}，实际支出 {figures['actual_total']}，"
        f"结余 {figures['ledger']['remaining']}" + (f"；{why}" if why else ""),
    )
    session.flush()
    close_if_empty(session, project, by=actor_user_id)
    return project


def ledger_figures(
    session: Session, project: GrantProject, *, end: date | None = None
) -> dict[str, Any]:
    """The sub-fund's figures from the journal (see the module docstring)."""
    component = fund_component(fund_of_project(project))
    balances = account_balances(session, project.estate_id, end=end)
    by_source: dict[str, Decimal] = {}
    for source in AUTONOMY_SOURCES:
        value = -balances.get(f"Income:{component}:{source}", ZERO)
        if value != ZERO:
            by_source[source] = value
    received = sum(by_source.values(), ZERO)
    spent = balances.get(f"Expenses:{component}:{EXPENSE_ITEM}", ZERO)
    in_kind = balances.get(f"Expenses:{component}:{IN_KIND}", ZERO)
    transfers = -balances.get(f"Equity:Transfers:{component}", ZERO)
    opening = -balances.get(f"Equity:Opening:{component}", ZERO)
    remaining = received - spent - in_kind + transfers + opening
    return {
        "received": received,
        "received_by_source": by_source,
        "spent": spent,
        "in_kind_used": in_kind,
        "transfers": transfers + opening,
        "remaining": remaining,
    }


def settlement(session: Session, project: GrantProject) -> dict[str, Any]:
    """Actual against budget per line, with the ledger's figures beside them."""
    actual = line_actuals(session, project.id)
    lines: list[dict[str, Any]] = []
    for line in project.lines:
        budget = line.approved_amount if line.approved_amount is not None else line.amount
        spent = actual.get(line.id, ZERO)
        lines.append(
            {
                "id": line.id,
                "description": line.description,
                "budget": budget,
                "actual": spent,
                "difference": budget - spent,
            }
        )
    budget_total: Decimal = sum((Decimal(x["budget"]) for x in lines), ZERO)
    actual_total: Decimal = sum((Decimal(x["actual"]) for x in lines), ZERO)
    ledger = ledger_figures(session, project)
    return {
        "project_id": project.id,
        "code": project.code,
        "status": project.status.value,
        "settled_on": project.settled_on,
        "lines": lines,
        "budget_total": budget_total,
        "actual_total": actual_total,
        "ledger": ledger,
        "matches_ledger": actual_total == ledger["spent"],
    }


def as_json(value: Any) -> Any:
    """Decimals and dates as strings, recursively."""
    if isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value
