"""A small estate for browser journeys: three buildings, 2026 charges issued from an
approved schedule, a few payments, and one person per role (password ``PASSWORD``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tests.factories import make_household, make_user
from tests.integration.fees.helpers import approved_schedule
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import record_payment
from trustfund.fees.schemas import AllocationIn, PaymentIn
from trustfund.journal.service import open_books

SLUG = "liuting"
FEE_YEAR = 2026


@dataclass
class World:
    estate_id: int
    slug: str
    #: household code by "building-entrance-room"
    codes: dict[str, str]


def seed_estate(session: Session) -> World:
    estate = Estate(
        slug=SLUG,
        name="柳汀小区",
        address="柳汀街 1 号",
        community="月湖社区",
        street_office="月湖街道",
        timezone="Asia/Shanghai",
    )
    session.add(estate)
    session.commit()
    codes: dict[str, str] = {}
    for building in ("1", "2", "3"):
        for entrance in ("1", "2"):
            for floor in (1, 2, 3):
                for k in (1, 2):
                    room = f"{floor}0{k}"
                    vacant = building == "3" and room == "302"
                    h = make_household(
                        session,
                        estate,
                        building=building,
                        entrance=entrance,
                        room=room,
                        occupancy=Occupancy.VACANT if vacant else Occupancy.OCCUPIED,
                        since=date(2025, 1, 1),
                    )
                    h.owner_name = f"业主{building}{entrance}{room}"
                    h.phone = f"13800{building}{entrance}0{room}"
                    codes[f"{building}-{entrance}-{room}"] = h.code
    session.commit()
    open_books(session, estate.id, on=date(2025, 1, 1))
    session.commit()
    approved_schedule(session, estate.id, FEE_YEAR)
    issue_charges(session, estate.id, FEE_YEAR)
    # building 1 has mostly paid; the others owe
    for key in ("1-1-101", "1-1-102", "1-1-201", "1-2-101", "2-1-101"):
        record_payment(
            session,
            estate.id,
            PaymentIn(
                method="cash",
                amount="200.00",
                allocations=[
                    AllocationIn(household_code=codes[key], fee_year=FEE_YEAR, amount="200.00")
                ],
                paid_on=date(2026, 1, 10),
            ),
            actor_user_id=None,
            idempotency_key=None,
        )
    return World(estate.id, estate.slug, codes)


def seed_people(session: Session, world: World) -> None:
    estate = session.get(Estate, world.estate_id)
    assert estate is not None
    make_user(session, Role.STEWARD, estate, username="steward", display_name="周红梅")
    make_user(session, Role.COMMITTEE, estate, username="committee1", display_name="侯景萍")
    make_user(session, Role.COMMITTEE, estate, username="committee2", display_name="陈国强")
    make_user(
        session,
        Role.SUPERVISOR,
        community=estate.community,
        username="supervisor",
        display_name="蒋玉芳",
    )
    make_user(session, admin=True, username="admin", display_name="系统管理员")
