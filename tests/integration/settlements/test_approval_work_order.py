"""Issue 17: the committee's approval page for a repair claim links to the work order it came
from (number, place, problem, where it stands), and a committee member can follow the link;
a claim made without a work order shows none. The estate is built through the CLI and API."""

from __future__ import annotations

from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.staff_setup import SLUG, installation, open_estate  # noqa: F401

LINE = {"description": "声控灯", "quantity": 1, "unit": "项", "unit_price": "120"}


def _claim(call: Any, work_order_id: int | None) -> int:
    """A submitted repair claim (from the work order, if any); its approval request id."""
    body = {
        "payee": "甬安维修公司",
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": "3幢1单元 三楼楼道 声控灯不亮",
        "work_date": "2026-03-02",
        "lines": [LINE],
        "work_order_id": work_order_id,
    }
    claim = call("POST", "steward", "/claims", json=body)
    submitted = call("POST", "steward", f"/claims/{claim['id']}/submit")
    return int(submitted["approval"]["request_id"])


def test_the_approval_page_links_the_claim_to_its_work_order(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    call = open_estate(tf)
    order = call(
        "POST",
        "steward",
        "/work-orders",
        json={
            "building": "3",
            "entrance": "1",
            "location": "三楼楼道",
            "problem": "声控灯不亮，晚上看不见台阶",
            "reporter": "孙三",
        },
    )
    from_order = _claim(call, order["id"])
    without = _claim(call, None)

    page = tf.client.get(f"/staff/{SLUG}/approvals/{from_order}", headers=tf.people["committee"])
    assert page.status_code == 200
    href = f'href="/staff/{SLUG}/work-orders/{order["id"]}"'
    assert f'<a id="approval-work-order" {href}>#{order["id"]}</a>' in page.text
    assert "（已登记）：3幢1单元 三楼楼道 声控灯不亮，晚上看不见台阶" in page.text
    assert "孙三" not in page.text  # who reported it stays on the work order's own page
    shown = tf.client.get(
        f"/staff/{SLUG}/work-orders/{order['id']}", headers=tf.people["committee"]
    )
    assert shown.status_code == 200 and "声控灯不亮" in shown.text

    other = tf.client.get(f"/staff/{SLUG}/approvals/{without}", headers=tf.people["committee"])
    assert other.status_code == 200 and "approval-work-order" not in other.text
