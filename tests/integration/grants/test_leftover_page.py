"""The 结余退还与调拨 page's 入账 form through the HTTP client, on an estate built through
the API: the steward cannot post what the council has not approved (409, the reason in
Chinese on the card, nothing posted); a council member cannot post at all (403 on the POST
itself, not only a hidden button); once approved the steward posts it, a double tap posts it
once, and a second post is refused as already posted."""

from __future__ import annotations

import html

from tests.api_flows import propose_refund, settled_project_with_gift
from tests.integration.estates.public_setup import Installation
from tests.integration.staff_setup import SLUG, entries, installation, open_estate  # noqa: F401


def test_only_an_approved_refund_is_posted_by_the_steward_once(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    call = open_estate(tf)
    made = settled_project_with_gift(call, "steward", "council")
    refund = propose_refund(call, "steward", made["gift"]["id"])
    url = f"/staff/{SLUG}/autonomy/transfers/{refund['id']}/post"
    before = entries(call)

    # the insider: the steward posts the refund the council has not decided
    refused = tf.client.post(url, data={"key": "k1"}, headers=tf.people["steward"])
    assert refused.status_code == 409, refused.text[:300]
    assert f"第 {refund['id']} 号尚未获理事会批准，不能入账" in html.unescape(refused.text)
    assert entries(call) == before
    assert call("GET", "steward", "/grants/transfers")[0]["status"] == "pending"

    call(
        "POST",
        "council",
        f"/grants/transfers/{refund['id']}/decision",
        json={"decision": "approve"},
    )
    # a council member (or the committee) may decide but not post: refused at the POST
    for who in ("council", "committee"):
        denied = tf.client.post(url, data={"key": "k2"}, headers=tf.people[who])
        assert denied.status_code == 403, (who, denied.text[:300])
    assert entries(call) == before

    posted = tf.client.post(
        url, data={"key": "k3"}, headers=tf.people["steward"], follow_redirects=False
    )
    assert posted.status_code == 303, posted.text[:300]
    again = tf.client.post(  # a double tap: the same key
        url, data={"key": "k3"}, headers=tf.people["steward"], follow_redirects=False
    )
    assert again.status_code == 303, again.text[:300]
    assert entries(call) == before + 1
    [shown] = call("GET", "steward", "/grants/transfers")
    assert shown["status"] == "posted" and shown["entry_seq"] == before + 1

    twice = tf.client.post(url, data={"key": "k4"}, headers=tf.people["steward"])
    assert twice.status_code == 409
    assert f"第 {refund['id']} 号已入账（分录 {before + 1}），不会重复入账" in html.unescape(
        twice.text
    )
    assert entries(call) == before + 1


def test_the_page_lists_what_waits_and_an_unknown_transfer_is_404(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    call = open_estate(tf)
    made = settled_project_with_gift(call, "steward", "council")
    refund = propose_refund(call, "steward", made["gift"]["id"], amount="150.00")
    shown = tf.client.get(f"/staff/{SLUG}/autonomy/transfers", headers=tf.people["council"])
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert "待理事会决定" in text and "150.00 元" in text
    assert f"/staff/{SLUG}/approvals/{refund['approval']['request_id']}" in text
    assert "autonomy:GXCF" not in text  # funds are named in Chinese
    missing = tf.client.post(
        f"/staff/{SLUG}/autonomy/transfers/999/post", data={}, headers=tf.people["steward"]
    )
    assert missing.status_code == 404
