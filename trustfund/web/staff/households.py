"""The household's own page for changes after import (住户资料): correct the address, owner,
phone or area; record an occupancy change from a date; read every change made so far; and
the rule for charges, stated where the change is made. Writes need ``Action.RECORD`` (the
steward), as on the API; reading needs a role in the estate."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_action
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.errors import TrustfundError
from trustfund.estates import changes, schemas, service
from trustfund.web.staff.common import field_errors, keep_unknown, may, page, principal_of
from trustfund.web.staff.forms import parse_day

BASE = "/staff/{estate_slug:str}/households/{code:str}"
EDIT_FIELDS = ("building", "entrance", "room", "owner_name", "phone", "area_m2")
VIA_NAMES = {"api": "接口", "page": "网页", "cli": "命令行", "import": "导入"}
CHANGE_FIELD_NAMES = {
    "building": "幢",
    "entrance": "单元",
    "room": "室",
    "owner_name": "业主",
    "phone": "电话",
    "area_m2": "面积",
    "occupancy": "入住状态",
}


class EditForm(BaseModel):
    building: str = Field(default="", max_length=40)
    entrance: str = Field(default="", max_length=20)
    room: str = Field(default="", max_length=40)
    owner_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)
    area_m2: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


class OccupancyForm(BaseModel):
    status: str = Field(default="", max_length=10)
    effective_from: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


def _as_form(household: schemas.Household) -> EditForm:
    return EditForm(
        building=household.building,
        entrance=household.entrance,
        room=household.room,
        owner_name=household.owner_name or "",
        phone=household.phone or "",
        area_m2=str(household.area_m2 or ""),
    )


def _patch(form: EditForm, current: EditForm) -> schemas.HouseholdPatch:
    """Only the fields the steward changed (an emptied name, phone or area clears it)."""
    given: dict[str, Any] = {}
    for field in EDIT_FIELDS:
        new = getattr(form, field).strip()
        if new != getattr(current, field):
            given[field] = new or (None if field in ("owner_name", "phone", "area_m2") else "")
    return schemas.HouseholdPatch.model_validate({**given, "note": form.note})


class HouseholdChangePages(Controller):
    include_in_schema = False
    path = BASE

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        code: str,
        *,
        edit: EditForm | None = None,
        occupancy: OccupancyForm | None = None,
        errors: dict[str, str] | None = None,
        occupancy_errors: dict[str, str] | None = None,
        saved: bool = False,
        status: int = 200,
    ) -> Template:
        household = changes.get_household(session, estate, code)
        today = service.today_in(estate)
        return page(
            request,
            "staff/household_edit.html",
            status=status,
            estate=estate,
            household=household,
            history=changes.history(session, estate, code),
            edit=edit or _as_form(household),
            occupancy=occupancy or OccupancyForm(effective_from=today.isoformat()),
            errors=errors or {},
            occupancy_errors=occupancy_errors or {},
            can_record=may(request, Action.RECORD, estate),
            saved=saved,
            next_year=today.year + 1,
            via_names=VIA_NAMES,
            change_field_names=CHANGE_FIELD_NAMES,
        )

    @get("/edit", opt=estate_action(Action.READ), sync_to_thread=True)
    def edit_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        saved: FromQuery[int | None] = None,
    ) -> Template:
        """The household's data, its change history and (for the steward) the two forms."""
        return self._page(request, db_session, estate, code, saved=bool(saved))

    @post(
        "/edit",
        opt={**estate_action(Action.RECORD), "audit_action": "web.correct_household"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def correct(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        data: URLEncodedBody[EditForm],
    ) -> Response[Any]:
        """Correct the fields the steward changed; each change goes to the history."""
        current = _as_form(changes.get_household(db_session, estate, code))
        actor = changes.Actor(principal_of(request).user_id, "page")
        try:
            changes.correct_household(db_session, estate, code, _patch(data, current), actor)
        except TrustfundError as exc:
            db_session.rollback()
            errors = keep_unknown(field_errors(exc), set(EDIT_FIELDS))
            if any(e.field == "body" for e in exc.errors):
                errors = {"_form": "没有修改任何内容"}
            return self._page(
                request,
                db_session,
                estate,
                code,
                edit=data,
                errors=errors,
                status=exc.status_code,
            )
        return Redirect(
            f"/staff/{estate.slug}/households/{code}/edit?saved=1", status_code=HTTP_303_SEE_OTHER
        )

    @post(
        "/occupancy",
        opt={**estate_action(Action.RECORD), "audit_action": "web.change_occupancy"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def change_occupancy(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        data: URLEncodedBody[OccupancyForm],
    ) -> Response[Any]:
        """在住 ↔ 空户 from a date: a new row of the occupancy history."""
        errors: dict[str, str] = {}
        status = 422
        if data.status not in (Occupancy.OCCUPIED.value, Occupancy.VACANT.value):
            errors["status"] = "请选择在住或空户"
        day: date | None = parse_day(data.effective_from, "effective_from", errors)
        if day is None and "effective_from" not in errors:
            errors["effective_from"] = "请填写从哪一天起"
        if not errors and day is not None:
            change = schemas.OccupancyChange(
                status=Occupancy(data.status), effective_from=day, note=data.note
            )
            actor = changes.Actor(principal_of(request).user_id, "page")
            try:
                changes.change_occupancy(db_session, estate, code, change, actor)
            except TrustfundError as exc:
                db_session.rollback()
                errors = keep_unknown(field_errors(exc), {"status", "effective_from"})
                status = exc.status_code
        if errors:
            return self._page(
                request,
                db_session,
                estate,
                code,
                occupancy=data,
                occupancy_errors=errors,
                status=status,
            )
        return Redirect(
            f"/staff/{estate.slug}/households/{code}/edit?saved=1", status_code=HTTP_303_SEE_OTHER
        )


CONTROLLERS: list[Any] = [HouseholdChangePages]
