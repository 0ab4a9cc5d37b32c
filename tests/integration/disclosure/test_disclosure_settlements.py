"""Settlements in the statement: lines above the reference price with the difference and the
reason, goods received (bought and donated), and expense lines annotated with voucher
numbers and the approvers' roles — never names, never an owner's name or phone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_pdf
from tests.integration.disclosure.conftest import OVER_REASON, OWNERS, Settled
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.db.models.auth import User
from trustfund.disclosure.periods import parse_period
from trustfund.disclosure.statements import build_statement, canonical_json
from trustfund.errors import ValidationError
from trustfund.settlements import claims, payouts
from trustfund.settlements.disclosure_sections import MASK_NAME, MASK_PHONE
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn


def _section(statement: dict[str, Any], key: str) -> dict[str, Any]:
    return next(x for x in statement["sections"] if x["key"] == key)


def test_reference_price_flags_vouchers_and_roles(session: Session, settled: Settled) -> None:
    s = build_statement(session, settled.world.estate, parse_period("2026Q2"))
    flags = _section(s, "reference_price_flags")
    assert flags["status"] == "ok"
    assert len(flags["rows"]) == 1  # WX-001 and WX-005 are at the reference price
    row = flags["rows"][0]
    assert row["date"] == "2026-04-15"
    assert row["claim"] == f"申请单 {settled.claim_id}"
    assert row["payee"] == settled.contractor
    assert row["line"] == "更换水泵密封件（WX-002）"
    assert (row["quantity"], row["unit_price"], row["reference_price"], row["over"]) == (
        "1套",
        "320.00",
        "280.00",
        "40.00",
    )
    # the reason is shown, with the owner's name and the phone masked
    assert row["reason"].startswith("原厂配件；")
    assert MASK_NAME in row["reason"] and MASK_PHONE in row["reason"]
    assert "李秀英" not in row["reason"] and "13912345678" not in row["reason"]
    assert flags["totals"] == {"over": "40.00"}
    assert "本期入账结算 1 笔" in flags["note"]

    line = next(x for x in s["expenditure"]["lines"] if x["seq"] == settled.payable_seq)
    assert line["amount"] == "550.00"  # 4 × 35 + 320 + 2 × 45
    assert line["date"] == "2026-04-15"
    assert line["voucher"] == settled.voucher_number
    assert line["approver_roles"] == ["业委会委员", "业委会委员"]
    assert line["payee"] == settled.contractor
    assert "40.00" in line["flag"]
    # lines that are no claim's payout keep what the entry says, unflagged
    other = next(x for x in s["expenditure"]["lines"] if x["seq"] != settled.payable_seq)
    assert (other["voucher"], other["flag"]) == ("PZ-2026-003", "")

    # roles, never the approvers' names or user names
    body = canonical_json(s).decode()
    for user_id in (settled.world.committee1[0], settled.world.committee2[0]):
        user = session.get(User, user_id)
        assert user is not None
        assert user.display_name not in body and user.username not in body
    for name, phone in OWNERS:
        assert name not in body and phone not in body


def test_goods_received_bought_and_donated(session: Session, settled: Settled) -> None:
    s = build_statement(session, settled.world.estate, parse_period("2026Q2"))
    goods = _section(s, "goods_received")
    assert goods["status"] == "ok"
    rows = [
        (r["date"], r["kind"], r["item"], r["quantity"], r["source"], r["value"])
        for r in goods["rows"]
    ]
    # the issue slip is goods going out: not listed
    assert rows == [
        ("2026-04-15", "购入", "声控灯泡", "4个", f"申请单 {settled.claim_id}", "计入结算支出"),
        ("2026-05-10", "捐赠", "分类垃圾桶", "6只", "宁波市某某物业咨询有限公司", "480.00"),
        ("2026-05-11", "捐赠", "纸巾", "2箱", MASK_NAME, "未估值"),
    ]
    assert "赵丽华" not in str(goods) and "13700001111" not in str(goods)
    assert goods["totals"] == {"value": "480.00"}
    # by period: only April's goods in 2026-04, nothing in Q1
    april = _section(
        build_statement(session, settled.world.estate, parse_period("2026-04")), "goods_received"
    )
    assert [r["item"] for r in april["rows"]] == ["声控灯泡"]
    q1 = build_statement(session, settled.world.estate, parse_period("2026Q1"))
    assert _section(q1, "goods_received")["note"] == "暂无"
    assert _section(q1, "reference_price_flags")["note"] == "暂无"


def test_claims_at_reference_say_so(session: Session, settled: Settled) -> None:
    """A period with settled claims but none above the reference price says that, not 暂无."""
    world = settled.world
    steward = world.steward[0]
    claim = claims.create_claim(
        session,
        world.estate.id,
        ClaimIn(
            payee="甬安维修有限公司",
            fund="maintenance",
            expense_item="Repairs",
            description="更换声控灯",
            work_date=date(2026, 7, 3),
            lines=[ClaimLineIn(item_code="WX-001", quantity="2", unit_price="35.00")],
        ),
        actor_user_id=steward,
    )
    claims.submit_claim(session, world.estate.id, claim.id, actor_user_id=steward)
    _approve(session, settled, claim)
    payouts.make_payable(session, world.estate.id, claim.id, actor_user_id=steward)
    session.commit()
    s = build_statement(session, world.estate, parse_period("2026-07"))
    flags = _section(s, "reference_price_flags")
    assert flags["rows"] == [] and flags["note"] == "本期入账结算 1 笔，均未超出政府参考价。"
    line = next(x for x in s["expenditure"]["lines"] if x["seq"] == claim.payable_entry_seq)
    # payable, not yet paid: booked with its approval, no voucher yet
    assert (line["voucher"], line["approver_roles"], line["flag"]) == ("", ["业委会委员"], "")


def _approve(session: Session, settled: Settled, claim: Any) -> None:
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    principal = load_principal(session, settled.world.committee1[0])
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


def test_an_owner_is_never_a_payee_of_an_expense_line(session: Session, settled: Settled) -> None:
    """Payee names are public in the expense table; an owner's name is refused when the claim
    is written (issue 14 item 7), so such a claim can never reach the statement."""
    world = settled.world
    steward = world.steward[0]
    with pytest.raises(ValidationError) as caught:
        claims.create_claim(
            session,
            world.estate.id,
            ClaimIn(
                payee=OWNERS[0][0],
                fund="maintenance",
                expense_item="Repairs",
                description="垫付材料费",
                work_date=date(2026, 7, 3),
                lines=[
                    ClaimLineIn(description="材料", unit="项", quantity="1", unit_price="60.00")
                ],
            ),
            actor_user_id=steward,
        )
    assert any(e.field == "payee" for e in caught.value.errors)
    session.rollback()
    s = build_statement(session, world.estate, parse_period("2026"))
    assert OWNERS[0][0] not in canonical_json(s).decode()
    assert OVER_REASON not in canonical_json(s).decode()
    users = session.scalars(select(User.display_name)).all()
    assert users and not any(u and u in canonical_json(s).decode() for u in users)


def test_live_data_outside_the_journal_is_never_stale(
    session: Session, settled: Settled, settings
) -> None:  # type: ignore[no-untyped-def]
    """A voucher or a goods slip added later changes the statement although the ledger head
    (the key of the cached journal figures) did not move."""
    from trustfund.settlements import goods, vouchers
    from trustfund.settlements.schemas import GoodsSlipIn

    world = settled.world
    period = parse_period("2026Q2")
    before = build_statement(session, world.estate, period)
    second = vouchers.add_voucher(
        session,
        settings.var_dir,
        world.estate.id,
        make_pdf("receipt"),
        "收据.pdf",
        claim_id=settled.claim_id,
        actor_user_id=world.steward[0],
    )
    goods.record_slip(
        session,
        world.estate.id,
        GoodsSlipIn(
            item="绿植",
            unit="盆",
            kind="donation",
            quantity="3",
            slip_date=date(2026, 6, 1),
            donor="匿名",
        ),
        actor_user_id=world.steward[0],
    )
    session.commit()
    after = build_statement(session, world.estate, period)
    assert after["ledger"] == before["ledger"]
    line = next(x for x in after["expenditure"]["lines"] if x["seq"] == settled.payable_seq)
    assert line["voucher"] == f"{settled.voucher_number}、{second.number}"
    assert _section(after, "goods_received")["rows"][-1]["item"] == "绿植"
    assert _section(after, "goods_received")["rows"][-1]["source"] == "匿名"
