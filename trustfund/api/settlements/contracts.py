"""Contractors (承揽方), repair contracts (维修承揽合同) and reference price lists."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.api.uploads import MultipartForm, form_file, spreadsheet_form
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.auth.principal import Action
from trustfund.errors import ValidationError
from trustfund.estates.columns import describe
from trustfund.messages import Message
from trustfund.settlements import contracts, prices, service
from trustfund.settlements.schemas import (
    ContractIn,
    ContractorIn,
    ContractorOut,
    ContractOut,
    PriceListOut,
    PricesOut,
)


class ContractsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @estate_route(get, "/contractors", Action.READ)
    def list_contractors(self, ctx: Ctx) -> list[ContractorOut]:
        """Contractors (承揽方) of the estate."""
        return contracts.list_contractors(ctx.session, ctx.estate.id)

    @estate_route(post, "/contractors", Action.RECORD)
    def add_contractor(self, ctx: Ctx, data: JSONBody[ContractorIn]) -> ContractorOut:
        """Add a contractor. 409 if the name exists."""
        return service.add_contractor(ctx.session, ctx.estate.id, data)

    @estate_route(get, "/contracts", Action.READ)
    def list_contracts(self, ctx: Ctx) -> list[ContractOut]:
        """Repair contracts (维修承揽合同) with their approval status."""
        return contracts.list_contracts(ctx.session, ctx.estate.id)

    @estate_route(post, "/contracts", Action.RECORD)
    def add_contract(self, ctx: Ctx, data: JSONBody[ContractIn]) -> ContractOut:
        """A draft one-year repair contract."""
        return service.add_contract(ctx.session, ctx.estate.id, data, ctx.user_id)

    @estate_route(put, "/contracts/{contract_id:int}", Action.RECORD)
    def update_contract(
        self, ctx: Ctx, contract_id: FromPath[int], data: JSONBody[ContractIn]
    ) -> ContractOut:
        """Edit a contract; any approval becomes void and the editor never approves it."""
        return service.update_contract(ctx.session, ctx.estate.id, contract_id, data, ctx.user_id)

    @estate_route(post, "/contracts/{contract_id:int}/submit", Action.RECORD)
    def submit_contract(self, ctx: Ctx, contract_id: FromPath[int]) -> ApprovalRequestOut:
        """Ask the committee to approve the contract; answers the approval request."""
        return service.submit_contract(ctx.session, ctx.estate.id, contract_id, ctx.user_id)

    # --- reference prices ---------------------------------------------------------------

    @estate_route(get, "/prices", Action.READ)
    def list_prices(self, ctx: Ctx, on: FromQuery[str | None] = None) -> PricesOut:
        """Every version, and (with ``on``) the prices in force on that date."""
        when = service.parse_date(on, "on")
        return {
            "versions": prices.list_price_lists(ctx.session, ctx.estate.id),
            "in_force": prices.prices_on(ctx.session, ctx.estate.id, when) if when else None,
        }

    @estate_route(
        post,
        "/prices/import",
        Action.RECORD,
        description=(
            spreadsheet_form("prices", "query `effective_from` (YYYY-MM-DD, required) and `source`")
            + " All rows or none: "
            "the 422 lists every bad cell as `rows[N].field`; an unknown column is refused "
            "(field `columns`, naming it); 409 if a version with that effective date "
            "exists.\n\n" + describe(prices.COLUMNS)
        ),
    )
    def import_prices(
        self,
        ctx: Ctx,
        data: MultipartBody[MultipartForm],
        effective_from: FromQuery[str],
        source: FromQuery[str] = "",
    ) -> PriceListOut:
        """Import a reference price list version."""
        when = service.parse_date(effective_from, "effective_from")
        if when is None:
            raise ValidationError.field("effective_from", Message("input.date_required"))
        return prices.import_prices(
            ctx.session,
            ctx.estate.id,
            *form_file(data),
            effective_from=when,
            source=source,
            actor_user_id=ctx.user_id,
        )
