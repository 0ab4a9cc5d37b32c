"""Accessibility and budget of every public page (issue 16 item 9), from an empty database
through the API (``api_world``): axe-core (vendored, ``tests/e2e/vendor/axe-core``) finds no
serious or critical violation on the home page, the estate page, a disclosure, the verify
page, a receipt's check page, a question page, the household page (form and opened), and
the error pages; nothing is wider than the screen at 320, 375 and 1280 px; the first load of
a disclosure page (the page and everything it loads, as transferred) stays within 150 KB.

The server time of a disclosure page for a 100k-entry year is measured by
``bench/disclosure_statement.py`` (recorded in ``bench/RESULTS.md``), not here: a timed test
would fail on a loaded machine and pass on a fast one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.api_world import ApiWorld, build_api_world
from tests.e2e.conftest import LiveServer, csp_violations, fits
from tests.e2e.test_household_page import receipts_of
from tests.e2e.test_public_approvers import paid_claim, publish
from tests.e2e.test_residents import PHONE_375, SIZES, WECHAT, look

pytestmark = pytest.mark.e2e
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: The budget of a disclosure page's first load: the page and every subresource, as sent.
FIRST_LOAD_BYTES = 150 * 1024
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120)),
  }));
}"""


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport=PHONE_375, locale="zh-CN", device_scale_factor=1, user_agent=WECHAT
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def resident(browser: Browser) -> Iterator[Page]:
    context = _context(browser)
    context.add_init_script(path=str(AXE))  # outside the page's policy: nothing is served
    page = context.new_page()
    refused = csp_violations(page)
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused parts of a page: {refused}"


def serious(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _world(server: LiveServer) -> tuple[ApiWorld, int, str]:
    world = build_api_world(server)
    world.pay_cash("1-1-201", "200.00", "2026-02-10")
    world.pay_cash("3-1-101", "100.00", "2026-02-12")
    paid_claim(world, "宁波市水电维修部", "600.00", "水泵密封件更换", "2026-03-02")
    q1 = publish(world, "2026Q1")
    [receipt] = receipts_of(world, "1-1-201")
    return world, q1, str(receipt["receipt_no"])


def test_every_public_page_passes_axe_and_fits_from_320_px(
    live_server: LiveServer, resident: Page
) -> None:
    server, page = live_server, resident
    world, q1, receipt_no = _world(server)
    [receipt] = receipts_of(world, "1-1-201")
    page.goto(f"{server.url}/e/lanting/d/{q1}")
    question = page.locator("a.qa-ask").first.get_attribute("href")
    assert question
    pages: list[tuple[str, int]] = [
        ("/", 200),
        ("/?q=兰亭", 200),
        ("/e/lanting", 200),
        (f"/e/lanting/d/{q1}", 200),
        ("/e/lanting/verify", 200),
        (f"/r/lanting/{receipt_no}", 200),
        (question, 200),
        ("/e/lanting/household", 200),
        ("/e/nowhere", 404),
        ("/e/lanting/d/99999", 404),
        ("/r/lanting/2026-999999", 404),
        ("/no/such/page", 404),
        ("/e/lanting/receipt?no=2026%2012", 422),
    ]
    problems: dict[str, list[dict[str, Any]]] = {}
    for path, status in pages:
        response = page.goto(server.url + path)
        assert response is not None and response.status == status, path
        if found := serious(page):
            problems[path] = found
        if path.startswith("/r/") and status == 200:
            look(page, server, "receipt-check")  # with its link to the household's page
        fits(page, SIZES)
    # the household page, opened
    page.goto(f"{server.url}/e/lanting/household")
    page.fill("#household_code", world.codes["1-1-201"])
    page.fill("#check_code", str(receipt["check_code"]))
    page.click("button:has-text('查看')")
    page.locator(".household-receipts").wait_for()
    if found := serious(page):
        problems["/e/lanting/household (opened)"] = found
    fits(page, SIZES)
    # the disclosure with every month opened (its detail tables)
    page.goto(f"{server.url}/e/lanting/d/{q1}")
    for summary in page.locator("details summary").all():
        if summary.is_visible():
            summary.click()
    if found := serious(page):
        problems[f"/e/lanting/d/{q1} (opened)"] = found
    fits(page, SIZES)
    assert not problems, problems


def test_a_disclosure_page_first_load_stays_within_150_kb(
    live_server: LiveServer, browser: Browser
) -> None:
    """A phone that never saw the site: the page, its stylesheets and scripts, as sent."""
    server = live_server
    _, q1, _ = _world(server)
    context = _context(browser)
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on(
        "requestfinished",
        lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]),
    )
    page.goto(f"{server.url}/e/lanting/d/{q1}", wait_until="networkidle")
    context.close()
    total = sum(sizes.values())
    print(f"first load of a disclosure page: {total} bytes in {len(sizes)} responses")
    assert f"{server.url}/e/lanting/d/{q1}" in sizes and len(sizes) >= 3, sizes
    assert total <= FIRST_LOAD_BYTES, (total, sizes)
