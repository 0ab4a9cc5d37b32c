"""Refunds and receipt voids on the staff pages (退费与作废收据): the steward asks, with a
reason; the page lists what waits for a committee member's approval (who asked, how far the
approval is) and what was decided lately. Approving happens on the approval page, where the
committee sees the request, the household's money and the cash held. Every number comes from
``trustfund.fees.refunds``; nothing here posts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.fees import deposits, refunds
from trustfund.fees.schemas import RefundIn, RefundRequestOut, VoidIn
from trustfund.messages import Message
from trustfund.web.staff.common import (
    may,
    new_key,
    page,
    people,
    principal_of,
)
from trustfund.web.staff.forms import FormNumber, StaffForm
from trustfund.web.staff.zh import METHOD_NAMES

REFUND_FIELDS = {"household_code", "fee_year", "amount", "method", "reason"}
VOID_FIELDS = {"receipt_no", "void_reason"}
KIND_NAMES = {"refund": "退费", "void": "作废收据"}
STATUS_NAMES = {
    "pending": "待审批",
    "posted": "已记账",
    "rejected": "已驳回",
    "withdrawn": "已撤回",
}
DONE = {"refund": "已提交退费申请", "void": "已提交作废收据申请", "withdrawn": "已撤回申请"}
RECENT = 10


class RefundForm(BaseModel):
    household_code: str = Field(default="", max_length=20)
    fee_year: str = Field(default="", max_length=10)
    amount: FormNumber = Field(default="", max_length=20)
    method: str = Field(default="bank_transfer", max_length=20)
    reason: str = Field(default="", max_length=200)
    key: str = Field(default="", max_length=64)


class VoidForm(BaseModel):
    receipt_no: str = Field(default="", max_length=20)
    void_reason: str = Field(default="", max_length=200)
    key: str = Field(default="", max_length=64)


def _cards(session: Session, rows: list[RefundRequestOut], user_id: int) -> list[dict[str, Any]]:
    names = people(
        session,
        {r["requested_by"] for r in rows} | {d["user_id"] for r in rows for d in r["decisions"]},
    )
    return [
        {
            **row,
            "kind_name": KIND_NAMES[row["kind"]],
            "status_name": STATUS_NAMES[row["status"]],
            "requested_by_name": names.get(row["requested_by"], "—"),
            "mine": row["requested_by"] == user_id,
            "deciders": [{**d, "name": names.get(d["user_id"], "—")} for d in row["decisions"]],
        }
        for row in rows
    ]


def _required(form: StaffForm, values: dict[str, str], names: dict[str, str]) -> None:
    for field, label in names.items():
        if not values[field].strip():
            form.refuse(field, Message("web.fill_in", field=field, label=label))


class RefundPagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/refunds"

    @estate_route(get, "/", Action.READ)
    def refunds_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
        household: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
        receipt: FromQuery[str | None] = None,
    ) -> Template:
        """Pending requests, recent decisions, and (steward) the two request forms."""
        refund = RefundForm(
            household_code=(household or "")[:20],
            fee_year=(year or str(today_in(estate).year))[:10],
            key=new_key(),
        )
        void = VoidForm(receipt_no=(receipt or "")[:20], key=new_key())
        return self._page(request, db_session, estate, refund, void, done=done)

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        refund: RefundForm,
        void: VoidForm,
        *,
        refund_errors: dict[str, str] | None = None,
        void_errors: dict[str, str] | None = None,
        done: str | None = None,
        problem: str | None = None,
        status: int = 200,
    ) -> Template:
        user_id = principal_of(request).user_id
        pending = refunds.list_requests(session, estate.id, "pending")
        decided = [
            row
            for row in refunds.list_requests(session, estate.id, None)
            if row["status"] != "pending"
        ]
        decided.sort(key=lambda r: r["decided_at"] or "", reverse=True)
        return page(
            request,
            "staff/refunds.html",
            status=status,
            estate=estate,
            pending=_cards(session, pending, user_id),
            decided=_cards(session, decided[:RECENT], user_id),
            cash=deposits.cash_on_hand(session, estate.id)["cash"],
            refund=refund,
            void=void,
            refund_errors=refund_errors or {},
            void_errors=void_errors or {},
            methods=list(METHOD_NAMES.items()),
            done=DONE.get(done or ""),
            problem=problem,
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
        )

    @estate_route(
        post,
        "/refund",
        Action.RECORD,
        audit_action="web.request_refund",
        status_code=HTTP_303_SEE_OTHER,
    )
    def request_refund(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[RefundForm],
    ) -> Response[Any]:
        """Ask for a refund (nothing is posted until a committee member approves)."""
        form = StaffForm(REFUND_FIELDS)
        _required(
            form,
            data.model_dump(),
            {"household_code": "户号", "fee_year": "费用年度", "amount": "金额", "reason": "理由"},
        )
        if not form.refused and not data.fee_year.strip().isdigit():
            form.refuse("fee_year", Message("web.fee_year_example"))
        if data.method not in METHOD_NAMES:
            form.refuse("method", Message("web.choose_refund_method"))
        form.submit(
            db_session,
            lambda: refunds.request_refund(
                db_session,
                estate.id,
                RefundIn(
                    household_code=data.household_code.strip(),
                    fee_year=int(data.fee_year.strip()),
                    amount=data.amount.strip(),
                    method=data.method,  # type: ignore[arg-type]
                    reason=data.reason.strip(),
                ),
                actor_user_id=principal_of(request).user_id,
                idempotency_key=f"web:{data.key}" if data.key else None,
            ),
        )
        if not form.refused:
            return Redirect(
                f"/staff/{estate.slug}/refunds?done=refund", status_code=HTTP_303_SEE_OTHER
            )
        return self._page(
            request,
            db_session,
            estate,
            data,
            VoidForm(key=new_key()),
            refund_errors=form.errors,
            status=form.status,
        )

    @estate_route(
        post,
        "/void",
        Action.RECORD,
        audit_action="web.request_void",
        status_code=HTTP_303_SEE_OTHER,
    )
    def request_void(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[VoidForm],
    ) -> Response[Any]:
        """Ask for a receipt's void (its entry is reversed once a committee member approves)."""
        form = StaffForm(VOID_FIELDS, {"reason": "void_reason"})
        _required(form, data.model_dump(), {"receipt_no": "收据号", "void_reason": "理由"})
        form.submit(
            db_session,
            lambda: refunds.request_void(
                db_session,
                estate.id,
                data.receipt_no.strip(),
                VoidIn(reason=data.void_reason.strip()),
                actor_user_id=principal_of(request).user_id,
                idempotency_key=f"web:{data.key}" if data.key else None,
            ),
        )
        if not form.refused:
            return Redirect(
                f"/staff/{estate.slug}/refunds?done=void", status_code=HTTP_303_SEE_OTHER
            )
        if form.status == 404:  # the receipt number names no receipt of this estate
            form.errors = {}
            form.refuse("receipt_no", Message("web.no_such_receipt"))
            form.status = 422
        return self._page(
            request,
            db_session,
            estate,
            RefundForm(key=new_key()),
            data,
            void_errors=form.errors,
            status=form.status,
        )

    @estate_route(
        post,
        "/{request_id:int}/withdraw",
        Action.RECORD,
        audit_action="web.withdraw_refund_request",
        status_code=HTTP_303_SEE_OTHER,
    )
    def withdraw(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request_id: FromPath[int],
    ) -> Response[Any]:
        """Take one's own pending request back (nothing was posted)."""

        def again(form: StaffForm) -> Response[Any]:
            if form.error is not None and form.error.status_code == 404:
                raise form.error
            return self._page(
                request,
                db_session,
                estate,
                RefundForm(key=new_key()),
                VoidForm(key=new_key()),
                problem=form.above()["_form"],
                status=form.status,
            )

        return StaffForm(()).handle(
            db_session,
            lambda: refunds.withdraw(
                db_session, estate.id, request_id, actor_user_id=principal_of(request).user_id
            ),
            done=f"/staff/{estate.slug}/refunds?done=withdrawn",
            again=again,
        )


CONTROLLERS: list[Any] = [RefundPagesController]
