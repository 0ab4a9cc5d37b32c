"""A small estate with real books for disclosure tests: opening balances, households with
owners' names and phones (personal data that must never reach a public page), the 2026
service fee charged and partly paid through the fees services, payouts with payees and
vouchers, a named and an anonymous sponsorship, and the people of the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_estate, make_household, make_user
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import pay
from trustfund.fees.schedule import approve_schedule, save_schedule
from trustfund.fees.schemas import AllocationIn, ComponentIn, PaymentIn, ScheduleIn
from trustfund.journal import service
from trustfund.ledger.accounts import BANK, autonomy_income_account, expense_account
from trustfund.ledger.entries import EntryDraft, Leg

OPENING = {
    "electricity": Decimal("3120.50"),
    "maintenance": Decimal("12480.00"),
    "garbage": Decimal("2310.00"),
    "autonomy": Decimal("5000.00"),
}
#: Owners and phones seeded into the households: none may appear in anything public.
OWNERS = [
    ("张伟明", "13800138001"),
    ("李秀英", "13912345678"),
    ("王建国", "0574-87001234"),
    ("赵丽华", "13700001111"),
    ("陈志强", "15155556666"),
    ("刘桂兰", "18600002222"),
]


@dataclass
class World:
    estate: Estate
    steward: tuple[int, str]
    committee1: tuple[int, str]
    committee2: tuple[int, str]
    supervisor: tuple[int, str]
    codes: list[str]


def payout(
    on: date, amount: str, *, payee: str, voucher: str, fund: str = "maintenance"
) -> EntryDraft:
    value = Decimal(amount)
    item = "Repairs" if fund == "maintenance" else "Bills" if fund == "electricity" else "Removal"
    return EntryDraft(
        date=on,
        narration=f"{payee}结算",
        payee=payee,
        legs=(Leg(expense_account(fund, item), value), Leg(BANK, -value)),
        meta={"voucher": voucher},
        kind="payout",
    )


def build_world(session: Session, slug: str = "youhe", community: str = "游河社区") -> World:
    estate = make_estate(session, slug, community=community, name="游河小区")
    codes = []
    for i, (name, phone) in enumerate(OWNERS):
        h = make_household(
            session,
            estate,
            building=str(1 + i % 2),
            room=f"{101 + i}",
            occupancy=Occupancy.VACANT if i == 5 else Occupancy.OCCUPIED,
        )
        h.owner_name, h.phone = name, phone
        codes.append(h.code)
    session.commit()
    steward, st = make_user(session, Role.STEWARD, estate)
    c1, t1 = make_user(session, Role.COMMITTEE, estate)
    c2, t2 = make_user(session, Role.COMMITTEE, estate)
    sup, ts = make_user(session, Role.SUPERVISOR, community=community)
    service.open_books(session, estate.id, on=date(2026, 1, 1), opening_balances=OPENING)
    schedule = save_schedule(
        session,
        estate.id,
        2026,
        ScheduleIn(
            components=[
                ComponentIn(fund="electricity", name="公共电费", amount="50.00"),
                ComponentIn(fund="maintenance", name="公共设施维护", amount="90.00"),
                ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
            ],
            vacancy_rule="percent",
            vacancy_percent="50",
        ),
        actor_user_id=steward.id,
    )
    approve_schedule(
        session, estate.id, 2026, content_hash=schedule.content_hash, actor_user_id=c1.id
    )
    issue_charges(session, estate.id, 2026)
    session.commit()
    plan = [
        (date(2026, 1, 10), "cash", codes[0], "200.00"),
        (date(2026, 2, 3), "wechat", codes[1], "200.00"),
        (date(2026, 3, 31), "bank_transfer", codes[2], "100.00"),
        (date(2026, 4, 1), "cash", codes[3], "200.00"),
        (date(2026, 5, 20), "alipay", codes[5], "100.00"),
    ]
    for on, method, code, amount in plan:
        pay(
            session,
            estate.id,
            PaymentIn(
                method=method,
                amount=amount,
                allocations=[AllocationIn(household_code=code, fee_year=2026, amount=amount)],
                paid_on=on,
                payer="业主本人",
            ),
            actor_user_id=steward.id,
        )
    entries = [
        payout(date(2026, 2, 14), "380.00", payee="城东水电维修部", voucher="PZ-2026-001"),
        payout(
            date(2026, 3, 1),
            "1250.40",
            payee="国网宁波供电公司",
            voucher="PZ-2026-002",
            fund="electricity",
        ),
        payout(
            date(2026, 5, 5),
            "600.00",
            payee="海曙环卫服务公司",
            voucher="PZ-2026-003",
            fund="garbage",
        ),
        EntryDraft(
            date=date(2026, 3, 8),
            narration="赞助小区绿化",
            payee="宁波市某某物业咨询有限公司",
            legs=(
                Leg(BANK, Decimal("2000.00")),
                Leg(autonomy_income_account("Sponsorship"), Decimal("-2000.00")),
            ),
            kind="donation",
        ),
        EntryDraft(
            date=date(2026, 3, 9),
            narration="居民捐赠垃圾桶",
            payee="一位居民",
            legs=(
                Leg(BANK, Decimal("300.00")),
                Leg(autonomy_income_account("Sponsorship"), Decimal("-300.00")),
            ),
            meta={"anonymous": "true"},
            kind="donation",
        ),
    ]
    for i, draft in enumerate(entries):
        service.post_entry(session, estate.id, draft, idempotency_key=f"world-{i}")
    session.commit()
    return World(
        estate=estate,
        steward=(steward.id, st),
        committee1=(c1.id, t1),
        committee2=(c2.id, t2),
        supervisor=(sup.id, ts),
        codes=codes,
    )


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
