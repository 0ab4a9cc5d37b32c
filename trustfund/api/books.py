"""Opening an estate's books (建账): whether they are open, and the opening balances the
steward proposes and the committee approves (on the generic approvals decision route)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import JSONBody

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.auth.principal import Action
from trustfund.journal import books, schemas


class BooksController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/books"
    tags = ["books"]

    @estate_route(
        get,
        "/",
        Action.READ,
        summary="Whether the books are open, and the opening proposal",
        description="`next_step` says in Chinese what to do while the books are not open. "
        "Until they are, every route that would post answers 409 with problem type "
        "`…/books-not-open`.",
    )
    def status(self, ctx: Ctx) -> schemas.BooksStatus:
        return books.status(ctx.session, ctx.estate)

    @estate_route(
        post,
        "/opening",
        Action.RECORD,
        summary="Propose the opening balances (期初余额)",
        description="Per fund, as the paper ledger holds them on `date`: `bank` (银行存款), "
        "`cash` (管家现金), `payable` (应付承揽方), `prepaid` (预收服务费), each ≥ 0; the fund "
        "opens at bank + cash − payable − prepaid, which must not be negative. Submitted to "
        "the committee (subject kind `opening`, one committee approver by default; the "
        "proposer and anyone who edited it cannot approve) through "
        "`POST /api/v1/estates/{slug}/approvals/{approval_request_id}/decision`. On approval "
        "the chart opens on `date` and one entry of kind `opening` is posted. Proposing again "
        "while pending or rejected replaces the proposal and voids its approval request. "
        "422 names every bad field; 409 once the books are open.",
    )
    def propose_opening(
        self, ctx: Ctx, data: JSONBody[schemas.OpeningIn]
    ) -> schemas.OpeningProposal:
        return books.propose_opening(ctx.session, ctx.estate, data, actor_user_id=ctx.user_id)


CONTROLLERS: list[Any] = [BooksController]
