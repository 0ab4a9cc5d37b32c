"""Lifting a published period's lock (the correction procedure), from an empty database
through the public API only, on both backends: an administrator makes the estate and its
people (three committee members), the books are opened by proposal and approval, the first
quarter is published — and one committee member then tries, alone, to reopen it."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import NewEstate, decide, new_estate
from trustfund.cli import main
from trustfund.settings import Settings

OPENING = {
    "date": "2026-01-01",
    "funds": [
        {"fund": "electricity", "bank": "1000.00", "cash": "0", "payable": "0", "prepaid": "0"},
        {"fund": "maintenance", "bank": "5000.00", "cash": "0", "payable": "0", "prepaid": "0"},
        {"fund": "garbage", "bank": "600.00", "cash": "0", "payable": "0", "prepaid": "0"},
    ],
}
REASON = "3月20日甬安维修公司的付款漏记，须补记到第一季度"


def _estate(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = new_estate(session, client)
    estate.add_person("member3", "committee")
    estate.add_person("sup", "supervisor")
    proposed = estate.post("steward", "/books/opening", OPENING)
    assert proposed.status_code == 201, proposed.text
    approved = decide(estate, "member1", proposed.json()["approval_request_id"])
    assert approved.status_code == 200, approved.text
    return estate


def _claim(estate: NewEstate, work_date: str, amount: str = "120.00") -> int:
    """A claim for work done on ``work_date``, approved by a committee member, not paid."""
    body = {
        "payee": "甬安维修公司",
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": "楼道灯维修",
        "work_date": work_date,
        "lines": [{"description": "材料", "unit": "项", "quantity": "1", "unit_price": amount}],
    }
    made = estate.post("steward", "/claims", body)
    assert made.status_code == 201, made.text
    cid = int(made.json()["id"])
    assert estate.post("steward", f"/claims/{cid}/submit").status_code == 200
    request_id = estate.get("steward", f"/claims/{cid}").json()["approval"]["request_id"]
    assert decide(estate, "member2", request_id).json()["status"] == "approved"
    return cid


def _pay(estate: NewEstate, cid: int, on: str) -> Any:
    return estate.post(
        "steward", f"/claims/{cid}/pay", {"paid_on": on}, headers={"Idempotency-Key": f"{cid}-{on}"}
    )


def _publish(estate: NewEstate, body: dict[str, Any]) -> int:
    made = estate.post("steward", "/disclosures/", body)
    assert made.status_code == 201, made.text
    vid = int(made.json()["id"])
    approved = estate.post("member1", f"/disclosures/{vid}/decision", {"decision": "approve"})
    assert approved.status_code == 201, approved.text
    published = estate.post("steward", f"/disclosures/{vid}/publish")
    assert published.status_code == 201, published.text
    return vid


def _locks(estate: NewEstate) -> list[dict[str, Any]]:
    locks: list[dict[str, Any]] = estate.get("steward", "/ledger/period-locks").json()
    return locks


def test_one_member_cannot_lift_a_lock_and_a_majority_lifts_it_publicly(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = _estate(session, client)
    forgotten = _claim(estate, "2026-03-18")
    first = _publish(estate, {"period": "2026Q1"})
    [lock] = _locks(estate)
    assert lock["active"] is True and lock["lifted_at"] is None
    assert _pay(estate, forgotten, "2026-03-20").status_code == 409

    # one committee member proposes lifting, then tries to approve it alone: refused
    proposed = estate.post("member1", f"/ledger/period-locks/{lock['id']}/lift", {"reason": REASON})
    assert proposed.status_code == 201, proposed.text
    request = proposed.json()["approval"]
    assert request["subject_kind"] == "period_unlock"
    assert request["approvals_needed"] == 2  # a majority of 3 members
    assert request["content"]["period"] == "2026年第一季度"
    assert decide(estate, "member1", request["id"]).status_code == 403
    # nor can the rule be weakened to one approver, even by an administrator
    weakened = client.put(
        f"{estate.base}/approvals/rules/period_unlock",
        json={"tiers": [{"up_to": None, "approvals_needed": 1, "approver_role": "committee"}]},
        headers=estate.admin,
    )
    assert weakened.status_code == 422 and weakened.json()["errors"][0]["field"] == "subject_kind"
    # nor started again to get around it
    again = estate.post("member2", f"/ledger/period-locks/{lock['id']}/lift", {"reason": "再来"})
    assert again.status_code == 409 and again.json()["approval_request_id"] == request["id"]
    # one approval of three members is not a majority: the period stays locked
    one = decide(estate, "member2", request["id"])
    assert one.status_code == 200 and one.json()["status"] == "pending"
    assert decide(estate, "member2", request["id"]).status_code == 403  # not twice either
    assert _locks(estate)[0]["active"] is True
    assert _pay(estate, forgotten, "2026-03-20").status_code == 409
    public = client.get(f"/api/v1/public/estates/{estate.slug}/disclosures").json()
    assert public["lifted_locks"] == []

    # the second member makes the majority: the lock is lifted, kept as history
    two = decide(estate, "member3", request["id"])
    assert two.status_code == 200 and two.json()["status"] == "approved"
    [lifted] = _locks(estate)
    assert lifted["active"] is False and lifted["lifted_at"]
    assert (lifted["lift_request_id"], lifted["lift_reason"]) == (request["id"], REASON)

    # the forgotten payment can now be recorded on its real day
    paid = _pay(estate, forgotten, "2026-03-20")
    assert paid.status_code == 200, paid.text

    # residents see the lift and its reason, before the correction is published
    public = client.get(f"/api/v1/public/estates/{estate.slug}/disclosures").json()
    [shown] = public["lifted_locks"]
    assert shown["period"] == "2026年第一季度" and shown["reason"] == REASON
    assert (shown["approvals"], shown["approvals_needed"], shown["corrected_by"]) == (2, 2, None)
    page = client.get(f"/e/{estate.slug}")
    assert page.status_code == 200
    assert f"更正：2026年第一季度账期已于 {shown['lifted_on']} 经业委会过半数同意解锁" in page.text
    assert REASON in page.text and "更正版发布之前" in page.text
    # the supervisor sees the period is open for a correction not yet published
    overview = client.get("/api/v1/supervisor/overview", headers=estate.people["sup"]).json()
    [pending] = overview["estates"][0]["corrections_pending"]
    assert (pending["period"], pending["reason"]) == ("2026年第一季度", REASON)
    assert REASON in client.get(f"/e/{estate.slug}/d/{first}").text

    # the audit log holds the proposal and the lift, with the reason
    records = estate.get("member3", "/audit").json()
    lift = next(r for r in records if r["action"] == "disclosure.period_unlocked")
    assert lift["detail"]["reason"] == REASON and lift["detail"]["lock_id"] == lock["id"]
    assert lift["detail"]["approved_by"] == [estate.ids["member2"], estate.ids["member3"]]
    assert lift["detail"]["proposed_by"] == estate.ids["member1"]
    proposal = next(r for r in records if r["action"] == "ledger.propose_lift")
    assert proposal["detail"]["reason"] == REASON and proposal["user_id"] == estate.ids["member1"]

    # a plain second version is refused: the period takes a correction, which locks it again
    plain = estate.post("steward", "/disclosures/", {"period": "2026Q1"})
    assert plain.status_code == 409
    correction = _publish(
        estate,
        {"period": "2026Q1", "supersedes_id": first, "correction_reason": "补记3月20日付款"},
    )
    locks = _locks(estate)
    assert [(x["start"], x["end"], x["active"]) for x in locks] == [
        ("2026-01-01", "2026-03-31", False),
        ("2026-01-01", "2026-03-31", True),
    ]
    later = _claim(estate, "2026-03-25", "30.00")
    assert _pay(estate, later, "2026-03-28").status_code == 409
    [shown] = client.get(f"/api/v1/public/estates/{estate.slug}/disclosures").json()["lifted_locks"]
    assert shown["corrected_by"]["version_id"] == correction
    assert shown["corrected_by"]["number"] == 2
    assert "该账期已重新锁定" in client.get(f"/e/{estate.slug}").text
    overview = client.get("/api/v1/supervisor/overview", headers=estate.people["sup"]).json()
    assert overview["estates"][0]["corrections_pending"] == []
    # a lifted lock is not lifted twice
    twice = estate.post("member2", f"/ledger/period-locks/{lock['id']}/lift", {"reason": REASON})
    assert twice.status_code == 409


def test_a_lift_needs_a_reason_a_role_and_a_lock_of_this_estate(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = _estate(session, client)
    _publish(estate, {"period": "2026-02"})
    [lock] = _locks(estate)
    path = f"/ledger/period-locks/{lock['id']}/lift"
    for body in ({"reason": "   "}, {"reason": "a\x07b"}):
        refused = estate.post("steward", path, body)
        assert refused.status_code == 422, body
        assert refused.json()["errors"][0]["field"] == "reason"
    assert estate.post("steward", path, {}).status_code == 422
    assert (
        estate.post("steward", "/ledger/period-locks/999999/lift", {"reason": "x"}).status_code
        == 404
    )
    # an administrator holds no steward or committee role in the estate: cannot propose
    admin = client.post(f"{estate.base}{path}", json={"reason": "管理员想改"}, headers=estate.admin)
    assert admin.status_code == 403
    # the steward may propose; a rejection (with its reason) keeps the period locked
    proposed = estate.post("steward", path, {"reason": "发票日期录错"})
    assert proposed.status_code == 201, proposed.text
    request_id = proposed.json()["approval"]["id"]
    rejected = decide(estate, "member1", request_id, "reject")
    assert rejected.json()["status"] == "rejected"
    assert _locks(estate)[0]["active"] is True
    assert (
        client.get(f"/api/v1/public/estates/{estate.slug}/disclosures").json()["lifted_locks"] == []
    )
    # after a rejection a new proposal may be made
    assert estate.post("member2", path, {"reason": "重新申请"}).status_code == 201


@pytest.mark.postgres_only
def test_postgres_refuses_to_delete_or_rewrite_a_lock(
    session: Session, client: TestClient[Litestar]
) -> None:
    """Below the application: a period lock row can only be lifted, once, never deleted
    or moved (migration 0013's trigger)."""
    estate = _estate(session, client)
    _publish(estate, {"period": "2026-01"})
    [lock] = _locks(estate)
    for statement in (
        "DELETE FROM period_locks WHERE id = :id",
        "UPDATE period_locks SET \"end\" = '2026-01-15' WHERE id = :id",
        "UPDATE period_locks SET lifted_at = now() WHERE id = :id",  # no request, no reason
    ):
        with pytest.raises(DBAPIError):
            session.execute(text(statement), {"id": lock["id"]})
        session.rollback()
    assert _locks(estate)[0]["active"] is True


def test_cli_proposes_and_a_majority_decides(
    session: Session, client: TestClient[Litestar], settings: Settings
) -> None:
    """The same procedure from the command line: four eyes and the majority hold there too."""
    estate = _estate(session, client)
    _publish(estate, {"period": "2026-02"})
    [lock] = _locks(estate)
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "x" * 20,
    }
    session.rollback()
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, ["disclosure", *args], env=env)

    listed = run("locks", estate.slug)
    assert (
        listed.exit_code == 0 and f"{lock['id']}\t2026-02-01..2026-02-28\tlocked" in listed.output
    )
    assert (
        run("unlock", estate.slug, str(lock["id"]), "--user", "member1", "--reason", " ").exit_code
        == 1
    )
    proposed = run("unlock", estate.slug, str(lock["id"]), "--user", "member1", "--reason", REASON)
    assert proposed.exit_code == 0 and "needs 2 committee approvals" in proposed.output
    own = run("decide-unlock", estate.slug, str(lock["id"]), "--user", "member1")
    assert own.exit_code == 1 and "Four eyes" in own.output
    first = run("decide-unlock", estate.slug, str(lock["id"]), "--user", "member2")
    assert first.exit_code == 0 and "pending" in first.output
    assert "lift proposed" in run("locks", estate.slug).output
    second = run("decide-unlock", estate.slug, str(lock["id"]), "--user", "member3")
    assert second.exit_code == 0 and "approved" in second.output
    assert (
        "lifted" in run("locks", estate.slug).output and REASON in run("locks", estate.slug).output
    )
    assert _locks(estate)[0]["active"] is False
