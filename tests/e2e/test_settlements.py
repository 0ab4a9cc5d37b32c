"""Settlements in the browser: the steward files a claim with a photo and a line above the
reference price (refused without a reason, then accepted), a committee member approves it in
the inbox, the steward pays it once however often the button is tapped; the repair register
and goods slips; the owners' vote and the fee schedule approval of the committee."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.seed import World, seed_estate, seed_people
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.db.models.approvals import RequestStatus
from trustfund.db.models.auth import User
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.settlements import (
    Claim,
    ClaimStatus,
    GoodsSlip,
    Voucher,
    WorkOrder,
    WorkOrderStatus,
)
from trustfund.fees.deposits import deposit_cash
from trustfund.fees.schedule import get_schedule, is_approved, save_schedule
from trustfund.fees.schemas import ComponentIn, DepositIn, ScheduleIn
from trustfund.journal.service import fund_balances
from trustfund.settlements import claims, contracts, prices
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn, ContractorIn

pytestmark = pytest.mark.e2e

PRICE_CSV = (
    "编码,名称,单位,单价\nWX-001,更换声控灯,个,35.00\nWX-002,更换水泵密封件,套,280.00\n"
).encode()


def _photo(tmp_path: Path, name: str = "voucher.png") -> Path:
    """A small PNG as a phone camera would hand it over (a receipt-coloured rectangle)."""
    image = Image.new("RGB", (120, 80), (250, 240, 200))
    for x in range(10, 110):
        image.putpixel((x, 40), (30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def _world(server: LiveServer) -> World:
    """The e2e estate and people, a contractor and the reference prices of 2026; the cash
    the households paid is in the bank (a claim is paid from the bank, which never goes
    below zero)."""
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
        deposit_cash(
            s,
            world.estate_id,
            DepositIn(amount="1000.00", deposited_on=dt.date(2026, 1, 11)),
            actor_user_id=None,
            idempotency_key=None,
        )
        contracts.add_contractor(s, world.estate_id, ContractorIn(name="甬安维修公司"))
        prices.import_prices(
            s, world.estate_id, PRICE_CSV, "prices.csv", effective_from=dt.date(2026, 1, 1)
        )
        s.commit()
    return world


def _user_id(server: LiveServer, username: str) -> int:
    with server.session() as s:
        found = s.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def _sign_out(phone: Page) -> None:
    phone.click("header button:has-text('退出')")


def test_steward_files_a_claim_committee_approves_steward_pays_once(
    live_server: LiveServer, phone: Page, tmp_path: Path
) -> None:
    server = live_server
    world = _world(server)
    sign_in(phone, server, "steward")
    phone.click("section.estate a:has-text('报销')")
    expect(phone.locator("main")).to_contain_text("还没有报销")
    phone.click("a:has-text('新建报销')")

    phone.fill("#f-payee", "甬安维修公司")
    phone.fill("#f-description", "更换2幢楼道声控灯")
    phone.select_option("#f-item_code-0", "WX-001")
    # picking the reference item fills its unit; the page shows the reference price
    expect(phone.locator("#f-unit-0")).to_have_value("个")
    phone.fill("#f-quantity-0", "4")
    phone.fill("#f-unit_price-0", "40")
    check = phone.locator("[data-check]").first
    expect(check).to_contain_text("参考价 35.00 元/个")
    expect(check).to_contain_text("本行 160.00 元")
    expect(check).to_contain_text("高于参考价 20.00 元")
    expect(phone.locator("#f-over_reason-0")).to_be_visible()
    expect(phone.locator("[data-total]")).to_have_text("160.00")
    # above the reference without a reason: refused next to the line, nothing lost
    phone.click("button:has-text('保存')")
    expect(phone.locator("#e-over_reason-0")).to_contain_text("须写明理由")
    expect(phone.locator("#e-over_reason-0")).to_contain_text("参考价 35.00 元/个")
    expect(phone.locator("#f-payee")).to_have_value("甬安维修公司")
    expect(phone.locator("#f-unit_price-0")).to_have_value("40")
    expect(phone.locator("#f-item_code-0")).to_have_value("WX-001")
    expect(phone.locator("[data-check]").first).to_contain_text("高于参考价 20.00 元")
    shoot(phone, server, "claim-form-error")
    with server.session() as s:
        assert s.scalar(select(func.count()).select_from(Claim)) == 0

    phone.fill("#f-over_reason-0", "夜间抢修，加急材料")
    phone.click("button:has-text('保存')")
    expect(phone.locator("[role=status]")).to_contain_text("已保存为草稿")
    expect(phone.locator("h1")).to_contain_text("160.00 元")
    expect(phone.locator("h1")).to_contain_text("草稿")

    # the photo, straight from the camera input
    camera = phone.locator("#f-camera")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(str(_photo(tmp_path)))
    phone.click("button:has-text('上传凭证')")
    expect(phone.locator("[role=status]")).to_contain_text("凭证已上传")
    thumbnail = phone.locator("#vouchers img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    phone.wait_for_function("document.querySelector('#vouchers img').naturalWidth === 120")
    shoot(phone, server, "claim-draft")

    phone.click("button:has-text('提交审批')")
    expect(phone.locator("[role=status]")).to_contain_text("已提交业委会审批")
    expect(phone.locator("h1")).to_contain_text("待审批")
    with server.session() as s:
        claim = s.scalars(select(Claim)).one()
        claim_id = claim.id
        assert (claim.status, claim.amount) == (ClaimStatus.SUBMITTED, Decimal("160.00"))
        assert [(ln.over_reference, ln.over_reason) for ln in claim.lines] == [
            (Decimal("20.00"), "夜间抢修，加急材料")
        ]
        assert s.scalar(select(func.count()).select_from(Voucher)) == 1
    _sign_out(phone)

    # the committee member sees everything needed on one page
    sign_in(phone, server, "committee1")
    phone.click("section.estate a:has-text('审批')")
    card = phone.locator("a.approval-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("报销")
    expect(card).to_contain_text("160.00 元")
    card.click()
    main = phone.locator("main")
    expect(main).to_contain_text("周红梅")
    expect(main).to_contain_text("甬安维修公司")
    expect(main).to_contain_text("维修费用")
    lines = phone.locator("table.lines")
    expect(lines).to_contain_text("更换声控灯")
    expect(lines).to_contain_text("35.00")
    expect(lines).to_contain_text("高于参考价 20.00 元")
    expect(lines).to_contain_text("夜间抢修，加急材料")
    expect(phone.locator(".voucher-links img")).to_have_count(1)
    phone.locator(".voucher-links img").scroll_into_view_if_needed()
    phone.wait_for_function("document.querySelector('.voucher-links img').naturalWidth === 120")
    phone.evaluate("window.scrollTo(0, 0)")
    # five households paid 90.00 each into maintenance
    expect(phone.locator(".fund-after")).to_contain_text("现有 450.00 元")
    expect(phone.locator(".fund-after")).to_contain_text("付款后 290.00 元")
    shoot(phone, server, "approval-claim")
    phone.click("button[value=approve]")
    expect(phone.locator("[role=status]")).to_contain_text("已批准")
    _sign_out(phone)

    # the steward pays it; a second tap (same form key) pays nothing more
    sign_in(phone, server, "steward")
    phone.goto(f"{server.url}/staff/{world.slug}/claims?status=approved")
    phone.click(f"a[href='/staff/{world.slug}/claims/{claim_id}']")
    expect(phone.locator("h1")).to_contain_text("已批准，待付款")
    expect(phone.locator("section.pay")).to_contain_text("付款后 290.00 元")
    shoot(phone, server, "claim-pay")
    key = phone.locator("section.pay input[name=key]").input_value()
    csrf = phone.locator("section.pay input[name=csrf_token]").input_value()
    paid_on = phone.locator("#f-paid_on").input_value()
    phone.click("button:has-text('确认付款')")
    expect(phone.locator("[role=status]")).to_contain_text("已付款 160.00 元")
    expect(phone.locator("h1")).to_contain_text("已付款")
    again = phone.request.post(
        f"{server.url}/staff/{world.slug}/claims/{claim_id}/pay",
        form={"csrf_token": csrf, "key": key, "paid_on": paid_on},
    )
    assert again.status == 200 and "已付款 160.00 元" in again.text()
    shoot(phone, server, "claim-paid")

    with server.session() as s:
        claim = s.get(Claim, claim_id)
        assert claim is not None and claim.status == ClaimStatus.PAID
        entries = [
            (e.kind, json.loads(e.meta).get("claim"))
            for e in s.scalars(select(JournalEntry).order_by(JournalEntry.seq))
            if json.loads(e.meta).get("claim")
        ]
        assert entries == [("payable", str(claim_id)), ("payout", str(claim_id))]
        assert fund_balances(s, world.estate_id)["maintenance"] == Decimal("290.00")

    # the list by status, and the expense detail table with its Excel download
    phone.goto(f"{server.url}/staff/{world.slug}/claims")
    expect(phone.locator("a.claim-row")).to_contain_text("已付款")
    shoot(phone, server, "claims")
    phone.goto(f"{server.url}/staff")
    phone.click("section.estate a:has-text('费用支出明细')")
    table = phone.locator("table.expenses")
    expect(table).to_contain_text("更换2幢楼道声控灯")
    expect(table).to_contain_text("160.00")
    expect(table).to_contain_text("侯景萍")
    expect(table).to_contain_text("PZ-")
    shoot(phone, server, "expenses")
    href = phone.get_attribute("a:has-text('下载 Excel')", "href")
    assert href is not None
    xlsx = phone.request.get(server.url + href)
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"


def _approved_claim_for(server: LiveServer, world: World, order_id: int) -> None:
    steward = _user_id(server, "steward")
    committee1 = _user_id(server, "committee1")
    with server.session() as s:
        claim = claims.create_claim(
            s,
            world.estate_id,
            ClaimIn(
                payee="甬安维修公司",
                fund="maintenance",
                expense_item="Repairs",
                description="灯泡更换",
                work_date=dt.date(2026, 3, 2),
                work_order_id=order_id,
                lines=[ClaimLineIn(item_code="WX-001", quantity="3", unit_price="35")],
            ),
            actor_user_id=steward,
        )
        request = claims.submit_claim(s, world.estate_id, claim.id, actor_user_id=steward)
        committee = load_principal(s, committee1)
        assert committee is not None
        approvals.decide(
            s,
            request.id,
            principal=committee,
            decision=approvals.Decision.APPROVE,
            reason=None,
            content=claims.claim_content(claim),
        )
        s.commit()


def test_repair_register_and_goods_slips(
    live_server: LiveServer, phone: Page, tmp_path: Path
) -> None:
    server = live_server
    world = _world(server)
    sign_in(phone, server, "steward")
    phone.click("section.estate a:has-text('维修工单')")
    phone.click("summary:has-text('登记报修')")
    phone.fill("#f-building", "2")
    phone.fill("#f-entrance", "1")
    phone.fill("#f-location", "三楼楼道")
    phone.fill("#f-reporter", "王阿姨")
    phone.click("button:has-text('登记，下一步拍照')")
    # the problem is required: said next to it, the rest kept
    expect(phone.locator("#e-problem")).to_contain_text("不能为空")
    expect(phone.locator("#f-location")).to_have_value("三楼楼道")
    expect(phone.locator("#f-reporter")).to_have_value("王阿姨")
    shoot(phone, server, "work-orders-error")
    phone.fill("#f-problem", "声控灯不亮，晚上看不见台阶")
    phone.click("button:has-text('登记，下一步拍照')")
    expect(phone.locator("[role=status]")).to_contain_text("已登记")
    phone.locator("#f-camera").set_input_files(str(_photo(tmp_path, "stairs.png")))
    phone.click("button:has-text('上传照片')")
    expect(phone.locator("#photos img")).to_have_count(1)

    phone.click("button:has-text('派工')")
    expect(phone.locator("#e-contractor_id")).to_contain_text("请选择承揽方")
    phone.select_option("#f-contractor_id", label="甬安维修公司")
    phone.click("button:has-text('派工')")
    expect(phone.locator("h1")).to_contain_text("已派工")
    phone.click("button:has-text('标记完工')")
    expect(phone.locator("h1")).to_contain_text("已完工")
    expect(phone.locator("main")).to_contain_text("还没有已批准的报销")
    shoot(phone, server, "work-order")
    with server.session() as s:
        order = s.scalars(select(WorkOrder)).one()
        order_id = order.id
        assert (order.status, order.building, order.entrance) == (WorkOrderStatus.DONE, "2", "1")
        assert order.contractor is not None and order.contractor.name == "甬安维修公司"
        assert (
            s.scalar(
                select(func.count()).select_from(Voucher).where(Voucher.work_order_id == order.id)
            )
            == 1
        )

    # goods: bought, issued to the work order (not more than in stock), donated
    phone.goto(f"{server.url}/staff/{world.slug}/goods")
    phone.fill("#f-item", "声控灯泡")
    phone.fill("#f-quantity", "10")
    phone.fill("#f-unit", "个")
    phone.click("form.slip button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已记录购入")
    phone.check("input[name=kind][value=issue]")
    phone.fill("#f-item", "声控灯泡")
    phone.fill("#f-quantity", "12")
    phone.fill("#f-unit", "个")
    phone.select_option("#f-work_order_id", str(order_id))
    phone.click("form.slip button[type=submit]")
    expect(phone.locator("#e-quantity")).to_contain_text("声控灯泡只有 10 个 库存")
    expect(phone.locator("input[name=kind][value=issue]")).to_be_checked()
    expect(phone.locator("#f-work_order_id")).to_have_value(str(order_id))
    phone.fill("#f-quantity", "4")
    phone.click("form.slip button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已记录领用")
    phone.check("input[name=kind][value=donation]")
    phone.fill("#f-item", "垃圾桶")
    phone.fill("#f-quantity", "2")
    phone.fill("#f-unit", "只")
    phone.fill("#f-donor", "3幢业主")
    phone.fill("#f-estimated_value", "120")
    phone.click("form.slip button[type=submit]")
    expect(phone.locator("[role=status]")).to_contain_text("已记录捐赠")
    stock = phone.locator("table.stock")
    expect(stock.locator("tr:has-text('声控灯泡')")).to_contain_text("6 个")
    expect(stock.locator("tr:has-text('垃圾桶')")).to_contain_text("2 只")
    expect(phone.locator("table.slips")).to_contain_text(f"工单 #{order_id}")
    shoot(phone, server, "goods")
    with server.session() as s:
        kinds = [(g.kind.value, g.quantity, g.work_order_id) for g in s.scalars(select(GoodsSlip))]
        assert kinds == [
            ("purchase", Decimal("10"), None),
            ("issue", Decimal("4"), order_id),
            ("donation", Decimal("2"), None),
        ]

    # settled by its approved claim (filed and approved elsewhere)
    _approved_claim_for(server, world, order_id)
    phone.goto(f"{server.url}/staff/{world.slug}/work-orders/{order_id}")
    phone.select_option("#f-claim_id", label="#1 灯泡更换 105.00 元")
    phone.click("button:has-text('结算')")
    expect(phone.locator("h1")).to_contain_text("已结算")
    expect(phone.locator("main")).to_contain_text("报销 #1")
    with server.session() as s:
        settled = s.get(WorkOrder, order_id)
        assert settled is not None and settled.status == WorkOrderStatus.SETTLED
        assert settled.claim_id == 1

    phone.goto(f"{server.url}/staff/{world.slug}/work-orders?status=settled")
    expect(phone.locator("a.order-row")).to_have_count(1)
    phone.goto(f"{server.url}/staff/{world.slug}/work-orders?status=done")
    expect(phone.locator("a.order-row")).to_have_count(0)
    phone.goto(f"{server.url}/staff/{world.slug}/work-orders")
    shoot(phone, server, "work-orders")


def test_committee_records_an_owners_vote_and_approves_a_fee_schedule(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    world = _world(server)
    steward = _user_id(server, "steward")
    with server.session() as s:
        claim = claims.create_claim(
            s,
            world.estate_id,
            ClaimIn(
                payee="甬安维修公司",
                fund="maintenance",
                expense_item="Repairs",
                description="更换全部屋面防水层",
                work_date=dt.date(2026, 3, 2),
                lines=[
                    ClaimLineIn(description="屋面防水", quantity="1", unit="项", unit_price="60000")
                ],
            ),
            actor_user_id=steward,
        )
        request = claims.submit_claim(s, world.estate_id, claim.id, actor_user_id=steward)
        request_id = request.id
        save_schedule(
            s,
            world.estate_id,
            2027,
            ScheduleIn(
                components=[
                    ComponentIn(fund="electricity", name="公共电费", amount="55.00"),
                    ComponentIn(fund="maintenance", name="公共设施维护", amount="95.00"),
                    ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
                ],
                vacancy_rule="percent",
                vacancy_percent="50",
            ),
            actor_user_id=steward,
        )
        s.commit()

    sign_in(phone, server, "committee1")
    phone.click("section.estate a:has-text('审批')")
    expect(phone.locator("a.approval-card")).to_have_count(2)
    expect(phone.locator("a.schedule-card")).to_contain_text("2027 年度")
    expect(phone.locator("a.schedule-card")).to_contain_text("210.00 元")
    shoot(phone, server, "approvals-inbox-settlements")

    phone.click("a.approval-card:has-text('60,000.00')")
    expect(phone.locator(".fund-after")).to_contain_text("不足")
    vote = phone.locator("section.owners-vote")
    # 36 households are prefilled as the total; more voters than households is refused
    expect(phone.locator("#f-households_total")).to_have_value("36")
    phone.fill("#f-households_voted", "40")
    phone.fill("#f-households_for", "30")
    phone.fill("#f-area_total", "3600")
    phone.fill("#f-area_voted", "2500")
    phone.fill("#f-area_for", "2000")
    phone.click("button:has-text('记录表决结果')")
    expect(phone.locator("#e-households_voted")).to_contain_text("须在 0 和总户数之间")
    expect(phone.locator("#f-area_for")).to_have_value("2000")
    shoot(phone, server, "owners-vote-error")
    phone.fill("#f-households_voted", "30")
    phone.fill("#f-households_for", "25")
    phone.click("button:has-text('记录表决结果')")
    expect(phone.locator("[role=status]")).to_contain_text("已记录业主表决")
    expect(vote).to_contain_text("通过")
    with server.session() as s:
        found = s.get(approvals.ApprovalRequest, request_id)
        assert found is not None
        assert (found.vote_passed, found.status) == (True, RequestStatus.PENDING)
        assert (found.vote_households_voted, found.vote_area_for) == (30, Decimal("2000.00"))

    # the fee schedule has its own approval, bound to what was shown
    phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    phone.click("a.schedule-card")
    expect(phone.locator("table.components")).to_contain_text("公共电费")
    expect(phone.locator("table.components tfoot")).to_contain_text("210.00")
    expect(phone.locator("main")).to_contain_text("周红梅")
    shoot(phone, server, "fee-schedule")
    phone.click("button:has-text('批准这份收费标准')")
    expect(phone.locator("[role=status]")).to_contain_text("已批准 2027 年度收费标准")
    expect(phone.locator("main")).to_contain_text("侯景萍")
    with server.session() as s:
        assert is_approved(get_schedule(s, world.estate_id, 2027))
    phone.goto(f"{server.url}/staff/{world.slug}/fee-schedules")
    expect(phone.locator("a.schedule-row")).to_have_count(2)
    _sign_out(phone)

    # the steward who saved it may read it but not approve it
    sign_in(phone, server, "steward")
    response = phone.goto(f"{server.url}/staff/{world.slug}/approvals/{request_id}")
    assert response is not None and response.status == 403
    phone.goto(f"{server.url}/staff/{world.slug}/fee-schedules/2026")
    expect(phone.locator("button:has-text('批准这份收费标准')")).to_have_count(0)


def test_a_rejected_claim_is_corrected_and_submitted_again(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    world = _world(server)
    steward = _user_id(server, "steward")
    with server.session() as s:
        claim = claims.create_claim(
            s,
            world.estate_id,
            ClaimIn(
                payee="甬安维修公司",
                fund="maintenance",
                expense_item="Repairs",
                description="更换水泵密封件",
                work_date=dt.date(2026, 3, 2),
                lines=[
                    ClaimLineIn(
                        item_code="WX-002", quantity="1", unit_price="320", over_reason="含上门费"
                    )
                ],
            ),
            actor_user_id=steward,
        )
        claims.submit_claim(s, world.estate_id, claim.id, actor_user_id=steward)
        s.commit()
        claim_id = claim.id
    sign_in(phone, server, "committee1")
    phone.goto(f"{server.url}/staff/{world.slug}/approvals")
    phone.click("a.approval-card")
    phone.fill("#f-reason", "上门费不应另计，请按参考价")
    phone.click("button[value=reject]")
    expect(phone.locator("[role=status]")).to_contain_text("已驳回")
    _sign_out(phone)

    sign_in(phone, server, "steward")
    phone.goto(f"{server.url}/staff/{world.slug}/claims?status=rejected")
    phone.click(f"a[href='/staff/{world.slug}/claims/{claim_id}']")
    expect(phone.locator("main")).to_contain_text("上门费不应另计，请按参考价")
    phone.click("a:has-text('修改')")
    expect(phone.locator("#f-item_code-0")).to_have_value("WX-002")
    expect(phone.locator("#f-unit_price-0")).to_have_value("320.00")
    expect(phone.locator("#f-over_reason-0")).to_have_value("含上门费")
    phone.fill("#f-unit_price-0", "280")
    phone.fill("#f-over_reason-0", "")
    phone.click("button:has-text('保存修改')")
    expect(phone.locator("[role=status]")).to_contain_text("已保存修改")
    expect(phone.locator("h1")).to_contain_text("280.00 元")
    expect(phone.locator("h1")).to_contain_text("草稿")
    phone.click("button:has-text('提交审批')")
    expect(phone.locator("h1")).to_contain_text("待审批")
    with server.session() as s:
        found = s.get(Claim, claim_id)
        assert found is not None
        assert (found.status, found.amount, found.revision) == (
            ClaimStatus.SUBMITTED,
            Decimal("280.00"),
            2,
        )
        assert [ln.over_reference for ln in found.lines] == [None]
        request = approvals.current_request(s, "claim", claim_id)
        assert request is not None and request.status == RequestStatus.PENDING
