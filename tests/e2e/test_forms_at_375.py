"""Issue 15 items 3–4 at 375 px: the staff forms moved onto ``StaffForm`` refused in a phone's
browser — the autonomy project form (a row's error under that row), a project's payment
(over budget) and settlement, the household split, the households import page, the bank
statement import and the bank page's month problems, all in Chinese from the catalog — and
no page wider than the screen. Estate built from an empty database through the API."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_world import SLUG, build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e


def test_refused_staff_forms_at_375_px(live_server: LiveServer, phone375: Page) -> None:  # noqa: F811
    server, page = live_server, phone375
    world = build_api_world(server)
    world.person("zhouhong", "周红", "council", "council")
    source = world.call(
        "POST", "steward", "/grants/sources", json={"kind": "government", "donor_name": "区民政局"}
    )
    project = world.call(
        "POST",
        "steward",
        "/grants/projects",
        json={
            "code": "LM", "title": "蜡梅", "purpose": "种蜡梅", "applicant": "理事会",
            "applied_on": "2026-03-01",
            "lines": [{"description": "苗木", "amount": "300.00"}],
            "plan": [{"source_id": source["id"], "amount": "300.00"}],
        },
    )  # fmt: skip
    world.call("POST", "steward", f"/grants/projects/{project['id']}/submit")
    world.call(
        "POST",
        "council",
        f"/grants/projects/{project['id']}/decision",
        json={"decision": "approve"},
    )
    world.call(
        "POST", "steward", "/grants/gifts", headers={"Idempotency-Key": "e2e-lm"},
        json={"source_id": source["id"], "amount": "400.00", "received_on": "2026-03-05",
              "project_id": project["id"]},
    )  # fmt: skip
    sign_in(page, server, "wanghong")
    base = f"{server.url}/staff/{SLUG}"

    # a new application: the second budget row's amount refused under that row
    page.goto(f"{base}/autonomy/projects/new")
    page.fill("#f-title", "树穴")
    page.fill("#f-code", "SX")
    page.fill("#f-applicant", "王红")
    page.fill("#f-line_description-1", "树穴盖板")
    page.fill("#f-line_amount-1", "1,200")
    page.click("main form[action$='/autonomy/projects'] button[type=submit] >> nth=0")
    expect(page.locator("#e-line_amount-1")).to_contain_text("小数点请用“.”")
    expect(page.locator("#f-line_amount-1")).to_have_attribute("aria-invalid", "true")
    fits(page)
    shoot(page, server, "forms-autonomy-project-form-error", phone=PHONE_375)

    # the approved project: a payment beyond its line, then a settlement without a date
    page.goto(f"{base}/autonomy/projects/{project['id']}")
    page.select_option("#f-budget_line_id", index=1)
    page.fill("#f-payee", "鄞州花木场")
    page.fill("#f-description", "蜡梅苗木")
    page.fill("#f-quantity", "7")
    page.fill("#f-unit_price", "50")
    page.click("#disburse button[type=submit]")
    expect(page.locator("#e-budget_line_id")).to_contain_text("超出 50.00 元")
    fits(page)
    shoot(page, server, "forms-autonomy-project-error", phone=PHONE_375)
    assert world.call("GET", "steward", "/claims") == []

    # the household split: no day
    page.goto(f"{base}/households/{world.codes['3-1-502']}/units")
    page.fill("#f-room-0", "502A")
    page.fill("#f-room-1", "502B")
    page.fill("form[action$='/split'] input[name=on]", "")
    page.click("form[action$='/split'] button[type=submit]")
    expect(page.locator("form[action$='/split'] #e-on")).to_have_text("请填写分户日期")
    fits(page)
    shoot(page, server, "forms-household-split-error", phone=PHONE_375)

    # the households import page: a row that cannot be read
    page.goto(f"{base}/import")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "register.csv", "mimeType": "text/csv",
                "buffer": "幢,单元,室,状态\n1,1,101,自住\n1,1,102,住着\n".encode()}],
    )  # fmt: skip
    page.click("main form[enctype] button[type=submit]")
    expect(page.locator("main .alert")).to_contain_text("1 行有错误，没有导入任何住户")
    fits(page)
    shoot(page, server, "forms-import-error", phone=PHONE_375)

    # the bank page: why January cannot be prepared, in Chinese; a refused statement
    page.goto(f"{base}/bank/?month=2026-01")
    expect(page.locator("#reconciliation")).to_contain_text("还没有导入对账单；请导入到 2026-01-31")
    expect(page.locator("#reconciliation")).not_to_contain_text("statement")
    page.set_input_files(
        "#f-file",
        files=[{"name": "statement.csv", "mimeType": "text/csv",
                "buffer": "交易日期,摘要,收入金额,支出金额,余额,流水号\n2026-01-05,转账,2OO,,10200.00,1\n".encode()}],
    )  # fmt: skip
    page.click("#bank-import button[type=submit]")
    expect(page.locator("#bank-import .alert")).to_contain_text("文件未导入")
    fits(page)
    shoot(page, server, "forms-bank-import-error", phone=PHONE_375)
