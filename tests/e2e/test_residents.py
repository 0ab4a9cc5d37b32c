"""Residents' public pages in the browser (issue 16), as a neighbour reads them on an old
phone inside WeChat: 375 px (and 320 px) wide, a WeChat user agent. Every page is checked for
horizontal overflow at 320, 375 and 1280 px and for anything the Content-Security-Policy
refused, and shot at 375 px (SQLite run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, csp_violations, shoot
from tests.e2e.seed import seed_estate

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}
SIZES = ({"width": 320, "height": 640}, PHONE_375, {"width": 1280, "height": 800})
WECHAT = (
    "Mozilla/5.0 (Linux; Android 10; V1914A Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile "
    "Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)


@pytest.fixture
def resident(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE_375, locale="zh-CN", device_scale_factor=1, user_agent=WECHAT
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = csp_violations(page)
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused parts of a page: {refused}"


def fits(page: Page) -> None:
    """Nothing wider than the screen at 320, 375 and 1280 px; back to 375 px after."""
    for size in SIZES:
        page.set_viewport_size(size)
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"{page.url}: {width} px wide on a {inner} px screen"
    page.set_viewport_size(PHONE_375)


def look(page: Page, server: LiveServer, name: str) -> None:
    fits(page)
    shoot(page, server, f"residents-{name}", phone=PHONE_375)


def test_mistyped_addresses_answer_in_chinese(live_server: LiveServer, resident: Page) -> None:
    server, page = live_server, resident
    with server.session() as s:
        world = seed_estate(s)
    # a receipt number typed wrong in the receipt check of the verify page
    page.goto(f"{server.url}/e/{world.slug}/verify")
    page.fill("#no", "2026 12")
    page.click("button:has-text('查验')")
    expect(page.locator("h1")).to_have_text("填写有误")
    expect(page.locator("main")).to_contain_text("收据编号：只能包含字母、数字和短横线")
    look(page, server, "error-receipt-malformed")
    # try again from the error page with a number that does not exist
    page.fill("#no", "2026-999999")
    page.click("button:has-text('重新查验')")
    expect(page.locator("h1")).to_have_text("没有找到")
    expect(page.locator("main")).to_contain_text("没有找到编号为“2026-999999”的收据")
    look(page, server, "error-receipt-unknown")
    for path, words in (
        ("/e/nowhere", "没有找到代号为“nowhere”的小区"),
        (f"/e/{world.slug}/d/12345", "没有找到这一期公示"),
        ("/no/such/page", "没有这个页面"),
    ):
        response = page.goto(server.url + path)
        assert response is not None and response.status == 404
        expect(page.locator("main")).to_contain_text(words)
        fits(page)
    page.click("a:has-text('查找小区')")
    expect(page.locator("main")).to_contain_text("柳汀小区")
