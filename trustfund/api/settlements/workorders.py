"""The repair register (工程维修登记表): reported problems, their steps, their photos."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.api.uploads import MultipartForm, form_file
from trustfund.auth.principal import Action
from trustfund.settings import Settings
from trustfund.settlements import service, workorders
from trustfund.settlements.schemas import VoucherOut, WorkOrderIn, WorkOrderOut, WorkOrderStepIn


class WorkOrdersController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @estate_route(get, "/work-orders", Action.READ)
    def list_work_orders(
        self, ctx: Ctx, status: FromQuery[str | None] = None
    ) -> list[WorkOrderOut]:
        """The repair register (工程维修登记表)."""
        return workorders.register(ctx.session, ctx.estate.id, status=status)

    @estate_route(post, "/work-orders", Action.RECORD)
    def report_work(self, ctx: Ctx, data: JSONBody[WorkOrderIn]) -> WorkOrderOut:
        """Register a reported problem."""
        return service.report_work(ctx.session, ctx.estate.id, data, ctx.user_id)

    @estate_route(
        post,
        "/work-orders/{order_id:int}/status",
        Action.RECORD,
        status_code=200,
        description="reported → assigned (contractor_id) → done → settled (claim_id); 409 "
        "for any other transition.",
    )
    def advance_work(
        self, ctx: Ctx, order_id: FromPath[int], data: JSONBody[WorkOrderStepIn]
    ) -> WorkOrderOut:
        """Move a work order one step forward."""
        return service.advance_work(ctx.session, ctx.estate.id, order_id, data)

    @estate_route(post, "/work-orders/{order_id:int}/photos", Action.RECORD)
    def add_photo(
        self,
        ctx: Ctx,
        settings: NamedDependency[Settings],
        order_id: FromPath[int],
        data: MultipartBody[MultipartForm],
    ) -> VoucherOut:
        """Attach a photo (JPEG or PNG) to a work order."""
        return service.add_photo(
            ctx.session, settings.var_dir, ctx.estate.id, order_id, *form_file(data), ctx.user_id
        )
