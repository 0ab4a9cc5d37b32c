"""The staff forms moved onto ``StaffForm``, through the HTTP client (no browser): bad input
comes back as the same page at 422 with the catalog's Chinese next to the field it belongs
to (service rows like ``components[1].amount`` or ``funds[0].bank`` mapped to the form's
own fields), and nothing is written."""

from __future__ import annotations

from typing import Any

from tests.integration.estates.public_setup import Headers, Installation
from tests.integration.estates.test_household_changes import code_at
from tests.integration.estates.test_import_samples import estate_with_register
from tests.integration.estates.test_staff_form_errors import field_error
from trustfund.messages import Message
from trustfund.web.staff import zh

API = "/api/v1/estates/yh"


def said(code: str, **params: Any) -> str:
    """What the catalog says in Chinese (the pages render it the same way)."""
    return zh.say(Message(code, **params))


def refused(tf: Installation, url: str, data: dict[str, Any], headers: Headers) -> str:
    answer = tf.client.post(url, data=data, headers=headers)
    assert answer.status_code == 422, (data, answer.status_code, answer.text[:400])
    return answer.text


def get(tf: Installation, url: str, headers: Headers) -> Any:
    answer = tf.client.get(url, headers=headers)
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code, answer.json()


def test_goods_slip_form(installation: Installation) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    before = get(tf, f"{API}/goods/slips", steward)
    good = {"kind": "purchase", "item": "灯泡", "unit": "个", "quantity": "2"}
    url = "/staff/yh/goods"

    page = refused(tf, url, {**good, "kind": "gift", "slip_date": "2026-03-01"}, steward)
    assert field_error(page, "kind") == said("web.choose_slip_kind")
    page = refused(tf, url, {**good, "kind": "issue", "slip_date": "2026-03-01"}, steward)
    assert field_error(page, "work_order_id") == said("web.issue_needs_work_order")
    page = refused(tf, url, {**good, "slip_date": "三月一日"}, steward)
    assert field_error(page, "slip_date") == said("input.not_a_date")
    # refused by the service, said by code under its field
    page = refused(tf, url, {**good, "quantity": "1,5", "slip_date": "2026-03-01"}, steward)
    assert field_error(page, "quantity") == said("number.comma")
    assert get(tf, f"{API}/goods/slips", steward) == before


def test_fee_schedule_form_maps_component_rows_to_fund_fields(installation: Installation) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    url = "/staff/yh/fee-schedules/new"
    before = get(tf, f"{API}/fees/schedules/2026", steward)
    form = {
        "fee_year": "2026",
        "vacancy_rule": "percent",
        "vacancy_percent": "50",
        "electricity_amount": "50.00",
        "maintenance_amount": "90.00",
        "garbage_amount": "60.00",
    }
    page = refused(tf, url, {**form, "fee_year": "明年"}, steward)
    assert field_error(page, "fee_year") == said("web.fee_year_example")
    # the second component sent is maintenance: components[1].amount → maintenance_amount
    page = refused(tf, url, {**form, "maintenance_amount": "1,5"}, steward)
    assert field_error(page, "maintenance_amount") == said("number.comma")
    assert field_error(page, "electricity_amount") is None
    assert get(tf, f"{API}/fees/schedules/2026", steward) == before


def test_opening_balances_form_maps_fund_rows_to_fields(installation: Installation) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    url = "/staff/yh/books"
    before = get(tf, f"{API}/books", steward)
    page = refused(tf, url, {"date": "2026-01-01"}, steward)
    assert said("web.opening_fund_required") in page
    page = refused(tf, url, {"date": "", "electricity_bank": "1"}, steward)
    assert field_error(page, "date") == said("web.opening_date_required")
    page = refused(tf, url, {"date": "2026-01-01", "maintenance_bank": "1,000"}, steward)
    assert field_error(page, "maintenance_bank") == said("number.comma")
    assert get(tf, f"{API}/books", steward) == before


def test_refund_and_void_forms(installation: Installation) -> None:
    tf = installation
    steward, _ = estate_with_register(tf)
    code = code_at(tf, steward, "3", "502")
    before = get(tf, f"{API}/fees/refund-requests?status=all", steward)
    refund = {"household_code": code, "fee_year": "2026", "amount": "10.00", "method": "cash"}
    page = refused(tf, "/staff/yh/refunds/refund", {**refund, "reason": " "}, steward)
    assert field_error(page, "reason") == said("web.fill_in", field="reason", label="理由")
    page = refused(
        tf, "/staff/yh/refunds/refund", {**refund, "method": "x", "reason": "搬离"}, steward
    )
    assert field_error(page, "method") == said("web.choose_refund_method")
    page = refused(
        tf, "/staff/yh/refunds/refund", {**refund, "amount": "-1", "reason": "搬离"}, steward
    )
    assert field_error(page, "amount") == said("input.not_positive")
    void = {"receipt_no": "2026-999999", "void_reason": "抬头有误"}
    page = refused(tf, "/staff/yh/refunds/void", void, steward)
    assert field_error(page, "receipt_no") == said("web.no_such_receipt")
    assert get(tf, f"{API}/fees/refund-requests?status=all", steward) == before


def test_merge_form_and_approval_forms(installation: Installation) -> None:
    tf = installation
    steward, committee = estate_with_register(tf)
    code = code_at(tf, steward, "3", "502")
    household = get(tf, f"{API}/households/{code}", steward)
    page = refused(tf, f"/staff/yh/households/{code}/merge", {"on": "2026-03-01"}, steward)
    assert field_error(page, "codes") == said("web.merge_choose_households")
    assert get(tf, f"{API}/households/{code}", steward) == household

    opening = {"date": "2026-01-01", "funds": [{"fund": "electricity", "bank": "300.00"}]}
    proposed = tf.client.post(f"{API}/books/opening", json=opening, headers=steward)
    assert proposed.status_code == 201, proposed.text
    request_id = proposed.json()["approval_request_id"]
    url = f"/staff/yh/approvals/{request_id}/decision"
    page = refused(tf, url, {"decision": "reject", "reason": ""}, committee)
    assert field_error(page, "reason") == said("web.reject_needs_reason")
    page = refused(tf, url, {"decision": "maybe"}, committee)
    assert said("approvals.approve_or_reject") in page
    assert tf.client.get(f"{API}/books", headers=steward).json()["open"] is False
