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


def test_bank_page_says_its_problems_amounts_as_money(installation: Installation) -> None:
    """The month's problem and a refused file's rows say their amounts in the staff pages'
    one money format (``1,234.50``, the ``yuan`` filter's), not as the API's ``-10000.00``."""
    tf = installation
    call = open_estate(tf)  # the books hold 500.00 in the bank
    steward = tf.people["steward"]
    header = "交易日期,摘要,收入金额,支出金额,余额,对方户名,对方账号,附言,流水号\n"
    statement = f"{header}2026-01-05,转账,200.00,,10700.00,王芳,6222020000001111,服务费,1\n"
    imported = tf.client.post(
        f"{API}/bank/statements/import",
        files={"file": ("statement.csv", statement.encode(), "text/csv")},
        headers=steward,
    )
    assert imported.status_code < 400, imported.text
    month: dict[str, Any] = call("GET", "steward", "/bank/reconciliations/2026-01")
    assert month["difference"] == "10000.00"
    assert any("differ by 10000.00" in p for p in month["problems"])  # the API keeps its form

    text = html.unescape(get_page(tf, "/staff/yh/bank/?month=2026-01", steward))
    assert "调整后余额相差 10,000.00 元：对账单 10,700.00 元，账面 700.00 元" in text
    assert "10000.00" not in text and "10700.00" not in text

    lines = call("GET", "steward", "/bank/lines")
    broken = f"{statement}2026-01-06,转账,100.00,,12000.00,李强,6222020000002222,服务费,2\n"
    refused = tf.client.post(
        "/staff/yh/bank/import?month=2026-01",
        files={"file": ("statement.csv", broken.encode(), "text/csv")},
        headers=steward,
    )
    assert refused.status_code == 422, refused.text[:300]
    text = html.unescape(refused.text)
    assert "余额 12,000.00 与上一行（第 2 行，余额 10,700.00）对不上：应为 10,800.00" in text
    assert call("GET", "steward", "/bank/lines") == lines


def get_page(tf: Installation, url: str, headers: Any) -> str:
    answer = tf.client.get(url, headers=headers)
    assert answer.status_code == 200, answer.text[:300]
    return answer.text
