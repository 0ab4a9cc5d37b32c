"""The repair register (工程维修登记表): reported problems, their steps, their photos."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from trustfund.api.access import estate_action
from trustfund.api.common import Ctx
from trustfund.api.uploads import MultipartForm, form_file
from trustfund.auth.principal import Action
from trustfund.settings import Settings
from trustfund.settlements import service, workorders
from trustfund.settlements.schemas import VoucherOut, WorkOrderIn, WorkOrderOut, WorkOrderStepIn


class WorkOrdersController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @get("/work-orders", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_work_orders(
        self, ctx: Ctx, status: FromQuery[str | None] = None
    ) -> list[WorkOrderOut]:
        """The repair register (工程维修登记表)."""
        return workorders.register(ctx.session, ctx.estate.id, status=status)

    @post("/work-orders", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def report_work(self, ctx: Ctx, data: JSONBody[WorkOrderIn]) -> WorkOrderOut:
        """Register a reported problem."""
        return service.report_work(ctx.session, ctx.estate.id, data, ctx.user_id)

    @post(
        "/work-orders/{order_id:int}/status",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
        description="reported → assigned (contractor_id) → done → settled (claim_id); 409 "
        "for any other transition.",
    )
    def advance_work(
        self, ctx: Ctx, order_id: FromPath[int], data: JSONBody[WorkOrderStepIn]
    ) -> WorkOrderOut:
        """Move a work order one step forward."""
        return service.advance_work(ctx.session, ctx.estate.id, order_id, data)

    @post(
        "/work-orders/{order_id:int}/photos", opt=estate_action(Action.RECORD), sync_to_thread=True
    )
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
