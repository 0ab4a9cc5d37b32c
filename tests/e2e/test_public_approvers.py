"""Who approved, on the residents' pages (issue 16 item 6): approvers counted by role until a
committee majority decides to show members' names; voucher numbers on every paid line; the
decision visible on the estate's page and in the audit log, and nobody able to make it alone.
Everything from an empty database through the API (``api_world``), read at 375 px."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.e2e.api_world import ApiWorld, build_api_world
from tests.e2e.conftest import LiveServer, csp_violations
from tests.e2e.test_residents import PHONE_375, WECHAT, look
from trustfund.db.models.auth import AuditRecord

pytestmark = pytest.mark.e2e


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


def _invoice() -> bytes:
    image = Image.new("RGB", (120, 80), (250, 240, 200))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def paid_claim(world: ApiWorld, payee: str, amount: str, what: str, on: str) -> str:
    """A claim with its invoice as voucher, approved by both committee members (600.00
    needs two), paid the day after; returns the voucher's number."""
    claim = world.claim(payee, amount, what, on=on, submit=False)
    voucher = world.call(
        "POST",
        "steward",
        f"/claims/{claim['id']}/vouchers",
        files={"file": ("invoice.png", _invoice(), "image/png")},
    )
    world.call("POST", "steward", f"/claims/{claim['id']}/submit")
    [request] = [
        r
        for r in world.call("GET", "lijun", "/approvals/inbox")
        if r["subject_kind"] == "claim" and r["subject_id"] == claim["id"]
    ]
    world.decide("lijun", request["id"])
    world.decide("zhaomin", request["id"])
    day = on[:-2] + f"{int(on[-2:]) + 1:02d}"
    world.call(
        "POST",
        "steward",
        f"/claims/{claim['id']}/pay",
        headers={"Idempotency-Key": f"pay-{claim['id']}"},
        json={"paid_on": day},
    )
    return str(voucher["number"])


def publish(world: ApiWorld, period: str) -> int:
    version = world.call("POST", "steward", "/disclosures/", json={"period": period})
    world.call(
        "POST", "lijun", f"/disclosures/{version['id']}/decision", json={"decision": "approve"}
    )
    world.call("POST", "steward", f"/disclosures/{version['id']}/publish")
    return int(version["id"])


def refused(world: ApiWorld, who: str, method: str, path: str, **kw: object) -> httpx.Response:
    headers = world.admin if who == "admin" else world.people[who]
    answer = httpx.request(method, world.base + path, headers=headers, timeout=30, **kw)  # type: ignore[arg-type]
    assert answer.status_code >= 400, (path, answer.status_code, answer.text)
    return answer


def expense_row(page: Page, month: str) -> str:
    item = page.locator(f".month:has-text('{month}')")
    item.locator("summary").first.click()
    return item.locator("table.detail tbody tr").first.inner_text()


def test_approvers_by_role_until_the_committee_majority_names_them(
    live_server: LiveServer, resident: Page
) -> None:
    server, page = live_server, resident
    world = build_api_world(server)
    world.pay_cash("1-1-201", "200.00", "2026-02-10")
    march = paid_claim(world, "宁波市水电维修部", "600.00", "水泵密封件更换", "2026-03-02")
    q1 = publish(world, "2026Q1")

    # by role: counted, never "业委会委员、业委会委员"; the invoice's voucher number shown
    page.goto(f"{server.url}/e/lanting/d/{q1}")
    row = expense_row(page, "2026年3月")
    assert "业委会委员2人" in row and "业委会委员、业委会委员" not in row, row
    assert march in row, row
    assert "李军" not in page.content()
    page.goto(f"{server.url}/e/lanting")
    expect(page.locator("section.approvers-setting")).to_contain_text("职务和人数")

    # the steward cannot make it, nor can one committee member, nor an administrator
    reason = "业委会委员在纸质公示上签名，网上公示与之一致"
    proposed = world.call(
        "POST", "lijun", "/disclosures/public-names", json={"show_names": True, "reason": reason}
    )
    own = proposed["approval"]["id"]
    assert proposed["approval"]["approvals_needed"] == 2  # a majority of two members
    assert (
        refused(
            world, "lijun", "POST", f"/approvals/{own}/decision", json={"decision": "approve"}
        ).status_code
        == 403
    )
    assert (
        refused(
            world, "steward", "POST", f"/approvals/{own}/decision", json={"decision": "approve"}
        ).status_code
        == 403
    )
    # one proposal at a time
    again = refused(
        world,
        "steward",
        "POST",
        "/disclosures/public-names",
        json={"show_names": True, "reason": reason},
    )
    assert again.status_code == 409
    world.call(
        "POST",
        "zhaomin",
        f"/approvals/{own}/decision",
        json={"decision": "reject", "reason": "先问问业主"},
    )
    # administrators cannot weaken the rule to one approver
    rules = refused(
        world,
        "admin",
        "PUT",
        "/approvals/rules/public_names",
        json={"tiers": [{"up_to": None, "approvals_needed": 1, "approver_role": "committee"}]},
    )
    assert rules.status_code in (403, 409, 422), rules.text
    assert (
        refused(
            world,
            "steward",
            "POST",
            "/disclosures/public-names",
            json={"show_names": True, "reason": " "},
        ).status_code
        == 422
    )
    assert world.call("GET", "steward", "/disclosures/public-names")["show_names"] is False

    # the steward proposes, both members agree: in force
    proposed = world.call(
        "POST", "steward", "/disclosures/public-names", json={"show_names": True, "reason": reason}
    )
    request = proposed["approval"]["id"]
    world.decide("lijun", request)
    assert world.call("GET", "steward", "/disclosures/public-names")["show_names"] is False
    world.decide("zhaomin", request)
    setting = world.call("GET", "steward", "/disclosures/public-names")
    assert setting["show_names"] is True and setting["pending"] is None
    with server.session() as s:
        [audit] = s.scalars(
            select(AuditRecord).where(AuditRecord.action == "disclosure.public_names_changed")
        ).all()
        assert audit.detail["show_names"] is True and audit.detail["approval_request_id"] == request

    # the estate's page says so, with the day, the count and the reason
    page.goto(f"{server.url}/e/lanting")
    setting_card = page.locator("section.approvers-setting")
    expect(setting_card).to_contain_text("姓名")
    expect(setting_card).to_contain_text("经业委会过半数同意（2 名委员同意）")
    expect(setting_card).to_contain_text(reason)
    look(page, server, "estate-approvers")

    # the next publication names them; the published Q1 keeps what it showed
    world.pay_cash("2-1-502", "200.00", "2026-04-08")
    may = paid_claim(world, "宁波市水电维修部", "700.00", "楼道灯具更换", "2026-05-06")
    q2 = publish(world, "2026Q2")
    page.goto(f"{server.url}/e/lanting/d/{q2}")
    row = expense_row(page, "2026年5月")
    assert "李军、赵敏" in row and may in row, row
    expect(page.locator("section.signatures")).to_contain_text("业委会委员 李军")
    look(page, server, "disclosure-named-approvers")
    page.goto(f"{server.url}/e/lanting/d/{q1}")
    assert "业委会委员2人" in expense_row(page, "2026年3月")
    # the CSV says the same
    csv = httpx.get(f"{server.url}/api/v1/public/estates/lanting/disclosures/{q2}.csv").text
    assert "李军、赵敏" in csv and may in csv
