"""Fee schedules (收费标准): the steward proposes (or corrects) a year's schedule, a committee
member other than the submitter approves it, and the steward then issues that year's charges
(开征). Fee schedules have their own approval route (``trustfund.fees.schedule.
approve_schedule``, bound to the reviewed content hash), not the generic approval requests;
drafts also appear in the approval inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.db.models.fees import FeeSchedule
from trustfund.estates.service import today_in
from trustfund.fees import charges, schedule
from trustfund.fees.schemas import ComponentIn, ScheduleIn, ScheduleOut
from trustfund.ledger.accounts import FEE_FUNDS, FUND_NAMES_ZH
from trustfund.messages import Message
from trustfund.web.staff.common import (
    may,
    page,
    people,
    principal_of,
)
from trustfund.web.staff.forms import FormNumber, StaffForm

VACANCY_NAMES = {"percent": "按全额的百分比", "amounts": "按各项折后金额"}


class ScheduleApprovalForm(BaseModel):
    content_hash: str = Field(default="", max_length=128)


class ScheduleForm(BaseModel):
    """One row per fee fund: a blank amount leaves the fund out of the schedule."""

    fee_year: str = Field(default="", max_length=10)
    vacancy_rule: str = Field(default="percent", max_length=10)
    vacancy_percent: FormNumber = Field(default="", max_length=10)
    electricity_name: str = Field(default="", max_length=50)
    electricity_amount: FormNumber = Field(default="", max_length=20)
    electricity_vacant: FormNumber = Field(default="", max_length=20)
    maintenance_name: str = Field(default="", max_length=50)
    maintenance_amount: FormNumber = Field(default="", max_length=20)
    maintenance_vacant: FormNumber = Field(default="", max_length=20)
    garbage_name: str = Field(default="", max_length=50)
    garbage_amount: FormNumber = Field(default="", max_length=20)
    garbage_vacant: FormNumber = Field(default="", max_length=20)


FORM_FUNDS = [str(f.value) for f in FEE_FUNDS]


def _form_of(found: FeeSchedule | None, fee_year: int) -> ScheduleForm:
    """The form prefilled from the year's draft, or the fee funds' usual names."""
    values: dict[str, str] = {"fee_year": str(fee_year)}
    for fund in FORM_FUNDS:
        values[f"{fund}_name"] = FUND_NAMES_ZH[fund]
    if found is not None:
        view = schedule.schedule_view(found)
        values["vacancy_rule"] = view["vacancy_rule"]
        values["vacancy_percent"] = view["vacancy_percent"] or ""
        for c in view["components"]:
            values[f"{c['fund']}_name"] = c["name"]
            values[f"{c['fund']}_amount"] = c["amount"]
            values[f"{c['fund']}_vacant"] = c["vacant_amount"]
    return ScheduleForm(**values)


def _schedule_in(form: ScheduleForm) -> tuple[ScheduleIn, list[str]]:
    """The service's input, and which fund each component index belongs to (for errors)."""
    rule = "amounts" if form.vacancy_rule == "amounts" else "percent"
    components, funds = [], []
    for fund in FORM_FUNDS:
        amount = getattr(form, f"{fund}_amount").strip()
        if not amount:
            continue
        components.append(
            ComponentIn(
                fund=fund,
                name=getattr(form, f"{fund}_name").strip() or FUND_NAMES_ZH[fund],
                amount=amount,
                vacant_amount=(getattr(form, f"{fund}_vacant").strip() or None)
                if rule == "amounts"
                else None,
            )
        )
        funds.append(fund)
    data = ScheduleIn(
        components=components,
        vacancy_rule=rule,  # type: ignore[arg-type]  # one of the two, chosen above
        vacancy_percent=(form.vacancy_percent.strip() or None) if rule == "percent" else None,
    )
    return data, funds


def _component_aliases(funds: list[str]) -> dict[str, str]:
    """Service fields of the components sent (``components[1].amount``) → the form's fields
    of their funds (``maintenance_amount``)."""
    parts = {"amount": "amount", "vacant_amount": "vacant", "name": "name"}
    return {
        f"components[{i}].{part}": f"{fund}_{suffix}"
        for i, fund in enumerate(funds)
        for part, suffix in parts.items()
    }


def schedules_of(session: Session, estate_id: int) -> list[FeeSchedule]:
    """Every fee year's schedule of the estate, newest year first."""
    return list(
        session.scalars(
            select(FeeSchedule)
            .where(FeeSchedule.estate_id == estate_id)
            .order_by(FeeSchedule.fee_year.desc())
        )
    )


def waiting_schedules(session: Session, estate_id: int, user_id: int) -> list[ScheduleOut]:
    """Draft schedules this person could approve (not their own), for the approval inbox."""
    return [
        schedule.schedule_view(s)
        for s in schedules_of(session, estate_id)
        if not schedule.is_approved(s) and s.submitted_by_user_id != user_id
    ]


class SchedulePagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/fee-schedules"

    @estate_route(get, "/", Action.READ)
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
            can_record=may(request, Action.RECORD, estate),
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
        saved: bool = False,
        issued: int | None = None,
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
            saved=saved,
            issued=issued,
            charged=schedule.charges_issued(session, estate.id, fee_year),
            can_record=may(request, Action.RECORD, estate),
        )

    def _form_page(
        self,
        request: Request[Any, Any, Any],
        estate: Estate,
        form: ScheduleForm,
        errors: dict[str, str] | None = None,
        code: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/schedule_form.html",
            status=code,
            estate=estate,
            form=form,
            funds=FORM_FUNDS,
            errors=errors or {},
        )

    @estate_route(get, "/new", Action.RECORD)
    def new_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        fee_year: FromQuery[int | None] = None,
    ) -> Template:
        """Propose a year's schedule, or correct a draft not yet approved."""
        year = fee_year or today_in(estate).year
        found = schedule.find_schedule(db_session, estate.id, year)
        return self._form_page(request, estate, _form_of(found, year))

    @estate_route(
        post,
        "/new",
        Action.RECORD,
        audit_action="web.propose_fee_schedule",
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ScheduleForm],
    ) -> Response[Any]:
        """Save the draft (the proposer becomes its submitter) for the committee to approve."""
        body, funds = _schedule_in(data)
        form = StaffForm(ScheduleForm.model_fields, _component_aliases(funds))
        try:
            fee_year = int(data.fee_year)
        except ValueError:
            form.refuse("fee_year", Message("web.fee_year_example"))
            fee_year = 0
        return form.handle(
            db_session,
            lambda: schedule.save_schedule(
                db_session, estate.id, fee_year, body, actor_user_id=principal_of(request).user_id
            ),
            done=f"/staff/{estate.slug}/fee-schedules/{fee_year}?saved=1",
            again=lambda form: self._form_page(
                request, estate, data, form.errors, code=form.status
            ),
        )

    @estate_route(
        post,
        "/{fee_year:int}/charges",
        Action.RECORD,
        audit_action="web.issue_charges",
        status_code=HTTP_303_SEE_OTHER,
    )
    def issue_charges(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        fee_year: FromPath[int],
    ) -> Response[Any]:
        """Issue the year's charges (开征) from the approved schedule (safe to repeat)."""
        return self._act(
            request,
            db_session,
            estate,
            fee_year,
            lambda: f"issued={charges.issue_charges(db_session, estate.id, fee_year).issued}",
        )

    @estate_route(get, "/{fee_year:int}", Action.READ)
    def detail(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        fee_year: FromPath[int],
        done: FromQuery[int] = 0,
        saved: FromQuery[int] = 0,
        issued: FromQuery[int | None] = None,
    ) -> Template:
        return self._detail(
            request,
            db_session,
            estate,
            fee_year,
            done=bool(done),
            saved=bool(saved),
            issued=issued,
        )

    @estate_route(
        post,
        "/{fee_year:int}/approve",
        Action.APPROVE,
        audit_action="web.approve_fee_schedule",
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

        def approve() -> str:
            schedule.approve_schedule(
                db_session,
                estate.id,
                fee_year,
                content_hash=data.content_hash,
                actor_user_id=principal_of(request).user_id,
            )
            return "done=1"

        return self._act(request, db_session, estate, fee_year, approve)

    def _act(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        fee_year: int,
        action: Callable[[], str],
    ) -> Response[Any]:
        """Run ``action`` (it returns the query string telling the detail page what was
        done) and go back to the year's page; a refusal shows that page with the reason."""
        return StaffForm(()).handle(
            session,
            action,
            done=lambda done: f"/staff/{estate.slug}/fee-schedules/{fee_year}?{done}",
            again=lambda f: self._detail(
                request, session, estate, fee_year, errors=f.above(), code=f.status
            ),
        )


CONTROLLERS: list[Any] = [SchedulePagesController]
