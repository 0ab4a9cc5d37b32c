"""Build small estates for fee tests straight from the tables (fast, no HTTP)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)
from trustfund.fees.schedule import approve_schedule, save_schedule
from trustfund.fees.schemas import ComponentIn, ScheduleIn
from trustfund.journal.service import open_books

DEMO_COMPONENTS = [
    ComponentIn(fund="electricity", name="公共电费", amount="50.00"),
    ComponentIn(fund="maintenance", name="公共设施维护", amount="90.00"),
    ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
]
STEWARD = 1
COMMITTEE = 2


def make_fee_estate(
    session: Session,
    *,
    households: int = 4,
    vacant: int = 1,
    slug: str = "feetest",
    since: date = date(2020, 1, 1),
) -> Estate:
    """An estate with one building and ``households`` households (the last ``vacant`` of
    them vacant), books opened on ``since``; owners have names and phones (to prove they
    never leak)."""
    estate = Estate(slug=slug, name="测试小区", timezone="Asia/Shanghai")
    session.add(estate)
    session.flush()
    site = Site(estate_id=estate.id, code="S1", name="一区")
    session.add(site)
    session.flush()
    building = Building(estate_id=estate.id, site_id=site.id, number="3")
    session.add(building)
    session.flush()
    for i in range(households):
        h = Household(
            estate_id=estate.id,
            building_id=building.id,
            entrance="1",
            room=f"{101 + i}",
            code=f"H-T{i:05d}"[:8].replace("0", "A").replace("1", "B"),
            owner_name=f"业主{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}",
            phone=f"1380000{i:04d}",
        )
        session.add(h)
        session.flush()
        status = Occupancy.VACANT if i >= households - vacant else Occupancy.OCCUPIED
        session.add(HouseholdOccupancy(household_id=h.id, status=status, effective_from=since))
    open_books(session, estate.id, on=since)
    session.commit()
    return estate


def approved_schedule(session: Session, estate_id: int, fee_year: int, percent: str = "50") -> None:
    save_schedule(
        session,
        estate_id,
        fee_year,
        ScheduleIn(components=DEMO_COMPONENTS, vacancy_rule="percent", vacancy_percent=percent),
        actor_user_id=STEWARD,
    )
    from trustfund.fees.schedule import get_schedule

    schedule = get_schedule(session, estate_id, fee_year)
    approve_schedule(
        session, estate_id, fee_year, content_hash=schedule.content_hash, actor_user_id=COMMITTEE
    )


def money(value: str) -> Decimal:
    return Decimal(value)
