"""Vouchers (凭证) and whether the public may see them (凭证公开).

Every voucher is withheld from the public when uploaded (it may show a name, a phone, a
signature). A committee or council member (Action.APPROVE, as the API's
``PUT …/vouchers/{id}/public``) looks at the original here and marks it free of personal
data — the public then sees a thumbnail without EXIF, or the PDF — or withdraws that. The
steward sees the same list without the buttons. The decision calls
``settlements.service.mark_voucher``, the API's command."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.db.models.settlements import Claim, Voucher, WorkOrder
from trustfund.messages import Message
from trustfund.settlements import service, vouchers
from trustfund.web.staff.common import may, page
from trustfund.web.staff.forms import StaffForm

BASE = "/staff/{estate_slug:str}/vouchers"
#: Which vouchers the page lists: those still withheld (the decisions to make) by default.
SHOWN = {"withheld": False, "public": True, "all": None}
SHOWN_NAMES = {"withheld": "待决定（未公开）", "public": "已公开", "all": "全部"}
#: Public and all lists show the newest this many.
RECENT = 60
DONE = {"1": "已公开：住户现在能看到这张凭证（图片为去除拍摄信息的缩略图）。", "0": "已撤回公开。"}


class PublicForm(BaseModel):
    public: str = Field(default="", max_length=5)
    shown: str = Field(default="withheld", max_length=10)


def _cards(session: Session, estate: Estate, rows: list[Voucher]) -> list[dict[str, Any]]:
    """Each voucher with what it backs (the claim's payee and description, or the work
    order's place and problem) and the staff link to its original."""
    cards = []
    for v in rows:
        claim = session.get(Claim, v.claim_id) if v.claim_id else None
        order = session.get(WorkOrder, v.work_order_id) if v.work_order_id else None
        if claim is not None:
            backs = {
                "url": f"/staff/{estate.slug}/claims/{claim.id}",
                "text": f"报销 #{claim.id} · {claim.payee} · {claim.description}",
            }
        elif order is not None:
            backs = {
                "url": f"/staff/{estate.slug}/work-orders/{order.id}",
                "text": f"维修工单 #{order.id} · {order.building}幢 · {order.problem}",
            }
        else:
            backs = None
        cards.append(
            {
                **vouchers.voucher_view(v, staff=True),
                "url": f"/api/v1/estates/{estate.slug}/vouchers/{v.id}",
                "image": v.content_type in vouchers.IMAGE_TYPES,
                "backs": backs,
            }
        )
    return cards


class VoucherPagesController(Controller):
    include_in_schema = False
    path = BASE

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        shown: str,
        *,
        done: str | None = None,
        refused: int | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        shown = shown if shown in SHOWN else "withheld"
        rows = vouchers.list_vouchers(
            session,
            estate.id,
            public=SHOWN[shown],
            limit=None if shown == "withheld" else RECENT,
        )
        return page(
            request,
            "staff/vouchers.html",
            status=status,
            estate=estate,
            cards=_cards(session, estate, rows),
            shown=shown,
            shown_names=SHOWN_NAMES,
            done=DONE.get(done or ""),
            refused=refused,
            errors=errors or {},
            can_approve=may(request, Action.APPROVE, estate),
        )

    @estate_route(get, "/", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        shown: FromQuery[str] = "withheld",
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Vouchers still withheld (the default), public, or all, newest first."""
        return self._page(request, db_session, estate, shown, done=done)

    @estate_route(
        post,
        "/{voucher_id:int}/public",
        Action.APPROVE,
        audit_action="web.mark_voucher",
        status_code=HTTP_303_SEE_OTHER,
    )
    def mark(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        voucher_id: FromPath[int],
        data: URLEncodedBody[PublicForm],
    ) -> Response[Any]:
        """Mark a voucher free of personal data (public) or withhold it again."""
        vouchers.get_voucher(db_session, estate.id, voucher_id)  # 404 before anything else
        form = StaffForm({"public"})
        if data.public not in ("1", "0"):
            form.refuse("public", Message("web.choose_public"))

        shown = data.shown if data.shown in SHOWN else "withheld"
        return form.handle(
            db_session,
            lambda: service.mark_voucher(db_session, estate.id, voucher_id, data.public == "1"),
            done=f"/staff/{estate.slug}/vouchers?shown={shown}&done={data.public}",
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                shown,
                refused=voucher_id,
                errors=form.errors,
                status=form.status,
            ),
        )


CONTROLLERS: list[Any] = [VoucherPagesController]
