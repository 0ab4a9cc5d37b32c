"""More staff forms on ``StaffForm``, through the HTTP client (no browser), on an estate built
through the CLI and the API: the household split (分户), the households import page and the
bank statement import refuse bad input at 422 with the catalog's Chinese where it belongs,
and write nothing; the bank reconciliation page says why a month cannot be prepared in
Chinese, not in the API's English."""

from __future__ import annotations

import html
from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_household_changes import code_at
from tests.integration.estates.test_import_samples import estate_with_register
from tests.integration.estates.test_staff_form_errors import field_error
from tests.integration.estates.test_staff_forms import API, get, said
from tests.integration.staff_setup import open_estate

BAD_STATEMENT = (
    "交易日期,摘要,收入金额,支出金额,余额,对方户名,对方账号,附言,流水号\n"
    "2026-01-05,转账,2OO.00,,10200.00,王芳,6222020000001111,服务费,2026010500012\n"
).encode()


def test_split_form_names_the_day_and_the_row(installation: Installation) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    code = code_at(tf, steward, "3", "502")
    url = f"/staff/yh/households/{code}/split"
    before = get(tf, f"{API}/households?on=2026-06-01", steward)
    parts = {"room_0": "502A", "area_0": "40", "room_1": "502B", "area_1": "40"}

    answer = tf.client.post(url, data={"on": "", **parts}, headers=steward)
    assert answer.status_code == 422
    assert field_error(answer.text, "on") == said("web.split_date_required")
    answer = tf.client.post(url, data={"on": "六月", **parts}, headers=steward)
    assert answer.status_code == 422
    assert field_error(answer.text, "on") == said("input.not_a_date")
    # the service's parts[1] is the form's second row
    answer = tf.client.post(
        url, data={"on": "2026-06-01", **parts, "area_1": "4,0"}, headers=steward
    )
    assert answer.status_code == 422, answer.text[:300]
    assert field_error(answer.text, "area-1") and field_error(answer.text, "area-0") is None
    assert get(tf, f"{API}/households?on=2026-06-01", steward) == before


def test_import_page_without_a_file_or_with_bad_rows(installation: Installation) -> None:
    tf = installation
    tf.estate("yh")
    steward = tf.person("steward", "steward", "yh")
    empty = tf.client.post(
        "/staff/yh/import",
        data={"mode": "add"},
        files={"file": ("", b"", "application/octet-stream")},  # no file chosen
        headers=steward,
    )
    assert empty.status_code == 422
    assert said("web.import_choose_file") in html.unescape(empty.text)
    bad = "幢,单元,室,面积,状态\n1,1,101,80,自住\n1,1,102,八十,自住\n".encode()
    answer = tf.client.post(
        "/staff/yh/import", files={"file": ("register.csv", bad, "text/csv")}, headers=steward
    )
    assert answer.status_code == 422, answer.text[:300]
    text = html.unescape(answer.text)
    assert said("web.import_rows_refused", value=1) in text
    assert "面积“八十”不是有效数字" in text  # the row's reason, from the catalog
    assert tf.client.get(f"{API}/households", headers=steward).json()["items"] == []


def test_bank_page_says_month_problems_and_import_refusals_in_chinese(
    installation: Installation,
) -> None:
    tf = installation
    call = open_estate(tf)
    steward = tf.people["steward"]
    shown = tf.client.get("/staff/yh/bank/?month=2026-01", headers=steward)
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert said("reconciliation.statement_missing", end="2026-01-31") in text
    assert "the imported statement" not in text and "nothing yet" not in text
    # the API keeps its English
    month: dict[str, Any] = call("GET", "steward", "/bank/reconciliations/2026-01")
    assert any("nothing yet" in p for p in month["problems"])

    lines = call("GET", "steward", "/bank/lines")
    refused = tf.client.post(
        "/staff/yh/bank/import?month=2026-01",
        files={"file": ("statement.csv", BAD_STATEMENT, "text/csv")},
        headers=steward,
    )
    assert refused.status_code == 422, refused.text[:300]
    text = html.unescape(refused.text)
    assert "文件未导入" in text
    # each row's problem as the API names it, its reason in Chinese instead of English
    api = tf.client.post(
        f"{API}/bank/statements/import",
        files={"file": ("statement.csv", BAD_STATEMENT, "text/csv")},
        headers=steward,
    )
    assert api.status_code == 422 and api.json()["errors"]
    for error in api.json()["errors"]:  # rows[2].amount_in → 第 2 行：金额：…
        row = error["field"].removeprefix("rows[").split("]")[0]
        assert f"<li>第 {row} 行：" in text, error
        assert error["reason"] not in text
    assert call("GET", "steward", "/bank/lines") == lines
