"""The collection code's WeChat Pay bill on a 375 px phone: from the bank page the steward
opens 微信支付, uploads a broken bill (refused row by row, in Chinese), then the sample bill,
and reads which lines matched the recorded payments and the bank line of the withdrawal and
what is left on either side; nothing wider than the screen. The world (books, payments, the
bank statement) is built through the API from an empty database (``wallet_world``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401
from tests.integration.journal.api_setup import PASSWORD
from tests.integration.reconciliation.bank_world import SAMPLES, ok
from tests.integration.reconciliation.test_wallet_bills import bank, wallet_world
from tests.integration.reconciliation.test_wallet_confirm import LINE_A, confirm_world
from trustfund.app import create_app
from trustfund.settings import Settings

pytestmark = pytest.mark.e2e


def api(server: LiveServer, tmp_path: Path, db_url: str) -> Litestar:
    """The app on the live server's database, to build the world through the API."""
    settings = Settings(
        var_dir=tmp_path / "var-api",
        database_url=db_url,
        ledger_dir=tmp_path / "ledgers-api",
        secret_key="e2e-secret-key-not-for-production",
    )
    return create_app(settings, engine=server.engine)


def test_wallet_bill_on_a_phone(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
    tmp_path: Path,
    db_url: str,
) -> None:
    server, page = live_server, phone375
    with server.session() as session, TestClient(api(server, tmp_path, db_url)) as c:
        estate, _ = wallet_world(session, c)
        ok(bank(estate), 201)
    sign_in(page, server, "steward", PASSWORD)
    page.click("a[href='/staff/xinhe/bank/']")
    fits(page)
    page.click("#wallets a:has-text('微信支付账单')")
    expect(page.locator("h1")).to_contain_text("微信支付收款码账单")

    text = (SAMPLES / "wechat-bill.csv").read_bytes().decode("utf-8-sig")
    broken = text.replace("¥100.00", "¥1OO.00")
    page.set_input_files(
        "#f-file", {"name": "broken.csv", "mimeType": "text/csv", "buffer": broken.encode()}
    )
    page.click("#wallet-import button[type=submit]")
    refused = page.locator("#wallet-import .alert").inner_text()
    assert "第 18 行" in refused and "rows[" not in refused
    fits(page)
    shoot(page, server, "wallet-bill-refused", phone=PHONE_375)

    page.set_input_files("#f-file", str(SAMPLES / "wechat-bill.csv"))
    page.click("#wallet-import button[type=submit]")
    expect(page.locator("p.notice[role=status]")).to_contain_text("账单已导入：新增 5 笔")
    withdrawal = page.locator("tr[data-serial='1000050001202603030000001']").inner_text()
    assert "银行到账流水已对上" in withdrawal
    assert "收费分录" in page.locator("tr[data-serial='4200002026030100000001']").inner_text()
    assert "4200002026030500000005" in page.locator("#wallet-unmatched-lines").inner_text()
    assert "2026-000003" in page.locator("#wallet-unmatched-payments").inner_text()
    fits(page)
    shoot(page, server, "wallet-bill-wechat", phone=PHONE_375)
    page.click("#wallet-match button[type=submit]")
    expect(page.locator("p.notice[role=status]")).to_contain_text("已重新匹配")
    fits(page)


def test_confirming_a_wallet_candidate_on_a_phone(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
    tmp_path: Path,
    db_url: str,
) -> None:
    """Two 200.00 collections several WeChat payments could be: the steward confirms one
    candidate with its button, tries a refused one, and undoes the match — at 375 px."""
    server, page = live_server, phone375
    with server.session() as session, TestClient(api(server, tmp_path, db_url)) as c:
        confirm_world(session, c)
    sign_in(page, server, "steward", PASSWORD)
    page.goto(f"{server.url}/staff/xinhe/bank/wallets/wechat/")
    proposal = page.locator(f".proposal[data-line='{LINE_A}']")
    expect(proposal).to_contain_text("就是这笔")
    fits(page)
    shoot(page, server, "wallet-confirm-candidates", phone=PHONE_375)
    proposal.locator("li", has_text="2026-000004").locator("button").click()
    expect(page.locator("p.notice[role=status]")).to_contain_text("已确认匹配")
    row = page.locator(f"tr[data-serial='{LINE_A}']")
    expect(row).to_contain_text("steward 确认")
    fits(page)
    shoot(page, server, "wallet-confirmed", phone=PHONE_375)
    row.locator("button:has-text('撤销')").click()
    expect(page.locator("p.notice[role=status]")).to_contain_text("已撤销匹配")
    expect(page.locator(f".proposal[data-line='{LINE_A}']")).to_be_visible()
    fits(page)
