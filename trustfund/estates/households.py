"""Households: cleaning their fields, placing them in sites and buildings, occupancy changes.

One household is added by ``add_household`` (flush only, composable) or ``create_household``
(commits); many by the importer, which uses the same ``clean_household`` and ``AddressBook``
so that a row of a file and a form on the page are judged by the same rules. Changes after
that (corrections, moves, occupancy) are in ``trustfund.estates.changes``; merging and
splitting units in ``trustfund.estates.units``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, ValidationError
from trustfund.estates import order, rules, schemas
from trustfund.estates.occupancy import occupancy_on
from trustfund.estates.service import today_in
from trustfund.ledger.money import fold_wide
from trustfund.messages import Invalid, Message, reason_of

#: Field → its Chinese header; reasons name both ("室 (room) is required").
LABELS: dict[str, str] = {
    "site": "小区片区",
    "building": "幢",
    "entrance": "单元",
    "room": "室",
    "occupancy": "状态",
    "since": "起始日期",
    "owner_name": "业主",
    "phone": "电话",
    "area_m2": "面积",
}

#: Occupancy words stewards write, mapped to the two statuses.
OCCUPANCY_WORDS: dict[str, Occupancy] = {
    "occupied": Occupancy.OCCUPIED,
    "vacant": Occupancy.VACANT,
    "自住": Occupancy.OCCUPIED,
    "出租": Occupancy.OCCUPIED,
    "已入住": Occupancy.OCCUPIED,
    "入住": Occupancy.OCCUPIED,
    "空户": Occupancy.VACANT,
    "空置": Occupancy.VACANT,
}

BAD_ENCODING = "\ufffd"
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def label(field: str) -> str:
    return f"{LABELS[field]} ({field})" if field in LABELS else field


@dataclass(frozen=True)
class CleanHousehold:
    building: str
    entrance: str
    room: str
    site: str | None
    status: Occupancy
    since: date
    owner_name: str | None
    phone: str | None
    area_m2: Decimal | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.building, self.entrance, self.room)

    @property
    def address(self) -> str:
        return f"{self.building}幢{self.entrance}单元{self.room}室"


def cell_text(value: Any) -> str | None:
    """A cell as text: spreadsheet numbers 101 and 101.0 both read as ``"101"``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def parse_occupancy(value: Any) -> Occupancy:
    if isinstance(value, Occupancy):
        return value
    text = cell_text(value)
    if text is None:
        raise Invalid(Message("estates.occupancy_required"))
    status = OCCUPANCY_WORDS.get(text.lower())
    if status is None:
        raise Invalid(Message("estates.not_an_occupancy", text=text))
    return status


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    else:
        text = cell_text(value) or ""
        match = DATE_RE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
        if match is None:
            raise Invalid(Message("estates.not_a_date", text=text))
        try:
            result = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise Invalid(Message("estates.not_a_calendar_date", text=text)) from None
    if not EARLIEST_DATE <= result <= LATEST_DATE:
        raise Invalid(
            Message(
                "estates.date_out_of_range",
                value=result.isoformat(),
                year=EARLIEST_DATE.year,
                year2=LATEST_DATE.year,
            )
        )
    return result


def clean_household(
    raw: Mapping[str, Any], *, today: date
) -> tuple[CleanHousehold | None, list[tuple[str, Message]]]:
    """Check every field of one household; returns the clean value or ``(field, reason)``
    pairs for every bad field (all of them, not just the first)."""
    errors: list[tuple[str, Message]] = []
    out: dict[str, Any] = {}

    def check(field: str, fn: Any) -> None:
        value = raw.get(field)
        if isinstance(value, str) and BAD_ENCODING in value:
            errors.append(
                (field, Message("estates.cell_encoding", label=label(field), field=field))
            )
            return
        try:
            out[field] = fn(value)
        except ValueError as exc:
            errors.append(
                (
                    field,
                    Message(
                        "input.labelled", label=label(field), field=field, reason=reason_of(exc)
                    ),
                )
            )

    check("building", lambda v: rules.clean_building(cell_text(v)))
    check("entrance", lambda v: rules.clean_entrance(cell_text(v)))
    check("room", lambda v: rules.clean_room(cell_text(v)))
    check("site", lambda v: rules.clean_optional_text(cell_text(v), 40) or None)
    check("occupancy", parse_occupancy)
    check("since", lambda v: today if cell_text(v) is None else parse_date(v))
    check("owner_name", lambda v: rules.clean_optional_text(cell_text(v), 50) or None)
    check("phone", lambda v: rules.clean_phone(cell_text(v)))
    check("area_m2", lambda v: rules.clean_area(v if isinstance(v, float) else cell_text(v)))
    if errors:
        return None, errors
    return (
        CleanHousehold(
            building=out["building"],
            entrance=out["entrance"],
            room=out["room"],
            site=out["site"],
            status=out["occupancy"],
            since=out["since"],
            owner_name=out["owner_name"],
            phone=out["phone"],
            area_m2=out["area_m2"],
        ),
        [],
    )


def differences(existing: Household, row: CleanHousehold) -> list[str]:
    """How an existing household differs from ``row`` (empty: they agree)."""
    found = []
    on_since = occupancy_on(existing, row.since)
    if on_since != row.status:
        found.append(f"{label('occupancy')} is {on_since.value} on {row.since}, not {row.status}")
    if (existing.owner_name or None) != row.owner_name:
        found.append(f"{label('owner_name')} differs")
    if (existing.phone or None) != row.phone:
        found.append(f"{label('phone')} differs")
    if existing.area_m2 != row.area_m2:
        found.append(f"{label('area_m2')} is {existing.area_m2}, not {row.area_m2}")
    return found


class AddressBook:
    """An estate's sites, buildings and households, loaded once, to place new households
    and to find conflicts before anything is written."""

    def __init__(self, session: Session, estate: Estate) -> None:
        self.session = session
        self.estate = estate
        self.sites: list[Site] = list(
            session.scalars(select(Site).where(Site.estate_id == estate.id))
        )
        self.buildings: dict[str, Building] = {
            b.number: b
            for b in session.scalars(select(Building).where(Building.estate_id == estate.id))
        }
        households = session.scalars(
            select(Household)
            .where(Household.estate_id == estate.id)
            .options(selectinload(Household.occupancies), selectinload(Household.building))
        )
        self.households: dict[tuple[str, str, str], Household] = {
            (h.building.number, h.entrance, h.room): h for h in households
        }
        self.codes: set[str] = {h.code for h in self.households.values()}
        self.sites_created = 0
        self.buildings_created = 0

    def find_site(self, value: str) -> Site | None:
        for site in self.sites:
            if site.code == value:
                return site
        for site in self.sites:
            if site.name == value:
                return site
        return None

    def site_problem(self, building: str, site: str | None) -> Message | None:
        """Why ``building`` cannot be placed in ``site``, or None."""
        existing = self.buildings.get(building)
        if existing is not None:
            if site is not None and self.find_site(site) is not existing.site:
                return Message(
                    "estates.building_in_other_site",
                    value=label("site"),
                    building=building,
                    site=existing.site.code,
                    name=existing.site.name,
                    site2=site,
                )
            return None
        if site is None and len(self.sites) > 1:
            return Message(
                "estates.site_required_for_new_building",
                value=label("site"),
                building=building,
                sites=len(self.sites),
                value2=", ".join(sorted(s.code for s in self.sites)),
            )
        return None

    def site(self, value: str | None, name: str | None = None) -> Site:
        """The site with code or name ``value``, created (as code ``value`` named ``name``)
        if missing. ``None``: the estate's only site, or a site ``main`` named after the
        estate."""
        if value is None:
            if len(self.sites) == 1:
                return self.sites[0]
            value, name = "main", self.estate.name
        site = self.find_site(value)
        if site is None:
            site = Site(estate_id=self.estate.id, code=value, name=name or value)
            self.session.add(site)
            self.sites.append(site)
            self.sites_created += 1
        return site

    def building(self, number: str, site: str | None) -> Building:
        existing = self.buildings.get(number)
        if existing is not None:
            return existing
        site_row = self.site(site)
        building = Building(estate_id=self.estate.id, site=site_row, number=number)
        self.session.add(building)
        self.buildings[number] = building
        self.buildings_created += 1
        return building

    def add(self, row: CleanHousehold, rng: random.Random | None = None) -> Household:
        """Add the household (not flushed). The caller has checked ``site_problem`` and
        that the address is free."""
        code = rules.new_household_code(self.codes, rng)
        self.codes.add(code)
        household = Household(
            estate_id=self.estate.id,
            building=self.building(row.building, row.site),
            entrance=row.entrance,
            room=row.room,
            code=code,
            owner_name=row.owner_name,
            phone=row.phone,
            area_m2=row.area_m2,
        )
        household.occupancies.append(
            HouseholdOccupancy(status=row.status, effective_from=row.since)
        )
        self.session.add(household)
        self.households[row.key] = household
        return household


def add_household(session: Session, estate: Estate, data: schemas.HouseholdCreate) -> Household:
    """Add one household with its first occupancy row; flushes, does not commit.

    Raises ``ValidationError`` (every bad field) and ``ConflictError`` (the address exists).
    """
    raw = data.model_dump()
    raw["occupancy"] = data.occupancy
    clean, problems = clean_household(raw, today=today_in(estate))
    if clean is None:
        raise ValidationError(
            Message("estates.household_invalid"),
            errors=[FieldError(f, r) for f, r in problems],
        )
    book = AddressBook(session, estate)
    if clean.key in book.households:
        raise ConflictError(
            Message(
                "estates.address_exists_as",
                address=clean.address,
                code_=book.households[clean.key].code,
            ),
            errors=[FieldError("room", Message("estates.already_exists", address=clean.address))],
        )
    problem = book.site_problem(clean.building, clean.site)
    if problem:
        raise ValidationError(problem, errors=[FieldError("site", problem)])
    household = book.add(clean)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            Message("estates.added_meanwhile", address=clean.address),
            errors=[FieldError("room", Message("estates.already_exists", address=clean.address))],
        ) from None
    return household


def view(household: Household, on: date, *, charges: list[int] | None = None) -> schemas.Household:
    """The household as staff see it on ``on``; ``charges`` are its charges to review
    (``trustfund.estates.changes.charges_to_review``), left empty in lists."""
    history = sorted(household.occupancies, key=lambda r: r.effective_from)
    return schemas.Household(
        code=household.code,
        building=household.building.number,
        entrance=household.entrance,
        room=household.room,
        site_code=household.building.site.code,
        occupancy=occupancy_on(household, on),
        occupancy_on=on,
        occupancy_history=[
            schemas.OccupancyRow(
                status=r.status, effective_from=r.effective_from, recorded_at=r.recorded_at
            )
            for r in history
        ],
        owner_name=household.owner_name,
        phone=household.phone,
        area_m2=household.area_m2,
        charges_to_review=charges or [],
        closed_on=household.closed_on,
        formed_on=household.formed_on,
    )


@command
def create_household(
    session: Session, estate: Estate, data: schemas.HouseholdCreate
) -> schemas.Household:
    """``add_household`` and commit. Raises what ``add_household`` raises."""
    household = add_household(session, estate, data)
    return view(household, today_in(estate))


def list_households(
    session: Session,
    estate: Estate,
    *,
    building: str | None = None,
    room: str | None = None,
    occupancy: Occupancy | None = None,
    on: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> schemas.HouseholdPage:
    """Households in address order, filtered by building number, a room substring and the
    occupancy on ``on`` (default today in the estate's zone). Raises ``ValidationError``
    for a page or page size out of range."""
    errors = []
    if page < 1:
        errors.append(FieldError("page", Message("estates.page_at_least_one")))
    if not 1 <= per_page <= 500:
        errors.append(FieldError("per_page", Message("estates.per_page_range")))
    if errors:
        raise ValidationError(Message("estates.invalid_paging"), errors=errors)
    on = on or today_in(estate)
    h = Household
    latest = (
        select(HouseholdOccupancy.status)
        .where(HouseholdOccupancy.household_id == h.id, HouseholdOccupancy.effective_from <= on)
        .order_by(HouseholdOccupancy.effective_from.desc())
        .limit(1)
        .correlate(h)
        .scalar_subquery()
    )
    first = (
        select(HouseholdOccupancy.status)
        .where(HouseholdOccupancy.household_id == h.id)
        .order_by(HouseholdOccupancy.effective_from)
        .limit(1)
        .correlate(h)
        .scalar_subquery()
    )
    query = select(h).join(Building, Building.id == h.building_id).where(h.estate_id == estate.id)
    if building:
        try:
            query = query.where(Building.number == rules.clean_building(building))
        except ValueError as exc:
            raise ValidationError.field(
                "building", Message("input.field_reason", field="building", reason=reason_of(exc))
            ) from None
    if room:
        query = query.where(h.room.contains(room.strip(), autoescape=True))
    if occupancy is not None:
        query = query.where(func.coalesce(latest, first) == occupancy.value)
    ids = _in_address_order(session, query)
    chosen = ids[(page - 1) * per_page : page * per_page]
    return schemas.HouseholdPage(
        items=_views(session, chosen, on), total=len(ids), page=page, per_page=per_page
    )


def _in_address_order(session: Session, query: Any) -> list[int]:
    """The ids ``query`` selects, in natural address order (``order.address_key``)."""
    h = Household
    rows = session.execute(query.with_only_columns(h.id, Building.number, h.entrance, h.room))
    ordered = sorted(rows, key=lambda r: order.address_key(r[1], r[2], r[3]))
    return [r[0] for r in ordered]


def _views(session: Session, ids: list[int], on: date) -> list[schemas.Household]:
    """The staff views of households ``ids``, in that order."""
    if not ids:
        return []
    h = Household
    loaded = {
        x.id: x
        for x in session.scalars(
            select(h)
            .where(h.id.in_(ids))
            .options(
                selectinload(h.occupancies),
                selectinload(h.building).selectinload(Building.site),
            )
        )
    }
    return [view(loaded[i], on) for i in ids]


#: ``3幢502`` / ``3-502`` / ``3栋 502室``: building and room, any entrance.
_BUILDING_ROOM = re.compile(
    r"(?P<building>[^-\s幢栋]+?)\s*(?:号楼|幢|栋|-)\s*(?P<room>[^-\s单元]+?)\s*室?"
)
#: ``3幢`` / ``3号楼``: the whole building.
_BUILDING_ONLY = re.compile(r"(?P<building>[^-\s幢栋]+?)\s*(?:号楼|幢|栋)")
#: The most a search lists (a room number shared by every building of a large estate).
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class SearchResult:
    """What one search box found: ``kind`` says how the text was read — ``address``
    (3-1-502, 3幢1单元502, 3幢502), ``building`` (3幢), ``number`` (a room number or a
    phone's digits, e.g. its last four), ``name`` (part of an owner's name) or ``code``."""

    kind: str
    items: list[schemas.Household]
    total: int


def search_households(
    session: Session, estate: Estate, text: str, *, on: date | None = None
) -> SearchResult:
    """Households matching what a steward types into one search box, in natural address
    order (exact room matches first for a number), at most ``SEARCH_LIMIT``.

    Understands ``3-1-502`` and ``3幢1单元502室`` (one household), ``3幢502`` and ``3-502``
    (room 502 of building 3, any entrance), ``3幢`` (the building), a household code
    (``H-…``), digits (a room number containing them, or a phone containing them — the last
    four digits find the owner), and other text (part of the owner's name). Raises nothing:
    text that matches nothing gives an empty result."""
    on = on or today_in(estate)
    query_text = re.sub(r"[\s\u3000]+", "", fold_wide(text or ""))
    h = Household
    base = select(h).join(Building, Building.id == h.building_id).where(h.estate_id == estate.id)
    if not query_text:
        return SearchResult("none", [], 0)
    kind, query = _understand(base, query_text)
    ids = _in_address_order(session, query)
    if not ids and kind == "address" and query_text.replace("-", "").isdigit():
        kind, query = _as_number(base, query_text)  # 0574-87654321 is a phone, not 幢-室
        ids = _in_address_order(session, query)
    if kind == "number":
        exact = set(
            session.scalars(query.with_only_columns(h.id).where(h.room == query_text)).all()
        )
        ids.sort(key=lambda i: i not in exact)  # stable: exact rooms first, each in order
    return SearchResult(kind, _views(session, ids[:SEARCH_LIMIT], on), len(ids))


def _as_number(base: Any, text: str) -> tuple[str, Any]:
    """Digits: a room number containing them, or (four digits or more) a phone."""
    h = Household
    digits = text.replace("-", "")
    matches = [h.room.contains(text, autoescape=True)]
    if len(digits) >= 4:
        phone_digits = func.replace(h.phone, "-", "")
        matches.append(phone_digits.contains(digits, autoescape=True))
    return "number", base.where(or_(*matches))


def _understand(base: Any, text: str) -> tuple[str, Any]:
    """How the search text is read, and the query for it."""
    h = Household
    if rules.CODE_RE.fullmatch(text.upper()):
        return "code", base.where(h.code == text.upper())
    try:
        building, entrance, room = rules.clean_address(text)
    except ValueError:
        pass
    else:
        return "address", base.where(
            Building.number == building, h.entrance == entrance, h.room == room
        )
    for pattern, kind in ((_BUILDING_ROOM, "address"), (_BUILDING_ONLY, "building")):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        try:
            building = rules.clean_building(match["building"])
            room = rules.clean_room(match["room"]) if kind == "address" else ""
        except ValueError:
            continue
        query = base.where(Building.number == building)
        return kind, (query.where(h.room == room) if room else query)
    if text.replace("-", "").isdigit():
        return _as_number(base, text)
    room_like = h.room.contains(text, autoescape=True)
    return "name", base.where(or_(h.owner_name.contains(text, autoescape=True), room_like))
