"""Opening the books on a phone (375 px): the steward enters the paper ledger's figures per
fund and submits them; a committee member reads them on the approvals page and approves;
the books are open. No page is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, LiveServer, fits, sign_in
from tests.factories import make_estate, make_user
from trustfund.auth.principal import Role

pytestmark = pytest.mark.e2e

IPHONE = {"width": 375, "height": 812}


def _fits(page: Page, server: LiveServer, name: str) -> None:
    """Nothing is wider than the 375 px screen (``fits``); screenshot it (SQLite run only)."""
    fits(page)
    if server.backend == "sqlite":
        page.screenshot(path=str(SCREENSHOTS / f"{name}-375.png"), full_page=True)


def _sign_out(page: Page) -> None:
    page.click("form[action='/logout'] button")


def test_steward_opens_the_books_and_the_committee_approves(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        estate = make_estate(s, "xinhe", name="新河小区")
        make_user(s, Role.STEWARD, estate, username="steward", display_name="周红梅")
        make_user(s, Role.COMMITTEE, estate, username="committee1", display_name="侯景萍")
    phone.set_viewport_size(IPHONE)

    sign_in(phone, server, "steward")
    phone.goto(server.url + "/staff/xinhe/books")
    expect(phone.locator("#books-closed")).to_contain_text("尚未建账")
    _fits(phone, server, "books-empty")

    phone.fill("#f-date", "2025-01-01")
    phone.fill("#f-electricity_bank", "3120.50")
    phone.fill("#f-maintenance_bank", "8000")
    phone.fill("#f-maintenance_cash", "２００")  # a Chinese input method's full-width digits
    phone.fill("#f-maintenance_payable", "9000")
    phone.click("form.opening button[type=submit]")
    expect(phone.locator("#fund-maintenance .field-error")).to_contain_text("不能小于零")
    _fits(phone, server, "books-error")

    phone.fill("#f-maintenance_payable", "1500")
    phone.click("form.opening button[type=submit]")
    expect(phone.locator("[role=status]").last).to_contain_text("已提交业委会审批")
    table = phone.locator("#proposal table")
    expect(table).to_contain_text("公共设施维护")
    expect(table).to_contain_text("6,700.00")
    expect(table.locator("tbody.total")).to_contain_text("9,820.50")
    _fits(phone, server, "books-proposed")
    _sign_out(phone)

    sign_in(phone, server, "committee1")
    phone.goto(server.url + "/staff/xinhe/books")
    phone.click("#proposal a:has-text('去审批')")
    expect(phone.locator("h1")).to_contain_text("期初余额（建账）")
    expect(phone.locator(".opening-funds")).to_contain_text("1,500.00")
    expect(phone.locator(".entry-legs")).to_contain_text("业委会银行账户")
    _fits(phone, server, "books-approval")
    phone.click("button[value=approve]")
    phone.goto(server.url + "/staff/xinhe/books")
    expect(phone.locator("#books-open")).to_contain_text("2025-01-01")
    _fits(phone, server, "books-open")
