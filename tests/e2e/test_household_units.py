"""A steward on a phone (375 px) merges two flats of a building (合户) and splits another
(分户) from the household's page, reads the rule for charges there, and finds the closed
households marked and linked in the history. No page is wider than the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_opening import IPHONE
from tests.e2e.test_opening import _fits as fits
from tests.factories import make_estate, make_user
from trustfund.auth.principal import Role

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).parents[2] / "docs" / "samples" / "households.csv"


def test_steward_merges_and_splits_units_on_a_phone(live_server: LiveServer, phone: Page) -> None:
    server = live_server
    with server.session() as s:
        estate = make_estate(s, "xinhe", name="新河小区")
        make_user(s, Role.STEWARD, estate, username="steward", display_name="周红梅")
    phone.set_viewport_size(IPHONE)
    sign_in(phone, server, "steward")
    phone.goto(server.url + "/staff/xinhe/import")
    phone.set_input_files("#f-file", str(SAMPLE))
    phone.click("button:has-text('导入')")
    expect(phone.locator("[role=status]")).to_contain_text("新增 8 户")

    phone.goto(server.url + "/staff/xinhe/households?building=3")
    phone.click("text=501")
    phone.click("text=住户资料")
    phone.click("text=合户 / 分户")
    expect(phone.locator("#rule")).to_contain_text("已开征的费用留在原来的户号下")
    fits(phone, server, "household-units")

    phone.fill("#merge #f-on", "2026-07-01")
    phone.click("#merge button[type=submit]")
    expect(phone.locator("#e-codes")).to_contain_text("请勾选")
    phone.locator("#merge label", has_text="502室").locator("input").check()
    phone.fill("#merge #f-on", "2099-01-01")
    phone.click("#merge button[type=submit]")
    expect(phone.locator("#merge #e-on")).to_contain_text("不能晚于今天")
    fits(phone, server, "household-units-error")
    phone.locator("#merge label", has_text="502室").locator("input").check()
    phone.fill("#merge #f-on", "2026-07-01")
    phone.fill("#merge #f-m-note", "买下隔壁打通")
    phone.click("#merge button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已保存")
    history = phone.locator("#history table")
    expect(history).to_contain_text("合户：并入")
    expect(history).to_contain_text("面积：105.00 → 173.20")
    phone.locator("#history a", has_text="H-").first.click()  # the closed household
    expect(phone.locator(".alert[role=status]")).to_contain_text("合户或分户注销")
    expect(phone.locator("#edit")).to_have_count(0)  # it changes no more
    fits(phone, server, "household-closed")

    phone.goto(server.url + "/staff/xinhe/households?building=3")
    expect(phone.locator("a", has_text="502")).to_contain_text("已注销")
    phone.click("text=503")
    phone.click("text=住户资料")
    phone.click("text=合户 / 分户")
    phone.fill("#split #f-on", "2026-08-01")
    phone.fill("#f-room-0", "503-1")
    phone.fill("#f-area-0", "50")
    phone.fill("#f-room-1", "502")
    phone.fill("#f-area-1", "40")
    phone.click("#split button[type=submit]")
    expect(phone.locator("#split fieldset.line-error")).to_contain_text("502")
    fits(phone, server, "household-split-error")
    phone.fill("#f-room-1", "503-2")
    phone.select_option("#f-status-1", "vacant")
    phone.click("#split button[type=submit]")
    expect(phone.locator("[role=status]").first).to_contain_text("已保存")
    expect(phone.locator(".alert[role=status]")).to_contain_text("合户或分户注销")
    expect(phone.locator("#history table")).to_contain_text("分户：分出")
    fits(phone, server, "household-split")
    phone.goto(server.url + "/staff/xinhe/households?building=3")
    expect(phone.locator("a", has_text="503-2")).to_contain_text("空户")
