"""The repair register (工程维修登记表) on the phone: report a problem where it is, photograph
it, assign the contractor, mark it done, and settle it with its approved claim. Each step is
one call into ``trustfund.settlements``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates import service as estates
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.settlements import claims, contracts, service, workorders
from trustfund.settlements.schemas import ClaimOut, WorkOrderIn, WorkOrderStepIn
from trustfund.web.staff.claims import STATUS_NAMES as CLAIM_STATUS_NAMES
from trustfund.web.staff.common import may, page, principal_of
from trustfund.web.staff.details import voucher_card
from trustfund.web.staff.forms import StaffForm, uploads

STATUS_NAMES: dict[str, str] = {
    "reported": "已登记",
    "assigned": "已派工",
    "done": "已完工",
    "settled": "已结算",
}
ORDER_FIELDS = {"building", "entrance", "location", "problem", "reporter", "reported_on"}
STEP_FIELDS = {"status", "on", "contractor_id", "claim_id"}
STEPS = ("assigned", "done", "settled")


def step_fields(status: str, settling: list[ClaimOut]) -> set[str]:
    """The step form's fields a work order's page shows in this status (``settling``: its
    approved claims): the contractor and the date to assign, the date when done, an approved
    claim and the date to settle — none while it has no approved claim, nor once settled.
    An error of any other field is said above the form (``StaffForm.shown``)."""
    if status == "reported":
        return {"contractor_id", "on"}
    if status == "assigned":
        return {"on"}
    if status == "done" and settling:
        return {"claim_id", "on"}
    return set()


class OrderForm(BaseModel):
    building: str = Field(default="", max_length=20)
    entrance: str = Field(default="", max_length=10)
    location: str = Field(default="", max_length=200)
    problem: str = Field(default="", max_length=500)
    reporter: str = Field(default="", max_length=100)
    reported_on: str = Field(default="", max_length=20)


class StepForm(BaseModel):
    status: str = Field(default="", max_length=10)
    on: str = Field(default="", max_length=20)
    contractor_id: str = Field(default="", max_length=12)
    claim_id: str = Field(default="", max_length=12)


class WorkOrderPagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/work-orders"

    def _list(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        status: str | None = None,
        form: OrderForm | None = None,
        errors: dict[str, str] | None = None,
        code: int = 200,
    ) -> Template:
        chosen = status if status in STATUS_NAMES else None
        rows = list(reversed(workorders.register(session, estate.id, status=chosen)))
        return page(
            request,
            "staff/work_orders.html",
            status=code,
            estate=estate,
            rows=rows,
            chosen=chosen,
            status_names=STATUS_NAMES,
            buildings=estates.list_buildings(session, estate),
            form=form or OrderForm(reported_on=estates.today_in(estate).isoformat()),
            errors=errors or {},
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        status: FromQuery[str | None] = None,
    ) -> Template:
        """The register, newest first, with a status filter and the report form."""
        return self._list(request, db_session, estate, status=status)

    @estate_route(
        post, "/", Action.RECORD, audit_action="web.report_work", status_code=HTTP_303_SEE_OTHER
    )
    def report(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[OrderForm],
    ) -> Response[Any]:
        """Register the problem, then photograph it on the work order's page."""
        form = StaffForm(ORDER_FIELDS)
        reported_on = form.day(data.reported_on, "reported_on")
        return form.handle(
            db_session,
            lambda: service.report_work(
                db_session,
                estate.id,
                WorkOrderIn(
                    building=data.building,
                    entrance=data.entrance,
                    location=data.location,
                    problem=data.problem,
                    reporter=data.reporter,
                    reported_on=reported_on,
                ),
                principal_of(request).user_id,
            ),
            done=lambda created: f"/staff/{estate.slug}/work-orders/{created['id']}?done=reported",
            again=lambda f: self._list(
                request, db_session, estate, form=data, errors=f.errors, code=422
            ),
        )

    def _detail(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        order_id: int,
        *,
        step: StepForm | None = None,
        refused: StaffForm | None = None,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        code: int = 200,
    ) -> Template:
        """``refused``: the step form, refused — each error under its field if the page shows
        it in the order's status, the rest at the top of the step form (or of the page, when
        the order has no step form)."""
        order = workorders.get_order(session, estate.id, order_id)
        photos = [voucher_card(estate, v) for v in workorders.photos(session, order)]
        view = workorders.order_view(order, photos=photos)
        order_claims = [
            c
            for c in claims.list_claims(session, estate.id)
            if c["work_order_id"] == order.id and c["status"] != "void"
        ]
        settling = [c for c in order_claims if c["status"] in workorders.SETTLING_CLAIMS]
        can_record = may(request, Action.RECORD, estate)
        fields = step_fields(view["status"], settling) if can_record else set()
        if refused is not None:
            errors = refused.shown(fields)
        return page(
            request,
            "staff/work_order.html",
            status=code,
            estate=estate,
            order=view,
            status_name=STATUS_NAMES.get(view["status"], view["status"]),
            status_names=STATUS_NAMES,
            claims=order_claims,
            settling=settling,
            step_fields=fields,
            step_form=can_record and view["status"] != "settled",
            refused_step=refused is not None,
            claim_status_names=CLAIM_STATUS_NAMES,
            contractors=contracts.list_contractors(session, estate.id),
            step=step or StepForm(on=estates.today_in(estate).isoformat()),
            errors=errors or {},
            done=done,
            can_record=can_record,
        )

    @estate_route(get, "/{order_id:int}", Action.READ)
    def detail(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        order_id: FromPath[int],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return self._detail(request, db_session, estate, order_id, done=done)

    @estate_route(
        post,
        "/{order_id:int}/photos",
        Action.RECORD,
        audit_action="web.add_work_photo",
        status_code=HTTP_303_SEE_OTHER,
    )
    def add_photos(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate: NamedDependency[Estate],
        order_id: FromPath[int],
        data: MultipartBody[dict[str, Any]],
    ) -> Response[Any]:
        """Photos of the problem (JPEG or PNG), straight from the camera."""
        workorders.get_order(db_session, estate.id, order_id)
        actor = principal_of(request).user_id
        return StaffForm({"file"}).store_files(
            db_session,
            uploads(data.get("file")),
            lambda content, name: service.add_photo(
                db_session, settings.var_dir, estate.id, order_id, content, name, actor
            ),
            Message("web.choose_photo"),
            done=f"/staff/{estate.slug}/work-orders/{order_id}?done=photos",
            again=lambda form: self._detail(
                request, db_session, estate, order_id, errors=form.errors, code=form.status
            ),
        )

    @estate_route(
        post,
        "/{order_id:int}/status",
        Action.RECORD,
        audit_action="web.advance_work",
        status_code=HTTP_303_SEE_OTHER,
    )
    def advance(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        order_id: FromPath[int],
        data: URLEncodedBody[StepForm],
    ) -> Response[Any]:
        """One step forward: assigned (a contractor), done, settled (an approved claim)."""
        workorders.get_order(db_session, estate.id, order_id)
        form = StaffForm(STEP_FIELDS)
        if data.status not in STEPS:
            form.refuse("_form", Message("web.choose_next_step"))
        on = form.day(data.on, "on")
        contractor_id = form.optional_choice(data.contractor_id, "contractor_id")
        claim_id = form.optional_choice(data.claim_id, "claim_id")
        if (
            data.status == "assigned"
            and contractor_id is None
            and "contractor_id" not in form.errors
        ):
            form.refuse("contractor_id", Message("web.choose_contractor"))
        if data.status == "settled" and claim_id is None and "claim_id" not in form.errors:
            form.refuse("claim_id", Message("web.choose_approved_claim"))

        return form.handle(
            db_session,
            lambda: service.advance_work(
                db_session,
                estate.id,
                order_id,
                WorkOrderStepIn(
                    status=data.status,  # type: ignore[arg-type]  # one of STEPS, refused otherwise
                    on=on,
                    contractor_id=contractor_id,
                    claim_id=claim_id,
                ),
            ),
            done=f"/staff/{estate.slug}/work-orders/{order_id}?done={data.status}",
            again=lambda form: self._detail(
                request, db_session, estate, order_id, step=data, refused=form, code=form.status
            ),
        )


CONTROLLERS: list[Any] = [WorkOrderPagesController]
