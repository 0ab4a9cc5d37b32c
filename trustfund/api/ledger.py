"""Staff routes of an estate's journal: entries, balances, reversals, period locks.
Every other money movement is posted by its own workflow (fees, settlements, grants).

Nobody locks a period by hand: a period is locked when the disclosure of that *ended*
period is published (``disclosure.publication.publish``), and lifted only by the
correction procedure (``disclosure.unlocks``: a committee majority and a recorded reason,
shown on the public pages). A route that locked any dates on one member's word let a
single committee member freeze the books (2027–2099) with no way back."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from trustfund.api.access import estate_route, note_audit
from trustfund.api.common import Ctx, IdempotencyKey
from trustfund.auth.principal import Action
from trustfund.disclosure import unlocks
from trustfund.disclosure.schemas import LockLiftCreate, LockLiftProposedOut
from trustfund.journal import general, operations, schemas
from trustfund.settings import Settings


class LedgerController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/ledger"
    tags = ["ledger"]

    @estate_route(get, "/entries", Action.READ, summary="Journal entries, newest first")
    def list_entries(
        self, ctx: Ctx, page: FromQuery[int] = 1, per_page: FromQuery[int] = 50
    ) -> schemas.EntryPage:
        return operations.list_entries(ctx.session, ctx.estate, page, per_page)

    @estate_route(get, "/entries/{seq:int}", Action.READ, summary="One journal entry")
    def get_entry(self, ctx: Ctx, seq: FromPath[int]) -> schemas.Entry:
        return operations.get_entry(ctx.session, ctx.estate, seq)

    @estate_route(
        post,
        "/entries",
        Action.RECORD,
        summary="Post a general entry (a reclassification within one fund)",
        description="One person may only reclassify spending: every leg an Expenses account "
        "of the same fund, summing to zero. Anything that moves money between parties (bank, "
        "cash, prepaid fees …) is proposed at `POST …/ledger/proposals` and posted once the "
        "committee approved it; payables are only created and settled through claims. The "
        "date must not be after tomorrow (estate time) nor before the books opened. Needs an "
        "Idempotency-Key header. 422 names every bad field; 409 for books not open, a locked "
        "period, an overdrawn fund, bank or cash, or a key reused with a different body.",
    )
    def record_entry(
        self,
        ctx: Ctx,
        settings: NamedDependency[Settings],
        data: JSONBody[schemas.EntryCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> schemas.Entry:
        return operations.record_entry(
            ctx.session, settings, ctx.estate, data, idempotency_key, ctx.user_id
        )

    @estate_route(
        post,
        "/entries/{seq:int}/reversal",
        Action.RECORD,
        summary="Reverse a general entry that reclassified spending",
        description="Posts the opposite entry on the given date. 409 if the entry was already "
        "reversed, is itself a reversal, belongs to a domain, or moved money between parties "
        "(propose its reversal at `POST …/ledger/proposals` with `reverses_seq`). Needs an "
        "Idempotency-Key header.",
    )
    def reverse_entry(
        self,
        ctx: Ctx,
        settings: NamedDependency[Settings],
        seq: FromPath[int],
        data: JSONBody[schemas.ReversalCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> schemas.Entry:
        return operations.reverse_entry(
            ctx.session, settings, ctx.estate, seq, data, idempotency_key, ctx.user_id
        )

    @estate_route(
        post,
        "/proposals",
        Action.RECORD,
        summary="Propose a general entry for approval (four eyes)",
        description="For entries that move money between parties (bank, cash on hand, prepaid "
        "fees, goods), or with `reverses_seq` the reversal of a general or opening entry. "
        "Submitted for approval (subject kind `journal_entry`, the payout tiers; the author, "
        "editors and submitter cannot approve) and posted exactly as approved when the last "
        "approval is given at `POST …/approvals/{id}/decision` (409 there if it cannot be "
        "posted: bank, cash or a fund would go below zero, a locked period). Income, "
        "Expenses, Equity and payables are refused (their domains move them). 422 names "
        "every bad field.",
    )
    def propose_entry(
        self, ctx: Ctx, data: JSONBody[schemas.ProposalCreate]
    ) -> schemas.EntryProposal:
        return general.propose(ctx.session, ctx.estate, data, actor_user_id=ctx.user_id)

    @estate_route(
        put,
        "/proposals/{proposal_id:int}",
        Action.RECORD,
        summary="Change a pending or rejected proposed entry",
        description="Its approval request becomes void and it is submitted again; whoever "
        "changed it can never approve it. 409 once posted.",
    )
    def change_proposal(
        self, ctx: Ctx, proposal_id: FromPath[int], data: JSONBody[schemas.ProposalCreate]
    ) -> schemas.EntryProposal:
        return general.propose(
            ctx.session, ctx.estate, data, actor_user_id=ctx.user_id, proposal_id=proposal_id
        )

    @estate_route(
        get, "/proposals", Action.READ, summary="Proposed entries, newest first (at most 200)"
    )
    def list_proposals(self, ctx: Ctx) -> list[schemas.EntryProposal]:
        return general.list_proposals(ctx.session, ctx.estate)

    @estate_route(get, "/proposals/{proposal_id:int}", Action.READ, summary="One proposed entry")
    def get_proposal(self, ctx: Ctx, proposal_id: FromPath[int]) -> schemas.EntryProposal:
        return general.get_proposal(ctx.session, ctx.estate, proposal_id)

    @estate_route(
        get,
        "/balances",
        Action.READ,
        summary="Account balances (as_of) or sums over a period (start, end; inclusive)",
    )
    def account_balances(
        self,
        ctx: Ctx,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        as_of: FromQuery[date | None] = None,
    ) -> schemas.AccountBalances:
        return operations.account_balances(ctx.session, ctx.estate, start, end, as_of)

    @estate_route(
        get,
        "/funds",
        Action.READ,
        summary="Fund balances (as_of) or their change over a period (start, end)",
    )
    def fund_balances(
        self,
        ctx: Ctx,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        as_of: FromQuery[date | None] = None,
    ) -> schemas.FundBalances:
        return operations.fund_balances(ctx.session, ctx.estate, start, end, as_of)

    @estate_route(
        post,
        "/period-locks/{lock_id:int}/lift",
        Action.READ,
        summary="Propose lifting a period lock (a correction; committee majority)",
        description="The estate's steward or a committee member proposes, with a reason "
        "(other roles: 403). This creates an approval request of kind `period_unlock`: a "
        "majority of the estate's committee members (counted now) must approve it through "
        "`POST /approvals/{id}/decision`; the proposer cannot decide and administrators "
        "cannot change this rule. Once approved the lock is lifted (kept, with `lifted_at`, "
        "the request and the reason), the lift is written to the audit log and shown on the "
        "estate's public page, and entries dated in the period are accepted until the "
        "corrected disclosure (a version superseding the published one) is published, which "
        "locks the period again. 404 for an unknown lock; 409 if it is already lifted or a "
        "proposal is waiting; 422 without a reason.",
    )
    def propose_lift(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        lock_id: FromPath[int],
        data: JSONBody[LockLiftCreate],
    ) -> LockLiftProposedOut:
        note_audit(request, lock_id=lock_id, reason=data.reason[:200])
        return unlocks.propose_request(
            ctx.session, ctx.estate, lock_id, principal=ctx.principal, reason=data.reason
        )

    @estate_route(
        get,
        "/period-locks",
        Action.READ,
        summary="Period locks, lifted ones included (active: false)",
        description="Each lock: its dates, why it was locked (the publication), whether it is "
        "still in force, and when, by which approval request and why it was lifted.",
    )
    def period_locks(self, ctx: Ctx) -> list[schemas.PeriodLock]:
        return operations.period_locks(ctx.session, ctx.estate)


CONTROLLERS: list[Any] = [LedgerController]
