"""The 承揽方与合同 pages' forms through the HTTP client, on an estate built through the CLI
and API: each refusal comes back at 422 (409 for a name taken) with the Chinese under its
field and nothing written; a committee member gets 403 on every POST, not only hidden
forms; the insider who corrects an approved contract voids its approval (draft again) and,
having edited it, could never approve it."""

from __future__ import annotations

from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.staff_setup import SLUG, field_error, installation, open_estate  # noqa: F401

CONTRACT = {
    "contractor_id": "",
    "title": "2026 年度维修合同",
    "scope": "公共设施日常维修",
    "starts_on": "2026-01-01",
    "ends_on": "",
    "estimated_amount": "300",
}


def post(tf: Installation, who: str, path: str, data: dict[str, str]) -> Any:
    return tf.client.post(
        f"/staff/{SLUG}{path}", data=data, headers=tf.people[who], follow_redirects=False
    )


def test_forms_name_each_refusal_and_only_the_steward_writes(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    call = open_estate(tf, books=False)

    refused = post(tf, "steward", "/contractors", {"name": "  ", "credit_code": "", "contact": ""})
    assert refused.status_code == 422
    assert field_error(refused.text, "name") == "不能为空"
    assert call("GET", "steward", "/contractors") == []
    assert post(tf, "committee", "/contractors", {"name": "某公司"}).status_code == 403
    assert call("GET", "steward", "/contractors") == []

    added = post(tf, "steward", "/contractors", {"name": "兰亭水电维修部"})
    assert added.status_code == 303, added.text[:300]
    taken = post(tf, "steward", "/contractors", {"name": "兰亭水电维修部"})
    assert taken.status_code == 409 and "兰亭水电维修部" in taken.text
    [contractor] = call("GET", "steward", "/contractors")
    good = {**CONTRACT, "contractor_id": str(contractor["id"])}

    cases = [
        ({"contractor_id": ""}, "contractor_id", "请选择承揽方"),
        ({"starts_on": ""}, "starts_on", "必填"),
        ({"starts_on": "2026-02-30"}, "starts_on", "不是日期（请写成 2026-03-01）"),
        ({"ends_on": "2025-12-01"}, "ends_on", "须晚于开始日期"),
        ({"ends_on": "2027-06-30"}, "ends_on", "维修合同最长一年"),
        ({"estimated_amount": "1,5"}, "estimated_amount", "小数点请用“.”，不要用逗号或千位分隔符"),
        ({"title": ""}, "title", "不能为空"),
    ]
    for change, field, chinese in cases:
        answer = post(tf, "steward", "/contracts", {**good, **change})
        assert answer.status_code == 422, (change, answer.text[:300])
        assert field_error(answer.text, field) == chinese, change
    assert call("GET", "steward", "/contracts") == []
    assert post(tf, "committee", "/contracts", good).status_code == 403
    assert call("GET", "steward", "/contracts") == []

    made = post(tf, "steward", "/contracts", good)
    assert made.status_code == 303, made.text[:300]
    [contract] = call("GET", "steward", "/contracts")
    assert contract["ends_on"] == "2026-12-31" and contract["status"] == "draft"
    here = f"/contracts/{contract['id']}"
    assert post(tf, "committee", f"{here}/submit", {}).status_code == 403
    assert post(tf, "steward", f"{here}/submit", {}).status_code == 303
    [contract] = call("GET", "steward", "/contracts")
    call(
        "POST",
        "committee",
        f"/approvals/{contract['approval_request_id']}/decision",
        json={"decision": "approve"},
    )
    assert call("GET", "steward", "/contracts")[0]["status"] == "approved"

    # the insider: a bad correction changes nothing; a committee member cannot correct it
    bad = post(tf, "steward", here, {**good, "ends_on": "2025-12-01"})
    assert bad.status_code == 422 and field_error(bad.text, "ends_on") == "须晚于开始日期"
    assert post(tf, "committee", here, {**good, "estimated_amount": "499"}).status_code == 403
    assert call("GET", "steward", "/contracts")[0]["status"] == "approved"
    # the steward raises the amount after approval: the approval is void, a draft again
    raised = post(tf, "steward", here, {**good, "estimated_amount": "499"})
    assert raised.status_code == 303
    [edited] = call("GET", "steward", "/contracts")
    assert edited["status"] == "draft" and edited["estimated_amount"] == "499.00"
