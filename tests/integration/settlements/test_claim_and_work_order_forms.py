"""The claim and work-order pages' forms on ``StaffForm``, through the HTTP client (no
browser), on an estate built through the CLI and the API: bad input comes back as the same
page with the catalog's Chinese where it belongs (a line's error under its row), and
nothing is written — no claim, payment, voucher, work order or step."""

from __future__ import annotations

import html
from typing import Any

from tests.api_flows import lamp_claim
from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_staff_form_errors import field_error
from tests.integration.staff_setup import SLUG, entries, installation, open_estate  # noqa: F401
from trustfund.messages import Message
from trustfund.web.staff import zh

PAGES = f"/staff/{SLUG}"
Call = Any


def said(code: str, **params: Any) -> str:
    return zh.say(Message(code, **params))


def post(tf: Installation, url: str, status: int, **kw: Any) -> str:
    answer = tf.client.post(url, headers=tf.people["steward"], **kw)
    assert answer.status_code == status, (url, answer.status_code, answer.text[:400])
    return html.unescape(answer.text)


def written(call: Call) -> Any:
    return entries(call), call("GET", "steward", "/claims"), call("GET", "steward", "/work-orders")


def test_claim_forms(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    claim = lamp_claim(call, "steward", "30")
    before = written(call)
    good = {"payee": "兰亭水电维修部", "spending": "maintenance:Repairs", "work_date": "2026-03-02",
            "description": "换灯", "line_description": "灯", "quantity": "1", "unit": "个",
            "unit_price": "30"}  # fmt: skip
    page = post(tf, f"{PAGES}/claims", 422, data={**good, "spending": "x", "work_date": ""})
    assert field_error(page, "spending") == said("web.choose_spending")
    assert field_error(page, "work_date") == said("input.required")
    page = post(tf, f"{PAGES}/claims", 422, data={**good, "line_description": "", "quantity": "",
                                                   "unit": "", "unit_price": ""})  # fmt: skip
    assert said("web.claim_line_required") in page
    page = post(tf, f"{PAGES}/claims", 422, data={**good, "unit_price": "3,0"})
    assert said("number.comma") in page  # under the line's row
    page = post(tf, f"{PAGES}/claims", 422, data={**good, "work_order_id": "x"})
    assert field_error(page, "work_order_id") == said("web.choose_from_list")

    url = f"{PAGES}/claims/{claim['id']}"
    page = post(tf, f"{url}/vouchers", 422, files={"file": ("", b"", "application/octet-stream")})
    assert field_error(page, "file") == said("web.choose_photo_or_file")
    page = post(tf, f"{url}/vouchers", 422, files={"file": ("a.txt", b"hello", "text/plain")})
    assert (field_error(page, "file") or "").startswith("a.txt：")
    # paying a claim nobody approved: refused above the page, nothing paid
    page = post(tf, f"{url}/pay", 409, data={"paid_on": "2026-03-05", "key": "k"})
    assert "与现有记录冲突" in page
    post(tf, f"{url}/pay", 422, data={"paid_on": "五号", "key": "k"})  # (its form: once approved)
    assert written(call) == before


def test_work_order_forms(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    order = call(
        "POST",
        "steward",
        "/work-orders",
        json={
            "building": "1",
            "location": "楼道",
            "problem": "灯不亮",
            "reported_on": "2026-03-01",
        },
    )
    before = written(call)
    report = {"building": "1", "location": "楼道", "problem": "灯不亮", "reported_on": "三月一日"}
    page = post(tf, f"{PAGES}/work-orders/", 422, data=report)
    assert field_error(page, "reported_on") == said("input.not_a_date")
    page = post(tf, f"{PAGES}/work-orders/", 422, data={**report, "reported_on": "2026-03-01",
                                                         "problem": ""})  # fmt: skip
    assert field_error(page, "problem")

    url = f"{PAGES}/work-orders/{order['id']}"
    page = post(tf, f"{url}/status", 422, data={"status": "fixed", "on": "2026-03-02"})
    assert said("web.choose_next_step") in page
    page = post(tf, f"{url}/status", 422, data={"status": "assigned", "on": "2026-03-02"})
    assert field_error(page, "contractor_id") == said("web.choose_contractor")
    post(tf, f"{url}/status", 422, data={"status": "settled", "claim_id": "x"})  # (no claim yet)
    page = post(tf, f"{url}/photos", 422, files={"file": ("", b"", "application/octet-stream")})
    assert field_error(page, "file") == said("web.choose_photo")
    assert written(call) == before


def test_expense_table_dates(installation: Installation) -> None:  # noqa: F811
    tf = installation
    open_estate(tf)
    steward = tf.people["steward"]
    page = tf.client.get(f"{PAGES}/expenses/?start=2026-03-02&end=2026-03-01", headers=steward)
    assert page.status_code == 422
    assert field_error(page.text, "end") == said("web.end_before_start")
    page = tf.client.get(f"{PAGES}/expenses/?start=三月", headers=steward)
    assert page.status_code == 422
    assert field_error(page.text, "start") == said("input.not_a_date")
