"""Demo step: the estate youhe (游河小区) and the people who run it.

Modelled on the reference estate: 14 sites (零星住宅), 30 buildings, 1,143 households built in
the 1980s–90s, about 12% vacant (空户), a few occupancy changes during 2026. Everything is
drawn from seeded random generators, so a fresh run always produces the same households,
codes, owners and phones. Names and phone numbers are invented (phones are 1380000xxxx).

Safe to run twice: the estate, each household (by address), each occupancy change and each
person are added only when missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.auth import users
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Building, Estate, Household, HouseholdOccupancy, Occupancy
from trustfund.estates import service
from trustfund.estates.households import AddressBook, CleanHousehold
from trustfund.estates.occupancy import occupancies_on
from trustfund.settings import Settings

SLUG = "youhe"
NAME = "游河小区"
COMMUNITY = "游河社区"
STREET_OFFICE = "白云街道"
ADDRESS = "白云街道游河路一带（演示数据）"

HOUSEHOLDS = 1143
VACANT_SHARE = Decimal("0.12")
SINCE = date(2025, 1, 1)
PASSWORD = "demo-password"  # noqa: S105 — demo only, printed in the summary

#: (code, name, buildings): 14 sites, 30 buildings; S01 is the concentrated estate proper.
SITES: tuple[tuple[str, str, int], ...] = (
    ("S01", "游河小区", 8),
    ("S02", "柳汀巷", 3),
    ("S03", "西河街12弄", 2),
    ("S04", "青石桥弄", 2),
    ("S05", "槐树里", 2),
    ("S06", "永丰巷", 2),
    ("S07", "南塘街7号", 2),
    ("S08", "望春里", 2),
    ("S09", "小沙泥街", 2),
    ("S10", "水仓弄", 1),
    ("S11", "桂井巷", 1),
    ("S12", "平桥街", 1),
    ("S13", "紫薇巷", 1),
    ("S14", "迎春里", 1),
)

#: Occupancy changes during 2026: five households leave, four vacant ones are moved into.
MOVE_OUTS_2026 = (
    date(2026, 3, 15),
    date(2026, 4, 10),
    date(2026, 6, 30),
    date(2026, 8, 15),
    date(2026, 10, 8),
)
MOVE_INS_2026 = (date(2026, 2, 20), date(2026, 5, 1), date(2026, 7, 20), date(2026, 9, 1))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蒋蔡余杜叶程"
    "魏苏吕丁沈任姚卢傅钟姜崔谭陆范汪廖石金贾夏韦方邹熊白孟秦邱侯江薛段雷龙史陶贺毛顾龚邵"
    "钱戴严孔汤康乔施洪柯庄章鲁俞柳包舒阮应竺虞"
)
GIVEN = "国建明华英芳秀兰玉军伟强丽敏静磊洋勇杰娟涛超霞平刚桂珍红云海燕萍春林宁波慧晓文辉浩宇志成凤琴荣亮德福金瑞雪婷琳新利良嘉欣"


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    roles: tuple[str, ...]  # roles in the estate; "supervisor" means the estate's community
    is_admin: bool = False


PEOPLE: tuple[Person, ...] = (
    Person("steward", "周红梅", ("steward",)),
    # The 7 standing members of the 7+X council; the first four also sit on the committee.
    Person("committee1", "侯景萍", ("committee", "council")),
    Person("committee2", "陈国强", ("committee", "council")),
    Person("committee3", "王秀兰", ("committee", "council")),
    Person("committee4", "林建华", ("committee", "council")),
    Person("council1", "徐丽敏", ("council",)),
    Person("council2", "张志成", ("council",)),
    Person("council3", "俞晓燕", ("council",)),
    Person("supervisor", "蒋玉芳", ("supervisor",)),
    Person("admin", "系统管理员", (), is_admin=True),
)


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def plan_households() -> list[tuple[str, CleanHousehold]]:
    """``(site code, household)`` for all 1,143 households, in address order, deterministic."""
    rng = random.Random("youhe-layout")  # noqa: S311 — reproducible demo data
    rooms: list[tuple[str, str, str, str]] = []  # (site, building, entrance, room)
    number = 0
    for site_code, _, count in SITES:
        for _ in range(count):
            number += 1
            entrances = rng.choice((3, 3, 4))
            floors = rng.choice((5, 6, 7))
            for unit in range(1, entrances + 1):
                for floor in range(1, floors + 1):
                    for k in (1, 2):
                        rooms.append((site_code, str(number), str(unit), f"{floor}0{k}"))
    # Some ground-floor flats became shops or storerooms: drop them until 1,143 remain.
    ground = [r for r in rooms if r[3].startswith("1")]
    drop = set(rng.sample(ground, len(rooms) - HOUSEHOLDS))
    rooms = [r for r in rooms if r not in drop]
    assert len(rooms) == HOUSEHOLDS, len(rooms)

    vacant_count = int(HOUSEHOLDS * VACANT_SHARE)
    vacant = set(rng.sample(range(HOUSEHOLDS), vacant_count))
    people = random.Random("youhe-people")  # noqa: S311
    plan = []
    for index, (site_code, building, entrance, room) in enumerate(rooms):
        has_owner = people.random() < 0.93
        phone_kind = people.random()
        phone = None
        if has_owner and phone_kind < 0.85:
            phone = f"1380000{index + 1:04d}"
        elif has_owner and phone_kind < 0.90:
            phone = f"0574-8700{index + 1:04d}"
        area = Decimal(str(round(people.uniform(38, 98), 1))).quantize(Decimal("0.01"))
        plan.append(
            (
                site_code,
                CleanHousehold(
                    building=building,
                    entrance=entrance,
                    room=room,
                    site=site_code,
                    status=Occupancy.VACANT if index in vacant else Occupancy.OCCUPIED,
                    since=SINCE,
                    owner_name=_name(people) if has_owner else None,
                    phone=phone,
                    area_m2=area if people.random() < 0.95 else None,
                ),
            )
        )
    return plan


def _changes(plan: list[tuple[str, CleanHousehold]]) -> list[tuple[int, Occupancy, date]]:
    """The 2026 changes as ``(index in plan, new status, effective date)``, spread over the
    estate."""
    vacant = [i for i, (_, h) in enumerate(plan) if h.status is Occupancy.VACANT]
    occupied = [i for i, (_, h) in enumerate(plan) if h.status is Occupancy.OCCUPIED]
    move_ins = [
        (vacant[k * len(vacant) // len(MOVE_INS_2026) + 3], Occupancy.OCCUPIED, when)
        for k, when in enumerate(MOVE_INS_2026)
    ]
    move_outs = [
        (occupied[k * len(occupied) // len(MOVE_OUTS_2026) + 37], Occupancy.VACANT, when)
        for k, when in enumerate(MOVE_OUTS_2026)
    ]
    return sorted(move_ins + move_outs)


def _estate(session: Session, settings: Settings) -> Estate:
    existing = session.scalar(select(Estate).where(Estate.slug == SLUG))
    if existing is not None:
        return existing
    estate = Estate(
        slug=SLUG,
        name=NAME,
        address=ADDRESS,
        community=COMMUNITY,
        street_office=STREET_OFFICE,
        timezone=settings.timezone,
    )
    session.add(estate)
    session.flush()
    return estate


def _households(session: Session, estate: Estate) -> int:
    plan = plan_households()
    book = AddressBook(session, estate)
    for code, name, _count in SITES:
        book.site(code, name)
    codes = random.Random("youhe-codes")  # noqa: S311
    added = 0
    by_index: list[Household] = []
    for _site, row in plan:
        existing = book.households.get(row.key)
        if existing is None:
            existing = book.add(row, codes)
            added += 1
        by_index.append(existing)
    session.flush()
    for index, status, when in _changes(plan):
        household = by_index[index]
        if all(r.effective_from != when for r in household.occupancies):
            household.occupancies.append(HouseholdOccupancy(status=status, effective_from=when))
    session.flush()
    return added


def _people(session: Session, estate: Estate) -> int:
    """Users and memberships through the auth service (``grant_membership`` returns an
    existing membership); returns how many users were added."""
    added = 0
    for person in PEOPLE:
        user = users.find_user(session, person.username)
        if user is None:
            user = users.create_user(
                session, person.username, PASSWORD, person.display_name, is_admin=person.is_admin
            )
            added += 1
        for role in person.roles:
            if role == Role.SUPERVISOR:
                users.grant_membership(session, user, role, community=estate.community)
            else:
                users.grant_membership(session, user, role, estate_id=estate.id)
    return added


def run(session: Session, settings: Settings) -> str:
    estate = _estate(session, settings)
    added = _households(session, estate)
    people_added = _people(session, estate)
    today = service.today_in(estate)
    statuses = occupancies_on(session, estate.id, today)
    vacant = sum(1 for s in statuses.values() if s is Occupancy.VACANT)
    total = session.scalar(select(func.count(Household.id)).where(Household.estate_id == estate.id))
    buildings = session.scalar(
        select(func.count(Building.id)).where(Building.estate_id == estate.id)
    )
    return (
        f"{SLUG} {NAME}: {len(SITES)} sites, {buildings} buildings, {total} households "
        f"({vacant} vacant on {today}), {added} added; "
        f"people {', '.join(p.username for p in PEOPLE)} ({people_added} added), "
        f"password {PASSWORD!r}"
    )
