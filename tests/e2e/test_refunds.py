"""Refunds and receipt voids on a phone (375 px): the steward asks on the 退费与作废收据 page
(a missing reason refused in Chinese next to the field, nothing lost; a void asked from the
receipt's page), the requests wait — nothing is posted — and a committee member approves one
on the approval page, which shows what the household kept and the cash held; the refund is
then listed as posted; the other is refused once the cash was deposited, and the steward
withdraws it. Nothing is wider than the screen. The estate is built from an empty
database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, fits, shoot, sign_in

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}


def _phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_steward_asks_committee_member_approves_at_375_px(
    live_server: LiveServer, browser: Browser
) -> None:
    server = live_server
    world = build_api_world(server)
    code = world.codes["3-1-502"]
    world.pay_cash("3-1-502", "200.00", "2026-03-01")
    world.pay_cash("1-1-201", "200.00", "2026-03-02")
    receipts = world.call("GET", "steward", f"/fees/households/{world.codes['1-1-201']}/2026")
    receipt_no = receipts["receipts"][0]["receipt_no"]
    entries = world.call("GET", "lijun", "/ledger/entries?per_page=1")["total"]

    steward = _phone(browser)
    sign_in(steward, server, "wanghong")
    steward.click(f"a[href='/staff/{world.slug}/refunds']")
    expect(steward.locator("h1")).to_have_text("兰亭小区 · 退费与作废收据")
    expect(steward.locator(".refund-pending")).to_contain_text("没有等待批准的退费或作废申请")
    fits(steward)

    form = steward.locator("form.refund-form")
    form.locator("#f-household_code").fill(code)
    form.locator("#f-amount").fill("１００.00")  # full-width digits from a Chinese keyboard
    form.locator("#f-method").select_option("cash")
    form.locator("button[type=submit]").click()
    expect(form.locator("#e-reason")).to_have_text("请填写理由")
    expect(form.locator("#f-amount")).to_have_value("100.00")  # nothing typed is lost
    fits(steward)
    form.locator("#f-reason").fill("年中搬离，退还半年费用")
    form.locator("button[type=submit]").click()
    expect(steward.locator(".notice")).to_contain_text("已提交退费申请")

    # A void asked from the receipt's page: the receipt number is filled in.
    steward.goto(f"{server.url}/staff/{world.slug}/receipts/{receipt_no}")
    steward.click("a:has-text('申请作废')")
    void = steward.locator("form.void-form")
    expect(void.locator("#f-receipt_no")).to_have_value(receipt_no)
    void.locator("#f-void_reason").fill("收据抬头有误")
    void.locator("button[type=submit]").click()
    expect(steward.locator(".notice")).to_contain_text("已提交作废收据申请")
    cards = steward.locator(".refund-request")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("作废收据")
    expect(cards.last).to_contain_text("须由其他业委会委员批准")
    expect(steward.locator(".refund-request a.button")).to_have_count(0)  # a steward cannot
    expect(steward.locator(".refund-request form.withdraw")).to_have_count(2)
    fits(steward)
    shoot(steward, server, "refunds", phone=PHONE_375)
    assert world.call("GET", "lijun", "/ledger/entries?per_page=1")["total"] == entries

    member = _phone(browser)
    sign_in(member, server, "lijun")
    member.goto(f"{server.url}/staff/{world.slug}/refunds")
    member.locator(".refund-request", has_text="退费").locator("a.button").click()
    detail = member.locator(".refund-detail")
    expect(detail).to_contain_text(code)
    expect(detail).to_contain_text("200.00 元")  # what the household kept
    expect(detail).to_contain_text("年中搬离，退还半年费用")
    fits(member)
    shoot(member, server, "refund-approval", phone=PHONE_375)
    member.click("button[value=approve]")
    expect(member.locator(".notice")).to_contain_text("已记录您的决定")
    member.goto(f"{server.url}/staff/{world.slug}/refunds")
    decided = member.locator(".refund-decided li")
    expect(decided).to_have_count(1)
    expect(decided.first).to_contain_text("已记账")
    expect(decided.first).to_contain_text("李军")
    expect(member.locator(".refund-request")).to_have_count(1)
    fits(member)
    assert world.call("GET", "lijun", "/ledger/entries?per_page=1")["total"] == entries + 1
    kept = world.call("GET", "lijun", f"/fees/households/{code}/2026")
    assert kept["paid"] == "100.00"

    # The steward deposits the cash before the void is approved: the approval is refused,
    # saying why, and nothing is posted.
    held = world.call("GET", "steward", "/fees/cash")["cash"]
    world.call("POST", "steward", "/fees/deposits", json={"amount": held})
    member.locator(".refund-request", has_text="作废收据").locator("a.button").click()
    member.click("button[value=approve]")
    expect(member.locator("p.alert")).to_contain_text("0.00")
    fits(member)
    shoot(member, server, "refund-approval-refused", phone=PHONE_375)
    assert world.call("GET", "lijun", "/ledger/entries?per_page=1")["total"] == entries + 2
    # The steward takes the stale void back; the receipt can be asked about again.
    steward.goto(f"{server.url}/staff/{world.slug}/refunds")
    steward.locator(".refund-request form.withdraw button").click()
    expect(steward.locator(".notice")).to_contain_text("已撤回申请")
    expect(steward.locator(".refund-request")).to_have_count(0)
    expect(steward.locator(".refund-decided li").first).to_contain_text("王红 撤回了申请")
    fits(steward)
