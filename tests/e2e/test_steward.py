"""The steward's day on a 360 px phone: find a household in two taps, take the fee, hand over
the receipt; see arrears by building; deposit the cash."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.seed import FEE_YEAR, seed_estate, seed_people
from trustfund.db.models.estates import Household
from trustfund.db.models.fees import CashDeposit, FeeReceipt, PaymentMethod

pytestmark = pytest.mark.e2e


def _receipts_of(server: LiveServer, code: str) -> list[FeeReceipt]:
    with server.session() as s:
        hid = s.scalar(select(Household.id).where(Household.code == code))
        return list(s.scalars(select(FeeReceipt).where(FeeReceipt.household_id == hid)))


def test_steward_takes_a_fee_and_hands_over_the_receipt(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    code = world.codes["2-1-201"]

    sign_in(phone, server, "steward")
    expect(phone.locator("h1")).to_contain_text("周红梅")
    expect(phone.locator("section.estate")).to_contain_text("红色管家")
    shoot(phone, server, "staff-home")

    # two taps from the estate's household page: building, then room
    phone.click("section.estate a:has-text('收费')")
    phone.click(".buildings a:has-text('2幢')")
    expect(phone.locator("#results")).to_contain_text("1 单元")
    shoot(phone, server, "households-building")
    phone.click(f"a[href='/staff/{world.slug}/households/{code}']")
    expect(phone.locator("h1")).to_have_text("2幢1单元201室")
    expect(phone.locator(".facts")).to_contain_text("业主21201")
    # the amount is prefilled with what the household owes
    expect(phone.locator("#f-amount")).to_have_value("200.00")
    expect(phone.locator("input[name=method][value=cash]")).to_be_checked()
    shoot(phone, server, "household")

    # a typo: the form comes back with the reason next to the field and nothing lost
    phone.fill("#f-amount", "999")
    phone.check("input[name=method][value=wechat]")
    phone.fill("#f-payer", "王阿姨")
    phone.click("button:has-text('收款并开收据')")
    expect(phone.locator("#e-amount")).to_contain_text("超过欠费")
    expect(phone.locator("#e-amount")).to_contain_text("尚欠 200.00 元")
    expect(phone.locator("#f-amount")).to_have_value("999")
    expect(phone.locator("#f-payer")).to_have_value("王阿姨")
    expect(phone.locator("input[name=method][value=wechat]")).to_be_checked()
    shoot(phone, server, "household-error")
    assert _receipts_of(server, code) == []

    phone.fill("#f-amount", "200.00")
    phone.click("button:has-text('收款并开收据')")
    phone.wait_for_url(re.compile(r"/receipts/2026-\d{6}\?new=1$"))
    expect(phone.locator("[role=status]")).to_contain_text("已收款")
    expect(phone.locator(".receipt .big")).to_have_text("200.00 元")
    expect(phone.locator(".receipt")).to_contain_text("微信支付")
    shoot(phone, server, "receipt")

    receipts = _receipts_of(server, code)
    assert [(r.amount, r.method, r.fee_year) for r in receipts] == [
        (Decimal("200.00"), PaymentMethod.WECHAT, FEE_YEAR)
    ]
    receipt_no = receipts[0].receipt_no
    expect(phone.locator("h1")).to_contain_text(receipt_no)

    # print: the PDF the fees package renders
    pdf_href = phone.get_attribute("a:has-text('打印收据')", "href")
    assert pdf_href == f"/api/v1/estates/{world.slug}/fees/receipts/{receipt_no}/pdf"
    pdf = phone.request.get(server.url + pdf_href)
    assert pdf.status == 200
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")
    # share: the public check page (no name, no phone)
    share = phone.get_attribute("button[data-share]", "data-share")
    assert share == f"{server.url}/r/{world.slug}/{receipt_no}"
    phone.click(f"a[href='/r/{world.slug}/{receipt_no}']")
    expect(phone.locator("body")).to_contain_text("200.00")
    assert "业主21201" not in phone.content()

    # the household page now shows it paid, with the receipt
    phone.goto(f"{server.url}/staff/{world.slug}/households/{code}")
    expect(phone.locator(".account").first).to_contain_text("已缴清")
    expect(phone.locator(".receipts")).to_contain_text(receipt_no)


def test_a_payment_takes_five_taps_and_well_under_thirty_seconds(
    live_server: LiveServer, phone: Page
) -> None:
    """From the staff home to a printed receipt: 收费 → building → room → method → submit."""
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    code = world.codes["3-2-102"]
    sign_in(phone, server, "steward")

    started = time.monotonic()
    phone.click("section.estate a:has-text('收费')")
    phone.click(".buildings a:has-text('3幢')")
    phone.click(f"a[href='/staff/{world.slug}/households/{code}']")
    phone.check("input[name=method][value=cash]")
    phone.click("button:has-text('收款并开收据')")
    expect(phone.locator("[role=status]")).to_contain_text("已收款")
    elapsed = time.monotonic() - started
    print(f"payment flow: 5 taps, {elapsed:.2f} s in the browser")
    assert elapsed < 30
    assert [r.amount for r in _receipts_of(server, code)] == [Decimal("200.00")]


def test_arrears_by_building_and_search_by_room(live_server: LiveServer, phone: Page) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    sign_in(phone, server, "steward")

    # typing a room number finds it in every building (htmx, served by the app)
    phone.goto(f"{server.url}/staff/{world.slug}/households")
    phone.fill("input[name=q]", "302")
    expect(phone.locator("#results")).to_contain_text("3幢2单元 302")
    expect(phone.locator("#results .rooms a")).to_have_count(6)
    shoot(phone, server, "households-search")

    phone.goto(f"{server.url}/staff")
    phone.click("section.estate a:has-text('欠费')")
    expect(phone.locator("main")).to_contain_text(f"{FEE_YEAR} 年度")
    # 36 households, 5 paid: 31 in arrears, 8 of them in building 1
    expect(phone.locator("main")).to_contain_text("已缴清 5")
    expect(phone.locator("table.arrears tbody tr")).to_have_count(31)
    phone.click(".tiles a:has-text('1幢')")
    expect(phone.locator("table.arrears tbody tr")).to_have_count(8)
    expect(phone.locator("table.arrears")).not_to_contain_text("1-1-101")
    expect(phone.locator("table.arrears")).to_contain_text("1-1-202")
    shoot(phone, server, "arrears")


def test_cash_on_hand_and_a_deposit(live_server: LiveServer, phone: Page) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    sign_in(phone, server, "steward")
    phone.click("section.estate a:has-text('现金')")
    expect(phone.locator(".cash-held")).to_have_text("1,000.00 元")
    expect(phone.locator("#f-amount")).to_have_value("1000.00")

    phone.fill("#f-amount", "5000")
    phone.fill("#f-reference", "回单 88")
    phone.click("button:has-text('记录存款')")
    expect(phone.locator("#e-amount")).to_contain_text("管家手头现金只有 1000.00 元")
    expect(phone.locator("#f-reference")).to_have_value("回单 88")
    shoot(phone, server, "cash-error")

    phone.fill("#f-amount", "800")
    phone.click("button:has-text('记录存款')")
    expect(phone.locator("[role=status]")).to_contain_text("已记录存入银行 800.00 元")
    expect(phone.locator(".cash-held")).to_have_text("200.00 元")
    shoot(phone, server, "cash")
    with server.session() as s:
        deposits = s.execute(select(CashDeposit.amount, CashDeposit.reference)).all()
        assert [(a, r) for a, r in deposits] == [(Decimal("800.00"), "回单 88")]
        assert s.scalar(select(func.count()).select_from(FeeReceipt)) == 5
