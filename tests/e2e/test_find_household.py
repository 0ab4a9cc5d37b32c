"""Issue 17: a household found in two taps from the staff home at 375 px — a building chip
on the home page, then the room (the rooms are at the top of the page the chip opens) — or
by one search box that understands 3-1-502, 3幢1单元502, a name or a phone. The clicks are
counted. The estate is built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.api_world import build_api_world
from tests.e2e.conftest import LiveServer, fits, shoot, sign_in

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def phone375(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


class Taps:
    """Clicks counted, as a steward's thumb would."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def tap(self, selector: str) -> None:
        self.page.click(selector)
        self.count += 1


def test_household_in_two_taps_from_the_staff_home(live_server: LiveServer, phone375: Page) -> None:
    server, page = live_server, phone375
    world = build_api_world(server, books=False)
    code = world.codes["3-1-502"]
    sign_in(page, server, "wanghong")
    fits(page)
    shoot(page, server, "find-home", phone=PHONE_375)
    chips = page.locator(f"#find-{world.slug} .buildings a")
    expect(chips).to_have_text(["1幢", "2幢", "3幢", "10幢", "11幢"])  # natural order

    # way 1: building → room
    taps = Taps(page)
    taps.tap(f"#find-{world.slug} .buildings a:has-text('3幢')")
    room = page.locator(f"#rooms a[href='/staff/{world.slug}/households/{code}']")
    # the rooms are on the first screen, not ~1,300 px below the building grid
    box = room.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE_375["height"], box
    expect(page.locator("#rooms h3").first).to_have_text("1 单元")
    fits(page)
    shoot(page, server, "find-building", phone=PHONE_375)
    taps.tap(f"#rooms a[href='/staff/{world.slug}/households/{code}']")
    expect(page.locator("h1")).to_have_text("3幢1单元502室")
    assert taps.count == 2

    # way 2: the search box on the home page — typed, one tap on 查找, the household opens
    for text in ("3-1-502", "3幢1单元502", "孙三", "5678"):
        page.goto(server.url + "/staff")
        taps = Taps(page)
        page.fill(f"#find-{world.slug} input[name=q]", text)
        taps.tap(f"#find-{world.slug} button[type=submit]")
        expect(page.locator("h1")).to_have_text("3幢1单元502室")
        assert taps.count == 1, text

    # several matches: a list, then one tap on the room
    page.goto(server.url + "/staff")
    taps = Taps(page)
    page.fill(f"#find-{world.slug} input[name=q]", "502")
    taps.tap(f"#find-{world.slug} button[type=submit]")
    expect(page.locator("#rooms .rooms a")).to_have_count(4)
    expect(page.locator("#rooms .rooms a").first).to_contain_text("2幢1单元 502")
    fits(page)
    shoot(page, server, "find-search", phone=PHONE_375)
    taps.tap(f"#rooms a[href='/staff/{world.slug}/households/{code}']")
    expect(page.locator("h1")).to_have_text("3幢1单元502室")
    assert taps.count == 2

    # typing on the households page narrows the list as one types (htmx)
    page.goto(f"{server.url}/staff/{world.slug}/households")
    page.fill("input[name=q]", "3幢502")
    expect(page.locator("#results .rooms a")).to_have_count(2)
    fits(page)
