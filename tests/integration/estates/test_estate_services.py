"""Estates and households through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from trustfund.auth.principal import Membership, Principal, Role
from trustfund.db.models.estates import Estate, HouseholdOccupancy, Occupancy
from trustfund.db.session import make_session_factory
from trustfund.errors import ConflictError, NotFoundError, ValidationError
from trustfund.estates import changes, households, schemas, service
from trustfund.estates.occupancy import occupancies_on
from trustfund.estates.rules import CODE_RE
from trustfund.settings import Settings

CLI = changes.Actor(None, "cli")


def new_household(**fields: object) -> schemas.HouseholdCreate:
    values: dict[str, object] = {
        "building": "3",
        "entrance": "1",
        "room": "101",
        "occupancy": "occupied",
        "since": date(2025, 1, 1),
    }
    values.update(fields)
    return schemas.HouseholdCreate.model_validate(values)


def test_create_estate_names_every_bad_field(session: Session, settings: Settings) -> None:
    with pytest.raises(ValidationError) as caught:
        service.create_estate(
            session,
            schemas.EstateCreate(slug="Bad Slug", name="Youhe", timezone="Mars/Base"),
            default_timezone=settings.timezone,
        )
    assert [e.field for e in caught.value.errors] == ["slug", "name", "timezone"]
    assert service.list_estates(session) == []


def test_slug_is_unique(session: Session, estate: Estate, settings: Settings) -> None:
    with pytest.raises(ConflictError):
        service.create_estate(
            session,
            schemas.EstateCreate(slug="youhe", name="另一个小区"),
            default_timezone=settings.timezone,
        )
    assert estate.timezone == "Asia/Shanghai"


def test_estates_of_lists_only_estates_with_a_role(
    session: Session, estate: Estate, settings: Settings
) -> None:
    other = service.create_estate(
        session,
        schemas.EstateCreate(slug="liuting", name="柳汀小区", community="柳汀社区"),
        default_timezone=settings.timezone,
    )
    steward = Principal(1, "s", "s", memberships=(Membership(Role.STEWARD, estate_id=other.id),))
    supervisor = Principal(
        2, "v", "v", memberships=(Membership(Role.SUPERVISOR, community="游河社区"),)
    )
    admin = Principal(3, "a", "a", is_admin=True)
    nobody = Principal(4, "n", "n")
    assert [e.slug for e in service.estates_of(session, steward)] == ["liuting"]
    assert [(e.slug, e.roles) for e in service.estates_of(session, supervisor)] == [
        ("youhe", ["supervisor"])
    ]
    assert [e.slug for e in service.estates_of(session, admin)] == ["liuting", "youhe"]
    assert service.estates_of(session, nobody) == []


def test_add_household_creates_site_and_building(session: Session, estate: Estate) -> None:
    created = households.create_household(
        session, estate, new_household(owner_name="侯景萍", phone="138 0000 0001", area_m2="65.5")
    )
    assert CODE_RE.fullmatch(created.code)
    assert created.phone == "13800000001"
    assert created.area_m2 == Decimal("65.50")
    assert created.site_code == "main"
    assert [b.number for b in service.list_buildings(session, estate)] == ["3"]
    assert [(s.code, s.name, s.buildings) for s in service.list_sites(session, estate)] == [
        ("main", "游河小区", 1)
    ]


def test_the_same_address_cannot_be_added_twice(session: Session, estate: Estate) -> None:
    households.create_household(session, estate, new_household())
    with pytest.raises(ConflictError):
        households.create_household(session, estate, new_household(room="101室"))


def test_bad_household_fields_are_all_named(session: Session, estate: Estate) -> None:
    with pytest.raises(ValidationError) as caught:
        households.create_household(session, estate, new_household(room="", phone="12345"))
    assert [e.field for e in caught.value.errors] == ["room", "phone"]


def test_a_new_building_needs_a_site_once_there_are_several(
    session: Session, estate: Estate
) -> None:
    households.create_household(session, estate, new_household(building="1", site="S01"))
    households.create_household(session, estate, new_household(building="2", site="S02"))
    with pytest.raises(ValidationError) as caught:
        households.create_household(session, estate, new_household(building="9"))
    assert caught.value.errors[0].field == "site"
    with pytest.raises(ValidationError, match="building 1 is in site 'S01'"):
        households.create_household(
            session, estate, new_household(building="1", room="102", site="S02")
        )


def test_occupancy_changes_add_rows_and_never_rewrite(session: Session, estate: Estate) -> None:
    code = households.create_household(session, estate, new_household()).code
    change = schemas.OccupancyChange(status=Occupancy.VACANT, effective_from=date(2026, 3, 15))
    after = changes.change_occupancy(session, estate, code, change, CLI)
    assert [(r.status, r.effective_from) for r in after.occupancy_history] == [
        (Occupancy.OCCUPIED, date(2025, 1, 1)),
        (Occupancy.VACANT, date(2026, 3, 15)),
    ]
    with pytest.raises(ConflictError) as caught:
        changes.change_occupancy(
            session,
            estate,
            code,
            schemas.OccupancyChange(status=Occupancy.OCCUPIED, effective_from=date(2026, 3, 1)),
            CLI,
        )
    assert caught.value.errors[0].field == "effective_from"
    with pytest.raises(ValidationError, match="already vacant"):
        changes.change_occupancy(
            session,
            estate,
            code,
            schemas.OccupancyChange(status=Occupancy.VACANT, effective_from=date(2026, 6, 1)),
            CLI,
        )
    assert session.scalar(select(func.count(HouseholdOccupancy.id))) == 2
    one = changes.get_household(session, estate, code)
    assert one.occupancy is Occupancy.VACANT
    assert one.occupancy_history == after.occupancy_history


def test_unknown_household_is_not_found(session: Session, estate: Estate) -> None:
    with pytest.raises(NotFoundError):
        changes.get_household(session, estate, "H-ZZZZZZ")


def test_list_households_filters_and_pages(session: Session, estate: Estate) -> None:
    for building in ("2", "10"):
        for room in ("101", "102", "201", "1101"):
            households.create_household(
                session,
                estate,
                new_household(
                    building=building,
                    room=room,
                    occupancy="vacant" if room == "102" else "occupied",
                ),
            )
    page = households.list_households(session, estate, per_page=3)
    assert page.total == 8
    assert [(h.building, h.room) for h in page.items] == [("2", "101"), ("2", "102"), ("2", "201")]
    last = households.list_households(session, estate, per_page=3, page=3)
    assert [(h.building, h.room) for h in last.items] == [("10", "201"), ("10", "1101")]
    vacant = households.list_households(session, estate, occupancy=Occupancy.VACANT)
    assert [(h.building, h.room) for h in vacant.items] == [("2", "102"), ("10", "102")]
    assert households.list_households(session, estate, building="10幢").total == 4
    assert households.list_households(session, estate, room="10").total == 6
    assert households.list_households(session, estate, room="%").total == 0
    early = households.list_households(
        session, estate, occupancy=Occupancy.VACANT, on=date(2020, 1, 1)
    )
    assert early.total == 2  # before the first row: the first row's status
    statuses = occupancies_on(session, estate.id, date(2026, 1, 1))
    assert sorted(s.value for s in statuses.values()).count("vacant") == 2


@pytest.mark.postgres_only
def test_two_stewards_adding_the_same_address_at_once_get_a_conflict(
    engine: Engine, estate: Estate
) -> None:
    factory = make_session_factory(engine)
    outcome: list[BaseException | None] = []
    with factory() as first:
        households.add_household(first, first.merge(estate), new_household())

        def second() -> None:
            with factory() as other:
                try:
                    households.create_household(other, other.merge(estate), new_household())
                    outcome.append(None)
                except BaseException as exc:
                    outcome.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)  # blocked on the unique index until the first commits
        first.commit()
        thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError)
