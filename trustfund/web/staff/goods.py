"""Goods in/out slips (物品出入单): goods received (bought or donated) and issued to a work
order, with the stock per item. One call into ``trustfund.settlements`` per step."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.messages import Message
from trustfund.settlements import claims, goods, service, workorders
from trustfund.settlements.schemas import GoodsSlipIn
from trustfund.web.staff.common import may, page, principal_of
from trustfund.web.staff.forms import FormNumber, StaffForm

KIND_NAMES: dict[str, str] = {"purchase": "购入", "donation": "捐赠", "issue": "领用"}
SLIP_FIELDS = {
    "kind",
    "item",
    "unit",
    "quantity",
    "slip_date",
    "work_order_id",
    "claim_id",
    "donor",
    "estimated_value",
    "note",
}


class SlipForm(BaseModel):
    kind: str = Field(default="", max_length=10)
    item: str = Field(default="", max_length=100)
    unit: str = Field(default="", max_length=20)
    quantity: FormNumber = Field(default="", max_length=20)
    slip_date: str = Field(default="", max_length=20)
    work_order_id: str = Field(default="", max_length=12)
    claim_id: str = Field(default="", max_length=12)
    donor: str = Field(default="", max_length=100)
    estimated_value: FormNumber = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


class GoodsPagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/goods"

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        form: SlipForm | None = None,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        code: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/goods.html",
            status=code,
            estate=estate,
            stock=goods.stock(session, estate.id),
            slips=list(reversed(goods.list_slips(session, estate.id))),
            kind_names=KIND_NAMES,
            orders=[o for o in workorders.register(session, estate.id) if o["status"] != "settled"],
            claims=[c for c in claims.list_claims(session, estate.id) if c["status"] != "void"],
            form=form or SlipForm(kind="purchase", slip_date=today_in(estate).isoformat()),
            errors=errors or {},
            done=KIND_NAMES.get(done or ""),
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/", Action.READ)
    def goods_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Stock per item, the slip form, and every slip (newest first)."""
        return self._page(request, db_session, estate, done=done)

    @estate_route(
        post, "/", Action.RECORD, audit_action="web.record_slip", status_code=HTTP_303_SEE_OTHER
    )
    def record(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[SlipForm],
    ) -> Response[Any]:
        form = StaffForm(SLIP_FIELDS)
        if data.kind not in KIND_NAMES:
            form.refuse("kind", Message("web.choose_slip_kind"))
        slip_date = form.day(data.slip_date, "slip_date")
        if slip_date is None and "slip_date" not in form.errors:
            form.refuse("slip_date", Message("input.required"))
        order_id = form.optional_choice(data.work_order_id, "work_order_id")
        claim_id = form.optional_choice(data.claim_id, "claim_id")
        if data.kind == "issue" and order_id is None and "work_order_id" not in form.errors:
            form.refuse("work_order_id", Message("web.issue_needs_work_order"))
        kind: Literal["purchase", "donation", "issue"] = data.kind  # type: ignore[assignment]
        donation = kind == "donation"
        return form.handle(
            db_session,
            lambda: service.record_slip(
                db_session,
                estate.id,
                GoodsSlipIn(
                    item=data.item,
                    unit=data.unit,
                    kind=kind,
                    quantity=data.quantity,
                    slip_date=slip_date,  # type: ignore[arg-type]  # refused above when None
                    claim_id=claim_id if kind == "purchase" else None,
                    work_order_id=order_id if kind == "issue" else None,
                    donor=data.donor if donation else "",
                    estimated_value=(data.estimated_value.strip() or None) if donation else None,
                    note=data.note,
                ),
                principal_of(request).user_id,
            ),
            done=f"/staff/{estate.slug}/goods?done={kind}",
            again=lambda form: self._page(
                request, db_session, estate, form=data, errors=form.errors, code=form.status
            ),
        )


CONTROLLERS: list[Any] = [GoodsPagesController]
