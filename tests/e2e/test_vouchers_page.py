"""Issue 17: publishing a voucher (凭证公开) on a phone at 375 px.

An estate built through the API with a claim whose invoice photo the steward uploaded. The
steward finds 凭证公开 on the staff home and sees the voucher withheld, with no button; a
committee member opens the same tile, looks at the original and makes it public with one
tap; the public API then answers it as public and serves its thumbnail instead of the
placeholder. Nothing is wider than the screen."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api_flows import claim_with_voucher
from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_committee_member_makes_a_voucher_public(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    made = claim_with_voucher(world.call, "steward")
    voucher = made["voucher"]
    public = f"{server.url}/api/v1/public/estates/{world.slug}/vouchers/{voucher['id']}"
    withheld_tag = httpx.get(public + "/file").headers["ETag"]
    assert withheld_tag.endswith('-withheld"')

    sign_in(page, server, "wanghong")
    page.click(f"a[href='/staff/{world.slug}/vouchers']")
    card = page.locator(f"#v-{voucher['id']}")
    expect(card).to_contain_text("未公开")
    expect(card).to_contain_text(f"报销 #{made['claim']['id']} · 兰亭水电维修部 · 楼道灯更换")
    expect(card.locator("button")).to_have_count(0)  # the steward does not decide
    fits(page)

    member_context = page.context.browser.new_context(viewport=PHONE_375, locale="zh-CN")  # type: ignore[union-attr]
    member = member_context.new_page()
    sign_in(member, server, "lijun")
    member.click(f"a[href='/staff/{world.slug}/vouchers']")
    card = member.locator(f"#v-{voucher['id']}")
    image = card.locator("img")
    expect(image).to_be_visible()
    # the original, once loaded (visible is not loaded: the check raced the image's request)
    member.wait_for_function(
        "i => i.complete && i.naturalWidth === 640", arg=image.element_handle()
    )
    fits(member)
    shoot(member, server, "vouchers-withheld", phone=PHONE_375)
    card.locator("button", has_text="没有个人信息，公开").click()
    expect(member.locator(".notice")).to_contain_text("已公开")
    expect(member.locator(f"#v-{voucher['id']}")).to_have_count(0)  # no longer waiting
    member.click("nav.filters a:has-text('已公开')")
    expect(member.locator(f"#v-{voucher['id']}")).to_contain_text("已公开")
    expect(member.locator(f"#v-{voucher['id']} button")).to_have_text("撤回公开")
    fits(member)
    shoot(member, server, "vouchers-public", phone=PHONE_375)
    member_context.close()

    assert httpx.get(public).json()["contains_personal_data"] is False
    shown = httpx.get(public + "/file")
    assert shown.headers["ETag"] != withheld_tag and shown.headers["ETag"].endswith('-thumb1"')
