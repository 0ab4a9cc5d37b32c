"""How approvers appear on the public pages, proposed from the staff disclosures page on a
375 px phone: the steward forgets the reason (refused under the field, in Chinese), then
proposes showing names; the committee members see it waiting and approve it from the
approvals page; the disclosures page says names are shown. Nothing wider than the screen.
Estate built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import SLUG, build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_public_names_proposal_on_a_phone(live_server: LiveServer, phone375: Page) -> None:  # noqa: F811
    server, page = live_server, phone375
    build_api_world(server)
    sign_in(page, server, "wanghong")
    page.click(f"a[href='/staff/{SLUG}/disclosures']")
    card = page.locator("#public-names")
    expect(card.locator("#names-now")).to_contain_text("只显示角色和人数")
    card.locator("button[type=submit]").click()
    expect(page.locator("#e-names_reason")).to_have_text(
        "请写明为什么这样公示审批人（必填，将公开）"
    )
    fits(page)
    page.fill("#f-names_reason", "纸质公告上一直有委员签名")
    page.locator("#public-names button[type=submit]").click()
    expect(page.locator("#names-pending")).to_contain_text("待业委会决定")
    fits(page)
    shoot(page, server, "public-names-proposed", phone=PHONE_375)

    for member in ("lijun", "zhaomin"):  # a majority of the two members: both
        page.context.clear_cookies()
        sign_in(page, server, member)
        page.goto(f"{server.url}/staff/{SLUG}/disclosures")
        page.click("#names-pending a:has-text('去审批')")
        fits(page)
        page.click("button[value=approve]")
    page.goto(f"{server.url}/staff/{SLUG}/disclosures")
    expect(page.locator("#names-now")).to_contain_text("显示业委会委员姓名")
    fits(page)
    shoot(page, server, "public-names-approved", phone=PHONE_375)
