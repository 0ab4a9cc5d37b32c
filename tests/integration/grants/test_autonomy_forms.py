"""The autonomy pages' forms through the HTTP client (no browser), on an estate built through
the API: bad input comes back as the same page at 422 with the catalog's Chinese next to the
field it belongs to (the service's ``lines[1].amount`` under the form's own row), and nothing
is written — no gift, project, claim, revision, settlement or transfer."""

from __future__ import annotations

from typing import Any

from tests.api_flows import settled_project_with_gift
from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_staff_form_errors import field_error
from tests.integration.staff_setup import SLUG, entries, installation, open_estate  # noqa: F401
from trustfund.messages import Message
from trustfund.web.staff import zh

Call = Any
PAGES = f"/staff/{SLUG}/autonomy"


def said(code: str, **params: Any) -> str:
    return zh.say(Message(code, **params))


def refused(tf: Installation, url: str, data: dict[str, Any], who: str = "steward") -> str:
    answer = tf.client.post(url, data=data, headers=tf.people[who])
    assert answer.status_code == 422, (data, answer.status_code, answer.text[:400])
    return answer.text


def written(call: Call) -> Any:
    """Everything a refused autonomy form must leave as it was."""
    return (
        entries(call),
        call("GET", "steward", "/grants/gifts"),
        call("GET", "steward", "/grants/projects"),
        call("GET", "steward", "/grants/transfers"),
        call("GET", "steward", "/claims"),
    )


def approved_project(call: Call) -> dict[str, Any]:
    """Project 蜡梅 (LM): one line 苗木 of 300.00 approved by the council, 400.00 given to it."""
    source = call(
        "POST", "steward", "/grants/sources", json={"kind": "government", "donor_name": "区民政局"}
    )
    project = call(
        "POST",
        "steward",
        "/grants/projects",
        json={
            "code": "LM",
            "title": "蜡梅",
            "purpose": "种蜡梅",
            "applicant": "理事会",
            "applied_on": "2026-03-01",
            "lines": [{"description": "苗木", "amount": "300.00"}],
            "plan": [{"source_id": source["id"], "amount": "300.00"}],
        },
    )
    call("POST", "steward", f"/grants/projects/{project['id']}/submit")
    call(
        "POST",
        "council",
        f"/grants/projects/{project['id']}/decision",
        json={"decision": "approve"},
    )
    call(
        "POST",
        "steward",
        "/grants/gifts",
        headers={"Idempotency-Key": "lm-gift"},
        json={
            "source_id": source["id"],
            "amount": "400.00",
            "received_on": "2026-03-05",
            "project_id": project["id"],
        },
    )
    return call("GET", "steward", f"/grants/projects/{project['id']}")  # type: ignore[no-any-return]


def test_gift_and_in_kind_forms(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    before = written(call)
    gift = {
        "kind": "crowdfunding",
        "donor_name": "周红梅",
        "amount": "50",
        "received_on": "2026-03-02",
    }
    page = refused(tf, f"{PAGES}/gifts", {**gift, "donor_name": " ", "received_on": "3月2日"})
    assert field_error(page, "donor_name") == said("web.donor_name_required")
    assert field_error(page, "received_on") == said("input.not_a_date")
    page = refused(tf, f"{PAGES}/gifts", {**gift, "amount": "1,5"})
    assert field_error(page, "amount") == said("number.comma")
    page = refused(tf, f"{PAGES}/gifts", {**gift, "project_id": "x"})
    assert field_error(page, "project_id") == said("web.choose_from_list")
    page = refused(tf, f"{PAGES}/in-kind", {**gift, "received_on": "", "item": "树"})
    assert field_error(page, "received_on") == said("input.required")
    assert written(call) == before  # and no source either: refused gifts leave none
    assert call("GET", "steward", "/grants/sources") == []


def test_project_form_puts_row_errors_under_the_rows_sent(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    before = written(call)
    project = {
        "code": "LM",
        "title": "蜡梅",
        "purpose": "种蜡梅",
        "applicant": "理事会",
        "applied_on": "2026-03-01",
    }
    page = refused(tf, f"{PAGES}/projects", project)
    assert field_error(page, "lines") == said("web.budget_line_required")
    page = refused(
        tf,
        f"{PAGES}/projects",
        {**project, "applied_on": "", "line_description": "苗木", "line_amount": "300"},
    )
    assert field_error(page, "applied_on") == said("input.required")
    # the first row left blank: the service's lines[0] is the form's second row
    rows = {"line_description": ["", "苗木"], "line_amount": ["", "3,00"]}
    page = refused(tf, f"{PAGES}/projects", {**project, **rows})
    assert field_error(page, "line_amount-1") == said("number.comma")
    assert field_error(page, "line_amount-0") is None
    page = refused(
        tf,
        f"{PAGES}/projects",
        {
            **project,
            "line_description": "苗木",
            "line_amount": "300",
            "plan_source": "x",
            "plan_amount": "300",
        },
    )
    assert field_error(page, "plan_source-0") == said("web.choose_source")
    assert written(call) == before


def test_spending_forms_refuse_and_write_nothing(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    project = approved_project(call)
    [line] = project["lines"]
    url = f"{PAGES}/projects/{project['id']}"
    before = written(call)
    pay = {
        "budget_line_id": str(line["id"]),
        "payee": "鄞州花木场",
        "description": "蜡梅苗木",
        "work_date": "2026-03-06",
        "item": "蜡梅",
        "quantity": "7",
        "unit": "棵",
        "unit_price": "50",
    }
    page = refused(tf, f"{url}/disburse", {**pay, "budget_line_id": "", "work_date": ""})
    assert field_error(page, "budget_line_id") == said("web.choose_budget_line")
    assert field_error(page, "work_date") == said("input.required")
    page = refused(tf, f"{url}/disburse", pay)  # 350.00 against 300.00 approved
    assert field_error(page, "budget_line_id") == said(
        "web.budget_exceeded", approved="300.00", taken="0.00", asked="350.00", over="50.00"
    )
    page = refused(tf, f"{url}/disburse", {**pay, "unit_price": "5,0"})
    assert field_error(page, "unit_price") == said("number.comma")

    amounts = {"line_id": str(line["id"]), "amount": "300.00", "reason": "涨价"}
    page = refused(tf, f"{url}/budget", amounts)
    assert said("web.budget_no_change") in page
    page = refused(tf, f"{url}/budget", {**amounts, "amount": "3,50"})
    assert field_error(page, f"amount-{line['id']}") == said("number.comma")
    page = refused(tf, f"{url}/budget", {**amounts, "new_description": "树穴", "new_amount": "1,0"})
    assert said("number.comma") in (field_error(page, "new_amount") or "")

    page = refused(tf, f"{url}/settle", {"settled_on": "三月"})
    assert field_error(page, "settled_on") == said("input.not_a_date")
    assert written(call) == before


def test_leftover_forms(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    made = settled_project_with_gift(call, "steward", "council")
    url = f"{PAGES}/projects/{made['project']['id']}/transfer"
    before = written(call)
    move = {
        "kind": "refund",
        "amount": "100",
        "moved_on": "2026-03-12",
        "reason": "退回",
        "gift_id": "",
    }
    page = refused(tf, url, move)
    assert field_error(page, "gift_id") == said("web.choose_refund_gift")
    page = refused(tf, url, {**move, "kind": "keep", "moved_on": ""})
    assert field_error(page, "kind") == said("web.choose_transfer_kind")
    assert field_error(page, "moved_on") == said("input.required")
    page = refused(tf, url, {**move, "gift_id": str(made["gift"]["id"]), "amount": "1,00"})
    assert field_error(page, "amount") == said("number.comma")
    assert written(call) == before
