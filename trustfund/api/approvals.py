"""The generic approvals inbox and decisions (any subject kind: claims, contracts, opening
balances, reconciliations, …) and the estate's approval rules.

Staff routes under ``/api/v1/estates/{estate_slug}/approvals``: staff read (Action.READ), the
committee decides (Action.APPROVE, four eyes), rules are administered (Action.ADMINISTER).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody

from trustfund import approvals
from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.approvals import rules as approval_rules
from trustfund.approvals.schemas import (
    ApprovalRequestOut,
    DecisionIn,
    OwnersVoteIn,
    RulesIn,
    RulesOut,
)
from trustfund.auth.principal import Action


class ApprovalsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/approvals"
    tags = ["approvals"]

    @estate_route(get, "/inbox", Action.READ)
    def inbox(self, ctx: Ctx) -> list[ApprovalRequestOut]:
        """Pending requests you may decide (not your own, not decided by you yet)."""
        return [
            approvals.request_view(r)
            for r in approvals.inbox(ctx.session, ctx.estate.id, ctx.principal)
        ]

    @estate_route(get, "/{request_id:int}", Action.READ)
    def show(self, ctx: Ctx, request_id: FromPath[int]) -> ApprovalRequestOut:
        """One approval request with its decisions and (if any) owners' vote."""
        return approvals.request_view(approvals.get_request(ctx.session, ctx.estate.id, request_id))

    @estate_route(
        post,
        "/{request_id:int}/decision",
        Action.APPROVE,
        status_code=200,
        description="403 for the submitter or a second decision by you; 409 if the subject "
        "changed (the request becomes void) or it is not pending; 422 for a rejection "
        "without a reason.",
    )
    def decide(
        self, ctx: Ctx, request_id: FromPath[int], data: JSONBody[DecisionIn]
    ) -> ApprovalRequestOut:
        """Approve or reject (four eyes)."""
        return approvals.request_view(
            approvals.decide_request(
                ctx.session,
                ctx.estate.id,
                request_id,
                principal=ctx.principal,
                decision=approvals.Decision(data.decision),
                reason=data.reason,
                reviewed_hash=data.content_hash,
            )
        )

    @estate_route(
        post,
        "/{request_id:int}/owners-vote",
        Action.APPROVE,
        status_code=200,
        description="Double majority (双过半): more than half of households and of area took "
        "part, and more than half of those households and that area voted for.",
    )
    def owners_vote(
        self, ctx: Ctx, request_id: FromPath[int], data: JSONBody[OwnersVoteIn]
    ) -> ApprovalRequestOut:
        """Record the owners' vote a large amount needs."""
        return approvals.request_view(
            approvals.record_vote_request(
                ctx.session,
                ctx.estate.id,
                request_id,
                recorded_by=ctx.user_id,
                households_total=data.households_total,
                households_voted=data.households_voted,
                households_for=data.households_for,
                area_total=data.area_total,
                area_voted=data.area_voted,
                area_for=data.area_for,
                held_on=data.held_on,
            )
        )

    @estate_route(get, "/rules/{subject:str}", Action.READ)
    def rules(self, ctx: Ctx, subject: FromPath[str]) -> RulesOut:
        """The estate's approval tiers for a kind (claim, contract, …)."""
        return approval_rules.show_rules(ctx.session, ctx.estate.id, subject)

    @estate_route(
        put,
        "/rules/{subject:str}",
        Action.ADMINISTER,
        description="Tiers ascending by up_to (inclusive), the last without a limit. "
        "Requests already submitted keep their requirement.",
    )
    def save_rules(self, ctx: Ctx, subject: FromPath[str], data: JSONBody[RulesIn]) -> RulesOut:
        """Change the approval thresholds of a kind."""
        return approval_rules.save_rules(
            ctx.session, ctx.estate.id, subject, [t.model_dump() for t in data.tiers]
        )


CONTROLLERS: list[Any] = [ApprovalsController]
