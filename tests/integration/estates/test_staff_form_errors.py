"""Staff forms' error paths through the HTTP client (no browser): bad input comes back as the
same page at 422 with the Chinese reason next to the field it belongs to — said from the
message catalog by the error's code — and nothing is written."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_household_changes import code_at
from tests.integration.estates.test_import_samples import charges_ready, estate_with_register

Headers = dict[str, str]


def field_error(page: str, field: str) -> str | None:
    """The error shown under ``field`` (``<p class="field-error" id="e-amount">``)."""
    match = re.search(rf'id="e-{re.escape(field)}"[^>]*>([^<]*)<', page)
    return html.unescape(match[1]) if match else None


def written(tf: Installation, headers: Headers) -> Any:
    """What a refused form must leave alone: the cash on hand and the journal."""
    cash = tf.client.get("/api/v1/estates/yh/fees/cash", headers=headers)
    entries = tf.client.get("/api/v1/estates/yh/ledger/entries", headers=headers)
    assert cash.status_code == 200 and entries.status_code == 200, (cash.text, entries.text)
    return cash.json(), entries.json()


def test_payment_form_names_each_bad_field_in_chinese_and_records_nothing(
    installation: Installation,
) -> None:
    tf = installation
    steward, committee = estate_with_register(tf)
    charges_ready(tf, "yh", steward, committee)  # the payment form shows once charged
    code = code_at(tf, steward, "3", "502")
    url = f"/staff/yh/households/{code}/payments"
    before = written(tf, steward)
    good = {"fee_year": "2026", "amount": "100.00", "method": "cash", "payer": "", "key": ""}

    cases = [
        ({"amount": "1,5"}, "amount", "小数点请用“.”，不要用逗号或千位分隔符"),
        ({"amount": "12.345"}, "amount", "最多 2 位小数"),
        ({"amount": "abc"}, "amount", "不是有效数字（例如 200.50）"),
        ({"method": "cheque"}, "method", "请选择付款方式（现金、微信支付、支付宝、银行转账）"),
        ({"fee_year": "next"}, "fee_year", "请选择费用年度"),
    ]
    for change, field, chinese in cases:
        refused = tf.client.post(url, data={**good, **change}, headers=steward)
        assert refused.status_code == 422, (change, refused.text[:300])
        assert field_error(refused.text, field) == chinese, change
        assert 'aria-invalid="true"' in refused.text or "invalid" in refused.text
    assert written(tf, steward) == before


def test_cash_deposit_form_refuses_a_bad_date_and_amount_next_to_each_field(
    installation: Installation,
) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    before = written(tf, steward)
    refused = tf.client.post(
        "/staff/yh/cash",
        data={"amount": "50", "deposited_on": "yesterday", "reference": "", "key": ""},
        headers=steward,
    )
    assert refused.status_code == 422
    assert field_error(refused.text, "deposited_on") == "不是日期（请写成 2026-03-01）"
    assert field_error(refused.text, "amount") is None  # the date is refused before the service

    refused = tf.client.post(
        "/staff/yh/cash",
        data={"amount": "1,000", "deposited_on": "", "reference": "", "key": ""},
        headers=steward,
    )
    assert refused.status_code == 422
    assert field_error(refused.text, "amount") == "小数点请用“.”，不要用逗号或千位分隔符"
    assert written(tf, steward) == before


def test_household_edit_form_says_the_phone_reason_from_the_catalog(
    installation: Installation,
) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    code = code_at(tf, steward, "3", "502")
    form = {"building": "3", "entrance": "1", "room": "502", "phone": "123", "note": ""}
    before = tf.client.get(f"/api/v1/estates/yh/households/{code}", headers=steward).json()
    refused = tf.client.post(f"/staff/yh/households/{code}/edit", data=form, headers=steward)
    assert refused.status_code == 422
    assert (
        "电话“123”不是有效的手机号码（11 位，13–19 开头）或固定电话（如 0574-87000001）"
        in html.unescape(refused.text)
    )
    after = tf.client.get(f"/api/v1/estates/yh/households/{code}", headers=steward).json()
    assert after == before


def test_the_api_gives_the_code_and_params_with_the_english_reason(
    installation: Installation,
) -> None:
    """Clients translate by code; ``reason`` and ``detail`` stay the English they were."""
    tf = installation
    steward, _ = estate_with_register(tf)
    code = code_at(tf, steward, "3", "502")
    refused = tf.client.patch(
        f"/api/v1/estates/yh/households/{code}", json={"area_m2": "12.345"}, headers=steward
    )
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == "area_m2"
    assert error["code"] == "input.labelled"
    assert error["params"]["field"] == "area_m2"
    assert error["params"]["reason"] == {
        "code": "estates.area_invalid",
        "params": {
            "value": "12.345",
            "reason": {"code": "number.too_many_places", "params": {"places": 2}},
        },
    }
    assert error["reason"] == "面积 (area_m2) '12.345': has more than 2 decimals"
