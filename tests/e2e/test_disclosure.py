"""A disclosure from draft to publication: the steward prepares and submits it, a committee
member signs it off in the approval inbox, the steward publishes it; the supervisor sees
the estate in the community overview."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.seed import seed_estate, seed_people
from trustfund import approvals
from trustfund.db.models.disclosure import DisclosureVersion

pytestmark = pytest.mark.e2e


def _statuses(server: LiveServer) -> list[tuple[str, str | None]]:
    """Each version's status and its approval request's status."""
    with server.session() as s:
        out = []
        for v in s.scalars(select(DisclosureVersion)):
            request = approvals.current_request(s, "disclosure", v.id)
            out.append((v.status.value, request.status.value if request else None))
        return out


def test_disclosure_is_prepared_signed_off_and_published(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)

    sign_in(phone, server, "steward")
    phone.click("section.estate a:has-text('公示')")
    # a period that is not one is refused next to the field
    phone.fill("#f-period", "上个月")
    phone.click("button:has-text('生成草稿')")
    expect(phone.locator("#e-period")).to_be_visible()
    expect(phone.locator("#f-period")).to_have_value("上个月")
    phone.fill("#f-period", "2026-01")
    phone.click("button:has-text('生成草稿')")
    expect(phone.locator("h1")).to_contain_text("公示草稿")
    # five households paid 200.00 in January: 1,000.00 of income in the period
    expect(phone.locator("table.funds")).to_contain_text("1,000.00")
    shoot(phone, server, "disclosure-preview")
    document = phone.request.get(
        f"{server.url}/staff/{world.slug}/disclosures/preview.html?period=2026-01"
    )
    assert document.status == 200 and "柳汀小区" in document.text()
    phone.click("button:has-text('提交审核')")
    expect(phone.locator("[role=status]")).to_contain_text("已提交业委会审核")
    expect(phone.locator("table.versions")).to_contain_text("待业委会审核")
    assert _statuses(server) == [("submitted", "pending")]
    phone.click("header button:has-text('退出')")

    sign_in(phone, server, "committee1")
    phone.click("section.estate a:has-text('审批')")
    phone.click("a.approval-card:has-text('财务公示')")
    expect(phone.locator("main")).to_contain_text("公示期间 2026-01")
    expect(phone.locator("main")).to_contain_text("周红梅")
    shoot(phone, server, "approval-disclosure")
    phone.click("button[value=approve]")
    expect(phone.locator("[role=status]")).to_contain_text("已批准")
    assert _statuses(server) == [("submitted", "approved")]
    expect(phone.locator("main")).not_to_contain_text("财务公示")
    phone.click("header button:has-text('退出')")

    sign_in(phone, server, "steward")
    phone.goto(f"{server.url}/staff/{world.slug}/disclosures")
    expect(phone.locator("table.versions")).to_contain_text("已批准，待发布")
    phone.click("table.versions button:has-text('发布')")
    expect(phone.locator("[role=status]")).to_contain_text("已发布")
    assert _statuses(server) == [("published", "approved")]
    shoot(phone, server, "disclosures")
    phone.click("table.versions a:has-text('查看')")
    expect(phone.locator("body")).to_contain_text("柳汀小区")
    phone.goto(f"{server.url}/staff")
    phone.click("header button:has-text('退出')")

    sign_in(phone, server, "supervisor")
    expect(phone.locator("section.estate")).to_contain_text("社区监督")
    phone.click("a:has-text('社区总览')")
    expect(phone.locator("main")).to_contain_text("柳汀小区")
    expect(phone.locator("main")).to_contain_text("2026-01")
    shoot(phone, server, "supervisor-overview")
    # supervisors read, they do not take money
    phone.goto(f"{server.url}/staff/{world.slug}/households/{world.codes['2-1-201']}")
    expect(phone.locator("h1")).to_have_text("2幢1单元201室")
    expect(phone.locator("button:has-text('收款并开收据')")).to_have_count(0)
