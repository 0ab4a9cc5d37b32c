"""Settlements and approvals: contractors, contracts, reference prices, the repair register,
claims and payouts, vouchers, goods, the expense detail table, and the generic approvals
inbox and decisions (any subject kind).

Staff routes live under ``/api/v1/estates/{estate_slug}``: the steward writes
(Action.RECORD), the committee decides (Action.APPROVE), staff read (Action.READ), rules are
administered (Action.ADMINISTER). Routes that move money take an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.api.access import current_principal, estate_action
from trustfund.approvals import rules as approval_rules
from trustfund.approvals.schemas import DecisionIn, OwnersVoteIn, RulesIn
from trustfund.auth.principal import Action, Principal
from trustfund.db.models.estates import Estate
from trustfund.errors import NotAuthenticatedError

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        description="Any unique string; a replay returns the first result.",
    ),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _principal(request: Request[Any, Any, Any]) -> Principal:
    principal = current_principal(request)
    if principal is None:  # access control already refused anonymous callers
        raise NotAuthenticatedError("Sign in first.")
    return principal


class ApprovalsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/approvals"
    tags = ["approvals"]

    @get("/inbox", opt=estate_action(Action.READ), sync_to_thread=True)
    def inbox(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
    ) -> list[dict[str, Any]]:
        """Pending requests you may decide (not your own, not decided by you yet)."""
        return [
            approvals.request_view(r)
            for r in approvals.inbox(db_session, estate.id, _principal(request))
        ]

    @get("/{request_id:int}", opt=estate_action(Action.READ), sync_to_thread=True)
    def show(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request_id: FromPath[int],
    ) -> dict[str, Any]:
        """One approval request with its decisions and (if any) owners' vote."""
        return approvals.request_view(approvals.get_request(db_session, estate.id, request_id))

    @post(
        "/{request_id:int}/decision",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
        description="403 for the submitter or a second decision by you; 409 if the subject "
        "changed (the request becomes void) or it is not pending; 422 for a rejection "
        "without a reason.",
    )
    def decide(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> dict[str, Any]:
        """Approve or reject (four eyes)."""
        return approvals.request_view(
            approvals.decide_request(
                db_session,
                estate.id,
                request_id,
                principal=_principal(request),
                decision=approvals.Decision(data.decision),
                reason=data.reason,
                reviewed_hash=data.content_hash,
            )
        )

    @post(
        "/{request_id:int}/owners-vote",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
        description="Double majority (双过半): more than half of households and of area took "
        "part, and more than half of those households and that area voted for.",
    )
    def owners_vote(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: JSONBody[OwnersVoteIn],
    ) -> dict[str, Any]:
        """Record the owners' vote a large amount needs."""
        return approvals.request_view(
            approvals.record_vote_request(
                db_session,
                estate.id,
                request_id,
                recorded_by=_principal(request).user_id,
                households_total=data.households_total,
                households_voted=data.households_voted,
                households_for=data.households_for,
                area_total=data.area_total,
                area_voted=data.area_voted,
                area_for=data.area_for,
                held_on=data.held_on,
            )
        )

    @get("/rules/{subject:str}", opt=estate_action(Action.READ), sync_to_thread=True)
    def rules(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        subject: FromPath[str],
    ) -> dict[str, Any]:
        """The estate's approval tiers for a kind (claim, contract, …)."""
        return approval_rules.show_rules(db_session, estate.id, subject)

    @put(
        "/rules/{subject:str}",
        opt=estate_action(Action.ADMINISTER),
        sync_to_thread=True,
        description="Tiers ascending by up_to (inclusive), the last without a limit. "
        "Requests already submitted keep their requirement.",
    )
    def save_rules(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        subject: FromPath[str],
        data: JSONBody[RulesIn],
    ) -> dict[str, Any]:
        """Change the approval thresholds of a kind."""
        return approval_rules.save_rules(
            db_session, estate.id, subject, [t.model_dump() for t in data.tiers]
        )


CONTROLLERS: list[Any] = [ApprovalsController]
