"""Residents' public pages in the browser (issue 16), as a neighbour reads them on an old
phone inside WeChat: 375 px (and 320 px) wide, a WeChat user agent. Every page is checked for
horizontal overflow at 320, 375 and 1280 px and for anything the Content-Security-Policy
refused, and shot at 375 px (SQLite run)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, csp_violations, fits, shoot
from tests.e2e.seed import seed_estate
from tests.integration.disclosure.conftest import World, build_world
from trustfund.ledger.chain import entry_hash, verify_text
from trustfund.ledger.text import GENESIS, with_hash, without_hash

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


def look(page: Page, server: LiveServer, name: str) -> None:
    shoot(page, server, f"residents-{name}", phone=PHONE_375)
    fits(page, SIZES)


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
        fits(page, SIZES)
    page.click("a:has-text('查找小区')")
    expect(page.locator("main")).to_contain_text("柳汀小区")


@dataclass
class Published:
    world: World
    api: httpx.Client
    versions: dict[str, int]

    def as_(self, who: tuple[int, str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {who[1]}"}

    def post(self, who: tuple[int, str], path: str, body: Any = None) -> httpx.Response:
        r = self.api.post(f"/api/v1/estates/youhe{path}", json=body, headers=self.as_(who))
        assert r.status_code < 300, (path, r.status_code, r.text)
        return r

    def publish(self, body: dict[str, Any]) -> int:
        vid = int(self.post(self.world.steward, "/disclosures/", body).json()["id"])
        self.post(self.world.committee1, f"/disclosures/{vid}/decision", {"decision": "approve"})
        self.post(self.world.steward, f"/disclosures/{vid}/publish")
        return vid


@pytest.fixture
def published(live_server: LiveServer) -> Iterator[Published]:
    """The disclosure tests' estate (游河小区: opening balances, fees charged and partly paid,
    payouts with vouchers, donations), its first two quarters published through the API."""
    with live_server.session() as s:
        world = build_world(s)
    with httpx.Client(base_url=live_server.url, timeout=30) as api:
        out = Published(world, api, {})
        for period in ("2026Q1", "2026Q2"):
            out.versions[period] = out.publish({"period": period})
        yield out


def test_a_resident_finds_the_estate_and_reads_its_latest_disclosure(
    live_server: LiveServer, resident: Page, published: Published
) -> None:
    server, page = live_server, resident
    with server.session() as s:
        seed_estate(s)  # a second estate, elsewhere
    q2 = published.versions["2026Q2"]
    page.goto(server.url + "/")
    expect(page.locator("main")).to_contain_text("柳汀小区")
    look(page, server, "home")
    page.fill("#q", "游河")
    page.click("button:has-text('查找')")
    expect(page.locator("main")).not_to_contain_text("柳汀小区")
    latest = page.locator("a.latest")
    expect(latest).to_contain_text("最新公示：2026年第二季度")
    look(page, server, "home-found")
    latest.click()
    page.wait_for_url(f"{server.url}/e/youhe/d/{q2}")
    # the headline: one card per fund and the total, each with income, expenditure and balance
    cards = page.locator(".fund-card")
    expect(cards).to_have_count(5)
    total = page.locator(".fund-card.total")
    expect(total).to_be_visible()
    expect(total).to_contain_text("结余")
    expect(total).to_contain_text("比期初")
    expect(page.locator(".fund-card.fund-garbage")).to_contain_text("600.00")  # May's removal
    # Q1's figures beside Q2's: the previous period for comparison
    expect(page.locator("section.headline")).to_contain_text("上期（2026年第一季度）")
    # expenses grouped by month and item, every line a tap away
    may = page.locator(".month:has-text('2026年5月')")
    expect(may).to_contain_text("支出 600.00 元 · 1 笔")
    expect(may.locator("table.detail")).to_be_hidden()
    may.locator("summary").first.click()
    expect(may.locator("table.detail")).to_contain_text("PZ-2026-003")
    look(page, server, "disclosure")
    # the head hash is short, with the whole of it and a copy button (a script file)
    head = page.locator("section.verify .hash-box")
    expect(head.locator("button.copy")).to_be_visible()
    expect(head.locator("code.hash-short")).to_contain_text("…")
    head.locator("summary").click()
    expect(head.locator("code.hash")).to_be_visible()
    fits(page, SIZES)
    # the list of the estate's disclosures: the newest first, with its totals
    page.click("a:has-text('全部公示')")
    expect(page.locator("section.newest h2")).to_contain_text("2026年第二季度")
    expect(page.locator("section.newest")).to_contain_text("结余")
    look(page, server, "estate")


def _variants(text: str) -> dict[str, str]:
    """The real ledger and forgeries of it: one amount changed, an entry removed, two
    entries swapped, a line added to the header, a hash changed."""
    blocks = text.split("\n\n")
    entries = [i for i, b in enumerate(blocks) if " * " in b.split("\n", 1)[0]]
    first, second = entries[3], entries[4]
    changed = list(blocks)
    changed[first] = changed[first].replace(".00 CNY", ".01 CNY", 1)
    assert changed[first] != blocks[first]
    removed = [b for i, b in enumerate(blocks) if i != second]
    swapped = list(blocks)
    swapped[first], swapped[second] = swapped[second], swapped[first]
    rehashed = list(blocks)
    rehashed[second] = rehashed[second].replace('hash: "', 'hash: "0', 1)[:-1]
    return {
        "real": text,
        "amount": "\n\n".join(changed),
        "removed": "\n\n".join(removed),
        "swapped": "\n\n".join(swapped),
        "header": 'plugin "beancount.plugins.auto"\n' + text,
        "hash": "\n\n".join(rehashed),
    }


def test_the_verify_button_recomputes_the_chain_as_the_command_line_does(
    live_server: LiveServer, resident: Page, published: Published
) -> None:
    """The browser's check (both SHA-256 engines: Web Crypto and the script's own) agrees
    with ``trustfund ledger verify`` on the real ledger and on forgeries of it."""
    server, page = live_server, resident
    text = published.api.get("/api/v1/public/estates/youhe/ledger.beancount").text
    page.goto(f"{server.url}/e/youhe/verify")
    for name, variant in _variants(text).items():
        expected = verify_text(variant)
        for pure in (False, True):
            got = page.evaluate(
                "([t, pure]) => window.trustfundVerify.verifyText(t, pure)", [variant, pure]
            )
            assert got["engine"] in (None, "js" if pure else "webcrypto"), (name, got["engine"])
            assert got["ok"] is expected.ok, (name, pure, got["problem"], expected.problem)
            if expected.first_bad_seq is not None:
                assert got["firstBadSeq"] == expected.first_bad_seq, (name, pure, got)
            if expected.ok:
                assert got["hashes"] == expected.hashes and got["entries"] == expected.entries


def test_the_verify_button_is_green_on_the_real_ledger_and_red_on_a_forgery(
    live_server: LiveServer, resident: Page, published: Published
) -> None:
    server, page = live_server, resident
    page.goto(f"{server.url}/e/youhe/d/{published.versions['2026Q2']}")
    page.click("a:has-text('核对账本没有被改动')")
    page.wait_for_url(f"{server.url}/e/youhe/verify")
    look(page, server, "verify")
    page.click("#verify-button")
    result = page.locator("#verify-result")
    expect(result).to_have_class("verify-result good")
    expect(result).to_contain_text("✓ 账本完整，与公示一致")
    expect(result).to_contain_text("各期公示时记录的账本头（2 期）都与账本一致")
    assert result.get_attribute("data-engine") == "webcrypto"  # http://127.0.0.1 is secure
    look(page, server, "verify-green")
    # the same page with the script's own SHA-256 (as on a plain-http LAN address)
    page.goto(f"{server.url}/e/youhe/verify?sha=js")
    page.click("#verify-button")
    expect(result).to_contain_text("✓ 账本完整，与公示一致")
    assert result.get_attribute("data-engine") == "js"

    # a forged download: one amount changed in one entry
    text = published.api.get("/api/v1/public/estates/youhe/ledger.beancount").text
    forged = _variants(text)["amount"]
    bad_seq = verify_text(forged).first_bad_seq
    assert bad_seq is not None
    page.route(
        "**/ledger.beancount",
        lambda route: route.fulfill(
            status=200, body=forged, content_type="text/plain; charset=utf-8"
        ),
    )
    page.goto(f"{server.url}/e/youhe/verify")
    page.click("#verify-button")
    expect(result).to_have_class("verify-result bad")
    expect(result).to_contain_text("✗ 账本核对不通过")
    expect(result).to_contain_text(f"第 {bad_seq} 笔的内容与它的哈希不符")
    look(page, server, "verify-red")
    # a ledger rewritten consistently after publication (every hash recomputed) still
    # fails: the heads printed for the publications no longer match
    page.unroute("**/ledger.beancount")
    page.route(
        "**/ledger.beancount",
        lambda route: route.fulfill(
            status=200, body=_rechained(forged), content_type="text/plain; charset=utf-8"
        ),
    )
    page.goto(f"{server.url}/e/youhe/verify")
    page.click("#verify-button")
    expect(result).to_contain_text("✗ 账本与公示不符")
    expect(result).to_contain_text("的哈希与公示时记录的不同")


def _rechained(text: str) -> str:
    """``text`` with every hash and prev recomputed: a consistent chain, different heads."""
    blocks = text.rstrip("\n").split("\n\n")
    prev = GENESIS
    out = []
    for block in blocks:
        canonical, stated = without_hash(block + "\n")
        if stated is None:
            out.append(block)
            continue
        canonical = re.sub(r'(?m)^  prev: "[0-9a-f]{64}"$', f'  prev: "{prev}"', canonical)
        prev = entry_hash(prev, canonical)
        out.append(with_hash(canonical, prev).removesuffix("\n"))
    rechained = "\n\n".join(out) + "\n"
    assert verify_text(rechained).ok
    return rechained


def test_a_correction_shows_figure_by_figure_what_changed_and_why(
    live_server: LiveServer, resident: Page, published: Published
) -> None:
    """Q1 was published without a payment of 200.00 made on 20 March. The steward proposes
    lifting the lock, both committee members agree, the payment is recorded on its day and the
    correction (第 2 版) is published — all through the API. Its page names the reason and
    lists each figure that changed, from what to what."""
    server, page, p = live_server, resident, published
    world = p.world
    q1 = p.versions["2026Q1"]
    locks = p.api.get("/api/v1/estates/youhe/ledger/period-locks", headers=p.as_(world.steward))
    [lock] = [x for x in locks.json() if x["end"] == "2026-03-31" and x["active"]]
    reason = "补记3月20日漏记的一笔服务费（200.00元）"
    proposed = p.post(world.steward, f"/ledger/period-locks/{lock['id']}/lift", {"reason": reason})
    request_id = proposed.json()["approval"]["id"]
    for member in (world.committee1, world.committee2):
        p.post(member, f"/approvals/{request_id}/decision", {"decision": "approve"})
    p.api.headers["Idempotency-Key"] = "forgotten-payment"
    p.post(
        world.steward,
        "/fees/payments",
        {
            "method": "cash",
            "amount": "200.00",
            "paid_on": "2026-03-20",
            "allocations": [
                {"household_code": world.codes[4], "fee_year": 2026, "amount": "200.00"}
            ],
        },
    )
    del p.api.headers["Idempotency-Key"]
    v2 = p.publish({"period": "2026Q1", "supersedes_id": q1, "correction_reason": reason})

    page.goto(f"{server.url}/e/youhe/d/{v2}")
    changes = page.locator("section.changes")
    expect(changes).to_contain_text("本版更正了什么")
    expect(changes).to_contain_text(f"更正原因：{reason}")
    rows = changes.locator("table.changes-table tbody tr")
    table = {
        rows.nth(i).locator("th").inner_text(): [
            c.inner_text() for c in rows.nth(i).locator("td").all()
        ]
        for i in range(rows.count())
    }
    # the 200.00 went 50 / 90 / 60 to the three fee funds
    assert table["合计 · 本期收入"] == ["2,800.00", "3,000.00", "+200.00"]
    assert table["公共电费 · 本期收入"] == ["125.00", "175.00", "+50.00"]
    assert table["合计 · 期末余额"][2] == "+200.00"
    assert table["服务费收缴 · 实收金额"][2] == "+200.00"
    assert "支出明细 · 支出合计" not in table  # unchanged figures are not listed
    look(page, server, "correction")
    # the first version stays public and points to its correction
    page.click(f"section.changes a[href='/e/youhe/d/{q1}']")
    expect(page.locator("main")).to_contain_text("本版已被")
    expect(page.locator("section.changes")).to_have_count(0)
