"""Issue 17: the committee member's 审批 tile shows how many items wait for their decision,
and each inbox item says what the claim is for (payee, amount, purpose); the steward's 报销
tile counts approved claims still to pay. 375 px, no horizontal overflow. The estate is built
from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_pending_counts_on_tiles_and_what_each_claim_is_for(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    lamps = world.claim("宁波市水电维修部", "380.00", "3幢1单元楼道声控灯更换")
    world.claim(
        "兰亭保洁服务社", "1200.00", "2026年3月生活垃圾清运", fund="garbage", item="Removal"
    )
    world.claim("草稿不算", "10.00", "未提交的草稿", submit=False)

    sign_in(page, server, "lijun")
    tile = page.locator("section.estate a[data-tile=approvals]")
    expect(tile.locator(".count")).to_have_text("2")
    expect(tile).to_contain_text("2 项待我决定")
    fits(page)
    shoot(page, server, "pending-home-committee", phone=PHONE_375)

    tile.click()
    cards = page.locator(".approval-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("宁波市水电维修部")
    expect(cards.nth(0)).to_contain_text("380.00 元")
    expect(cards.nth(0)).to_contain_text("用途：3幢1单元楼道声控灯更换")
    expect(cards.nth(0)).to_contain_text("公共设施维护")
    expect(cards.nth(1)).to_contain_text("用途：2026年3月生活垃圾清运")
    expect(cards.nth(1)).to_contain_text("生活垃圾清运费")
    fits(page)
    shoot(page, server, "pending-inbox", phone=PHONE_375)

    # one decided (one approval is enough for 380 yuan): the tile counts one fewer
    cards.nth(0).click()
    page.click("button[value=approve]")
    page.goto(server.url + "/staff")
    expect(page.locator("section.estate a[data-tile=approvals] .count")).to_have_text("1")

    # the steward's own claims never count for them; approved ones wait for payment
    page.context.clear_cookies()
    sign_in(page, server, "wanghong")
    expect(page.locator("section.estate a[data-tile=approvals]")).to_have_count(0)
    claims_tile = page.locator("section.estate a[data-tile=claims]")
    if world.call("GET", "steward", f"/claims/{lamps['id']}")["status"] == "submitted":
        for item in world.call("GET", "zhaomin", "/approvals/inbox"):
            if item["subject_kind"] == "claim" and item["subject_id"] == lamps["id"]:
                world.decide("zhaomin", item["id"])
    assert world.call("GET", "steward", f"/claims/{lamps['id']}")["status"] == "approved"
    page.reload()
    expect(claims_tile.locator(".count")).to_have_text("1")
    expect(claims_tile).to_contain_text("1 笔已批准待付款")
    fits(page)
    shoot(page, server, "pending-home-steward", phone=PHONE_375)
