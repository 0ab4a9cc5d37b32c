"""Request and response shapes for estates, buildings and households.

Validation of values (slug, phone, address parts) happens in the services, so the API, the
CLI and the importer reject the same things with the same reasons.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

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
    closed_on: date | None = Field(
        None,
        description="merged into another household or split from this day: no longer "
        "charged for fee years starting on or after it; its issued charges and arrears stay",
    )
    formed_on: date | None = Field(
        None, description="made by a split on this day: charged from the next fee year"
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


class Merge(BaseModel):
    """Households of one building become one (合户) from ``on``: ``into`` stays and keeps
    its code; the households in ``codes`` close that day (still listed, with their history
    and their charges; their codes are never reused)."""

    into: str = Field(description="code of the household that stays; it keeps its code")
    codes: list[str] = Field(
        description="codes of the households joined to it (1–9); they close on `on`"
    )
    on: date = Field(description="the day the units are one; not in the future")
    room: str | None = Field(
        None, description="室 of the joined unit, e.g. `501-502`; default: the survivor's"
    )
    area_m2: Decimal | str | None = Field(
        None,
        description="m² of the joined unit; default: the sum of their areas (unknown when "
        "one is unknown)",
    )
    owner_name: str | None = Field(None, description="default: the survivor's owner")
    phone: str | None = Field(None, description="default: the survivor's phone")
    occupancy: Occupancy | None = Field(
        None, description="the joined unit's occupancy from `on`; default: the survivor's"
    )
    note: str = Field("", max_length=200, description="why (kept in the history)")


class SplitPart(BaseModel):
    """One new household made by a split."""

    room: str = Field(description="室 of the new unit, e.g. `501-1`; must be free")
    entrance: str | None = Field(None, description="单元; default: the original's")
    area_m2: Decimal | str = Field(description="m², more than 0")
    occupancy: Occupancy | None = Field(
        None, description="from `on`; default: the original's occupancy on `on`"
    )
    owner_name: str | None = Field(None, description="default: the original's owner")
    phone: str | None = Field(None, description="default: the original's phone")


class Split(BaseModel):
    """One household becomes two or more (分户) from ``on``: new households with new codes;
    the original closes that day."""

    on: date = Field(description="the day the unit is divided; not in the future")
    parts: list[SplitPart] = Field(description="the new households (2–10)")
    note: str = Field("", max_length=200, description="why (kept in the history)")


class KeptCharge(BaseModel):
    """A charge of a closed household: it stays with that household (never moved)."""

    code: str
    fee_year: int
    charged: Decimal
    outstanding: Decimal = Field(description="still owed: stays in that household's arrears")


class UnitChange(BaseModel):
    """What a merge or split did."""

    kind: Literal["merge", "split"]
    on: date
    closed: list[str] = Field(description="codes closed from `on`")
    households: list[Household] = Field(
        description="merge: the household that stayed; split: the new households"
    )
    charged_from: int = Field(
        description="the first fee year charged by the new shape (the first whose 1 January "
        "is on or after `on`); earlier years stay as the old households were charged"
    )
    kept_charges: list[KeptCharge] = Field(
        description="charges of the closed households; they stay where they were issued"
    )


class HouseholdChange(BaseModel):
    """One change in a household's history (who, through what, when, old → new)."""

    kind: str = Field(description="correct, move_in, move_out, occupancy, import, merge or split")
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
