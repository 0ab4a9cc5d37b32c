"""A household's own page (issue 16 item 8), read at 375 px in WeChat: the household code and
the check code printed on its receipt open its charges, receipts (with the PDF) and refunds —
nobody else's; nothing personal in any address; a wrong code gets one Chinese answer and
the questions' rate limit. From an empty database through the API (``api_world``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.api_world import ApiWorld, build_api_world
from tests.e2e.conftest import LiveServer, csp_violations
from tests.e2e.test_residents import PHONE_375, WECHAT, look

pytestmark = pytest.mark.e2e


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


def receipts_of(world: ApiWorld, key: str) -> list[dict[str, str]]:
    account = world.call("GET", "steward", f"/fees/households/{world.codes[key]}/2026")
    return [
        world.call("GET", "steward", f"/fees/receipts/{r['receipt_no']}")
        for r in account["receipts"]
    ]


def refund(world: ApiWorld, key: str, amount: str, reason: str) -> None:
    asked = world.call(
        "POST",
        "steward",
        "/fees/refunds",
        headers={"Idempotency-Key": f"refund-{key}"},
        json={
            "household_code": world.codes[key],
            "fee_year": 2026,
            "amount": amount,
            "method": "cash",
            "reason": reason,
        },
    )
    world.call(
        "POST",
        "lijun",
        f"/fees/refund-requests/{asked['id']}/decision",
        json={"decision": "approve", "content_hash": asked.get("content_hash")},
    )


def open_household(page: Page, server: LiveServer, code: str, check: str) -> None:
    page.goto(f"{server.url}/e/lanting/household")
    page.fill("#household_code", code)
    page.fill("#check_code", check)
    page.click("button:has-text('查看')")


def test_a_household_sees_its_own_charges_receipts_and_refunds(
    live_server: LiveServer, resident: Page
) -> None:
    server, page = live_server, resident
    world = build_api_world(server)
    world.pay_cash("1-1-201", "120.00", "2026-02-10")  # partly
    world.pay_cash("1-1-201", "80.00", "2026-03-01")  # the rest
    world.pay_cash("2-1-502", "200.00", "2026-02-11")  # a neighbour
    refund(world, "1-1-201", "20.00", "多收退还")
    mine = receipts_of(world, "1-1-201")
    neighbour = receipts_of(world, "2-1-502")
    code = world.codes["1-1-201"]
    addresses: list[str] = []
    page.on("request", lambda r: addresses.append(r.url))

    # from the estate's page, and from the receipt's public check page
    page.goto(f"{server.url}/e/lanting")
    page.click("a:has-text('我家的缴费记录')")
    page.wait_for_url(f"{server.url}/e/lanting/household")
    look(page, server, "household-form")
    page.goto(f"{server.url}/r/lanting/{mine[0]['receipt_no']}")
    page.click("a:has-text('查看本户全部缴费记录')")
    page.wait_for_url(f"{server.url}/e/lanting/household")

    # a wrong code, an unknown household, a neighbour's check code: one answer
    for typed_code, typed_check in (
        (code, "ABCD-EFGH"),
        ("H-ZZZZZZ", mine[0]["check_code"]),
        (code, neighbour[0]["check_code"]),
    ):
        open_household(page, server, typed_code, typed_check)
        expect(page.locator("p.error")).to_have_text("户号或收据校验码不对，请对照收据重新填写。")
        expect(page.locator("h1")).to_have_text("我家的缴费记录")
        expect(page.locator(".household-receipts")).to_have_count(0)
    look(page, server, "household-wrong-code")

    # the right pair (typed in lower case, without the dash): the household's own records
    open_household(page, server, code.lower(), mine[1]["check_code"].replace("-", "").lower())
    page.wait_for_url(f"{server.url}/e/lanting/household")
    expect(page.locator(".household-head")).to_contain_text("1幢1单元201室")
    year = page.locator(".household-year", has_text="2026年度")
    expect(year).to_contain_text("应缴 200.00")
    expect(year).to_contain_text("已缴 180.00")  # 200 paid, 20 refunded
    receipts = page.locator(".household-receipt")
    expect(receipts).to_have_count(2)
    for r in mine:
        expect(page.locator(".household-receipts")).to_contain_text(r["receipt_no"])
    expect(page.locator(".household-receipts")).not_to_contain_text(neighbour[0]["receipt_no"])
    expect(page.locator(".household-refunds")).to_contain_text("20.00 元")
    expect(page.locator(".household-refunds")).to_contain_text("多收退还")
    body = page.content()
    assert "冯九" not in body and "郑七" not in body and "13900000001" not in body
    look(page, server, "household")

    # the receipt's PDF, for this household only
    pdf = page.request.get(f"{server.url}/e/lanting/household/receipts/{mine[0]['receipt_no']}.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert pdf.headers["cache-control"] == "no-store"
    other = page.request.get(
        f"{server.url}/e/lanting/household/receipts/{neighbour[0]['receipt_no']}.pdf"
    )
    assert other.status == 404
    # nothing personal in any address the browser asked for
    for url in addresses:
        assert code not in url and code.lower() not in url, url
        for r in mine:
            assert r["check_code"] not in url and r["check_code"].replace("-", "") not in url

    # the cookie is HttpOnly, SameSite=Strict, for this estate's household pages only
    [cookie] = [c for c in page.context.cookies() if c["name"] == "tf_household"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/e/lanting/household"
    # a forged cookie (another household's id, same signature) opens nothing
    household_id = cookie["value"].split(".")[1]
    forged = cookie["value"].replace(f".{household_id}.", f".{int(household_id) + 1}.", 1)
    answer = httpx.get(f"{server.url}/e/lanting/household", cookies={"tf_household": forged})
    assert answer.status_code == 200 and "household-receipts" not in answer.text
    assert (
        httpx.get(
            f"{server.url}/e/lanting/household/receipts/{neighbour[0]['receipt_no']}.pdf",
            cookies={"tf_household": forged},
        ).status_code
        == 404
    )

    # leaving forgets it on this phone
    page.click("button:has-text('离开')")
    page.wait_for_url(f"{server.url}/e/lanting")
    page.goto(f"{server.url}/e/lanting/household")
    expect(page.locator("#household_code")).to_be_visible()


def test_guessing_codes_is_stopped_like_guessing_for_questions(
    live_server: LiveServer, resident: Page
) -> None:
    """Five wrong pairs from one address in 15 minutes — on this page and the questions'
    form together — and the sixth try is refused with 429, even with the right codes."""
    server, page = live_server, resident
    world = build_api_world(server)
    world.pay_cash("1-1-201", "200.00", "2026-02-10")
    code = world.codes["1-1-201"]
    [receipt] = receipts_of(world, "1-1-201")
    for i in range(5):
        open_household(page, server, code, f"WRNG-{i:04d}")
        expect(page.locator("p.error")).to_contain_text("户号或收据校验码不对")
    open_household(page, server, code, receipt["check_code"])
    expect(page.locator("p.error")).to_have_text(re.compile(r"尝试次数太多，请 \d+ 分钟后再试。"))
    expect(page.locator(".household-receipts")).to_have_count(0)
    look(page, server, "household-rate-limited")
    # a cross-site form post is refused before any code is looked at
    answer = httpx.post(
        f"{server.url}/e/lanting/household",
        data={"household_code": code, "check_code": receipt["check_code"]},
        headers={"Origin": "https://evil.example", "Accept": "text/html"},
    )
    assert answer.status_code == 403
