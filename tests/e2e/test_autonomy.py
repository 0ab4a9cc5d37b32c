"""The autonomy fund in the browser: the steward files a project application (refused once
with the error next to the field and nothing lost), records a crowdfunding gift restricted to
it and an anonymous gift in kind; a council member approves the project in the inbox with
its budget and balances in view; the steward spends against a budget line — refused beyond
the line with the reason shown, accepted within it. The database agrees."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.seed import seed_estate, seed_people
from tests.factories import make_user
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate
from trustfund.db.models.grants import (
    Disbursement,
    GrantProject,
    GrantSource,
    InKindGift,
    ProjectStatus,
)
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.journal.service import fund_balances

pytestmark = pytest.mark.e2e


def test_steward_records_gifts_council_approves_steward_spends_within_budget(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
        estate = s.get(Estate, world.estate_id)
        make_user(s, Role.COUNCIL, estate, username="council1", display_name="林秀英")
    base = f"{server.url}/staff/{world.slug}/autonomy"

    # --- the steward files the application --------------------------------------------
    sign_in(phone, server, "steward")
    phone.click("a[href$='/autonomy']")
    expect(phone.locator("h1")).to_contain_text("自治基金")
    expect(phone.locator("main")).to_contain_text("还没有项目")
    phone.click("text=申请项目")
    phone.fill("#f-title", "快鹿公园微改造")
    phone.fill("#f-code", "KLGY")
    phone.fill("#f-purpose", "在快鹿公园种植蜡梅、添置工具，居民共建共管。")
    phone.fill("#f-applicant", "周红梅")
    phone.fill("#f-line_description-0", "苗木")
    phone.fill("#f-line_amount-0", "300")
    phone.fill("#f-line_description-1", "工具")
    phone.fill("#f-line_amount-1", "一百五")
    phone.click("button[value=submit]")
    # refused: the error is next to the amount, everything typed is still there
    line_error = phone.locator("#f-line_amount-1 ~ .field-error")
    expect(line_error).to_contain_text("不是有效数字")
    expect(phone.locator("#f-title")).to_have_value("快鹿公园微改造")
    expect(phone.locator("#f-line_description-1")).to_have_value("工具")
    expect(phone.locator("#f-line_amount-0")).to_have_value("300")
    with server.session() as s:
        assert s.scalar(select(GrantProject.id)) is None  # nothing half-written
    shoot(phone, server, "autonomy-application-error")
    phone.fill("#f-line_amount-1", "150")
    phone.click("button[value=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已提交理事会决定")
    expect(phone.locator("h1")).to_contain_text("待理事会决定")
    project_url = phone.url.split("?")[0]
    # corrected before the council decides: back to draft, submitted anew
    phone.click("text=修改申请")
    expect(phone.locator("#f-code")).to_have_value("KLGY")
    expect(phone.locator("#f-line_amount-1")).to_have_value("150.00")
    phone.fill("#f-purpose", "在快鹿公园种植蜡梅、添置工具，居民共建共管，认养到户。")
    phone.click("button[value=save]")
    expect(phone.locator("[role=status]")).to_contain_text("现为草稿")
    expect(phone.locator("main")).to_contain_text("认养到户")
    phone.click("main button:has-text('提交理事会决定')")
    expect(phone.locator("h1")).to_contain_text("待理事会决定")

    # --- a crowdfunding gift restricted to the project ------------------------------
    phone.goto(base)
    phone.click("text=登记捐款")
    phone.select_option("#f-kind", "crowdfunding")
    phone.fill("#f-donor_name", "快鹿公园居民众筹")
    phone.select_option("#f-project_id", label="限定用于：快鹿公园微改造")
    phone.click("main button[type=submit]")  # no amount: refused next to the field
    expect(phone.locator("#e-amount")).to_contain_text("必填")
    expect(phone.locator("#f-donor_name")).to_have_value("快鹿公园居民众筹")
    expect(phone.locator("#f-project_id option:checked")).to_have_text("限定用于：快鹿公园微改造")
    phone.fill("#f-amount", "400")
    shoot(phone, server, "autonomy-gift")
    phone.click("main button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已登记捐款")

    # --- an anonymous gift in kind ----------------------------------------------------
    phone.click("text=登记实物捐赠")
    phone.select_option("#f-kind", "sponsorship")
    phone.fill("#f-donor_name", "王建国")
    phone.check("#f-anonymous")
    phone.fill("#f-item", "蜡梅树")
    phone.fill("#f-quantity", "2")
    phone.fill("#f-unit", "棵")
    phone.fill("#f-estimated_value", "600")
    phone.select_option("#f-project_id", label="限定用于：快鹿公园微改造")
    phone.click("main button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已登记实物捐赠")
    balances = phone.locator(".balances")
    expect(balances).to_contain_text("快鹿公园微改造")
    expect(balances).to_contain_text("400.00")
    expect(phone.locator("main")).to_contain_text("蜡梅树 2棵")
    expect(phone.locator("main")).to_contain_text("对外显示“匿名”")
    shoot(phone, server, "autonomy-home")

    # --- the council decides in the inbox --------------------------------------------
    phone.click("button:has-text('退出')")
    sign_in(phone, server, "council1")
    expect(phone.locator("a[href$='/autonomy']")).to_be_visible()
    phone.click("a[href$='/approvals']")
    phone.click("text=自治项目")
    detail = phone.locator(".grant-detail")
    expect(detail).to_contain_text("苗木")
    expect(detail).to_contain_text("450.00 元")
    expect(phone.locator(".fund-after")).to_contain_text("本项目专项基金")
    expect(phone.locator(".fund-after")).to_contain_text("400.00 元")
    expect(phone.locator("main")).to_contain_text("周红梅")
    shoot(phone, server, "autonomy-approval")
    phone.click("button[value=approve]")
    expect(phone.locator("[role=status], .notice").first).to_be_visible()

    # --- the steward spends against a budget line ------------------------------------
    phone.click("button:has-text('退出')")
    sign_in(phone, server, "steward")
    phone.goto(project_url)
    expect(phone.locator("h1")).to_contain_text("已批准")
    phone.select_option("#f-budget_line_id", label="苗木（可用 300.00 元）")
    phone.fill("#f-payee", "鄞州花木场")
    phone.fill("#f-description", "蜡梅苗木")
    phone.fill("#f-quantity", "7")
    phone.fill("#f-unit", "棵")
    phone.fill("#f-unit_price", "50")
    phone.click("#disburse button[type=submit]")
    refusal = phone.locator("#e-budget_line_id")
    expect(refusal).to_contain_text("超出预算")
    expect(refusal).to_contain_text("批准 300.00 元")
    expect(refusal).to_contain_text("超出 50.00 元")
    expect(phone.locator("#f-payee")).to_have_value("鄞州花木场")
    expect(phone.locator("#f-unit_price")).to_have_value("50")
    with server.session() as s:
        assert s.scalar(select(Claim.id)) is None  # nothing written
    shoot(phone, server, "autonomy-over-budget")
    phone.fill("#f-quantity", "6")
    phone.click("#disburse button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已建立支出报销")
    expect(phone.locator("h1")).to_contain_text("实施中")
    expect(phone.locator("table.budget")).to_contain_text("300.00")
    expect(phone.locator("main")).to_contain_text("预算行：苗木")
    shoot(phone, server, "autonomy-project")

    # --- a budget revision goes to the council ---------------------------------------
    phone.click("#budget summary")
    phone.fill("#budget input[name=amount] >> nth=1", "200")
    phone.click("#budget button[type=submit]")
    expect(phone.locator("#f-reason ~ .field-error")).to_contain_text("不能为空")
    expect(phone.locator("#budget input[name=amount] >> nth=1")).to_have_value("200")
    phone.fill("#f-reason", "工具涨价")
    phone.click("#budget button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("预算调整已提交理事会")
    expect(phone.locator("main")).to_contain_text("待理事会决定 合计 500.00 元：工具涨价")

    # --- the council approves the revision, the committee the claim --------------------
    phone.click("button:has-text('退出')")
    sign_in(phone, server, "council1")
    phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    phone.click(".approval-card:has-text('工具涨价')")
    revision = phone.locator(".grant-detail")
    expect(revision).to_contain_text("快鹿公园微改造")
    expect(revision).to_contain_text("200.00")
    expect(revision).to_contain_text("300.00")  # 苗木: approved and taken
    phone.click("button[value=approve]")
    phone.click("button:has-text('退出')")
    sign_in(phone, server, "committee1")
    phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    phone.click(".approval-card:has-text('鄞州花木场')")
    expect(phone.locator(".fund-after")).to_contain_text("自治项目 KLGY")
    phone.click("button[value=approve]")

    # --- paid, settled, the money left goes back to the crowd -----------------------
    phone.click("button:has-text('退出')")
    sign_in(phone, server, "steward")
    phone.goto(project_url)
    expect(phone.locator("table.budget")).to_contain_text("200.00")
    phone.click("a:has-text('蜡梅苗木')")
    phone.click(".pay button[type=submit]")
    expect(phone.locator("h1")).to_contain_text("已付款")
    phone.goto(project_url)
    phone.click("#settle summary")
    phone.click("#settle button[type=submit]")
    expect(phone.locator("h1")).to_contain_text("已结算")
    expect(phone.locator("main")).to_contain_text("结余 100.00")
    phone.select_option("#f-kind", "refund")
    phone.select_option("#f-gift_id", index=1)
    phone.fill("#f-amount", "100")
    phone.fill("#f-reason", "结余退还众筹居民")
    phone.click("#leftover button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("结余处理已提交理事会")
    phone.click("button:has-text('退出')")
    sign_in(phone, server, "council1")
    phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    phone.click(".approval-card:has-text('结余退还众筹居民')")
    refund = phone.locator(".grant-detail")
    expect(refund).to_contain_text("退还捐款 · 100.00 元")
    expect(refund).to_contain_text("快鹿公园居民众筹")
    expect(refund).to_contain_text("0.00")
    shoot(phone, server, "autonomy-refund-approval")

    # --- the database agrees ---------------------------------------------------------
    with server.session() as s:
        project = s.scalars(select(GrantProject)).one()
        assert project.status == ProjectStatus.SETTLED
        assert [(x.description, x.approved_amount) for x in project.lines] == [
            ("苗木", Decimal("300.00")),
            ("工具", Decimal("200.00")),
        ]
        balances_now = fund_balances(s, world.estate_id)
        assert balances_now["autonomy:KLGY"] == Decimal("100.00")
        assert balances_now["autonomy"] == Decimal("0.00")
        link = s.scalars(select(Disbursement)).one()
        claim = s.get(Claim, link.claim_id)
        assert claim is not None
        assert (claim.amount, claim.fund, claim.status) == (
            Decimal("300.00"),
            "autonomy:KLGY",
            ClaimStatus.PAID,
        )
        assert link.budget_line_id == project.lines[0].id
        donor = s.scalars(select(GrantSource).where(GrantSource.anonymous)).one()
        assert donor.donor_name == "王建国"
        assert s.scalars(select(InKindGift)).one().estimated_value == Decimal("600.00")
        entries = list(
            s.scalars(
                select(JournalEntry)
                .where(JournalEntry.kind.in_(["autonomy_income", "in_kind", "in_kind_use"]))
                .order_by(JournalEntry.seq)
            )
        )
        assert [e.kind for e in entries] == ["autonomy_income", "in_kind", "in_kind_use"]
        income = entries[0]
        assert income.payee == "快鹿公园居民众筹"
        assert json.loads(income.meta)["project"] == "KLGY"
        assert "Income:Autonomy:Project:KLGY:Crowdfunding" in income.text
        assert "400.00 CNY" in income.text
        for entry in entries[1:]:
            assert entry.payee == "匿名"
            assert "王建国" not in entry.text
            assert "600.00 CNY" in entry.text
