"""Approvals against a database: thresholds at their exact boundaries, four eyes, content
binding, rejections, owners' votes, the inbox, and the HTTP routes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Principal, Role
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.errors import ConflictError, PermissionDeniedError, ValidationError

D = Decimal


def _people(session: Session, estate: Estate) -> dict[str, tuple[User, str]]:
    people = {"steward": make_user(session, Role.STEWARD, estate)}
    for i in range(1, 5):
        people[f"c{i}"] = make_user(session, Role.COMMITTEE, estate)
    people["council"] = make_user(session, Role.COUNCIL, estate)
    return people


def _p(session: Session, user: User) -> Principal:
    principal = load_principal(session, user.id)
    assert principal is not None
    return principal


@pytest.mark.parametrize(
    ("amount", "needed", "vote"),
    [
        ("0.00", 1, False),
        ("500.00", 1, False),
        ("500.01", 2, False),
        ("5000.00", 2, False),
        ("5000.01", 3, False),  # a majority of the 4 committee members
        ("50000.00", 3, False),
        ("50000.01", 3, True),
    ],
)
def test_each_threshold_boundary_is_exact(
    session: Session, amount: str, needed: int, vote: bool
) -> None:
    estate = make_estate(session)
    _people(session, estate)
    need = approvals.requirement(session, estate.id, "claim", D(amount))
    assert (need.approvals_needed, need.owners_vote) == (needed, vote)
    assert need.approver_roles == frozenset({Role.COMMITTEE})


def test_rules_are_per_estate_and_configurable(session: Session) -> None:
    estate, other = make_estate(session, "a"), make_estate(session, "b")
    approvals.set_rules(
        session,
        estate.id,
        "claim",
        [approvals.Tier(D("1000.00"), 1), approvals.Tier(None, 2)],
    )
    assert approvals.requirement(session, estate.id, "claim", D("1000.00")).approvals_needed == 1
    assert approvals.requirement(session, estate.id, "claim", D("1000.01")).approvals_needed == 2
    assert approvals.requirement(session, other.id, "claim", D("1000.00")).approvals_needed == 2


def _submit(session: Session, estate: Estate, by: User, amount: str = "300.00") -> Any:
    content = {"payee": "某公司", "amount": D(amount), "fund": "maintenance"}
    request = approvals.submit(
        session,
        estate.id,
        subject_kind="test_subject",
        subject_id=7,
        content=content,
        amount=D(amount),
        submitted_by=by.id,
    )
    session.commit()
    return request, content


def test_submitter_never_approves_their_own_request(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    # a committee member who submits is still the submitter
    c1 = people["c1"][0]
    request, content = _submit(session, estate, c1)
    with pytest.raises(PermissionDeniedError, match="Four eyes"):
        approvals.decide(
            session,
            request.id,
            principal=_p(session, c1),
            decision=approvals.Decision.APPROVE,
            reason=None,
            content=content,
        )
    assert approvals.inbox(session, estate.id, _p(session, c1)) == []


def test_roles_second_decisions_and_reasons(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    request, content = _submit(session, estate, people["steward"][0], "800.00")
    steward, council = _p(session, people["steward"][0]), _p(session, people["council"][0])
    c1, c2, c3 = (_p(session, people[k][0]) for k in ("c1", "c2", "c3"))
    assert [r.id for r in approvals.inbox(session, estate.id, c1)] == [request.id]
    assert approvals.inbox(session, estate.id, council) == []  # claims are the committee's
    with pytest.raises(PermissionDeniedError):
        approvals.decide(
            session, request.id, principal=council, decision=approvals.Decision.APPROVE,
            reason=None, content=content,
        )  # fmt: skip
    approvals.decide(
        session, request.id, principal=c1, decision=approvals.Decision.APPROVE,
        reason=None, content=content,
    )  # fmt: skip
    assert request.status == approvals.RequestStatus.PENDING  # 800.00 needs two
    with pytest.raises(PermissionDeniedError, match="already"):
        approvals.decide(
            session, request.id, principal=c1, decision=approvals.Decision.APPROVE,
            reason=None, content=content,
        )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        approvals.decide(
            session, request.id, principal=c2, decision=approvals.Decision.REJECT,
            reason="  ", content=content,
        )  # fmt: skip
    assert caught.value.errors[0].field == "reason"
    approvals.decide(
        session, request.id, principal=c2, decision=approvals.Decision.APPROVE,
        reason=None, content=content,
    )  # fmt: skip
    session.commit()
    assert request.status == approvals.RequestStatus.APPROVED
    assert approvals.is_approved(session, "test_subject", 7, content)
    assert not approvals.is_approved(session, "test_subject", 7, {**content, "payee": "别家"})
    assert [role for _, role, _ in approvals.approvers_of(session, request.id)] == [
        Role.COMMITTEE,
        Role.COMMITTEE,
    ]
    with pytest.raises(ConflictError, match="not pending"):
        approvals.decide(
            session, request.id, principal=c3, decision=approvals.Decision.APPROVE,
            reason=None, content=content,
        )  # fmt: skip
    assert approvals.inbox(session, estate.id, steward) == []


def test_a_changed_subject_voids_the_request(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    request, content = _submit(session, estate, people["steward"][0])
    with pytest.raises(approvals.ContentChangedError):
        approvals.decide(
            session, request.id, principal=_p(session, people["c1"][0]),
            decision=approvals.Decision.APPROVE, reason=None,
            content={**content, "amount": D("300.01")},
        )  # fmt: skip
    assert request.status == approvals.RequestStatus.VOID
    assert request.decisions == []


def test_resubmission_and_void_for_subject_void_earlier_requests(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    first, content = _submit(session, estate, people["steward"][0])
    approvals.decide(
        session, first.id, principal=_p(session, people["c1"][0]),
        decision=approvals.Decision.APPROVE, reason=None, content=content,
    )  # fmt: skip
    assert first.status == approvals.RequestStatus.APPROVED
    second, _ = _submit(session, estate, people["steward"][0])
    assert first.status == approvals.RequestStatus.VOID
    assert approvals.current_request(session, "test_subject", 7) is second
    approvals.void_for_subject(session, "test_subject", 7)
    assert second.status == approvals.RequestStatus.VOID
    assert not approvals.is_approved(session, "test_subject", 7, content)


def test_a_rejection_is_final_and_carries_its_reason(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    request, content = _submit(session, estate, people["steward"][0], "4000.00")
    approvals.decide(
        session, request.id, principal=_p(session, people["c2"][0]),
        decision=approvals.Decision.REJECT, reason="单价高于参考价且无说明", content=content,
    )  # fmt: skip
    assert request.status == approvals.RequestStatus.REJECTED
    assert request.decisions[0].reason == "单价高于参考价且无说明"


def test_large_amounts_need_a_passed_owners_vote(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    request, content = _submit(session, estate, people["steward"][0], "60000.00")
    assert request.owners_vote_required and request.approvals_needed == 3
    for key in ("c1", "c2", "c3"):
        approvals.decide(
            session, request.id, principal=_p(session, people[key][0]),
            decision=approvals.Decision.APPROVE, reason=None, content=content,
        )  # fmt: skip
    assert request.status == approvals.RequestStatus.PENDING  # the vote is missing
    figures: dict[str, Any] = {
        "households_total": 1143,
        "households_voted": 700,
        "households_for": 351,
        "area_total": D("68000.00"),
        "area_voted": D("40000.00"),
        "area_for": D("20000.01"),
        "held_on": date(2026, 5, 1),
    }
    with pytest.raises(PermissionDeniedError):
        approvals.record_owners_vote(
            session, request.id, recorded_by=people["steward"][0].id, **figures
        )
    with pytest.raises(ValidationError) as caught:
        approvals.record_owners_vote(
            session,
            request.id,
            recorded_by=people["c1"][0].id,
            **{**figures, "households_for": 701},
        )
    assert caught.value.errors[0].field == "households_for"
    approvals.record_owners_vote(session, request.id, recorded_by=people["c1"][0].id, **figures)
    assert request.vote_passed is True
    assert request.status == approvals.RequestStatus.APPROVED


def test_a_failed_owners_vote_rejects(session: Session) -> None:
    estate = make_estate(session)
    people = _people(session, estate)
    request, _ = _submit(session, estate, people["steward"][0], "50000.01")
    approvals.record_owners_vote(
        session,
        request.id,
        households_total=100,
        households_voted=50,  # exactly half: not a majority
        households_for=50,
        area_total=D("5000.00"),
        area_voted=D("4000.00"),
        area_for=D("4000.00"),
        held_on=date(2026, 5, 1),
        recorded_by=people["c1"][0].id,
    )
    assert request.vote_passed is False
    assert request.status == approvals.RequestStatus.REJECTED


def test_inbox_decision_and_rules_over_http(session: Session, client: TestClient[Litestar]) -> None:
    estate = make_estate(session, "appr")
    people = _people(session, estate)
    _, admin_token = make_user(session, admin=True)
    request, _ = _submit(session, estate, people["steward"][0], "500.01")
    request_id = request.id
    session.rollback()
    base = f"/api/v1/estates/{estate.slug}/approvals"
    c1 = auth_headers(people["c1"][1])
    inbox = client.get(f"{base}/inbox", headers=c1)
    assert [r["id"] for r in inbox.json()] == [request_id]
    assert inbox.json()[0]["approvals_needed"] == 2
    own = client.post(
        f"{base}/{request_id}/decision",
        json={"decision": "approve"},
        headers=auth_headers(people["steward"][1]),
    )
    assert own.status_code == 403
    stale = client.post(
        f"{base}/{request_id}/decision",
        json={"decision": "approve", "content_hash": "0" * 64},
        headers=c1,
    )
    assert stale.status_code == 409
    no_reason = client.post(
        f"{base}/{request_id}/decision", json={"decision": "reject"}, headers=c1
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    ok = client.post(f"{base}/{request_id}/decision", json={"decision": "approve"}, headers=c1)
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["approvals"]) == ("pending", 1)
    assert client.get(f"{base}/inbox", headers=c1).json() == []

    rules = client.get(f"{base}/rules/claim", headers=c1).json()
    assert rules["tiers"][0] == {
        "up_to": "500.00",
        "approvals_needed": 1,
        "approver_role": "committee",
        "owners_vote": False,
    }
    body = {"tiers": [{"up_to": "800.00", "approvals_needed": 1}, {"approvals_needed": 2}]}
    assert client.put(f"{base}/rules/claim", json=body, headers=c1).status_code == 403
    bad = client.put(
        f"{base}/rules/claim",
        json={"tiers": [{"approvals_needed": 1}, {"approvals_needed": 2}]},
        headers=auth_headers(admin_token),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "tiers[0].up_to"
    saved = client.put(f"{base}/rules/claim", json=body, headers=auth_headers(admin_token))
    assert saved.status_code == 200, saved.text
    assert saved.json()["tiers"][1]["approvals_needed"] == 2
