"""Estates, buildings and households (staff routes: owner names and phones appear here
and nowhere public)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, QueryParameter
from sqlalchemy.orm import Session

from trustfund.api.access import admin_only, current_principal, estate_action, signed_in
from trustfund.api.uploads import form_file
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.errors import NotAuthenticatedError
from trustfund.estates import households, importer, schemas, service
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
        principal = current_principal(request)
        if principal is None:  # the guard has already refused; keeps types honest
            raise NotAuthenticatedError("Sign in first.")
        return service.estates_of(db_session, principal)

    @get(ESTATE, opt=estate_action(Action.READ), sync_to_thread=False, summary="One estate")
    def get_estate(self, estate: NamedDependency[Estate]) -> schemas.Estate:
        return schemas.Estate.model_validate(estate)

    @get(
        ESTATE + "/sites",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Sites of the estate",
    )
    def list_sites(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[schemas.Site]:
        return service.list_sites(db_session, estate)

    @get(
        ESTATE + "/buildings",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Buildings of the estate",
    )
    def list_buildings(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[schemas.Building]:
        return service.list_buildings(db_session, estate)


class HouseholdsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/households"
    tags = ["households"]

    @get(
        "/",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Households, filtered and paginated",
        description="`occupancy` filters by the status on `on` (default: today, local).",
    )
    def list_households(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        building: FromQuery[str | None] = None,
        room: FromQuery[str | None] = None,
        occupancy: FromQuery[Occupancy | None] = None,
        on: FromQuery[date | None] = None,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> schemas.HouseholdPage:
        return households.list_households(
            db_session,
            estate,
            building=building,
            room=room,
            occupancy=occupancy,
            on=on,
            page=page,
            per_page=per_page,
        )

    @post(
        "/",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        summary="Add a household",
        description="409 when the address exists; 422 names every bad field.",
    )
    def create_household(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: JSONBody[schemas.HouseholdCreate],
    ) -> schemas.Household:
        return households.create_household(db_session, estate, data)

    @post(
        "/import",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        summary="Import households from CSV or XLSX (all rows or none)",
        description=(
            "Multipart form with one `file` field: CSV (UTF-8 or GB18030) or XLSX (first "
            "sheet), header in row 1; samples: `docs/samples/households.csv` and `.xlsx`. "
            "The whole file is checked first; if any row is bad nothing is imported and the "
            "422 problem lists every bad cell as `rows[N].field` (N = spreadsheet row, header "
            "is row 1). A header cell that is not one of the columns below is refused (422, "
            "field `columns`, naming it). Re-importing the same file creates nothing (rows "
            "that match count as `unchanged`).\n\n" + describe(importer.COLUMNS)
        ),
    )
    def import_households(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: MultipartBody[dict[str, Any]],
    ) -> schemas.ImportResult:
        return importer.import_households(db_session, estate, *form_file(data))

    @get(
        "/{code:str}",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="One household, with its occupancy history",
    )
    def get_household(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
    ) -> schemas.Household:
        return households.get_household(db_session, estate, code)

    @post(
        "/{code:str}/occupancy",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        summary="Record an occupancy change (adds a history row)",
        description="409 when `effective_from` is not after the latest change.",
    )
    def change_occupancy(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        data: JSONBody[schemas.OccupancyChange],
    ) -> schemas.Household:
        return households.change_occupancy(db_session, estate, code, data)


CONTROLLERS: list[Any] = [EstatesController, HouseholdsController]
