"""Issue 17: posting a settled project's money left (结余退还与调拨) on a phone at 375 px.

An estate built through the API: a project approved by the council, funded by a restricted
gift, settled with nothing spent, and the steward's proposal to return the gift. The steward
finds the page from the autonomy fund's page and sees no 入账 button while the council has
not decided; a council member decides through the page's link; the steward posts it with one
tap; the API shows the refund posted as an entry and the project closed. Nothing is wider
than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.api_flows import propose_refund, settled_project_with_gift
from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_steward_posts_the_refund_the_council_approved(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    world.person("sunli", "孙丽", "council")
    made = settled_project_with_gift(world.call, "steward", "sunli")
    refund = propose_refund(world.call, "steward", made["gift"]["id"])
    entries = world.call("GET", "lijun", "/ledger/entries?per_page=1")["total"]

    sign_in(page, server, "wanghong")
    page.click(f"a[href='/staff/{world.slug}/autonomy']")
    page.click(f"a[href='/staff/{world.slug}/autonomy/transfers']")
    expect(page.locator("h1")).to_have_text("兰亭小区 · 结余退还与调拨")
    card = page.locator(f"#t-{refund['id']}")
    expect(card).to_contain_text("待理事会决定")
    expect(card).to_contain_text("自治项目·共享厨房 → 退还给 区民政局")
    expect(card.locator("button")).to_have_count(0)  # nothing to post before the decision
    expect(card).to_contain_text("理事会批准后才能入账")
    fits(page)

    council = page.context.browser.new_context(viewport=PHONE_375, locale="zh-CN")  # type: ignore[union-attr]
    member = council.new_page()
    sign_in(member, server, "sunli")
    member.goto(f"{server.url}/staff/{world.slug}/autonomy/transfers")
    member.locator(f"#t-{refund['id']} a.button").click()
    member.click("button[value=approve]")
    expect(member.locator(".notice")).to_contain_text("已记录您的决定")
    member.goto(f"{server.url}/staff/{world.slug}/autonomy/transfers")
    expect(member.locator(f"#t-{refund['id']}")).to_contain_text("已批准，待入账")
    expect(member.locator(f"#t-{refund['id']} button")).to_have_count(0)  # a council member
    council.close()

    page.reload()
    expect(card).to_contain_text("已批准，待入账")
    fits(page)
    shoot(page, server, "leftovers-approved", phone=PHONE_375)
    card.locator("button", has_text="入账").click()
    expect(page.locator(".notice")).to_have_text(f"第 {refund['id']} 号已入账。")
    expect(card).to_contain_text("已入账")
    expect(card).to_contain_text("已记入分录")
    fits(page)
    shoot(page, server, "leftovers-posted", phone=PHONE_375)

    [posted] = world.call("GET", "steward", "/grants/transfers")
    assert posted["status"] == "posted" and posted["entry_seq"] == entries + 1
    assert world.call("GET", "lijun", "/ledger/entries?per_page=1")["total"] == entries + 1
    project = world.call("GET", "steward", f"/grants/projects/{made['project']['id']}")
    assert project["status"] == "closed"  # nothing left in its sub-fund
