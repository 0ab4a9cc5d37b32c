"""Estates, buildings and households (staff routes: owner names and phones appear here
and nowhere public)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, QueryParameter
from sqlalchemy.orm import Session

from trustfund.api.access import admin_only, estate_action, estate_route, signed_in
from trustfund.api.common import Ctx, EstateContext, imported_response, signed_in_principal
from trustfund.api.uploads import MultipartForm, form_file, spreadsheet_form
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.estates import changes, households, importer, schemas, service, units
from trustfund.estates.columns import describe
from trustfund.settings import Settings

ESTATE = "/{estate_slug:str}"


class EstatesController(Controller):
    path = "/api/v1/estates"
    tags = ["estates"]

    @post(
        "/",
        opt=admin_only(),
        sync_to_thread=True,
        summary="Create an estate",
        description="409 when the slug is taken; 422 names every bad field.",
    )
    def create_estate(
        self,
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: JSONBody[schemas.EstateCreate],
    ) -> schemas.Estate:
        return schemas.Estate.model_validate(
            service.create_estate(db_session, data, default_timezone=settings.timezone)
        )

    @get("/", opt=signed_in(), sync_to_thread=True, summary="Estates where I hold a role")
    def list_estates(
        self, db_session: NamedDependency[Session], request: Request[Any, Any, Any]
    ) -> list[schemas.MyEstate]:
        return service.estates_of(db_session, signed_in_principal(request))

    @get(ESTATE, opt=estate_action(Action.READ), sync_to_thread=False, summary="One estate")
    def get_estate(self, estate: NamedDependency[Estate]) -> schemas.Estate:
        return schemas.Estate.model_validate(estate)

    @estate_route(get, ESTATE + "/sites", Action.READ, summary="Sites of the estate")
    def list_sites(self, ctx: Ctx) -> list[schemas.Site]:
        return service.list_sites(ctx.session, ctx.estate)

    @estate_route(get, ESTATE + "/buildings", Action.READ, summary="Buildings of the estate")
    def list_buildings(self, ctx: Ctx) -> list[schemas.Building]:
        return service.list_buildings(ctx.session, ctx.estate)


class HouseholdsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/households"
    tags = ["households"]

    @estate_route(
        get,
        "/",
        Action.READ,
        summary="Households, filtered and paginated",
        description="`occupancy` filters by the status on `on` (default: today, local).",
    )
    def list_households(
        self,
        ctx: Ctx,
        building: FromQuery[str | None] = None,
        room: FromQuery[str | None] = None,
        occupancy: FromQuery[Occupancy | None] = None,
        on: FromQuery[date | None] = None,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> schemas.HouseholdPage:
        return households.list_households(
            ctx.session,
            ctx.estate,
            building=building,
            room=room,
            occupancy=occupancy,
            on=on,
            page=page,
            per_page=per_page,
        )

    @estate_route(
        post,
        "/",
        Action.RECORD,
        summary="Add a household",
        description="409 when the address exists; 422 names every bad field.",
    )
    def create_household(
        self, ctx: Ctx, data: JSONBody[schemas.HouseholdCreate]
    ) -> schemas.Household:
        return households.create_household(ctx.session, ctx.estate, data)

    @estate_route(
        post,
        "/import",
        Action.RECORD,
        summary="Import households from CSV or XLSX (all rows or none)",
        description=(
            spreadsheet_form("households") + " "
            "The whole file is checked first; if any row is bad nothing is imported and the "
            "422 problem lists every bad cell as `rows[N].field` (N = spreadsheet row, header "
            "is row 1). A header cell that is not one of the columns below is refused (422, "
            "field `columns`, naming it). Re-importing the same file creates nothing (rows "
            "that match count as `unchanged`); a row that differs from an existing household "
            "is refused — unless `mode=update`: then the answer (200) is a preview listing "
            "each change (row, code, address, field, old → new) and the households to add, "
            "with a `token`; nothing is written. Send the same file with `mode=update&"
            "confirm=<token>` to apply exactly that (201; 409 if the file or the households "
            "changed since). In update mode an empty cell leaves the value as it is; applied "
            "changes are kept in each household's history.\n\n" + describe(importer.COLUMNS)
        ),
    )
    def import_households(
        self,
        ctx: Ctx,
        data: MultipartBody[MultipartForm],
        mode: FromQuery[Literal["create", "update"]] = "create",
        confirm: FromQuery[str | None] = None,
    ) -> Response[schemas.ImportResult]:
        result = importer.import_households(
            ctx.session,
            ctx.estate,
            *form_file(data),
            update=mode == "update",
            confirm=confirm,
            actor=_actor(ctx),
        )
        return imported_response(result, created=result.applied)

    @estate_route(
        get,
        "/{code:str}",
        Action.READ,
        summary="One household, with its occupancy history and charges to review",
    )
    def get_household(self, ctx: Ctx, code: FromPath[str]) -> schemas.Household:
        return changes.get_household(ctx.session, ctx.estate, code)

    @estate_route(
        patch,
        "/{code:str}",
        Action.RECORD,
        summary="Correct a household (address typo, area, owner name, phone)",
        description=(
            "Only the fields given change; `null` clears owner_name, phone or area_m2. The "
            "code never changes. Each changed field is kept in the history (who, when, old → "
            "new, `note`). Charges are not touched. 409 when the corrected address belongs "
            "to another household; 422 names every bad field; 404 for a code of another estate."
        ),
    )
    def correct_household(
        self, ctx: Ctx, code: FromPath[str], data: JSONBody[schemas.HouseholdPatch]
    ) -> schemas.Household:
        return changes.correct_household(ctx.session, ctx.estate, code, data, _actor(ctx))

    @estate_route(
        post,
        "/{code:str}/occupancy",
        Action.RECORD,
        summary="Record an occupancy change (adds a history row)",
        description=(
            "409 when `effective_from` is not after the latest change (history is never "
            "rewritten). Issued charges stay as issued: a change during a year changes the "
            "next year's charge; one dated before a charged year's 1 January is listed in "
            "`charges_to_review` (settle it by a refund)."
        ),
    )
    def change_occupancy(
        self, ctx: Ctx, code: FromPath[str], data: JSONBody[schemas.OccupancyChange]
    ) -> schemas.Household:
        return changes.change_occupancy(ctx.session, ctx.estate, code, data, _actor(ctx))

    @estate_route(
        post,
        "/{code:str}/move-out",
        Action.RECORD,
        summary="The occupants move out: vacant from `on`",
        description="Same rules as an occupancy change (409, charges); the owner stays.",
    )
    def move_out(
        self, ctx: Ctx, code: FromPath[str], data: JSONBody[schemas.MoveOut]
    ) -> schemas.Household:
        return changes.move_out(ctx.session, ctx.estate, code, data, _actor(ctx))

    @estate_route(
        post,
        "/{code:str}/move-in",
        Action.RECORD,
        summary="Someone moves in from `on` (a new owner: give owner_name / phone)",
        description=(
            "Occupied from `on` if it was vacant; the owner's name and phone change when given. "
            "422 when it is occupied already and no new owner is given."
        ),
    )
    def move_in(
        self, ctx: Ctx, code: FromPath[str], data: JSONBody[schemas.MoveIn]
    ) -> schemas.Household:
        return changes.move_in(ctx.session, ctx.estate, code, data, _actor(ctx))

    @estate_route(
        post,
        "/merge",
        Action.RECORD,
        summary="Merge units (合户): households of one building become one from `on`",
        description=(
            "`into` stays and keeps its code; the households in `codes` close on `on` (still "
            "listed with their history and charges; codes are never reused). Area: the sum "
            "unless `area_m2` is given; owner, phone, room, occupancy: the survivor's unless "
            "given. Every household's history records it (kind `merge`).\n\n"
            + units.RULE_MD
            + "\n\n422 names the field and reason: a code unknown here (another estate's "
            "reads as unknown), named twice, in another building; a bad room, area, name or "
            "phone; `on` in the future. 409: a household already closed; `on` not after a "
            "household's latest change; a closing household already charged for a year "
            "starting on or after `on`; the room taken. All or nothing."
        ),
    )
    def merge_households(self, ctx: Ctx, data: JSONBody[schemas.Merge]) -> schemas.UnitChange:
        return units.merge(ctx.session, ctx.estate, data, _actor(ctx))

    @estate_route(
        post,
        "/{code:str}/split",
        Action.RECORD,
        summary="Split a unit (分户): one household becomes two or more from `on`",
        description=(
            "Each part becomes a new household with a new code, its own room (free) and area "
            "(more than 0); entrance, owner, phone and occupancy are the original's unless "
            "given. The original closes on `on` (still listed with its history and charges). "
            "Every household's history records it (kind `split`).\n\n"
            + units.RULE_MD
            + "\n\n422 names the field and reason (`parts[i].room`, `parts[i].area_m2` …; "
            "fewer than 2 parts; `on` in the future). 409: the household is closed; `on` not "
            "after its latest change; it is already charged for a year starting on or after "
            "`on`; a room taken. 404 for a code of another estate. All or nothing."
        ),
    )
    def split_household(
        self, ctx: Ctx, code: FromPath[str], data: JSONBody[schemas.Split]
    ) -> schemas.UnitChange:
        return units.split(ctx.session, ctx.estate, code, data, _actor(ctx))

    @estate_route(
        get,
        "/{code:str}/changes",
        Action.READ,
        summary="The household's change history (who, when, old → new)",
    )
    def household_changes(self, ctx: Ctx, code: FromPath[str]) -> list[schemas.HouseholdChange]:
        return changes.history(ctx.session, ctx.estate, code)


def _actor(ctx: EstateContext) -> changes.Actor:
    return changes.Actor(ctx.user_id, "api")


CONTROLLERS: list[Any] = [EstatesController, HouseholdsController]
