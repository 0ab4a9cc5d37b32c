"""Every refusal of a claim's pay form and of a work order's settle step is shown on the page
the steward is looking at, through the HTTP client (no browser), on an estate built through
the CLI and the API: under the field it names when the page shows that field now, else at the
top of the form it refused (or of the page, when the page has no such form in the claim's or
the order's present state) — never a bare 4xx the page cannot show. Nothing is written: no
payment, no journal entry, no step.

The insider's moves are here too: a steward posting the pay form of a claim nobody approved
(draft or only submitted), or settling a work order with another order's claim, a claim that
does not exist, or one the committee has not approved."""

from __future__ import annotations

import re
from typing import Any

from tests.api_flows import approve_claim, done_work_order, lamp_claim
from tests.integration.estates.public_setup import Installation
from tests.integration.settlements.test_claim_and_work_order_forms import PAGES, Call, post, said
from tests.integration.staff_setup import (  # noqa: F401
    SLUG,
    entries,
    field_error,
    installation,
    open_estate,
)


def section(page: str, anchor: str) -> str | None:
    """The card ``<section … id="anchor">`` of the page, or None when the page has none."""
    match = re.search(rf'<section class="[^"]*" id="{anchor}">(.*?)</section>', page, re.S)
    return match[1] if match else None


def alerts(text: str) -> list[str]:
    return re.findall(r'<p class="alert" role="alert">([^<]*)</p>', text)


def top_alerts(page: str, anchor: str) -> list[str]:
    """The alerts of the page outside the form's card."""
    inside = section(page, anchor) or ""
    return alerts(page.replace(inside, ""))


def approve(call: Call, claim_id: int) -> None:
    """Submitted, then approved by as many committee members as its amount needs."""
    approve_claim(call, "steward", claim_id, ("committee", "committee2"))


def state(call: Call, claim_ids: list[int], order_ids: tuple[int, ...] = ()) -> Any:
    """What a refused form must leave alone: the journal, the claims, the work orders."""
    return (
        entries(call),
        [call("GET", "steward", f"/claims/{c}")["status"] for c in claim_ids],
        [o for o in call("GET", "steward", "/work-orders") if o["id"] in order_ids],
    )


def test_pay_form_refusals_show_where_the_steward_looks(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)  # 500.00 in the maintenance fund
    tf.person("committee2", "committee", SLUG)  # above 500.00 a claim needs two approvals
    draft = lamp_claim(call, "steward", "30")
    pending = lamp_claim(call, "steward", "40")
    call("POST", "steward", f"/claims/{pending['id']}/submit")
    early = lamp_claim(call, "steward", "50")
    approve(call, early["id"])
    short = lamp_claim(call, "steward", "600")
    approve(call, short["id"])
    ids = [draft["id"], pending["id"], early["id"], short["id"]]
    before = state(call, ids)

    # a draft: the page has no pay form, the refusal is said at its top (409, as the API)
    url = f"{PAGES}/claims/{draft['id']}"
    page = post(tf, f"{url}/pay", 409, data={"paid_on": "2026-03-05", "key": "k1"})
    assert section(page, "pay") is None
    [alert] = alerts(page)
    assert said("settlements.claim_not_payable", claim_id=draft["id"], value="draft") in alert
    # a date the page cannot show a field for: named by its label at the top, not lost
    page = post(tf, f"{url}/pay", 422, data={"paid_on": "五号", "key": "k2"})
    assert section(page, "pay") is None and field_error(page, "paid_on") is None
    assert alerts(page) == [f"付款日期：{said('input.not_a_date')}"]

    # the insider: a steward posts the pay form of a claim that is only submitted
    page = post(
        tf, f"{PAGES}/claims/{pending['id']}/pay", 409, data={"paid_on": "2026-03-05", "key": "k3"}
    )
    [alert] = alerts(page)
    value = "submitted"
    assert said("settlements.claim_not_payable", claim_id=pending["id"], value=value) in alert

    # approved: a date before the work date under the form's own date field
    page = post(
        tf, f"{PAGES}/claims/{early['id']}/pay", 422, data={"paid_on": "2026-03-01", "key": "k4"}
    )
    form = section(page, "pay")
    assert form is not None and alerts(page) == []
    assert field_error(form, "paid_on") == said(
        "settlements.before_work_date", work_date="2026-03-02"
    )

    # approved but more than the fund holds: no field named, said at the top of the pay form
    page = post(
        tf, f"{PAGES}/claims/{short['id']}/pay", 409, data={"paid_on": "2026-03-05", "key": "k5"}
    )
    form = section(page, "pay")
    assert form is not None and top_alerts(page, "pay") == []
    [alert] = alerts(form)
    assert "还差 100.00 元" in alert and field_error(page, "paid_on") is None

    assert state(call, ids) == before  # nothing paid, no entry


def test_settle_step_refusals_show_where_the_steward_looks(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    contractor = call("POST", "steward", "/contractors", json={"name": "兰亭水电维修部"})

    bare, ready, other = (done_work_order(call, "steward", contractor["id"], b) for b in "123")
    unapproved = lamp_claim(call, "steward", "30", bare)
    approved = lamp_claim(call, "steward", "40", ready)
    approve(call, approved["id"])
    elsewhere = lamp_claim(call, "steward", "50", other)
    approve(call, elsewhere["id"])
    before = state(call, [unapproved["id"]], (bare, ready, other))

    # done, no approved claim: the form has no claim field; the service's refusals at its top
    url = f"{PAGES}/work-orders/{bare}/status"
    page = post(tf, url, 409, data={"status": "settled", "claim_id": str(unapproved["id"])})
    form = section(page, "step")
    assert form is not None and top_alerts(page, "step") == []
    [alert] = alerts(form)
    assert (
        said("settlements.settle_needs_approved_claim", claim_id=unapproved["id"], value="draft")
        in alert
    )
    # the insider: a claim of another work order, or one that does not exist
    page = post(tf, url, 422, data={"status": "settled", "claim_id": str(elsewhere["id"])})
    assert alerts(section(page, "step") or "") == [
        f"报销单：{said('settlements.claim_of_other_order')}"
    ]
    page = post(tf, url, 404, data={"status": "settled", "claim_id": "999"})
    [alert] = alerts(section(page, "step") or "")
    assert said("settlements.no_claim", claim_id=999) in alert
    # a date before the work was done, with no date field on the page: named by its label
    page = post(
        tf,
        url,
        422,
        data={"status": "settled", "on": "2026-03-02", "claim_id": str(unapproved["id"])},
    )
    assert alerts(section(page, "step") or "") == [
        f"日期：{said('input.not_before', day='2026-03-03')}"
    ]

    # an approved claim to choose: each refusal under the field it names
    url = f"{PAGES}/work-orders/{ready}/status"
    page = post(
        tf,
        url,
        422,
        data={"status": "settled", "on": "2026-03-05", "claim_id": str(elsewhere["id"])},
    )
    form = section(page, "step") or ""
    assert field_error(form, "claim_id") == said("settlements.claim_of_other_order")
    assert alerts(page) == []
    page = post(
        tf,
        url,
        422,
        data={"status": "settled", "on": "2026-03-02", "claim_id": str(approved["id"])},
    )
    form = section(page, "step") or ""
    assert field_error(form, "on") == said("input.not_before", day="2026-03-03")
    assert alerts(page) == []

    assert state(call, [unapproved["id"]], (bare, ready, other)) == before

    # settled: no step form any more, a step posted again is refused at the top of the page
    call(
        "POST",
        "steward",
        f"/work-orders/{ready}/status",
        json={"status": "settled", "on": "2026-03-05", "claim_id": approved["id"]},
    )
    page = post(tf, url, 409, data={"status": "settled", "claim_id": str(approved["id"])})
    assert section(page, "step") is None
    [alert] = alerts(page)
    assert "工单须按" in alert
