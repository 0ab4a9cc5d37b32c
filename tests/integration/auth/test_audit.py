"""The audit log: writes and refusals, who/what/when/where; estate isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund.db.models.auth import AuditRecord, Membership


def _records(engine: Engine) -> list[AuditRecord]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditRecord).order_by(AuditRecord.id)))


def test_a_write_is_recorded_with_who_what_when_where(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    make_estate(session, "a")
    admin_user, admin = make_user(session, admin=True)
    user, _ = make_user(session)
    before = datetime.now(UTC)
    response = client.post(
        f"/api/v1/users/{user.id}/memberships",
        json={"role": "committee", "estate": "a"},
        headers={**auth_headers(admin), "User-Agent": "audit-test/1.0"},
    )
    assert response.status_code == 201
    [record] = _records(engine)
    assert record.user_id == admin_user.id
    assert record.username == admin_user.username
    assert record.action == "auth.add_membership"
    assert (record.method, record.path) == ("POST", f"/api/v1/users/{user.id}/memberships")
    assert (record.outcome, record.status_code) == ("ok", 201)
    assert record.client_addr == "testclient"
    assert record.user_agent == "audit-test/1.0"
    assert before - timedelta(seconds=1) <= record.occurred_at <= datetime.now(UTC)
    assert record.occurred_at.tzinfo is not None


def test_reads_are_not_recorded_but_refusals_are(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    _, admin = make_user(session, admin=True)
    _, plain = make_user(session)
    assert client.get("/api/v1/users", headers=auth_headers(admin)).status_code == 200
    assert _records(engine) == []
    assert client.get("/api/v1/users", headers=auth_headers(plain)).status_code == 403
    assert client.get("/api/v1/users").status_code == 401
    records = _records(engine)
    assert [(r.outcome, r.status_code, r.username != "anonymous") for r in records] == [
        ("denied", 403, True),
        ("denied", 401, False),
    ]
    assert records[0].detail["required"] == "admin"


def test_a_refused_write_leaves_nothing_but_the_audit_record(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    estate = make_estate(session, "a")
    user, steward = make_user(session, "steward", estate)
    response = client.post(
        f"/api/v1/users/{user.id}/memberships",
        json={"role": "committee", "estate": "a"},
        headers=auth_headers(steward),
    )
    assert response.status_code == 403
    with Session(engine) as s:
        assert len(s.scalars(select(Membership)).all()) == 1
    [record] = _records(engine)
    assert (record.outcome, record.user_id) == ("denied", user.id)


def test_other_estates_answer_404_and_the_probe_is_recorded(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    a = make_estate(session, "a", community="c1")
    b = make_estate(session, "b", community="c2")
    user, committee_a = make_user(session, "committee", a)
    own = client.get("/api/v1/estates/a/audit", headers=auth_headers(committee_a))
    other = client.get("/api/v1/estates/b/audit", headers=auth_headers(committee_a))
    missing = client.get("/api/v1/estates/zz/audit", headers=auth_headers(committee_a))
    assert own.status_code == 200
    assert other.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"].replace("zz", "b")
    records = _records(engine)
    assert [(r.status_code, r.estate_id, r.user_id) for r in records] == [
        (404, b.id, user.id),
        (404, None, user.id),
    ]


def test_estate_audit_log_is_for_overseers_and_shows_only_that_estate(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    a = make_estate(session, "a", community="c1")
    b = make_estate(session, "b", community="c2")
    _, steward_a = make_user(session, "steward", a)
    _, committee_a = make_user(session, "committee", a)
    _, supervisor = make_user(session, "supervisor", community="c1")
    _, steward_b = make_user(session, "steward", b)
    # a refusal in each estate
    assert client.get("/api/v1/estates/a/audit", headers=auth_headers(steward_a)).status_code == 403
    assert client.get("/api/v1/estates/b/audit", headers=auth_headers(steward_b)).status_code == 403
    for token in (committee_a, supervisor):
        listed = client.get("/api/v1/estates/a/audit", headers=auth_headers(token))
        assert listed.status_code == 200
        entries = listed.json()
        assert entries and {e["estate_id"] for e in entries} == {a.id}
    assert (
        client.get("/api/v1/estates/b/audit", headers=auth_headers(supervisor)).status_code == 404
    )


def test_admin_pages_through_the_whole_log(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    _, admin = make_user(session, admin=True)
    for _ in range(5):
        client.get("/api/v1/users")  # five refusals
    first = client.get("/api/v1/audit?limit=2", headers=auth_headers(admin)).json()
    assert len(first) == 2 and first[0]["id"] > first[1]["id"]
    rest = client.get(
        f"/api/v1/audit?limit=10&before={first[-1]['id']}", headers=auth_headers(admin)
    ).json()
    assert len(rest) == 3
    bad = client.get("/api/v1/audit?limit=0", headers=auth_headers(admin))
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["limit"]
