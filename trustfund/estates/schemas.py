"""Request and response shapes for estates, buildings and households.

Validation of values (slug, phone, address parts) happens in the services, so the API, the
CLI and the importer reject the same things with the same reasons.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from trustfund.db.models.estates import Occupancy


class EstateCreate(BaseModel):
    slug: str = Field(description="lowercase ASCII letters, digits and hyphens, 2–40 (`youhe`)")
    name: str = Field(description="Chinese name (`游河小区`)")
    address: str = ""
    community: str = Field("", description="社区; supervisors of this community see the estate")
    street_office: str = Field("", description="街道")
    timezone: str | None = Field(None, description="IANA zone; default TRUSTFUND_TIMEZONE")


class Estate(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    address: str
    community: str
    street_office: str
    timezone: str


class MyEstate(Estate):
    """An estate in the caller's list, with the roles the caller holds there."""

    roles: list[str]


class Site(BaseModel):
    code: str
    name: str
    buildings: int


class Building(BaseModel):
    number: str
    site_code: str
    site_name: str
    households: int


class OccupancyRow(BaseModel):
    status: Occupancy
    effective_from: date
    recorded_at: datetime


class Household(BaseModel):
    """A household as staff see it: with owner name and phone (personal data)."""

    code: str = Field(description="opaque household code, the only name the ledger uses")
    building: str
    entrance: str
    room: str
    site_code: str
    occupancy: Occupancy = Field(description="occupancy on `occupancy_on`")
    occupancy_on: date
    occupancy_history: list[OccupancyRow]
    owner_name: str | None
    phone: str | None
    area_m2: Decimal | None
    charges_to_review: list[int] = Field(
        default=[],
        description="fee years whose issued charge was set by an occupancy the history no "
        "longer shows (a change dated back before that year's 1 January). Issued charges "
        "never change; settle the difference by a refund or an adjustment.",
    )


class HouseholdCreate(BaseModel):
    building: str = Field(description="幢, e.g. `3` or `3幢`")
    entrance: str = Field(description="单元, e.g. `1`")
    room: str = Field(description="室, e.g. `101`")
    site: str | None = Field(
        None, description="site code or name; needed only when the building is new"
    )
    occupancy: Occupancy
    since: date | None = Field(None, description="default: today in the estate's time zone")
    owner_name: str | None = None
    phone: str | None = None
    area_m2: Decimal | str | None = Field(
        None, description="m², e.g. `89.5` (a string keeps it exact; a comma is refused)"
    )


class OccupancyChange(BaseModel):
    status: Occupancy
    effective_from: date
    note: str = Field("", max_length=200, description="why (kept in the history)")


class HouseholdPatch(BaseModel):
    """A correction of a household: only the fields given change (``null`` clears owner
    name, phone or area). The household code never changes."""

    building: str | None = Field(None, description="幢, corrected address; e.g. `3`")
    entrance: str | None = Field(None, description="单元")
    room: str | None = Field(None, description="室")
    site: str | None = Field(None, description="site of a building that is new to the estate")
    owner_name: str | None = None
    phone: str | None = None
    area_m2: Decimal | str | None = None
    note: str = Field("", max_length=200, description="why (kept in the history)")


class MoveOut(BaseModel):
    """The occupants leave: the household is vacant from ``on`` (the owner stays owner)."""

    on: date
    note: str = Field("", max_length=200)


class MoveIn(BaseModel):
    """Someone moves in from ``on``: the household is occupied from then; give
    ``owner_name``/``phone`` when the unit has a new owner."""

    on: date
    owner_name: str | None = None
    phone: str | None = None
    note: str = Field("", max_length=200)


class HouseholdChange(BaseModel):
    """One change in a household's history (who, through what, when, old → new)."""

    kind: str = Field(description="correct, move_in, move_out, occupancy or import")
    field: str
    old_value: str | None
    new_value: str | None
    effective_from: date | None
    note: str
    changed_by: str | None = Field(description="user name; null: the operator at the CLI")
    via: str = Field(description="api, page, cli or import")
    changed_at: datetime


class HouseholdPage(BaseModel):
    items: list[Household]
    total: int
    page: int
    per_page: int


class ImportChange(BaseModel):
    """One field of an existing household changed by a row of an update import."""

    row: int = Field(description="spreadsheet row (the header is row 1)")
    code: str
    address: str
    field: str = Field(description="owner_name, phone, area_m2 or occupancy")
    old: str | None
    new: str | None
    effective_from: date | None = Field(description="occupancy changes: from when")


class ImportResult(BaseModel):
    """What an import did (or, for an update preview, would do). Re-importing the same file
    creates nothing: rows that match an existing household exactly count as ``unchanged``."""

    rows: int
    created: int
    unchanged: int
    sites_created: int
    buildings_created: int
    changed: int = Field(0, description="existing households changed (update mode)")
    changes: list[ImportChange] = Field(default=[], description="update mode: each change")
    new_households: list[str] = Field(default=[], description="addresses added")
    token: str | None = Field(
        None, description="update mode: send it back as `confirm` to apply this preview"
    )
    applied: bool = Field(True, description="false for an update preview (nothing written)")
