"""A small estate with real books for disclosure tests: opening balances, households with
owners' names and phones (personal data that must never reach a public page), the 2026
service fee charged and partly paid through the fees services, payouts with payees and
vouchers, a named and an anonymous sponsorship, and the people of the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

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
from trustfund.settings import Settings

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


# --- settlements in the books (issue 5 data for the statement's sections) ---------------

#: A reason written by staff that names an owner and a phone: masked in anything public.
OVER_REASON = "原厂配件；李秀英家楼上漏水，夜间抢修（电话 13912345678）"
#: The work order's reporter and the voucher's file name are staff-only.
REPORTER = "张伟明 13800138001"
VOUCHER_FILENAME = "张伟明-维修发票.jpg"
PRICE_CSV = (
    "编码,名称,单位,单价\n"
    "WX-001,更换声控灯,个,35.00\n"
    "WX-002,更换水泵密封件,套,280.00\n"
    "WX-005,墙面修补,m²,45.00\n"
).encode()


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


@dataclass
class Settled:
    world: World
    claim_id: int
    payable_seq: int
    voucher_number: str
    contractor: str


def add_settlements(session: Session, world: World, var_dir: Path) -> Settled:
    """A contractor's claim for a reported repair, one line above the reference price with a
    reason, a voucher (marked personal, as every upload is), approved by both committee
    members and paid in April 2026; goods bought for it and donated in May."""
    from trustfund import approvals
    from trustfund.auth.identity import load_principal
    from trustfund.settlements import (
        claims,
        contracts,
        goods,
        payouts,
        prices,
        vouchers,
        workorders,
    )
    from trustfund.settlements.schemas import (
        ClaimIn,
        ClaimLineIn,
        ContractorIn,
        GoodsSlipIn,
        WorkOrderIn,
    )

    estate_id = world.estate.id
    steward_id = world.steward[0]
    contractor = contracts.add_contractor(
        session, estate_id, ContractorIn(name="甬安维修有限公司", contact="王师傅 13511112222")
    )
    prices.import_prices(session, estate_id, PRICE_CSV, "p.csv", effective_from=date(2026, 1, 1))
    order = workorders.report(
        session,
        estate_id,
        WorkOrderIn(
            building="1",
            location="三楼楼道",
            problem="水泵漏水",
            reporter=REPORTER,
            reported_on=date(2026, 4, 10),
        ),
        actor_user_id=steward_id,
    )
    claim = claims.create_claim(
        session,
        estate_id,
        ClaimIn(
            payee="甬安维修有限公司",
            contractor_id=contractor.id,
            fund="maintenance",
            expense_item="Repairs",
            description="1幢水泵及楼道维修",
            work_date=date(2026, 4, 15),
            work_order_id=order.id,
            lines=[
                ClaimLineIn(item_code="WX-001", quantity="4", unit_price="35.00"),
                ClaimLineIn(
                    item_code="WX-002", quantity="1", unit_price="320.00", over_reason=OVER_REASON
                ),
                ClaimLineIn(item_code="WX-005", quantity="2", unit_price="45.00"),
            ],
        ),
        actor_user_id=steward_id,
    )
    voucher = vouchers.add_voucher(
        session,
        var_dir,
        estate_id,
        _jpeg(),
        VOUCHER_FILENAME,
        claim_id=claim.id,
        actor_user_id=steward_id,
    )
    assert voucher.contains_personal_data
    claims.submit_claim(session, estate_id, claim.id, actor_user_id=steward_id)
    session.commit()
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    for user_id in (world.committee1[0], world.committee2[0]):
        principal = load_principal(session, user_id)
        assert principal is not None
        approvals.decide(
            session,
            request.id,
            principal=principal,
            decision=approvals.Decision.APPROVE,
            reason=None,
            content=claims.claim_content(claim),
        )
    session.commit()
    payouts.pay_claim(
        session, estate_id, claim.id, paid_on=date(2026, 4, 20), actor_user_id=steward_id
    )
    for slip in (
        GoodsSlipIn(
            item="声控灯泡",
            unit="个",
            kind="purchase",
            quantity="4",
            slip_date=date(2026, 4, 15),
            claim_id=claim.id,
        ),
        GoodsSlipIn(
            item="声控灯泡",
            unit="个",
            kind="issue",
            quantity="4",
            slip_date=date(2026, 4, 15),
            work_order_id=order.id,
        ),
        GoodsSlipIn(
            item="分类垃圾桶",
            unit="只",
            kind="donation",
            quantity="6",
            slip_date=date(2026, 5, 10),
            donor="宁波市某某物业咨询有限公司",
            estimated_value="480.00",
        ),
        GoodsSlipIn(
            item="纸巾",
            unit="箱",
            kind="donation",
            quantity="2",
            slip_date=date(2026, 5, 11),
            donor="赵丽华",
            note="赵丽华 13700001111 送来",
        ),
    ):
        goods.record_slip(session, estate_id, slip, actor_user_id=steward_id)
    session.commit()
    assert claim.payable_entry_seq is not None
    return Settled(world, claim.id, claim.payable_entry_seq, voucher.number, contractor.name)


@pytest.fixture
def settled(session: Session, world: World, settings: Settings) -> Settled:
    return add_settlements(session, world, settings.var_dir)
