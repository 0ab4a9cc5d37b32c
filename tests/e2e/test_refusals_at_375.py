"""At 375 px, in a phone's browser: a claim's pay form and a work order's settle step tapped
on a page gone stale (the claim was edited, so its approval is void) show the refusal where
the steward looks — at the top of the page with no pay form left, at the top of the step
form — and the bank page says its problems' amounts in the money format (``20,000.00``).
No page wider than the screen. Estate built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.api_flows import approve_claim, done_work_order, lamp_claim, lamp_claim_body
from tests.e2e.api_world import SLUG, build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_refusals_shown_at_375_px(live_server: LiveServer, phone375: Page) -> None:  # noqa: F811
    server, page = live_server, phone375
    world = build_api_world(server)
    contractor = world.call("POST", "steward", "/contractors", json={"name": "兰亭水电维修部"})
    order = done_work_order(world.call, "steward", contractor["id"])
    claim = lamp_claim(world.call, "steward", "30", order)
    approve_claim(world.call, "steward", claim["id"], ("lijun",))
    sign_in(page, server, "wanghong")
    base = f"{server.url}/staff/{SLUG}"

    # the pay form on screen; meanwhile the claim is edited (back to draft): tap pay
    page.goto(f"{base}/claims/{claim['id']}")
    expect(page.locator("#pay")).to_be_visible()
    edited = lamp_claim_body("30", order, description="换灯（改）")
    world.call("PUT", "steward", f"/claims/{claim['id']}", json=edited)
    page.click("#pay button[type=submit]")
    expect(page.locator("main > .alert")).to_contain_text("只有已批准的报销才能付款")
    expect(page.locator("#pay")).to_have_count(0)
    fits(page)
    shoot(page, server, "refusal-claim-pay-unapproved", phone=PHONE_375)

    # the settle step on screen with the claim approved; then edited: tap 结算
    approve_claim(world.call, "steward", claim["id"], ("lijun",))
    page.goto(f"{base}/work-orders/{order}")
    expect(page.locator("#f-claim_id")).to_be_visible()
    world.call("PUT", "steward", f"/claims/{claim['id']}", json=lamp_claim_body("30", order))
    page.click("#step button[type=submit]")
    expect(page.locator("#step .alert")).to_contain_text("已批准")
    expect(page.locator("main > .alert")).to_have_count(0)
    assert [o["status"] for o in world.call("GET", "steward", "/work-orders")] == ["done"]
    fits(page)
    shoot(page, server, "refusal-work-order-settle", phone=PHONE_375)

    # the bank page: the adjusted balances differ, said as money
    header = "交易日期,摘要,收入金额,支出金额,余额,对方户名,对方账号,附言,流水号\n"
    line = "2026-01-05,转账,200.00,,30200.00,王芳,6222020000001111,服务费,1\n"
    world.call(
        "POST",
        "steward",
        "/bank/statements/import",
        files={"file": ("statement.csv", (header + line).encode(), "text/csv")},
    )
    page.goto(f"{base}/bank/?month=2026-01")
    expect(page.locator("main")).to_contain_text("调整后余额相差 20,000.00 元：对账单 30,200.00 元")
    fits(page)
    shoot(page, server, "bank-problem-money", phone=PHONE_375)
