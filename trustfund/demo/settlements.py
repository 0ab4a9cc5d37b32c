"""Demo step: a year of repairs, electricity bills and garbage removal for youhe (游河小区).

A contractor (invented: 甬安社区维修服务有限公司) with its 2026 repair contract approved by
a committee majority; the 2026 reference price list (a dozen items); work orders reported,
assigned, done and settled through claims that the steward submits and committee members
approve (one, two or three of them, by amount), a few lines above the reference price with
their reasons; monthly public electricity bills and garbage removal payments; one rejected
claim; goods bought, donated and issued. Only events dated before today are added, and a
payout is left unpaid rather than overdrawing a fund. Safe to run twice: it does nothing
once the contractor exists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.db.models.settlements import Claim, ClaimStatus, Contractor
from trustfund.demo.common import approve, principal_of
from trustfund.demo.grants import voucher_pdf
from trustfund.estates.service import today_in
from trustfund.journal.reading import fund_balances
from trustfund.settings import Settings
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
    ContractIn,
    ContractorIn,
    GoodsSlipIn,
    WorkOrderIn,
    WorkOrderStepIn,
)

D = Decimal
YEAR = 2026
CONTRACTOR = "甬安社区维修服务有限公司"
ELECTRICITY_PAYEE = "国网供电公司（公共用电户）"
GARBAGE_PAYEE = "城西环卫清运有限公司"

#: (code, name, unit, unit price): the 2026 reference prices (政府参考价格), invented.
PRICE_LIST: tuple[tuple[str, str, str, str], ...] = (
    ("WX-001", "更换声控灯", "个", "35.00"),
    ("WX-002", "更换水泵密封件", "套", "280.00"),
    ("WX-003", "疏通下水管道", "次", "150.00"),
    ("WX-004", "更换单元门闭门器", "个", "220.00"),
    ("WX-005", "墙面修补", "m²", "45.00"),
    ("WX-006", "屋面防水补漏", "m²", "85.00"),
    ("WX-007", "更换楼道窗玻璃", "m²", "120.00"),
    ("WX-008", "更换楼道照明线路", "m", "18.00"),
    ("WX-009", "更换公共水龙头", "个", "60.00"),
    ("WX-010", "更换单元门锁", "把", "160.00"),
    ("WX-011", "楼梯扶手修复", "m", "70.00"),
    ("WX-012", "更换消防应急灯", "个", "95.00"),
)

#: One repair: (reported on, building, entrance, location, problem, lines). A line is
#: (code, quantity, unit price, reason if above the reference price).
Line = tuple[str, str, str, str | None]
REPAIRS: tuple[tuple[dt.date, str, str, str, str, tuple[Line, ...]], ...] = (
    (
        dt.date(2026, 1, 12),
        "3",
        "2",
        "一至五楼楼道",
        "楼道声控灯不亮",
        (("WX-001", "6", "35.00", None),),
    ),
    (
        dt.date(2026, 1, 20),
        "7",
        "1",
        "地下水泵房",
        "水泵漏水",
        (("WX-002", "1", "320.00", "原厂密封件，参考价为通用件，通用件不匹配"),),
    ),
    (
        dt.date(2026, 2, 16),
        "12",
        "3",
        "一楼",
        "下水管道堵塞返水",
        (("WX-003", "2", "150.00", None),),
    ),
    (
        dt.date(2026, 3, 3),
        "5",
        "1",
        "单元门",
        "闭门器损坏，门关不上",
        (("WX-004", "1", "220.00", None),),
    ),
    (
        dt.date(2026, 3, 19),
        "18",
        "2",
        "三楼楼道",
        "墙面渗水起皮",
        (("WX-005", "6.5", "45.00", None), ("WX-006", "4", "85.00", None)),
    ),
    (dt.date(2026, 4, 8), "2", "1", "四楼楼道", "窗玻璃破裂", (("WX-007", "1.2", "120.00", None),)),
    (
        dt.date(2026, 4, 22),
        "9",
        "2",
        "楼道",
        "照明线路老化短路",
        (("WX-008", "35", "18.00", None), ("WX-001", "4", "35.00", None)),
    ),
    (
        dt.date(2026, 5, 11),
        "21",
        "1",
        "一楼公共水池",
        "水龙头漏水",
        (("WX-009", "2", "60.00", None),),
    ),
    (dt.date(2026, 5, 27), "14", "3", "单元门", "门锁损坏", (("WX-010", "1", "160.00", None),)),
    (
        dt.date(2026, 6, 9),
        "4",
        "2",
        "二至三楼",
        "楼梯扶手松动断裂",
        (("WX-011", "6", "78.00", "铸铁扶手需定制加工，报价三家取最低"),),
    ),
    (dt.date(2026, 6, 24), "16", "1", "屋顶", "梅雨季屋面漏水", (("WX-006", "18", "85.00", None),)),
    (
        dt.date(2026, 7, 14),
        "11",
        "2",
        "地下水泵房",
        "水泵密封件老化",
        (("WX-002", "2", "280.00", None),),
    ),
    (dt.date(2026, 7, 30), "25", "1", "楼道", "消防应急灯失效", (("WX-012", "4", "95.00", None),)),
    (dt.date(2026, 8, 17), "8", "3", "一楼", "下水管道堵塞", (("WX-003", "1", "150.00", None),)),
    (
        dt.date(2026, 9, 2),
        "13",
        "1",
        "一至六楼楼道",
        "声控灯损坏",
        (("WX-001", "8", "35.00", None),),
    ),
    (dt.date(2026, 9, 21), "27", "2", "单元门", "闭门器漏油", (("WX-004", "2", "220.00", None),)),
    (dt.date(2026, 10, 13), "6", "1", "二楼楼道", "墙面破损", (("WX-005", "3.5", "45.00", None),)),
    (
        dt.date(2026, 10, 28),
        "19",
        "2",
        "四楼楼道",
        "窗玻璃松动破损",
        (("WX-007", "2", "128.00", "夜间抢修，含高空作业安全措施费"),),
    ),
    (dt.date(2026, 11, 9), "30", "1", "单元门", "门锁失灵", (("WX-010", "1", "160.00", None),)),
)

#: Public electricity use per month (kWh) at 0.538 yuan/kWh, paid around the 25th.
ELECTRICITY_KWH = (6120, 5870, 5410, 4980, 4760, 5240, 6350, 6510, 5580, 5030, 5320)
ELECTRICITY_PRICE = "0.538"
#: Garbage removal: truck trips per month at 120.00 yuan.
GARBAGE_TRIPS = (30, 26, 29, 28, 30, 29, 31, 31, 29, 30, 28)
GARBAGE_PRICE = "120.00"


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _approve(session: Session, claim: Claim, deciders: list[User]) -> None:
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    for user in deciders:
        if request.status != approvals.RequestStatus.PENDING:
            break
        approve(session, request.id, principal_of(session, user.id), claims.claim_content(claim))


def _claim_and_pay(
    session: Session,
    estate: Estate,
    data: ClaimIn,
    *,
    steward: User,
    committee: list[User],
    rotate: int,
    paid_on: dt.date,
    var_dir: Path,
) -> Claim | None:
    """Attach the invoice (a voucher), submit, approve and (if the fund holds enough) pay a
    claim; returns it. Every paid claim has its voucher (the alert ``voucher_missing``)."""
    claim = claims.create_claim(session, estate.id, data, actor_user_id=steward.id)
    vouchers.add_voucher(
        session,
        var_dir,
        estate.id,
        voucher_pdf(f"Invoice claim {claim.id}: {claim.amount} CNY"),
        f"invoice-{claim.id}.pdf",
        claim_id=claim.id,
        actor_user_id=steward.id,
    )
    claims.submit_claim(session, estate.id, claim.id, actor_user_id=steward.id)
    order = committee[rotate % len(committee) :] + committee[: rotate % len(committee)]
    _approve(session, claim, order)
    if claim.status != ClaimStatus.APPROVED:
        return claim
    held = fund_balances(session, estate.id, as_of=data.work_date).get(data.fund, D("0.00"))
    held_now = fund_balances(session, estate.id).get(data.fund, D("0.00"))
    if min(held, held_now) < claim.amount:
        return claim  # left approved: the demo never overdraws a fund
    payouts.pay_claim(session, estate.id, claim.id, paid_on=paid_on, actor_user_id=steward.id)
    return claim


def run(session: Session, settings: Settings) -> str:
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    steward = _user(session, "steward")
    committee = [u for u in (_user(session, f"committee{i}") for i in range(1, 5)) if u]
    if estate is None or steward is None or len(committee) < 3:
        return "no estate youhe or its people: skipped"
    if session.scalar(
        select(Contractor.id).where(
            Contractor.estate_id == estate.id, Contractor.name == CONTRACTOR
        )
    ):
        return "settlements exist"
    last_day = today_in(estate) - dt.timedelta(days=1)

    contractor = contracts.add_contractor(
        session,
        estate.id,
        ContractorIn(name=CONTRACTOR, credit_code="91330200MA2DEMO01X", contact="维修部 李师傅"),
    )
    contract = contracts.add_contract(
        session,
        estate.id,
        ContractIn(
            contractor_id=contractor.id,
            title=f"{YEAR}年度小区公共设施维修承揽合同",
            scope="楼道照明、给排水、单元门、屋面防水、墙面等公共设施的日常维修，按实际支出结算，"
            "单价不高于政府参考价格，高出部分须书面说明。",
            starts_on=dt.date(YEAR, 1, 1),
            estimated_amount="36000.00",
        ),
        actor_user_id=steward.id,
    )
    request = contracts.submit_contract(session, estate.id, contract.id, actor_user_id=steward.id)
    for user in committee[:3]:
        principal = principal_of(session, user.id)
        approve(session, request.id, principal, contracts.contract_content(contract))

    rows = [{"code": c, "name": n, "unit": u, "unit_price": D(p)} for c, n, u, p in PRICE_LIST]
    prices.add_price_list(
        session,
        estate.id,
        rows,
        effective_from=dt.date(YEAR, 1, 1),
        source="区住建局公共设施维修参考价格（演示数据）",
        actor_user_id=steward.id,
    )

    paid = over = 0
    for n, (reported, building, entrance, location, problem, lines) in enumerate(REPAIRS):
        done_on = reported + dt.timedelta(days=3)
        paid_on = reported + dt.timedelta(days=8)
        if paid_on > last_day:
            continue
        order = workorders.report(
            session,
            estate.id,
            WorkOrderIn(
                building=building,
                entrance=entrance,
                location=location,
                problem=problem,
                reporter=f"{building}幢{entrance}单元住户",
                reported_on=reported,
            ),
            actor_user_id=steward.id,
        )
        workorders.advance(
            session,
            estate.id,
            order.id,
            WorkOrderStepIn(
                status="assigned",
                on=reported + dt.timedelta(days=1),
                contractor_id=contractor.id,
            ),
        )
        workorders.advance(session, estate.id, order.id, WorkOrderStepIn(status="done", on=done_on))
        claim = _claim_and_pay(
            session,
            estate,
            ClaimIn(
                payee=CONTRACTOR,
                contractor_id=contractor.id,
                fund="maintenance",
                expense_item="Repairs",
                description=f"{building}幢{entrance}单元{location}：{problem}",
                work_date=done_on,
                work_order_id=order.id,
                lines=[
                    ClaimLineIn(item_code=code, quantity=qty, unit_price=price, over_reason=why)
                    for code, qty, price, why in lines
                ],
            ),
            steward=steward,
            committee=committee,
            rotate=n,
            paid_on=paid_on,
            var_dir=settings.var_dir,
        )
        if claim is not None and claim.status == ClaimStatus.PAID:
            paid += 1
            over += sum(1 for line in claim.lines if line.over_reference is not None)
            workorders.advance(
                session,
                estate.id,
                order.id,
                WorkOrderStepIn(status="settled", on=paid_on, claim_id=claim.id),
            )

    bills = 0
    for month in range(1, 12):
        work_date = dt.date(YEAR, month, 25)
        paid_on = dt.date(YEAR, month, 28)
        if paid_on > last_day:
            break
        kwh = ELECTRICITY_KWH[month - 1]
        for data in (
            ClaimIn(
                payee=ELECTRICITY_PAYEE,
                fund="electricity",
                expense_item="Bills",
                description=f"{YEAR}年{month}月公共用电（楼道照明、水泵、门禁）",
                work_date=work_date,
                lines=[
                    ClaimLineIn(
                        description=f"{month}月公共用电",
                        quantity=str(kwh),
                        unit="千瓦时",
                        unit_price=ELECTRICITY_PRICE,
                    )
                ],
            ),
            ClaimIn(
                payee=GARBAGE_PAYEE,
                fund="garbage",
                expense_item="Removal",
                description=f"{YEAR}年{month}月生活垃圾清运",
                work_date=work_date,
                lines=[
                    ClaimLineIn(
                        description="生活垃圾清运",
                        quantity=str(GARBAGE_TRIPS[month - 1]),
                        unit="车次",
                        unit_price=GARBAGE_PRICE,
                    )
                ],
            ),
        ):
            claim = _claim_and_pay(
                session,
                estate,
                data,
                steward=steward,
                committee=committee,
                rotate=month,
                paid_on=paid_on,
                var_dir=settings.var_dir,
            )
            bills += claim is not None and claim.status == ClaimStatus.PAID

    # One claim the committee rejects: a price far above the reference, no quote attached.
    rejected = claims.create_claim(
        session,
        estate.id,
        ClaimIn(
            payee=CONTRACTOR,
            contractor_id=contractor.id,
            fund="maintenance",
            expense_item="Repairs",
            description="全部单元门闭门器更换（批量）",
            work_date=dt.date(YEAR, 8, 5),
            lines=[
                ClaimLineIn(
                    item_code="WX-004",
                    quantity="12",
                    unit_price="300.00",
                    over_reason="批量更换，品牌闭门器",
                )
            ],
        ),
        actor_user_id=steward.id,
    )
    claims.submit_claim(session, estate.id, rejected.id, actor_user_id=steward.id)
    pending = approvals.current_request(session, "claim", rejected.id)
    assert pending is not None
    approvals.decide(
        session,
        pending.id,
        principal=principal_of(session, committee[1].id),
        decision=approvals.Decision.REJECT,
        reason="单价高出参考价36%，未附三家询价；请询价后重新提交",
        content=claims.claim_content(rejected),
    )

    # Goods: bulbs bought, some issued to work orders; bins and tissues donated.
    first_order = session.scalar(
        select(Claim.work_order_id)
        .where(Claim.estate_id == estate.id, Claim.work_order_id.is_not(None))
        .order_by(Claim.id)
    )
    slips = [
        GoodsSlipIn(
            item="声控灯泡",
            unit="个",
            kind="purchase",
            quantity="40",
            slip_date=dt.date(YEAR, 1, 8),
            note="备用",
        ),
        GoodsSlipIn(
            item="声控灯泡",
            unit="个",
            kind="issue",
            quantity="6",
            slip_date=dt.date(YEAR, 1, 13),
            work_order_id=first_order,
        ),
        GoodsSlipIn(
            item="分类垃圾桶",
            unit="只",
            kind="donation",
            quantity="12",
            slip_date=dt.date(YEAR, 3, 12),
            donor="社区爱心企业",
            estimated_value="960.00",
        ),
        GoodsSlipIn(
            item="分类垃圾桶",
            unit="只",
            kind="issue",
            quantity="8",
            slip_date=dt.date(YEAR, 3, 15),
            note="放置于S01各楼下",
        ),
        GoodsSlipIn(
            item="纸巾",
            unit="箱",
            kind="donation",
            quantity="5",
            slip_date=dt.date(YEAR, 5, 20),
            donor="匿名居民",
        ),
    ]
    for slip in slips:
        if slip.slip_date <= last_day:
            goods.record_slip(session, estate.id, slip, actor_user_id=steward.id)

    return (
        f"contractor {CONTRACTOR} with its {YEAR} contract approved by 3 committee members; "
        f"{len(PRICE_LIST)} reference prices; {paid} repairs settled ({over} lines above "
        f"reference, with reasons), {bills} electricity/garbage payments, 1 rejected claim"
    )
