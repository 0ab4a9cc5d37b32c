"""Payouts: an approved claim becomes payable and is paid from the committee's bank
account (once); the expense detail table (费用支出明细表) lists every payout, for staff by
name and for residents by role."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route, public
from trustfund.api.common import XLSX, Ctx, IdempotencyKey, file_response, idempotent_response
from trustfund.api.common import public_estate as estate_named
from trustfund.auth.principal import Action
from trustfund.settlements import expenses, payouts, service
from trustfund.settlements.schemas import ClaimOut, ExpenseTableOut, PayIn


class PayoutsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @estate_route(
        post,
        "/claims/{claim_id:int}/payable",
        Action.RECORD,
        status_code=200,
        description="Posts Expenses:<fund>:<item> / Liabilities:Payable:Contractors on the "
        "work date. 409 insufficient-funds names the fund and the shortfall.",
    )
    def make_payable(
        self, ctx: Ctx, claim_id: FromPath[int], idempotency_key: IdempotencyKey = None
    ) -> Response[ClaimOut]:
        """An approved claim becomes payable."""
        return idempotent_response(
            payouts.payable_request(
                ctx.session,
                ctx.estate.id,
                claim_id,
                actor_user_id=ctx.user_id,
                idempotency_key=idempotency_key,
            ),
            status=200,
        )

    @estate_route(
        post,
        "/claims/{claim_id:int}/pay",
        Action.RECORD,
        status_code=200,
        description="Pays from the committee bank account (making an approved claim payable "
        "first). A claim is never paid twice (409).",
    )
    def pay_claim(
        self,
        ctx: Ctx,
        claim_id: FromPath[int],
        data: JSONBody[PayIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ClaimOut]:
        """Pay an approved claim."""
        return idempotent_response(
            payouts.pay_request(
                ctx.session,
                ctx.estate.id,
                claim_id,
                paid_on=data.paid_on,
                actor_user_id=ctx.user_id,
                idempotency_key=idempotency_key,
            ),
            status=200,
        )

    # --- expense detail table -----------------------------------------------------------

    @estate_route(get, "/expenses", Action.READ)
    def expense_table(
        self, ctx: Ctx, start: FromQuery[str | None] = None, end: FromQuery[str | None] = None
    ) -> ExpenseTableOut:
        """费用支出明细表: every payout with vouchers and approvers (names)."""
        return _expense_table(ctx.session, ctx.estate.id, start, end)

    @estate_route(get, "/expenses/xlsx", Action.READ, media_type=XLSX)
    def expense_xlsx(
        self, ctx: Ctx, start: FromQuery[str | None] = None, end: FromQuery[str | None] = None
    ) -> Response[bytes]:
        """The expense detail table as XLSX."""
        data = expenses.expense_xlsx(
            ctx.session,
            ctx.estate.id,
            start=service.parse_date(start, "start"),
            end=service.parse_date(end, "end"),
        )
        return file_response(data, XLSX, f"expenses-{ctx.estate.slug}.xlsx")


class PublicExpensesController(Controller):
    path = "/api/v1/public/estates/{estate_slug:str}"
    tags = ["public"]

    @get("/expenses", opt=public(), sync_to_thread=True)
    def expenses(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> ExpenseTableOut:
        """The expense detail table for residents: approvers by role, not by name."""
        estate = estate_named(db_session, estate_slug)
        return _expense_table(db_session, estate.id, start, end, public=True)


def _expense_table(
    session: Session, estate_id: int, start: str | None, end: str | None, *, public: bool = False
) -> ExpenseTableOut:
    return expenses.expense_table(
        session,
        estate_id,
        start=service.parse_date(start, "start"),
        end=service.parse_date(end, "end"),
        public=public,
    )
