"""Proposing how approvers appear on the public pages (公示中审批人的显示方式) from the staff
disclosures page, through the HTTP client on an estate built from an empty database through
the CLI and the API (``open_estate``): the steward proposes showing names with a reason, the
committee approves on the approvals page and the page says names are shown; no reason is
refused under the field in the catalog's Chinese, a second proposal while one waits is 409,
and a council member (neither steward nor committee) gets 403 as from the API — nothing
written by any refusal."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_staff_forms import said
from tests.integration.staff_setup import field_error, installation, open_estate  # noqa: F401

PAGE = "/staff/yh/disclosures"


def _card(text: str) -> str:
    match = re.search(r'<section class="card" id="public-names">(.*?)</section>', text, re.S)
    assert match
    return html.unescape(re.sub(r"<[^>]+>", " ", match[1]))


def _setting(call: Any) -> dict[str, Any]:
    return dict(call("GET", "steward", "/disclosures/public-names"))


def test_propose_public_names_from_the_disclosures_page(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    steward, committee, council = (tf.people[w] for w in ("steward", "committee", "council"))
    shown = tf.client.get(f"{PAGE}/", headers=steward)
    assert shown.status_code == 200
    assert "只显示角色和人数" in _card(shown.text)
    assert "提议显示业委会委员姓名" in _card(shown.text)

    # a council member may not propose (as the API: 403), nothing written
    api = tf.client.post(
        "/api/v1/estates/yh/disclosures/public-names",
        json={"show_names": True, "reason": "x"},
        headers=council,
    )
    page = tf.client.post(
        f"{PAGE}/public-names", data={"show_names": "true", "names_reason": "x"}, headers=council
    )
    assert api.status_code == page.status_code == 403
    assert said("disclosure.names_by_steward_or_committee") in html.unescape(page.text)
    # no reason: said under the field
    blank = tf.client.post(
        f"{PAGE}/public-names", data={"show_names": "true", "names_reason": " "}, headers=steward
    )
    assert blank.status_code == 422
    assert field_error(blank.text, "names_reason") == said("disclosure.names_reason_required")
    odd = tf.client.post(
        f"{PAGE}/public-names", data={"show_names": "maybe", "names_reason": "x"}, headers=steward
    )
    assert odd.status_code == 422
    assert _setting(call)["changes"] == []

    answer = tf.client.post(
        f"{PAGE}/public-names",
        data={"show_names": "true", "names_reason": "纸质公告上一直有委员签名"},
        headers=steward,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    pending = _setting(call)["pending"]
    assert pending["show_names"] is True and pending["reason"] == "纸质公告上一直有委员签名"
    # one waits: a second proposal is refused (409), the committee sees where to decide
    again = tf.client.post(
        f"{PAGE}/public-names",
        data={"show_names": "true", "names_reason": "再提"},
        headers=committee,
    )
    assert again.status_code == 409
    card = _card(tf.client.get(f"{PAGE}/", headers=committee).text)
    assert "待业委会决定" in card and "纸质公告上一直有委员签名" in card
    # the proposer cannot decide it; the committee member approves on the approvals page
    request_id = pending["approval_request_id"]
    own = tf.client.post(
        f"/staff/yh/approvals/{request_id}/decision", data={"decision": "approve"}, headers=steward
    )
    assert own.status_code == 403
    decided = tf.client.post(
        f"/staff/yh/approvals/{request_id}/decision",
        data={"decision": "approve"},
        headers=committee,
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert _setting(call)["show_names"] is True
    now = _card(tf.client.get(f"{PAGE}/", headers=steward).text)
    assert "显示业委会委员姓名" in now and "提议改为只显示角色和人数" in now
