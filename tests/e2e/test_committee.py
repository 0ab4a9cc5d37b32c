"""A committee member in the evening: the inbox, everything needed to decide on one page,
approve one request and reject another with a reason. Four eyes hold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.seed import seed_estate, seed_people
from trustfund import approvals
from trustfund.db.models.approvals import ApprovalRequest, RequestStatus
from trustfund.db.models.auth import User

pytestmark = pytest.mark.e2e


def _submit(server: LiveServer, estate_id: int, subject_id: int, amount: str, payee: str) -> int:
    """A fund transfer as the steward submitted it (a kind no package reads back, so the
    stored content is what is decided on)."""
    with server.session() as s:
        steward = s.scalar(select(User.id).where(User.username == "steward"))
        assert steward is not None
        request = approvals.submit(
            s,
            estate_id,
            subject_kind="transfer",
            subject_id=subject_id,
            content={
                "payee": payee,
                "fund": "maintenance",
                "amount": Decimal(amount),
                "description": "楼道灯更换",
                "lines": [
                    {
                        "description": "LED 灯泡",
                        "quantity": "6",
                        "unit": "个",
                        "unit_price": "25.00",
                        "amount": "150.00",
                        "over_reason": None,
                    },
                    {
                        "description": "人工",
                        "quantity": "1",
                        "unit": "次",
                        "unit_price": str(Decimal(amount) - Decimal("150.00")),
                        "amount": str(Decimal(amount) - Decimal("150.00")),
                        "over_reason": "夜间施工",
                    },
                ],
            },
            amount=Decimal(amount),
            submitted_by=steward,
        )
        s.commit()
        return request.id


def _status(
    server: LiveServer, request_id: int
) -> tuple[RequestStatus, list[tuple[str, str | None]]]:
    with server.session() as s:
        request = s.get(ApprovalRequest, request_id)
        assert request is not None
        return request.status, [(d.decision.value, d.reason) for d in request.decisions]


def test_committee_approves_one_and_rejects_another_with_a_reason(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    small = _submit(server, world.estate_id, 1, "300.00", "顺达维修部")
    large = _submit(server, world.estate_id, 2, "1200.00", "顺达维修部")

    sign_in(phone, server, "committee1")
    phone.click("section.estate a:has-text('审批')")
    cards = phone.locator("a.approval-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(1)).to_contain_text("付款后公共设施维护基金将为负数")
    shoot(phone, server, "approvals-inbox")

    # everything on one page: who, rule, lines, reference, fund after payment
    cards.first.click()
    expect(phone.locator("h1")).to_contain_text("300.00 元")
    expect(phone.locator("main")).to_contain_text("周红梅")
    expect(phone.locator("main")).to_contain_text("顺达维修部")
    expect(phone.locator("table.lines")).to_contain_text("LED 灯泡")
    expect(phone.locator("table.lines")).to_contain_text("夜间施工")
    # five households paid 90.00 each into maintenance: 450.00, 150.00 after paying 300.00
    expect(phone.locator(".fund-after")).to_contain_text("现有 450.00 元")
    expect(phone.locator(".fund-after")).to_contain_text("付款后 150.00 元")
    shoot(phone, server, "approval")
    phone.click("button[value=approve]")
    expect(phone.locator("[role=status]")).to_contain_text("已批准")
    assert _status(server, small) == (RequestStatus.APPROVED, [("approve", None)])

    # a rejection needs a reason, said next to the field
    phone.click("a.approval-card")
    expect(phone.locator("h1")).to_contain_text("1,200.00 元")
    expect(phone.locator(".fund-after")).to_contain_text("不足")
    phone.click("button[value=reject]")
    expect(phone.locator("#e-reason")).to_contain_text("驳回须写明理由")
    shoot(phone, server, "approval-error")
    assert _status(server, large) == (RequestStatus.PENDING, [])
    phone.fill("#f-reason", "维修基金不足，请分两次报")
    phone.click("button[value=reject]")
    expect(phone.locator("[role=status]")).to_contain_text("已驳回")
    assert _status(server, large) == (
        RequestStatus.REJECTED,
        [("reject", "维修基金不足，请分两次报")],
    )
    expect(phone.locator("main")).to_contain_text("没有等待您决定的事项")


def test_whoever_submitted_cannot_decide(live_server: LiveServer, phone: Page) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
        committee1 = s.scalar(select(User.id).where(User.username == "committee1"))
        assert committee1 is not None
        request = approvals.submit(
            s,
            world.estate_id,
            subject_kind="transfer",
            subject_id=7,
            content={"payee": "自己", "fund": "maintenance", "amount": "100.00"},
            amount=Decimal("100.00"),
            submitted_by=committee1,
        )
        s.commit()
        request_id = request.id
    sign_in(phone, server, "committee1")
    phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    expect(phone.locator("main")).to_contain_text("没有等待您决定的事项")
    phone.goto(f"{server.url}/staff/{world.slug}/approvals/{request_id}")
    expect(phone.locator("main")).to_contain_text("这是您提交的事项")
    expect(phone.locator("button[value=approve]")).to_have_count(0)
    # the steward has no approval pages at all
    phone.click("header button:has-text('退出')")
    sign_in(phone, server, "steward")
    response = phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    assert response is not None and response.status == 403
    assert _status(server, request_id) == (RequestStatus.PENDING, [])
