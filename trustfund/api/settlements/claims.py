"""Claims (结算单): drafts, edits, submission for approval, withdrawal, their vouchers.
Paying them is ``payouts``."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.api.uploads import MultipartForm, form_file
from trustfund.auth.principal import Action
from trustfund.settings import Settings
from trustfund.settlements import claims, service
from trustfund.settlements.schemas import ClaimIn, ClaimOut, VoucherOut


class ClaimsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @estate_route(get, "/claims", Action.READ)
    def list_claims(self, ctx: Ctx, status: FromQuery[str | None] = None) -> list[ClaimOut]:
        """Claims, by work date."""
        return claims.list_claims(ctx.session, ctx.estate.id, status=status)

    @estate_route(
        post,
        "/claims",
        Action.RECORD,
        description="Line amount = quantity × unit price, to the fen, half up. A line above "
        "the reference price in force on the work date needs over_reason (422 names the line).",
    )
    def create_claim(self, ctx: Ctx, data: JSONBody[ClaimIn]) -> ClaimOut:
        """A draft claim."""
        return service.create_claim(ctx.session, ctx.estate.id, data, ctx.user_id)

    @estate_route(get, "/claims/{claim_id:int}", Action.READ)
    def show_claim(self, ctx: Ctx, claim_id: FromPath[int]) -> ClaimOut:
        """One claim with its lines, approval and entries."""
        return claims.claim_view(
            ctx.session, claims.get_claim(ctx.session, ctx.estate.id, claim_id)
        )

    @estate_route(
        put,
        "/claims/{claim_id:int}",
        Action.RECORD,
        description="Voids any approval: the claim returns to draft. 409 once payable.",
    )
    def update_claim(self, ctx: Ctx, claim_id: FromPath[int], data: JSONBody[ClaimIn]) -> ClaimOut:
        """Edit a claim (the editor can never approve it)."""
        return service.update_claim(ctx.session, ctx.estate.id, claim_id, data, ctx.user_id)

    @estate_route(post, "/claims/{claim_id:int}/submit", Action.RECORD, status_code=200)
    def submit_claim(self, ctx: Ctx, claim_id: FromPath[int]) -> ClaimOut:
        """Submit for approval (the rule of the claim's amount applies)."""
        return service.submit_claim(ctx.session, ctx.estate.id, claim_id, ctx.user_id)

    @estate_route(post, "/claims/{claim_id:int}/void", Action.RECORD, status_code=200)
    def void_claim(self, ctx: Ctx, claim_id: FromPath[int]) -> ClaimOut:
        """Withdraw a claim that is not payable yet."""
        return service.void_claim(ctx.session, ctx.estate.id, claim_id)

    @estate_route(post, "/claims/{claim_id:int}/vouchers", Action.RECORD)
    def add_voucher(
        self,
        ctx: Ctx,
        settings: NamedDependency[Settings],
        claim_id: FromPath[int],
        data: MultipartBody[MultipartForm],
    ) -> VoucherOut:
        """Attach a voucher (JPEG, PNG or PDF, at most 10 MB), stored by its sha256."""
        return service.add_claim_voucher(
            ctx.session, settings.var_dir, ctx.estate.id, claim_id, *form_file(data), ctx.user_id
        )
