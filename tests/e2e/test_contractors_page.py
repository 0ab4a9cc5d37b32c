"""Issue 17: contractors and repair contracts (承揽方与合同) on a phone at 375 px.

An estate built through the API. The steward opens 承揽方与合同 from the staff home, is told
a contractor needs a name (under the field, in Chinese), registers one, drafts its one-year
contract and submits it; a committee member opens the contract from the same page and
approves it on the approval page; the API answers the contract approved. Nothing is wider
than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_steward_drafts_a_contract_the_committee_approves(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)

    sign_in(page, server, "wanghong")
    page.click(f"a[href='/staff/{world.slug}/contractors']")
    expect(page.locator("h1")).to_have_text("兰亭小区 · 承揽方与合同")
    expect(page.locator("form.contract-form")).to_have_count(0)  # no contractor yet
    form = page.locator("form.contractor-form")
    form.locator("#f-credit_code").fill("91330200MA2XXXXX1K")
    form.locator("button[type=submit]").click()
    expect(page.locator("#e-name")).to_have_text("不能为空")
    expect(page.locator("#f-credit_code")).to_have_value("91330200MA2XXXXX1K")  # kept
    fits(page)
    page.fill("#f-name", "兰亭水电维修部")
    page.locator("form.contractor-form button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text("已登记承揽方")

    contract = page.locator("form.contract-form")
    contract.locator("#f-contractor_id").select_option(label="兰亭水电维修部")
    contract.locator("#f-title").fill("2026 年度公共设施维修承揽合同")
    contract.locator("#f-scope").fill("楼道灯、水管、单元门等公共设施的日常维修")
    contract.locator("#f-starts_on").fill("2026-01-01")
    contract.locator("#f-estimated_amount").fill("４８０")  # full-width from a phone keyboard
    contract.locator("button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text("合同草稿已保存")
    expect(page.locator("dl.facts")).to_contain_text("2026-01-01 至 2026-12-31")
    expect(page.locator("dl.facts")).to_contain_text("480.00 元")
    page.click("form.submit-contract button")
    expect(page.locator(".notice")).to_contain_text("已提交业委会审批")
    expect(page.locator("a.button:has-text('去审批')")).to_have_count(0)  # the steward
    fits(page)
    shoot(page, server, "contract-submitted", phone=PHONE_375)

    context = page.context.browser.new_context(viewport=PHONE_375, locale="zh-CN")  # type: ignore[union-attr]
    member = context.new_page()
    sign_in(member, server, "lijun")
    member.click(f"a[href='/staff/{world.slug}/contractors']")
    member.click("a:has-text('2026 年度公共设施维修承揽合同')")
    member.click("a.button:has-text('去审批')")
    member.click("button[value=approve]")
    expect(member.locator(".notice")).to_contain_text("已记录您的决定")
    member.goto(f"{server.url}/staff/{world.slug}/contractors")
    expect(member.locator(".contractor")).to_contain_text("已批准")
    expect(member.locator("form")).to_have_count(1)  # sign-out only: no steward forms
    fits(member)
    shoot(member, server, "contractors", phone=PHONE_375)
    context.close()

    [approved] = world.call("GET", "steward", "/contracts")
    assert approved["status"] == "approved" and approved["ends_on"] == "2026-12-31"
    assert approved["estimated_amount"] == "480.00"
    assert [c["name"] for c in world.call("GET", "steward", "/contractors")] == ["兰亭水电维修部"]
