"""The month's bank reconciliation on a 375 px phone (issue 18): the steward reaches 银行对账
from the staff home, reads January's 银行余额调节表 with the items in transit, the proposed and
the made matches, and submits it; the committee member finds it waiting and, once approved,
the page says so. The world (books, statements) is built through the API beforehand."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, fits, shoot
from tests.integration.journal.api_setup import PASSWORD
from tests.integration.reconciliation.bank_world import SAMPLES, bank_world
from trustfund.app import create_app
from trustfund.settings import Settings

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def phone375(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in_as(page: Page, server: LiveServer, username: str) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/staff")


def test_bank_reconciliation_on_a_phone(
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
        bank_world(session, c)
        sign_in_as(page, server, "steward")
        page.click("a[href='/staff/xinhe/bank/']")
        # a file whose balance breaks is refused whole, row and column named
        broken = (SAMPLES / "bank-statement-split.csv").read_text().replace("10400.00", "10401.00")
        page.set_input_files(
            "#f-file", {"name": "broken.csv", "mimeType": "text/csv", "buffer": broken.encode()}
        )
        page.click("#bank-import button[type=submit]")
        refused = page.locator("#bank-import .alert").inner_text()
        assert "第 4 行：余额" in refused and "rows[" not in refused  # the row, in Chinese
        fits(page)
        for name in ("bank-statement-split.csv", "bank-statement-signed.xlsx"):
            page.set_input_files("#f-file", str(SAMPLES / name))
            page.click("#bank-import button[type=submit]")
            expect(page.locator("p.notice[role=status]")).to_contain_text("对账单已导入")
        page.select_option("#f-month", "2026-01")
        page.click("form.dates button[type=submit]")
        expect(page.locator("#bank-status")).to_have_text("未编制")
        statement_items = page.locator("#statement-items").inner_text()
        assert "2026012000022" in statement_items and "-2.00" in statement_items
        assert "-120.00" in page.locator("#book-items").inner_text()
        assert "2026010500012" in page.locator("#proposals").inner_text()
        assert "自动" in page.locator("#matches").inner_text()
        assert "两边调节后余额相等" in page.locator("#reconciliation").inner_text()
        fits(page)
        shoot(page, server, "bank-reconciliation-january", phone=PHONE_375)

        # the steward confirms the 01-05 line as the 01-05 receipt; the other pair is then
        # unique and matched automatically
        proposal = page.locator(".proposal[data-line='2026010500012']")
        proposal.locator("li:has-text('收据2026-000001') button").click()
        expect(page.locator("p.notice[role=status]")).to_contain_text("已确认匹配")
        expect(page.locator("#proposals")).to_have_count(0)
        assert "steward 确认" in page.locator("#matches").inner_text()
        page.click("text=编制完成，提交业委会审批")
        expect(page.locator("#bank-status")).to_have_text("待业委会审批")
        fits(page)

        sign_in_as(page, server, "member1")
        page.goto(server.url + "/staff/xinhe/bank/?month=2026-01")
        link = page.locator("a:has-text('去审批')")
        expect(link).to_be_visible()
        link.click()
        # the committee sees what it approves: items in transit, and each match with who made it
        assert "2026012000022" in page.locator("#statement-items").inner_text()
        assert "自动" in page.locator("#matches").inner_text()
        fits(page)
        shoot(page, server, "bank-reconciliation-approval", phone=PHONE_375)
        page.click("button[value=approve]")
        page.goto(server.url + "/staff/xinhe/bank/?month=2026-01")
        expect(page.locator("#bank-status")).to_have_text("已核对，业委会已批准")
        fits(page)
        shoot(page, server, "bank-reconciliation-approved", phone=PHONE_375)
