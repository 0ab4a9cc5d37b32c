"""Issue 17: importing reference prices (政府参考价格) on a phone at 375 px.

An estate built through the API. The steward opens 参考价格 from the staff home, uploads a
price list with two bad cells: the whole file is refused with a table naming row, column and
reason in Chinese, and nothing is imported (the API lists no version). The corrected file is
imported from 2026-01-01; the prices in force are listed by code in natural order (WX-2
before WX-10) and the API answers them. A committee member sees the prices but no form.
Nothing is wider than the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}
GOOD = (
    "编码,名称,单位,单价\n"
    "WX-10,更换单元门闭门器,个,180.00\n"
    "WX-2,疏通下水管道,次,120.00\n"
    "WX-1,更换楼道灯泡,个,15.00\n"
)
BAD = GOOD.replace("120.00", '"1,20"').replace("WX-1,", "WX-10,")


def test_steward_imports_a_price_list_after_a_refused_one(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
    tmp_path: Path,
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server, books=False)
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    (tmp_path / "prices.csv").write_text(GOOD, encoding="utf-8")

    sign_in(page, server, "wanghong")
    page.click(f"a[href='/staff/{world.slug}/prices']")
    expect(page.locator("h1")).to_have_text("兰亭小区 · 政府参考价格")
    expect(page.locator("#in-force")).to_contain_text("还没有参考价")
    page.set_input_files("#f-file", str(tmp_path / "bad.csv"))
    page.fill("#f-effective_from", "2026-01-01")
    page.fill("#f-source", "市住建局 2026 年维修参考价")
    page.click("form.price-import button[type=submit]")
    expect(page.locator("#import p.alert")).to_contain_text("2 行有错误，没有导入任何一行")
    cells = page.locator("table.row-errors tbody tr")
    expect(cells).to_have_count(2)
    expect(cells.nth(0)).to_contain_text("3单价")  # row 3, column 单价
    expect(cells.nth(1)).to_contain_text("重复（第 2 行也有）")
    expect(page.locator("#f-source")).to_have_value("市住建局 2026 年维修参考价")  # kept
    fits(page)
    shoot(page, server, "prices-refused", phone=PHONE_375)
    assert world.call("GET", "steward", "/prices")["versions"] == []

    page.set_input_files("#f-file", str(tmp_path / "prices.csv"))
    page.click("form.price-import button[type=submit]")
    expect(page.locator(".notice")).to_have_text("已导入 3 项参考价，自 2026-01-01 起执行。")
    codes = page.locator("#in-force tbody td.code")
    expect(codes).to_have_text(["WX-1", "WX-2", "WX-10"])  # natural order
    fits(page)
    shoot(page, server, "prices-imported", phone=PHONE_375)
    answered = world.call("GET", "steward", "/prices?on=2026-03-01")
    assert [v["source"] for v in answered["versions"]] == ["市住建局 2026 年维修参考价"]
    assert {i["code"]: i["unit_price"] for i in answered["in_force"]}["WX-2"] == "120.00"

    committee = page.context.browser.new_context(viewport=PHONE_375, locale="zh-CN")  # type: ignore[union-attr]
    member = committee.new_page()
    sign_in(member, server, "lijun")
    member.click(f"a[href='/staff/{world.slug}/prices']")
    expect(member.locator("#in-force tbody tr")).to_have_count(3)
    expect(member.locator("form.price-import")).to_have_count(0)
    fits(member)
    committee.close()
