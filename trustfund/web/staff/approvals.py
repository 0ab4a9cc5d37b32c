"""The committee's and council's approval inbox: everything needed to decide on one page
(what was submitted, its lines and reference prices, vouchers, the fund after payment, who
submitted), then approve, or reject with a reason. Decisions go through
``approvals.decide_request``, bound to the content hash the person reviewed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate, Household
from trustfund.estates.service import today_in
from trustfund.fees import refunds
from trustfund.journal.reading import fund_balances
from trustfund.messages import Message
from trustfund.web.staff import details
from trustfund.web.staff.common import (
    page,
    people,
    principal_of,
)
from trustfund.web.staff.forms import FormNumber, StaffForm
from trustfund.web.staff.schedules import waiting_schedules

KIND_NAMES: dict[str, str] = {
    "claim": "报销",
    "contract": "合同",
    "disclosure": "财务公示",
    "fee_schedule": "收费标准",
    "project": "自治项目",
    "budget": "预算",
    "transfer": "基金调拨",
    "grant_transfer": "自治基金调拨",
    "opening": "期初余额（建账）",
    "journal_entry": "记账分录（须审批）",
    "period_unlock": "账期解锁（更正）",
    "public_names": "审批人公示方式",
    "bank_reconciliation": "银行余额调节表",
    "cash_count": "现金盘点表",
    "fee_refund": "退费",
    "receipt_void": "作废收据",
}
STATUS_NAMES: dict[str, str] = {
    "pending": "待审批",
    "approved": "已批准",
    "rejected": "已驳回",
    "void": "已作废",
}


class VoteForm(BaseModel):
    households_total: str = Field(default="", max_length=12)
    households_voted: str = Field(default="", max_length=12)
    households_for: str = Field(default="", max_length=12)
    area_total: FormNumber = Field(default="", max_length=20)
    area_voted: FormNumber = Field(default="", max_length=20)
    area_for: FormNumber = Field(default="", max_length=20)
    held_on: str = Field(default="", max_length=20)


VOTE_FIELDS = set(VoteForm.model_fields)
VOTE_COUNTS = ("households_total", "households_voted", "households_for")


def _vote_defaults(session: Session, estate: Estate) -> VoteForm:
    """The estate's households and floor area, as the vote's totals."""
    count, area = session.execute(
        select(func.count(Household.id), func.sum(Household.area_m2)).where(
            Household.estate_id == estate.id
        )
    ).one()
    return VoteForm(
        households_total=str(count or ""),
        area_total=str(area) if area else "",
        held_on=today_in(estate).isoformat(),
    )


class DecisionForm(BaseModel):
    decision: str = Field(default="", max_length=10)
    reason: str = Field(default="", max_length=500)
    content_hash: str = Field(default="", max_length=128)


def _card(session: Session, estate: Estate, request: approvals.ApprovalRequest) -> dict[str, Any]:
    """The request as the inbox shows it, with names and the fund after payment."""
    view = approvals.request_view(request)
    content = view["content"]
    involved = {view["submitted_by"], *(d["user_id"] for d in view["decisions"])}
    names = people(session, involved)
    fund = content.get("fund") if isinstance(content, dict) else None
    fund_after: dict[str, Any] | None = None
    if isinstance(fund, str) and request.subject_kind in ("claim", "transfer", "project"):
        balance = fund_balances(session, estate.id).get(fund, Decimal("0.00"))
        after = balance - Decimal(view["amount"])
        fund_after = {"fund": fund, "balance": balance, "after": after, "short": after < 0}
    return {
        **view,
        "kind_name": KIND_NAMES.get(request.subject_kind, request.subject_kind),
        "status_name": STATUS_NAMES.get(view["status"], view["status"]),
        "submitted_by_name": names.get(view["submitted_by"], "—"),
        "decisions": [{**d, "name": names.get(d["user_id"], "—")} for d in view["decisions"]],
        "fund_after": fund_after,
        "details": details.for_request(session, estate, request),
        "content_rows": _rows(content, request.subject_kind),
    }


#: Content keys a proposed entry's details show as tables (or that are for programs).
_ENTRY_TABLES = {"purpose", "detail", "meta"}


def _rows(content: Any, kind: str) -> list[tuple[str, Any]]:
    """Simple fields of the content (lists are shown as tables by the subject's details)."""
    if not isinstance(content, dict) or kind in (
        "bank_reconciliation",
        "cash_count",
        *refunds.KINDS,
    ):
        return []  # the bank and refund details show them in Chinese
    if kind in ("opening", "journal_entry"):
        content = {k: v for k, v in content.items() if k not in _ENTRY_TABLES}
    return [
        (key, value if not isinstance(value, dict) else json.dumps(value, ensure_ascii=False))
        for key, value in content.items()
        if not isinstance(value, list) and not key.endswith("_id")
    ]


class ApprovalPagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/approvals"

    @estate_route(get, "/", Action.APPROVE)
    def inbox(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """What waits for this person's decision (not their own, not decided by them yet)."""
        principal = principal_of(request)
        waiting = approvals.inbox(db_session, estate.id, principal)
        return page(
            request,
            "staff/approvals.html",
            estate=estate,
            cards=[_card(db_session, estate, r) for r in waiting],
            schedules=waiting_schedules(db_session, estate.id, principal.user_id),
            done=STATUS_NAMES.get(done or ""),
        )

    @estate_route(get, "/{request_id:int}", Action.APPROVE)
    def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request_id: FromPath[int],
        vote: FromQuery[str | None] = None,
    ) -> Template:
        return self._show(
            request, db_session, estate, request_id, DecisionForm(), {}, vote_done=vote
        )

    def _show(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        request_id: int,
        form: DecisionForm,
        errors: dict[str, str],
        status: int = 200,
        vote: VoteForm | None = None,
        vote_done: str | None = None,
    ) -> Template:
        found = approvals.get_request(session, estate.id, request_id)
        principal = principal_of(request)
        mine = found.submitted_by == principal.user_id
        decided = any(d.user_id == principal.user_id for d in found.decisions)
        pending = found.status == approvals.RequestStatus.PENDING
        needs_vote = found.owners_vote_required and found.vote_passed is None
        return page(
            request,
            "staff/approval.html",
            status=status,
            estate=estate,
            card=_card(session, estate, found),
            can_decide=found.status == approvals.RequestStatus.PENDING and not mine and not decided,
            mine=mine,
            decided=decided,
            form=form,
            errors=errors,
            can_vote=pending and needs_vote and not mine,
            vote=vote or _vote_defaults(session, estate),
            vote_done=STATUS_NAMES.get(vote_done or ""),
        )

    @estate_route(
        post,
        "/{request_id:int}/decision",
        Action.APPROVE,
        audit_action="web.decide_approval",
        status_code=HTTP_303_SEE_OTHER,
    )
    def decide(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request_id: FromPath[int],
        data: URLEncodedBody[DecisionForm],
    ) -> Response[Any]:
        """Approve, or reject with a reason, exactly what was reviewed (its content hash)."""
        approvals.get_request(db_session, estate.id, request_id)  # 404 before anything else
        form = StaffForm({"decision", "reason"})
        if data.decision not in ("approve", "reject"):
            form.refuse("decision", Message("approvals.approve_or_reject"))
        elif data.decision == "reject" and not data.reason.strip():
            form.refuse("reason", Message("web.reject_needs_reason"))
        return form.handle(
            db_session,
            lambda: approvals.decide_request(
                db_session,
                estate.id,
                request_id,
                principal=principal_of(request),
                decision=approvals.Decision(data.decision),
                reason=data.reason.strip() or None,
                reviewed_hash=data.content_hash or None,
            ),
            done=lambda decided: f"/staff/{estate.slug}/approvals?done={decided.status.value}",
            again=lambda form: self._show(
                request, db_session, estate, request_id, data, form.errors, form.status
            ),
        )

    @estate_route(
        post,
        "/{request_id:int}/owners-vote",
        Action.APPROVE,
        audit_action="web.record_owners_vote",
        status_code=HTTP_303_SEE_OTHER,
    )
    def owners_vote(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request_id: FromPath[int],
        data: URLEncodedBody[VoteForm],
    ) -> Response[Any]:
        """Record the owners' vote (双过半) a large amount needs; a failed vote rejects it."""
        approvals.get_request(db_session, estate.id, request_id)  # 404 before anything else
        form = StaffForm(VOTE_FIELDS)
        counts: dict[str, int] = {}
        for name in VOTE_COUNTS:
            try:
                counts[name] = int(getattr(data, name).strip())
            except ValueError:
                form.refuse(name, Message("web.households_whole"))
        held_on = form.day(data.held_on, "held_on")
        if held_on is None and "held_on" not in form.errors:
            form.refuse("held_on", Message("input.required"))
        return form.handle(
            db_session,
            lambda: approvals.record_vote_request(
                db_session,
                estate.id,
                request_id,
                recorded_by=principal_of(request).user_id,
                area_total=data.area_total.strip(),
                area_voted=data.area_voted.strip(),
                area_for=data.area_for.strip(),
                held_on=held_on,  # type: ignore[arg-type]  # refused above when None
                **counts,
            ),
            done=lambda decided: (
                f"/staff/{estate.slug}/approvals/{request_id}?vote={decided.status.value}"
            ),
            again=lambda form: self._show(
                request,
                db_session,
                estate,
                request_id,
                DecisionForm(),
                form.errors,
                form.status,
                vote=data,
            ),
        )


CONTROLLERS: list[Any] = [ApprovalPagesController]
