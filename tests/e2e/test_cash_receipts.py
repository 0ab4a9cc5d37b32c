"""Issue 17: the steward's cash page shows the receipts behind the cash on hand and since
when (the oldest receipt not yet deposited), first in first out; the lines add up to the
cash on hand. 375 px, no horizontal overflow. Estate built from an empty database through
the API (opened with 100.00 cash in hand)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_cash_page_lists_the_receipts_behind_the_cash(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    world.pay_cash("1-1-9", "200.00", "2026-02-01")
    world.pay_cash("2-1-502", "200.00", "2026-02-03")
    world.pay_cash("10-1-502", "150.00", "2026-02-05")
    # 100 opening cash + 550 received; 350 deposited: the opening cash and the first
    # receipt are gone, 50 of the second is gone too (first in, first out)
    world.call(
        "POST",
        "steward",
        "/fees/deposits",
        headers={"Idempotency-Key": "e2e-deposit-1"},
        json={"amount": "350.00", "deposited_on": "2026-02-06"},
    )
    assert world.call("GET", "steward", "/fees/cash")["cash"] == "300.00"

    sign_in(page, server, "wanghong")
    page.click("section.estate a:has-text('现金与存款')")
    expect(page.locator(".cash-held")).to_have_text("300.00 元")
    rows = page.locator("#held tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("2026-02-03")
    expect(rows.nth(0)).to_contain_text("2幢1单元502室")
    expect(rows.nth(0)).to_contain_text("150.00")
    expect(rows.nth(0)).to_contain_text("收 200.00，已存一部分")
    expect(rows.nth(1)).to_contain_text("2026-02-05")
    expect(rows.nth(1)).to_contain_text("10幢1单元502室")
    expect(page.locator("#held tfoot")).to_contain_text("2 张收据")
    expect(page.locator("main")).to_contain_text("最早一笔未存现金收于 2026-02-03")
    fits(page)
    shoot(page, server, "cash-receipts", phone=PHONE_375)

    # the receipt opens from the list
    rows.nth(1).locator("a").first.click()
    expect(page.locator("main")).to_contain_text("150.00")
