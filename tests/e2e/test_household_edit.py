"""A steward on a phone (375 px) imports the register on the import page, opens a household,
corrects its phone, records that it became vacant from a date, and reads the change history
with the rule for charges on the same page. No page is wider than the screen."""

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


def test_steward_imports_then_corrects_a_household_on_a_phone(
    live_server: LiveServer, phone: Page, tmp_path: Path
) -> None:
    server = live_server
    with server.session() as s:
        estate = make_estate(s, "xinhe", name="新河小区")
        make_user(s, Role.STEWARD, estate, username="steward", display_name="周红梅")
    phone.set_viewport_size(IPHONE)
    sign_in(phone, server, "steward")

    phone.goto(server.url + "/staff")
    phone.click("a[href='/staff/xinhe/import']")  # the steward keeps the register (14.10)
    phone.set_input_files("#f-file", str(SAMPLE))
    phone.click("button:has-text('导入')")
    expect(phone.locator("[role=status]")).to_contain_text("新增 8 户")

    # the same register again, one owner's name corrected: preview, then confirm
    corrected = tmp_path / "households.csv"
    corrected.write_text(SAMPLE.read_text(encoding="utf-8").replace("王芳", "王芳芳"), "utf-8")
    phone.goto(server.url + "/staff/xinhe/import")
    phone.check("input[name=mode][value=update]")
    phone.set_input_files("#f-file", str(corrected))
    phone.click("button:has-text('导入')")
    expect(phone.locator("#preview")).to_contain_text("业主：王芳 → 王芳芳")
    expect(phone.locator("#preview")).to_contain_text("尚未写入")
    fits(phone, server, "import-update-preview")
    phone.click("button:has-text('确认更新')")
    expect(phone.locator("[role=status]")).to_contain_text("更新 1 户")

    phone.goto(server.url + "/staff/xinhe/households?building=3")
    phone.click("text=502")
    phone.click("text=住户资料")
    expect(phone.locator("#rule")).to_contain_text("1 月 1 日的入住状态开征")
    fits(phone, server, "household-edit")

    phone.fill("#f-phone", "1360000")
    phone.fill("#f-note", "补登电话")
    phone.click("#edit button[type=submit]")
    expect(phone.locator("#e-phone")).to_contain_text("不是有效的手机号码")
    fits(phone, server, "household-edit-error")
    phone.fill("#f-phone", "13600000006")
    phone.click("#edit button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已保存")

    phone.check("input[name=status][value=occupied]")
    phone.fill("#f-effective_from", "2026-11-01")
    phone.click("#occupancy button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已保存")
    history = phone.locator("#history table")
    expect(history).to_contain_text("电话：— → 13600000006")
    expect(history).to_contain_text("入住状态：空户 → 在住（2026-11-01 起）")
    expect(history).to_contain_text("steward")
    fits(phone, server, "household-history")
