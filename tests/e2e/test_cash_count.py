"""The steward's cash count on a 375 px phone (issue 18): from the cash page (现金) to 现金盘点,
pieces typed per denomination; a count that differs from the books is refused until the
reason is written, then submitted; a committee member approves it on the approvals page, which
shows every denomination, and the count then reads approved. The world (books, a cash
payment, a deposit) is built through the API beforehand."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, shoot
from tests.e2e.test_bank import PHONE_375, fits, sign_in_as
from tests.integration.reconciliation.test_cash_count_api import cash_world
from trustfund.app import create_app
from trustfund.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone375(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_cash_count_on_a_phone(
    live_server: LiveServer, phone375: Page, db_url: str, tmp_path: Path
) -> None:
    server, page = live_server, phone375
    settings = Settings(
        var_dir=tmp_path / "var-api",
        database_url=db_url,
        ledger_dir=tmp_path / "ledgers-api",
        secret_key="e2e-secret-key-not-for-production",
    )
    with server.session() as session, TestClient(create_app(settings, engine=server.engine)) as c:
        cash_world(session, c)
        sign_in_as(page, server, "steward")
        page.goto(server.url + "/staff/xinhe/cash")
        page.click("a[href='/staff/xinhe/cash/counts/']")
        # the books' cash today: 150.50 opening + 200.00 received − 100.00 deposited
        expect(page.locator("#book-cash")).to_have_text("250.50")
        page.fill("#f-counted_on", "2026-02-10")
        page.fill("#f-n_100", "2")
        page.fill("#f-n_50", "１")  # a full-width digit from a Chinese input method
        page.fill("#f-n_0_5", "x")
        page.click("#count-form button[type=submit]")
        assert "必须是整数" in page.locator("#e-n_0_5").inner_text()
        page.fill("#f-n_0_5", "")
        page.click("#count-form button[type=submit]")
        # 250.00 counted against 250.50 in the books: the reason is asked for, nothing kept
        reason = page.locator("#e-note").inner_text()
        assert "实点 250.00" in reason and "账面 250.50" in reason
        expect(page.locator("#f-n_100")).to_have_value("2")
        assert "还没有盘点记录" in page.locator("#counts").inner_text()
        fits(page)
        shoot(page, server, "cash-count-refused", phone=PHONE_375)
        page.fill("#f-note", "5角硬币找零给了住户")
        page.click("#count-form button[type=submit]")
        expect(page.locator("p.notice[role=status]")).to_contain_text("盘点已记录")
        listed = page.locator(".cash-count").first
        assert "差额 -0.50" in listed.inner_text() and "待业委会审批" in listed.inner_text()
        fits(page)
        shoot(page, server, "cash-count", phone=PHONE_375)

        sign_in_as(page, server, "member1")
        page.goto(server.url + "/staff/xinhe/cash/counts/")
        expect(page.locator("#count-form")).to_have_count(0)  # the committee does not count
        page.click("a:has-text('去审批')")
        pieces = page.locator("#cash-count-pieces").inner_text()
        assert "100元" in pieces and "50元" in pieces and "250.00" in pieces
        assert "5角硬币找零给了住户" in page.locator("#cash-count-figures").inner_text()
        fits(page)
        shoot(page, server, "cash-count-approval", phone=PHONE_375)
        page.click("button[value=approve]")
        page.goto(server.url + "/staff/xinhe/cash/counts/")
        expect(page.locator(".cash-count .tag").first).to_have_text("业委会已批准")
        assert "member1" in page.locator(".cash-count").first.inner_text()
        fits(page)
