"""Import headers and cells over HTTP: unknown columns are refused by name (nothing
written), payments name households by address as well as by code, and a payment method has
one spelling in the API with Chinese words accepted in files."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.estates.public_setup import Headers, Installation
from tests.integration.estates.test_import_samples import charges_ready, estate_with_register


def post_file(tf: Installation, url: str, text: str, headers: Headers, **params: str) -> Any:
    return tf.client.post(
        url,
        params=params,
        files={"file": ("f.csv", text.encode("utf-8"), "text/csv")},
        headers=headers,
    )


@pytest.fixture
def estate(installation: Installation) -> tuple[Installation, Headers]:
    """Estate ``yh`` with the sample register imported and 2026 charges issued."""
    tf = installation
    steward, committee = estate_with_register(tf)
    charges_ready(tf, "yh", steward, committee)
    return tf, steward


def test_unknown_columns_are_refused_by_name_in_every_import(
    estate: tuple[Installation, Headers],
) -> None:
    tf, steward = estate
    base = "/api/v1/estates/yh"
    cases = [
        (f"{base}/households/import", "幢,单元,室,状态,owner_nam\n9,1,101,自住,王五\n", {}),
        (
            f"{base}/fees/payments/import",
            "地址,年度,金额,方式,日期,收据号\n1-1-101,2026,10.00,现金,2026-03-01,7\n",
            {},
        ),
        (
            f"{base}/prices/import",
            "编码,名称,单位,单价,备注\nA-1,灯,个,1.00,x\n",
            {"effective_from": "2026-01-01"},
        ),
    ]
    for url, text, params in cases:
        answer = post_file(tf, url, text, steward, **params)
        assert answer.status_code == 422, (url, answer.text)
        errors = answer.json()["errors"]
        assert [e["field"] for e in errors] == ["columns"], url
        unknown = text.split("\n")[0].split(",")[-1]
        assert errors[0]["reason"].startswith(f"unknown column '{unknown}'"), url
        assert unknown in answer.json()["detail"]
    listed = tf.client.get(f"{base}/households", params={"building": "9"}, headers=steward)
    assert listed.json()["total"] == 0
    collection = tf.client.get(f"{base}/fees/collection/2026", headers=steward).json()
    assert collection["overall"]["paid"] == "0.00", collection
    assert tf.client.get(f"{base}/prices", headers=steward).json()["versions"] == []


def test_payments_name_households_by_code_address_or_columns(
    estate: tuple[Installation, Headers],
) -> None:
    tf, steward = estate
    base = "/api/v1/estates/yh"
    code = tf.client.get(
        f"{base}/households", params={"building": "3", "room": "504"}, headers=steward
    ).json()["items"][0]["code"]
    by_columns = (
        "幢,单元,室,年度,金额,方式,日期\n"
        "1,1,101,2026,50.00,现金,2026-03-01\n"
        "3幢,1单元,504室,2026,20.00,bank_transfer,2026-03-02\n"
    )
    answer = post_file(tf, f"{base}/fees/payments/import", by_columns, steward)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["payments"], answer.json()["amount"]) == (2, "70.00")
    owed = tf.client.get(f"{base}/fees/households/{code}/2026", headers=steward).json()
    assert owed["paid"] == "20.00"

    wrong = (
        "户号,地址,年度,金额,方式,日期\n"
        f"{code},3-1-503,2026,1.00,现金,2026-03-01\n"  # the code is 504's
        ",9-9-999,2026,1.00,现金,2026-03-01\n"  # nobody lives there
        ",3-1,2026,1.00,现金,2026-03-01\n"  # not an address
        ",,2026,1.00,刷卡,2026-03-01\n"  # no household, unknown method
    )
    answer = post_file(tf, f"{base}/fees/payments/import", wrong, steward)
    assert answer.status_code == 422, answer.text
    reasons = {e["field"]: e["reason"] for e in answer.json()["errors"]}
    assert reasons["rows[2].household_code"].startswith(f"{code} is not the household at 3幢")
    assert reasons["rows[3].address"] == "no household at 9幢9单元999室 in this estate"
    assert reasons["rows[4].address"].startswith("address '3-1' is not an address")
    assert reasons["rows[5].household_code"] == "required: give the code or the address"
    assert reasons["rows[5].method"] == (
        "method '刷卡' is not a payment method: write cash, wechat, alipay or bank_transfer "
        "(现金, 微信/微信支付, 支付宝, 银行转账/转账)"
    )
    owed = tf.client.get(f"{base}/fees/households/{code}/2026", headers=steward).json()
    assert owed["paid"] == "20.00"  # nothing of the refused file was written

    half = "幢,室,年度,金额,方式,日期\n1,101,2026,1.00,现金,2026-03-01\n"
    answer = post_file(tf, f"{base}/fees/payments/import", half, steward)
    assert answer.status_code == 422
    assert "missing entrance" in answer.json()["errors"][0]["reason"]


def test_the_api_speaks_one_spelling_of_each_method(estate: tuple[Installation, Headers]) -> None:
    tf, steward = estate
    base = "/api/v1/estates/yh"
    code = tf.client.get(f"{base}/households", headers=steward).json()["items"][0]["code"]
    body = {
        "method": "银行转账",
        "amount": "10.00",
        "paid_on": "2026-03-01",
        "allocations": [{"household_code": code, "fee_year": 2026, "amount": "10.00"}],
    }
    refused = tf.client.post(f"{base}/fees/payments", json=body, headers=steward)
    assert refused.status_code == 422
    assert "bank_transfer" in refused.text  # the error names the accepted values
    imported = post_file(
        tf,
        f"{base}/fees/payments/import",
        f"户号,年度,金额,方式,日期\n{code},2026,10.00,银行转账,2026-03-01\n",
        steward,
    )
    assert imported.status_code == 201, imported.text
    receipt = tf.client.get(
        f"{base}/fees/receipts/{imported.json()['first_receipt']}", headers=steward
    ).json()
    assert receipt["method"] == "bank_transfer"
