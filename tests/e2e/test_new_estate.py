"""Issue 13 in the browser, on a 375 px phone, from an empty database: the administrator
creates the estate and its people; the steward follows the set-up checklist on the home
page — imports the household register, proposes the fee schedule and the opening balances; a
committee member approves both; the steward issues the year's charges (开征), takes the first
payment and sees the receipt. Every page is checked for horizontal overflow and shot for
review. The only step outside the browser is the installer's ``trustfund user add --admin``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, fits, shoot
from tests.integration.onboarding.helpers import (
    HOUSEHOLDS_FILE,
    PASSWORDS,
    Cli,
    installer_creates_admin,
)
from trustfund.settings import Settings

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def phone375(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


def look(page: Page, server: LiveServer, name: str) -> None:
    """No overflow at 375 px; screenshots at 375 px and 1280 px (SQLite run only)."""
    fits(page)
    shoot(page, server, f"new-estate-{name}", phone=PHONE_375)


def sign_in_as(page: Page, server: LiveServer, username: str) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/staff")


def step(page: Page, slug: str, name: str) -> str:
    return page.locator(f"#setup-{slug} [data-step={name}]").inner_text()


def test_new_estate_set_up_on_a_phone(
    live_server: LiveServer, phone375: Page, db_url: str, tmp_path: Path
) -> None:
    server, page = live_server, phone375
    installer_creates_admin(
        Cli.of(
            Settings(
                var_dir=tmp_path / "var",
                database_url=db_url,
                ledger_dir=tmp_path / "ledgers",
                secret_key="e2e-secret-key-not-for-production",
            )
        )
    )

    # --- the administrator: estate, people, roles -------------------------------------------
    sign_in_as(page, server, "admin")
    page.click("a[href='/admin/estates']")
    page.fill("#f-name", "兰苑小区")
    page.fill("#f-slug", "lanyuan")
    page.fill("#f-community", "兰苑社区")
    page.click("button:has-text('新建小区')")
    expect(page.locator("table")).to_contain_text("兰苑小区")
    look(page, server, "admin-estates")
    for username, name, role in (
        ("wangfang", "王芳", "steward"),
        ("lijun", "李军", "committee"),
        ("zhaomin", "赵敏", "committee"),
    ):
        page.goto(server.url + "/admin/users")
        page.fill("#f-display_name", name)
        page.fill("#f-username", username)
        page.fill("#f-password", PASSWORDS[username])
        page.click("button:has-text('新建用户')")
        page.wait_for_url(re.compile(r"/admin/users/\d+$"))
        page.select_option("#f-role", role)
        page.select_option("#f-estate", "lanyuan")
        page.click("button:has-text('授予')")
        expect(page.locator("table.memberships")).to_contain_text("lanyuan")
    look(page, server, "admin-user")

    # --- the steward: the checklist says what is missing, step by step -----------------
    sign_in_as(page, server, "wangfang")
    expect(page.locator("#setup-lanyuan")).to_contain_text("建账进度")
    assert "还没有住户" in step(page, "lanyuan", "households")
    look(page, server, "home-empty")
    page.click("#setup-lanyuan [data-step=households] a")
    page.set_input_files("#f-file", str(HOUSEHOLDS_FILE))
    page.click("button:has-text('导入')")
    expect(page.locator("[role=status]")).to_contain_text("新增 20 户")
    look(page, server, "import")
    page.goto(server.url + "/staff")
    assert "住户已导入 20 户" in step(page, "lanyuan", "households")
    assert "账簿未开" in step(page, "lanyuan", "opening")
    look(page, server, "home-checklist")

    # a household page says plainly that no money can be taken yet
    page.goto(server.url + "/staff/lanyuan/households?building=1")
    page.locator("a:has-text('101')").first.click()
    expect(page.locator("#not-ready")).to_contain_text("账簿未开")
    expect(page.locator("button:has-text('收款并开收据')")).to_have_count(0)
    look(page, server, "household-not-ready")

    # the fee schedule, proposed on its form (a mistake is named next to its field)
    page.goto(server.url + "/staff")
    page.click("#setup-lanyuan [data-step=schedule] a")
    page.fill("#f-fee_year", "2025")
    page.fill("#f-electricity_amount", "50.00")
    page.fill("#f-maintenance_amount", "90,00")  # a decimal comma is refused, never 9000
    page.fill("#f-garbage_amount", "60.00")
    page.fill("#f-vacancy_percent", "50")
    page.click("button:has-text('提交业委会批准')")
    expect(page.locator("#e-maintenance_amount")).to_contain_text("小数点")
    look(page, server, "schedule-form-error")
    page.fill("#f-maintenance_amount", "90.00")
    page.click("button:has-text('提交业委会批准')")
    expect(page.locator("[role=status]")).to_contain_text("已提交 2025 年度收费标准")
    expect(page.locator("button:has-text('批准这份收费标准')")).to_have_count(0)
    look(page, server, "schedule-submitted")

    # the opening balances, proposed on the books page
    page.goto(server.url + "/staff")
    page.click("#setup-lanyuan [data-step=opening] a")
    propose_opening_balances(page)
    look(page, server, "opening-proposed")

    # --- a committee member approves both -------------------------------------------------
    sign_in_as(page, server, "lijun")
    page.click("#setup-lanyuan [data-step=schedule] a")
    expect(page.locator("table.components")).to_contain_text("200.00")
    page.click("button:has-text('批准这份收费标准')")
    expect(page.locator("[role=status]")).to_contain_text("已批准 2025 年度收费标准")
    look(page, server, "schedule-approved")
    page.goto(server.url + "/staff")
    page.click("#setup-lanyuan [data-step=opening] a")
    expect(page.locator("main")).to_contain_text("12,030.00")  # maintenance opens at this
    look(page, server, "opening-approval")
    approve_opening_balances(page)
    look(page, server, "opening-approved")

    # --- the steward issues the charges and takes the first payment -----------------------
    sign_in_as(page, server, "wangfang")
    assert "收费标准已批准" in step(page, "lanyuan", "schedule")
    assert "账簿已开" in step(page, "lanyuan", "opening")
    page.click("#setup-lanyuan [data-step=charges] a")
    page.click("button:has-text('开征 2025 年度服务费')")
    expect(page.locator("[role=status]")).to_contain_text("新开出 20 户应收")
    look(page, server, "charges-issued")
    page.goto(server.url + "/staff")
    expect(page.locator("#setup-lanyuan")).to_have_count(0)  # nothing missing any more
    look(page, server, "home-ready")

    page.goto(server.url + "/staff/lanyuan/households?building=1")
    page.locator("a:has-text('101')").first.click()
    expect(page.locator("#f-amount")).to_have_value("200.00")
    page.check("input[name=method][value=wechat]")
    look(page, server, "household-pay")
    page.click("button:has-text('收款并开收据')")
    # numbered in the year the money is taken (today), for the 2025 fee
    expect(page.locator("h1")).to_have_text(re.compile(r"收据 \d{4}-000001"))
    expect(page.locator("main")).to_contain_text("2025 年度综合服务费")
    expect(page.locator("main")).to_contain_text("200.00 元")
    expect(page.locator("[role=status]")).to_contain_text("已收款")
    look(page, server, "receipt")


def propose_opening_balances(page: Page) -> None:
    """The steward's opening-balances form (建账): as the paper ledger stands on 2025-01-01."""
    page.fill("#f-date", "2025-01-01")
    for field, amount in {
        "electricity_bank": "3120.50",
        "maintenance_bank": "12480.00",
        "maintenance_cash": "350.00",
        "maintenance_payable": "800.00",
        "garbage_bank": "2310.00",
        "garbage_cash": "120.00",
    }.items():
        page.fill(f"#f-{field}", amount)
    page.click("button:has-text('提交业委会审批')")
    expect(page.locator("main")).to_contain_text("17,580.50")  # 3120.50 + 12030.00 + 2430.00
    page.goto(page.url.split("/staff/")[0] + "/staff")
    assert "待业委会批准" in step(page, "lanyuan", "opening")


def approve_opening_balances(page: Page) -> None:
    """A committee member, having read the per-fund figures, approves them."""
    page.click("button:has-text('批准')")
    expect(page.locator("main")).to_contain_text("已批准")
