"""Fee schedules (收费标准) for the committee: fee schedules have their own approval route
(``trustfund.fees.schedule.approve_schedule``, bound to the reviewed content hash), not the
generic approval requests; these pages show each year's schedule and let a committee member
other than the submitter approve it. Drafts also appear in the approval inbox."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.api.access import estate_action
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.db.models.fees import FeeSchedule
from trustfund.errors import TrustfundError
from trustfund.fees import schedule
from trustfund.web.staff.common import error_message, may, page, people, principal_of

VACANCY_NAMES = {"percent": "按全额的百分比", "amounts": "按各项折后金额"}


class ScheduleApprovalForm(BaseModel):
    content_hash: str = Field(default="", max_length=128)


def schedules_of(session: Session, estate_id: int) -> list[FeeSchedule]:
    """Every fee year's schedule of the estate, newest year first."""
    return list(
        session.scalars(
            select(FeeSchedule)
            .where(FeeSchedule.estate_id == estate_id)
            .order_by(FeeSchedule.fee_year.desc())
        )
    )


def waiting_schedules(session: Session, estate_id: int, user_id: int) -> list[dict[str, Any]]:
    """Draft schedules this person could approve (not their own), for the approval inbox."""
    return [
        schedule.schedule_view(s)
        for s in schedules_of(session, estate_id)
        if not schedule.is_approved(s) and s.submitted_by_user_id != user_id
    ]


class SchedulePagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/fee-schedules"

    @get("/", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
    ) -> Template:
        return page(
            request,
            "staff/schedules.html",
            estate=estate,
            schedules=[schedule.schedule_view(s) for s in schedules_of(db_session, estate.id)],
        )

    def _detail(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        fee_year: int,
        *,
        errors: dict[str, str] | None = None,
        done: bool = False,
        code: int = 200,
    ) -> Template:
        found = schedule.get_schedule(session, estate.id, fee_year)
        view = schedule.schedule_view(found)
        names = people(
            session,
            {u for u in (found.submitted_by_user_id, found.approved_by_user_id) if u is not None},
        )
        user_id = principal_of(request).user_id
        mine = found.submitted_by_user_id == user_id
        return page(
            request,
            "staff/schedule.html",
            status=code,
            estate=estate,
            s=view,
            submitted_at=found.submitted_at,
            submitted_by=names.get(found.submitted_by_user_id or 0, "—"),
            approved_by=names.get(found.approved_by_user_id or 0, "—"),
            vacancy_names=VACANCY_NAMES,
            mine=mine,
            can_approve=may(request, Action.APPROVE, estate) and not mine and not view["approved"],
            errors=errors or {},
            done=done,
        )

    @get("/{fee_year:int}", opt=estate_action(Action.READ), sync_to_thread=True)
    def detail(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        fee_year: FromPath[int],
        done: FromQuery[int] = 0,
    ) -> Template:
        return self._detail(request, db_session, estate, fee_year, done=bool(done))

    @post(
        "/{fee_year:int}/approve",
        opt={**estate_action(Action.APPROVE), "audit_action": "web.approve_fee_schedule"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def approve(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        fee_year: FromPath[int],
        data: URLEncodedBody[ScheduleApprovalForm],
    ) -> Response[Any]:
        """Approve exactly the schedule that was shown (its content hash)."""
        schedule.get_schedule(db_session, estate.id, fee_year)  # 404 before anything else
        try:
            schedule.approve_schedule(
                db_session,
                estate.id,
                fee_year,
                content_hash=data.content_hash,
                actor_user_id=principal_of(request).user_id,
            )
        except TrustfundError as exc:
            db_session.rollback()
            return self._detail(
                request,
                db_session,
                estate,
                fee_year,
                errors={"_form": error_message(exc)},
                code=exc.status_code,
            )
        return Redirect(
            f"/staff/{estate.slug}/fee-schedules/{fee_year}?done=1",
            status_code=HTTP_303_SEE_OTHER,
        )


CONTROLLERS: list[Any] = [SchedulePagesController]
