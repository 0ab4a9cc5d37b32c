"""The household's own page for changes after import (住户资料): correct the address, owner,
phone or area; record an occupancy change from a date; read every change made so far; and
the rule for charges, stated where the change is made. Its 合户 / 分户 page (``…/units``)
joins households of the building into this one or divides this one, with the rule for
charges of ``trustfund.estates.units``. Writes need ``Action.RECORD`` (the steward), as on
the API; reading needs a role in the estate."""

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
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.estates import changes, households, schemas, service, units
from trustfund.messages import Message
from trustfund.web.staff import zh
from trustfund.web.staff.common import keep_unknown, may, page, principal_of
from trustfund.web.staff.forms import StaffForm, row_errors

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
    "merged_from": "合户：并入",
    "merged_into": "合户：并入到",
    "split_into": "分户：分出",
    "split_from": "分户：分自",
}
#: History fields whose new value is another household's code (linked on the page).
LINKED_FIELDS = ("merged_from", "merged_into", "split_into", "split_from")
PARTS = 4
#: Errors of the split as a whole are said above its form.
SPLIT_ALIASES = {"parts": "_form", "code": "_form"}


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


class MergeForm(BaseModel):
    codes: list[str] | str = Field(default=[], description="one value or several")
    on: str = Field(default="", max_length=20)
    room: str = Field(default="", max_length=40)
    area_m2: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


class SplitForm(BaseModel):
    on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)
    room_0: str = Field(default="", max_length=40)
    area_0: str = Field(default="", max_length=20)
    status_0: str = Field(default="", max_length=10)
    room_1: str = Field(default="", max_length=40)
    area_1: str = Field(default="", max_length=20)
    status_1: str = Field(default="", max_length=10)
    room_2: str = Field(default="", max_length=40)
    area_2: str = Field(default="", max_length=20)
    status_2: str = Field(default="", max_length=10)
    room_3: str = Field(default="", max_length=40)
    area_3: str = Field(default="", max_length=20)
    status_3: str = Field(default="", max_length=10)

    def filled(self) -> list[int]:
        """Form rows with a room or an area (blank rows are not sent)."""
        return [
            i
            for i in range(PARTS)
            if getattr(self, f"room_{i}").strip() or getattr(self, f"area_{i}").strip()
        ]


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


def _saved(estate: Estate, code: str) -> str:
    """The household's page saying the change was saved."""
    return f"/staff/{estate.slug}/households/{code}/edit?saved=1"


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
            linked_fields=LINKED_FIELDS,
        )

    def _units_page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        code: str,
        *,
        merge: MergeForm | None = None,
        split: SplitForm | None = None,
        merge_errors: dict[str, str] | None = None,
        split_errors: dict[str, str] | None = None,
        part_errors: dict[int, dict[str, str]] | None = None,
        status: int = 200,
    ) -> Template:
        household = changes.get_household(session, estate, code)
        today = service.today_in(estate).isoformat()
        neighbours = [
            h
            for h in households.list_households(
                session, estate, building=household.building, per_page=500
            ).items
            if h.code != code and h.closed_on is None
        ]
        return page(
            request,
            "staff/household_units.html",
            status=status,
            estate=estate,
            household=household,
            neighbours=neighbours,
            merge=merge or MergeForm(on=today),
            split=split or SplitForm(on=today),
            merge_errors=merge_errors or {},
            split_errors=split_errors or {},
            part_errors=part_errors or {},
            parts=PARTS,
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/units", Action.READ)
    def units_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
    ) -> Template:
        """合户 / 分户: the two forms (for the steward) and the rule for charges."""
        return self._units_page(request, db_session, estate, code)

    @estate_route(
        post,
        "/merge",
        Action.RECORD,
        audit_action="web.merge_households",
        status_code=HTTP_303_SEE_OTHER,
    )
    def merge(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        data: URLEncodedBody[MergeForm],
    ) -> Response[Any]:
        """Join the ticked households of the building into this one."""
        form = StaffForm({"codes", "on", "room", "area_m2"})
        day = form.required_day(data.on, "on", Message("web.merge_date_required"))
        codes = [data.codes] if isinstance(data.codes, str) else data.codes
        data = data.model_copy(update={"codes": codes})
        if not codes:
            form.refuse("codes", Message("web.merge_choose_households"))
        given: dict[str, Any] = {"into": code, "codes": codes, "on": day}
        if data.room.strip():
            given["room"] = data.room
        if data.area_m2.strip():
            given["area_m2"] = data.area_m2
        actor = changes.Actor(principal_of(request).user_id, "page")
        return form.handle(
            db_session,
            lambda: units.merge(
                db_session,
                estate,
                schemas.Merge.model_validate({**given, "note": data.note}),
                actor,
            ),
            done=_saved(estate, code),
            again=lambda f: self._units_page(
                request,
                db_session,
                estate,
                code,
                merge=data,
                merge_errors=f.errors,
                status=f.status,
            ),
        )

    @estate_route(
        post,
        "/split",
        Action.RECORD,
        audit_action="web.split_household",
        status_code=HTTP_303_SEE_OTHER,
    )
    def split(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        data: URLEncodedBody[SplitForm],
    ) -> Response[Any]:
        """Divide this household into the filled rows' new households."""
        form = StaffForm({"on"}, SPLIT_ALIASES)
        day = form.required_day(data.on, "on", Message("web.split_date_required"))
        rows = data.filled()
        parts: list[dict[str, Any]] = []
        for i in rows:
            part: dict[str, Any] = {
                "room": getattr(data, f"room_{i}"),
                "area_m2": getattr(data, f"area_{i}"),
            }
            if getattr(data, f"status_{i}") in (Occupancy.OCCUPIED, Occupancy.VACANT):
                part["occupancy"] = getattr(data, f"status_{i}")
            parts.append(part)
        actor = changes.Actor(principal_of(request).user_id, "page")

        def again(form: StaffForm) -> Response[Any]:
            per_row: dict[int, dict[str, str]] = {}
            if form.error is not None:  # the parts' errors go to their rows
                said, per_row = row_errors(form.error, rows, SPLIT_ALIASES)
                form.errors = keep_unknown(said, form.fields)
            return self._units_page(
                request,
                db_session,
                estate,
                code,
                split=data,
                split_errors=form.errors,
                part_errors=per_row,
                status=form.status,
            )

        return form.handle(
            db_session,
            lambda: units.split(
                db_session,
                estate,
                code,
                schemas.Split.model_validate({"on": day, "parts": parts, "note": data.note}),
                actor,
            ),
            done=_saved(estate, code),
            again=again,
        )

    @estate_route(get, "/edit", Action.READ)
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

    @estate_route(
        post,
        "/edit",
        Action.RECORD,
        audit_action="web.correct_household",
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
        form = StaffForm(EDIT_FIELDS)

        def again(form: StaffForm) -> Response[Any]:
            if form.error is not None and any(e.field == "body" for e in form.error.errors):
                form.errors = {"_form": zh.say(Message("web.nothing_changed"))}
            return self._page(
                request, db_session, estate, code, edit=data, errors=form.errors, status=form.status
            )

        return form.handle(
            db_session,
            lambda: changes.correct_household(
                db_session, estate, code, _patch(data, current), actor
            ),
            done=_saved(estate, code),
            again=again,
        )

    @estate_route(
        post,
        "/occupancy",
        Action.RECORD,
        audit_action="web.change_occupancy",
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
        form = StaffForm({"status", "effective_from"})
        if data.status not in (Occupancy.OCCUPIED.value, Occupancy.VACANT.value):
            form.refuse("status", Message("web.choose_occupancy"))
        day = form.required_day(
            data.effective_from, "effective_from", Message("web.effective_from_required")
        )
        actor = changes.Actor(principal_of(request).user_id, "page")
        return form.handle(
            db_session,
            lambda: changes.change_occupancy(
                db_session,
                estate,
                code,
                schemas.OccupancyChange(
                    status=Occupancy(data.status),
                    effective_from=day,  # type: ignore[arg-type]  # refused above when None
                    note=data.note,
                ),
                actor,
            ),
            done=_saved(estate, code),
            again=lambda f: self._page(
                request,
                db_session,
                estate,
                code,
                occupancy=data,
                occupancy_errors=f.errors,
                status=f.status,
            ),
        )


CONTROLLERS: list[Any] = [HouseholdChangePages]
