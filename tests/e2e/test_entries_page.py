"""General journal entries on a 375 px phone: the steward opens 记账分录 from the staff home,
is refused a line without its account (in Chinese, under that line), proposes bank → steward's
cash by the accounts' Chinese names; the committee member opens the approval from the inbox,
reads the lines in Chinese and approves; the steward sees it posted. Nothing wider than the
screen. Estate built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import SLUG, build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_general_entry_on_a_phone(live_server: LiveServer, phone375: Page) -> None:  # noqa: F811
    server, page = live_server, phone375
    build_api_world(server)
    sign_in(page, server, "wanghong")
    page.click(f"a[href='/staff/{SLUG}/entries/']")
    expect(page.locator("h1")).to_contain_text("记账分录")
    fits(page)
    page.fill("#f-date", "2026-01-10")
    page.fill("#f-narration", "从银行取现备用")
    page.select_option("#f-account-0", label="业委会银行账户")
    page.fill("#f-amount-0", "-200.00")
    page.fill("#f-amount-1", "200.00")  # the account forgotten
    page.click("#entry-form button[type=submit]")
    expect(page.locator("#e-account-1")).to_have_text("请选择列表中的一项")
    fits(page)
    shoot(page, server, "entry-refused", phone=PHONE_375)
    page.select_option("#f-account-1", label="管家现金")
    page.click("#entry-form button[type=submit]")
    expect(page.locator("#entry-done")).to_contain_text("已提交业委会审批")
    expect(page.locator("#proposals .proposal").first).to_contain_text("待业委会审批")
    fits(page)
    shoot(page, server, "entry-proposed", phone=PHONE_375)

    page.context.clear_cookies()
    sign_in(page, server, "lijun")
    page.goto(f"{server.url}/staff/{SLUG}/approvals")
    fits(page)
    shoot(page, server, "entry-inbox", phone=PHONE_375)
    page.click("a.approval-card:has-text('从银行取现备用')")
    legs = page.locator(".entry-legs").inner_text()
    assert "业委会银行账户" in legs and "管家现金" in legs and "Assets:" not in legs
    fits(page)
    shoot(page, server, "entry-approval", phone=PHONE_375)
    page.click("button[value=approve]")
    page.goto(f"{server.url}/staff/{SLUG}/entries/")
    expect(page.locator("#proposals .proposal").first).to_contain_text("已入账")
    fits(page)
