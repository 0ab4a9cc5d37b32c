"""Issue 17: the supervisor's page names estates (not slugs), shows each estate's cash on
hand and pending approvals, and links into the estate's pages. 375 px, no horizontal
overflow. Estate built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_supervisor_sees_names_cash_pending_and_links(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    world.person("jianducha", "监督查", "supervisor", community="兰亭社区")
    world.pay_cash("1-1-9", "200.00", "2026-02-01")
    world.claim("宁波市水电维修部", "380.00", "楼道声控灯更换")

    sign_in(page, server, "jianducha")
    page.click("a[href='/supervisor']")
    card = page.locator("section.card", has_text="兰亭小区")
    expect(card).to_be_visible()
    # 100.00 opening cash + 200.00 received, nothing deposited; one claim waiting
    expect(card.locator(".figures")).to_contain_text("管家手头现金 300.00 元")
    expect(card.locator(".figures")).to_contain_text("待审批 1 项")
    expect(page.locator("main > p.error")).to_have_text("逾期未公示：兰亭小区")
    expect(page.locator("main")).not_to_contain_text("lanting")
    fits(page)
    shoot(page, server, "supervisor", phone=PHONE_375)

    card.locator("a:has-text('欠费')").click()
    expect(page.locator("h1")).to_contain_text("兰亭小区")
    fits(page)
