"""Issue 15 item 3: a refused staff form (the one form helper) at 375 px — the Chinese
reason from the message catalog under the field it belongs to, the page no wider than the
phone. Estate built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import SLUG, build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_refused_payment_and_deposit_say_why_next_to_the_field(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    sign_in(page, server, "wanghong")

    page.goto(f"{server.url}/staff/{SLUG}/households/{world.codes['1-1-9']}")
    page.fill("#f-amount", "1,5")
    page.click("form[action$='/payments'] button[type=submit]")
    expect(page.locator("#e-amount")).to_have_text("小数点请用“.”，不要用逗号或千位分隔符")
    expect(page.locator("#f-amount")).to_have_attribute("aria-invalid", "true")
    fits(page)
    shoot(page, server, "form-error-payment", phone=PHONE_375)

    page.goto(f"{server.url}/staff/{SLUG}/cash")
    page.fill("#f-amount", "100000")
    page.click("form[action$='/cash'] button[type=submit]")
    expect(page.locator("#e-amount")).to_contain_text("元")
    fits(page)
    shoot(page, server, "form-error-deposit", phone=PHONE_375)
    assert world.call("GET", "steward", "/fees/cash")["cash"] == "100.00"  # nothing deposited
