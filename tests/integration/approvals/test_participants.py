"""Four eyes counts everyone who wrote, edited or submitted a subject (issue 14 item 3), for
every kind of subject, over HTTP from a new estate. The probe's scenario first: a person
holding the steward and committee roles edits a claim's payee to a private account, another
steward submits it, and the editor tries to approve it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import NewEstate, decide, new_estate

OPENING = {"date": "2025-01-01", "funds": [{"fund": "maintenance", "bank": "8000.00"}]}


@pytest.fixture
def estate(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = new_estate(session, client)
    proposal = estate.post("steward", "/books/opening", OPENING).json()
    assert decide(estate, "member1", proposal["approval_request_id"]).status_code == 200
    estate.add_person("steward2", "steward")
    estate.add_person("both", "steward", "committee", "council")
    estate.add_person("councillor", "council")
    return estate


def _put(estate: NewEstate, who: str, path: str, body: Any) -> Any:
    return estate.client.put(estate.base + path, json=body, headers=estate.people[who])


def _claim(contractor_id: int, payee: str = "甬安维修公司") -> dict[str, Any]:
    return {
        "payee": payee,
        "contractor_id": contractor_id,
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": "1幢楼道灯",
        "work_date": "2025-02-20",
        "lines": [{"description": "人工", "quantity": "1", "unit": "次", "unit_price": "300.00"}],
    }


def _contractor(estate: NewEstate) -> int:
    return int(estate.post("steward", "/contractors", {"name": "甬安维修公司"}).json()["id"])


def test_the_editor_of_a_claim_cannot_approve_it(estate: NewEstate) -> None:
    contractor = _contractor(estate)
    cid = estate.post("steward", "/claims", _claim(contractor)).json()["id"]
    edited = _put(estate, "both", f"/claims/{cid}", _claim(contractor, "王某个人账户"))
    assert edited.status_code == 200, edited.text
    assert estate.post("steward2", f"/claims/{cid}/submit").status_code == 200
    request_id = estate.get("steward2", f"/claims/{cid}").json()["approval"]["request_id"]
    inbox = estate.get("both", "/approvals/inbox").json()
    assert request_id not in [r["id"] for r in inbox]
    refused = decide(estate, "both", request_id)
    assert refused.status_code == 403, refused.text
    assert "you edited this claim" in refused.json()["detail"]
    assert estate.get("member1", f"/approvals/{request_id}").json()["status"] == "pending"
    assert decide(estate, "member1", request_id).json()["status"] == "approved"


def test_whoever_adds_a_voucher_to_a_claim_cannot_approve_it(estate: NewEstate) -> None:
    """Evidence is part of what the committee approves: a dual-role person who uploads a
    (possibly forged) invoice to someone else's claim counts as its editor."""
    cid = estate.post("steward", "/claims", _claim(_contractor(estate))).json()["id"]
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, "PNG")
    files = {"file": ("发票.png", image.getvalue(), "image/png")}
    uploaded = estate.client.post(
        f"{estate.base}/claims/{cid}/vouchers", files=files, headers=estate.people["both"]
    )
    assert uploaded.status_code == 201, uploaded.text
    estate.post("steward2", f"/claims/{cid}/submit")
    request_id = estate.get("steward2", f"/claims/{cid}").json()["approval"]["request_id"]
    refused = decide(estate, "both", request_id)
    assert refused.status_code == 403, refused.text
    assert "you edited this claim" in refused.json()["detail"]
    assert decide(estate, "member1", request_id).json()["status"] == "approved"


def test_the_author_of_a_claim_cannot_approve_what_another_submitted(estate: NewEstate) -> None:
    cid = estate.post("both", "/claims", _claim(_contractor(estate))).json()["id"]
    estate.post("steward2", f"/claims/{cid}/submit")
    request_id = estate.get("steward2", f"/claims/{cid}").json()["approval"]["request_id"]
    refused = decide(estate, "both", request_id)
    assert refused.status_code == 403 and "you wrote this claim" in refused.json()["detail"]


def test_the_editor_of_a_contract_cannot_approve_it(estate: NewEstate) -> None:
    contract = {
        "contractor_id": _contractor(estate),
        "title": "2025年维修承揽合同",
        "scope": "公共设施维修",
        "starts_on": "2025-01-01",
        "estimated_amount": "400.00",
    }
    created = estate.post("steward", "/contracts", contract)
    assert created.status_code == 201, created.text
    contract_id = created.json()["id"]
    assert (
        _put(estate, "both", f"/contracts/{contract_id}", {**contract, "title": "改"}).status_code
        == 200
    )
    submitted = estate.post("steward2", f"/contracts/{contract_id}/submit")
    assert submitted.status_code in (200, 201), submitted.text
    request_id = submitted.json()["id"]
    refused = decide(estate, "both", request_id)
    assert refused.status_code == 403 and "edited this contract" in refused.json()["detail"]


def test_the_editor_of_a_project_application_cannot_approve_it(estate: NewEstate) -> None:
    project = {
        "code": "LH01",
        "title": "楼道绿化",
        "purpose": "种树",
        "applicant": "居民小组",
        "applied_on": "2025-02-01",
        "lines": [{"description": "树苗", "amount": "300.00"}],
    }
    created = estate.post("steward", "/grants/projects", project)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    changed = _put(estate, "both", f"/grants/projects/{pid}", {**project, "title": "楼道绿化二期"})
    assert changed.status_code == 200, changed.text
    assert estate.post("steward2", f"/grants/projects/{pid}/submit").status_code in (200, 201)
    refused = estate.post("both", f"/grants/projects/{pid}/decision", {"decision": "approve"})
    assert refused.status_code == 403 and "edited this project" in refused.json()["detail"]
    ok = estate.post("councillor", f"/grants/projects/{pid}/decision", {"decision": "approve"})
    assert ok.status_code == 200, ok.text


def test_whoever_wrote_a_fee_schedule_cannot_approve_it(estate: NewEstate) -> None:
    schedule = {
        "components": [{"fund": "maintenance", "name": "公共设施维护", "amount": "90.00"}],
        "vacancy_rule": "percent",
        "vacancy_percent": "50",
    }
    fees = "/fees/schedules/2025"
    assert _put(estate, "both", fees, schedule).status_code == 200
    saved = _put(estate, "steward", fees, schedule)
    refused = estate.post("both", fees + "/approve", {"content_hash": saved.json()["content_hash"]})
    assert refused.status_code == 403 and "edited this fee_schedule" in refused.json()["detail"]
    ok = estate.post("member1", fees + "/approve", {"content_hash": saved.json()["content_hash"]})
    assert ok.status_code == 200, ok.text


def test_granting_both_roles_warns_and_the_rules_say_what_they_may_not_do(
    estate: NewEstate,
) -> None:
    created = estate.client.post(
        "/api/v1/users",
        json={"username": "dual", "display_name": "双重", "password": "长长的密码123"},
        headers=estate.admin,
    )
    user_id = created.json()["id"]
    url = f"/api/v1/users/{user_id}/memberships"
    first = estate.client.post(
        url, json={"role": "steward", "estate": estate.slug}, headers=estate.admin
    )
    assert first.json()["warning"] is None
    second = estate.client.post(
        url, json={"role": "committee", "estate": estate.slug}, headers=estate.admin
    )
    assert second.status_code == 201
    assert "now both records (steward) and approves (committee)" in second.json()["warning"]
    page = estate.client.get(f"/admin/users/{user_id}", headers=estate.admin)
    assert "同时是红色管家和审批人" in page.text
    rules = estate.get("member1", "/approvals/rules/claim").json()
    assert "holds both the steward's role and an approver's role" in rules["four_eyes"]
