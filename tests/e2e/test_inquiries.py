"""Residents' questions (质询) on a 375 px phone: a resident opens a published disclosure,
taps a line's 质询 link, mistypes the receipt check code (told in Chinese, nothing
published), asks; a committee member answers on the staff page; the answer shows next to
the line on the disclosure page. The alerts page lists an alert and acknowledges it. The
world (books, a payment with its receipt, a paid bill, Q1 published) is built through the
API beforehand."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, csp_violations, fits, shoot
from tests.integration.inquiries.test_inquiries import asking_world
from tests.integration.journal.api_setup import PASSWORD
from trustfund.app import create_app
from trustfund.settings import Settings

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}
SIZES = ({"width": 320, "height": 812}, PHONE_375)  # nothing wider than the screen at these


@pytest.fixture
def phone375(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_resident_questions_a_line_and_reads_the_committees_answer(
    live_server: LiveServer, phone375: Page, db_url: str, tmp_path: Path
) -> None:
    server, page = live_server, phone375
    refused = csp_violations(page)
    settings = Settings(
        var_dir=tmp_path / "var-api",
        database_url=db_url,
        ledger_dir=tmp_path / "ledgers-api",
        secret_key="e2e-secret-key-not-for-production",
    )
    with server.session() as session, TestClient(create_app(settings, engine=server.engine)) as c:
        world = asking_world(session, c)
    vid, seq = world.version_id, world.claim_seq

    # the resident opens the disclosure; every expense line offers a question
    page.goto(f"{server.url}/e/xinhe/d/{vid}")
    month = page.locator(".month:has-text('2026年2月')")
    month.locator("summary").first.click()
    line_link = month.locator(f"a.qa-ask[href$='/q/exp-{seq}']")
    expect(line_link).to_contain_text("有疑问？质询")
    fits(page, SIZES)
    line_link.click()
    page.wait_for_url(f"{server.url}/e/xinhe/d/{vid}/q/exp-{seq}")
    expect(page.locator(".qa-facts")).to_contain_text("350.00")
    expect(page.locator("main")).to_contain_text("还没有人对这一笔提出质询")

    # a mistyped check code: said in Chinese, nothing published
    page.fill("#household_code", world.code)
    page.fill("#check_code", "2222-2222")
    page.fill("#text", "二月电费为什么比一月多这么多？")
    page.click("button:has-text('提交质询')")
    expect(page.locator("p.error")).to_contain_text("户号或收据校验码不对")
    expect(page.locator("#text")).to_have_value("二月电费为什么比一月多这么多？")
    shoot(page, server, "inquiry-line-refused", phone=PHONE_375)
    fits(page, SIZES)
    page.fill("#check_code", world.check_code.replace("-", " ").lower())
    page.click("button:has-text('提交质询')")
    expect(page.locator("p.notice")).to_contain_text("您的质询已提交并公开")
    expect(page.locator(".qa-item")).to_contain_text("3幢住户")
    expect(page.locator(".qa-item")).to_contain_text("尚未答复")
    assert world.code not in page.content()
    shoot(page, server, "inquiry-line-asked", phone=PHONE_375)
    fits(page, SIZES)

    # a committee member answers on the staff page (from the home tile)
    page.goto(server.url + "/login")
    page.fill("#username", "member1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/staff")
    page.click("a[href='/staff/xinhe/inquiries']")
    card = page.locator("section.inquiry.open")
    expect(card).to_contain_text("二月电费为什么比一月多这么多？")
    expect(card).to_contain_text("已等 0 天")
    shoot(page, server, "inquiry-staff-answer-form", phone=PHONE_375)
    fits(page, SIZES)
    # an answer with a phone number is refused, the reason (catalog) on the question's card
    card.locator("textarea").fill("请打 13912345678 问管家")
    card.locator("button:has-text('发布答复')").click()
    expect(page.locator("section.inquiry.open .alert")).to_contain_text(
        "看起来含有姓名或电话等个人信息"
    )
    expect(page.locator("section.inquiry.open textarea")).to_have_value("请打 13912345678 问管家")
    shoot(page, server, "inquiry-staff-answer-refused", phone=PHONE_375)
    fits(page, SIZES)
    card.locator("textarea").fill("二月天冷，楼道灯和水泵开得久；电表读数照片附在凭证里。")
    card.locator("button:has-text('发布答复')").click()
    expect(page.locator("p.notice")).to_contain_text("答复已发布")
    expect(page.locator("section.inquiry").first).to_contain_text("业委会（member1）")
    fits(page, SIZES)

    # the alerts page: the overdue disclosure of Q2 etc., acknowledged with a note
    page.click("a:has-text('工作台')")
    page.click("a[href='/staff/xinhe/alerts']")
    first = page.locator("section.alert-item.open").first
    expect(first).to_be_visible()
    shoot(page, server, "alerts-page", phone=PHONE_375)
    fits(page, SIZES)
    first.locator("textarea").fill("已核对，下周例会处理")
    first.locator("button:has-text('确认已查看')").click()
    expect(page.locator("p.notice")).to_contain_text("已确认")
    expect(page.locator("main")).to_contain_text("确认：已核对，下周例会处理")
    fits(page, SIZES)

    # the resident (signed out) sees the answer next to the line; its item opens by itself
    page.context.clear_cookies()
    page.goto(f"{server.url}/e/xinhe/d/{vid}")
    opened = page.locator(f"details.item:has(a[href$='/q/exp-{seq}'])")
    assert opened.get_attribute("open") is not None
    qa = page.locator(f"td.qa:has(a[href$='/q/exp-{seq}'])")
    expect(qa).to_contain_text("3幢住户")
    expect(qa).to_contain_text("业委会")
    expect(qa).to_contain_text("二月天冷")
    qa.scroll_into_view_if_needed()
    shoot(page, server, "inquiry-disclosure-answered", phone=PHONE_375)
    fits(page, SIZES)
    assert not refused, f"the Content-Security-Policy refused parts of a page: {refused}"
