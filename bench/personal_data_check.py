"""The personal-data check of one entry, before and after the normalised keys (issue 14.7).

    python bench/personal_data_check.py [--households 2000] [--runs 500] [--postgres URL]

Builds one estate of N households (owner names of two or three characters, mobile numbers;
through the ORM, so the model sets each household's keys) and times, in the same run and on
the same database, the check of one entry's texts (narration, payee, three metadata values,
as a fee payment or a claim payment writes them):

- **before**: the check as it was on main before the keys (kept verbatim below): a regex for
  mobile numbers, then one query comparing ``trim(owner_name)`` and ``phone`` with dashes,
  spaces and plus signs replaced away, computed for every household on every check;
- **after**: ``journal.service.personal_data_problems`` — the texts brought to their keys in
  Python (``ledger.privacy``), one query over the stored ``name_key``/``phone_key`` (index
  ``ix_households_privacy_keys``).

Both read the households in the database; neither loads them into Python. Medians of
``--runs`` checks of harmless entries (the common case, every household compared) after a
warm-up, and of an entry naming an owner (refused). Also checks both refuse the plain name
and that only "after" refuses ``鲁 磊``-style spellings.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, create_engine, func, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from trustfund.db.migrate import upgrade
from trustfund.db.models.estates import Building, Estate, Household, Site
from trustfund.db.session import make_engine, make_session_factory
from trustfund.journal import service

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"

#: An entry's texts as a fee payment and a claim payment write them (harmless).
HARMLESS = [
    ("narration", "2026年度综合服务费(预收) 收据2026-000123"),
    ("payee", "甬安维修公司"),
    ("meta.household", "H-7K2Q9D"),
    ("meta.receipt", "2026-000123"),
    ("meta.note", "3幢1单元502室 楼道灯维修 2026-03-15 金额 1385.00"),
]


# --- before: the check on main before the keys, verbatim ---------------------------------

MOBILE = re.compile(r"(?<!\d)1[3-9](?:[ -]?\d){9}(?!\d)")


def _mentions_person_query(position: Any) -> Select[Any]:
    name = func.trim(Household.owner_name)
    digits = func.replace(func.replace(func.replace(Household.phone, "-", ""), " ", ""), "+", "")
    texts = bindparam("texts", type_=String)
    squeezed = bindparam("squeezed", type_=String)
    return (
        select(Household.id)
        .where(
            Household.estate_id == bindparam("estate_id"),
            or_(
                and_(func.length(name) >= 2, position(texts, name) > 0),
                and_(func.length(digits) >= 7, position(squeezed, digits) > 0),
            ),
        )
        .limit(1)
    )


_MENTIONS_PERSON = {
    "postgresql": _mentions_person_query(func.strpos),
    "sqlite": _mentions_person_query(func.instr),
}


def _mentions_household_person(
    session: Session, estate_id: int, fields: Sequence[tuple[str, str]]
) -> bool:
    connection = session.connection()
    hit = connection.execute(
        _MENTIONS_PERSON[connection.dialect.name],
        {
            "estate_id": estate_id,
            "texts": "\n".join(value for _, value in fields),
            "squeezed": "\n".join(re.sub(r"[\s()+-]", "", value) for _, value in fields),
        },
    ).first()
    return hit is not None


def before(session: Session, estate_id: int, fields: Sequence[tuple[str, str]]) -> list[str]:
    problems = [name for name, value in fields if MOBILE.search(value)]
    candidates = [(name, value) for name, value in fields if name not in problems]
    if candidates and _mentions_household_person(session, estate_id, candidates):
        problems += [
            name
            for name, value in candidates
            if _mentions_household_person(session, estate_id, [(name, value)])
        ]
    return problems


def after(session: Session, estate_id: int, fields: Sequence[tuple[str, str]]) -> list[str]:
    return [name for name, _ in service.personal_data_problems(session, estate_id, fields)]


# --- the estate -------------------------------------------------------------------------


def build(session: Session, households: int) -> tuple[int, str]:
    """The estate and the name of one of its owners."""
    rng = random.Random(14)
    estate = Estate(slug="bench", name="基准小区")
    session.add(estate)
    session.flush()
    site = Site(estate_id=estate.id, code="S1", name="一区")
    session.add(site)
    session.flush()
    buildings = [Building(estate_id=estate.id, site_id=site.id, number=str(b)) for b in range(40)]
    session.add_all(buildings)
    session.flush()
    owner = ""
    for i in range(households):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        owner = owner or name
        session.add(
            Household(
                estate_id=estate.id,
                building_id=buildings[i % 40].id,
                entrance=str(i // 40 % 5 + 1),
                room=str(100 + i),
                code=f"H-{i:06d}",
                owner_name=name,
                phone=f"13{rng.randint(3, 9)}{rng.randint(0, 99_999_999):08d}",
            )
        )
    session.commit()
    return estate.id, owner


def median_ms(check: Callable[[], object], runs: int) -> float:
    for _ in range(20):
        check()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        check()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--postgres", default="", help="server URL to create a database on")
    args = parser.parse_args()

    name = ""
    if args.postgres:
        name = f"tf_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='tf-bench-')) / 'bench.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        session = make_session_factory(engine)()
        estate_id, owner = build(session, args.households)
        if engine.dialect.name == "postgresql":
            with engine.connect() as c:
                c.execute(text("ANALYZE households"))
        named = [*HARMLESS[:2], ("meta.note", f"付款给{owner}")]
        spaced = [*HARMLESS[:2], ("meta.note", f"付款给{' '.join(owner)}")]
        assert before(session, estate_id, HARMLESS) == [] == after(session, estate_id, HARMLESS)
        assert (
            before(session, estate_id, named) == ["meta.note"] == after(session, estate_id, named)
        )
        assert before(session, estate_id, spaced) == [] and after(session, estate_id, spaced) == [
            "meta.note"
        ]
        rows = {}
        for label, fields in (("harmless entry", HARMLESS), ("entry naming an owner", named)):
            old = median_ms(lambda f=fields: before(session, estate_id, f), args.runs)
            new = median_ms(lambda f=fields: after(session, estate_id, f), args.runs)
            rows[label] = (old, new)
        session.close()
    finally:
        engine.dispose()
        if name:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))

    print(
        f"{engine.dialect.name}, {args.households} households, median of {args.runs} checks, "
        f"{platform.node()}"
    )
    print("| entry | before (ms) | after (ms) | after ÷ before |")
    print("|---|---|---|---|")
    for label, (old, new) in rows.items():
        print(f"| {label} | {old:.3f} | {new:.3f} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
