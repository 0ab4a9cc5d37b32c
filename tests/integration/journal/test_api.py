"""Staff ledger routes over HTTP (needs the auth factories)."""

from __future__ import annotations

from datetime import date

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund.auth.principal import Role
from trustfund.journal import service
from trustfund.settings import Settings


def test_staff_routes(client: TestClient[Litestar], session: Session, settings: Settings) -> None:
    estate = make_estate(session, slug="youhe")
    service.open_books(
        session, estate.id, on=date(2026, 1, 1), opening_balances={"autonomy": "100.00"}
    )  # type: ignore[dict-item]
    session.commit()
    _, steward = make_user(session, Role.STEWARD, estate)
    _, committee = make_user(session, Role.COMMITTEE, estate)
    _, outsider = make_user(session)
    session.rollback()
    base = "/api/v1/estates/youhe/ledger"
    body = {
        "date": "2026-02-01",
        "narration": "基金调拨",
        "legs": [
            {"account": "Equity:Transfers:Autonomy", "amount": "40.00"},
            {"account": "Equity:Transfers:Garbage", "amount": "-40.00"},
        ],
        "kind": "transfer",
    }
    h = auth_headers(steward)
    assert client.post(f"{base}/entries", json=body, headers=h).status_code == 422  # no key
    created = client.post(f"{base}/entries", json=body, headers={**h, "Idempotency-Key": "t1"})
    assert created.status_code == 201, created.text
    seq = created.json()["seq"]
    assert created.json()["postings"][0]["amount"] == "40.00"
    replay = client.post(f"{base}/entries", json=body, headers={**h, "Idempotency-Key": "t1"})
    assert replay.json()["seq"] == seq
    changed = {**body, "narration": "别的"}
    assert (
        client.post(
            f"{base}/entries", json=changed, headers={**h, "Idempotency-Key": "t1"}
        ).status_code
        == 409
    )
    mirror = settings.ledger_dir / "youhe.beancount"
    assert f"^tf-{seq}" in mirror.read_text()
    funds = client.get(f"{base}/funds", headers=h).json()["funds"]
    assert {"fund": "autonomy", "balance": "60.00"} in funds
    rev = client.post(
        f"{base}/entries/{seq}/reversal",
        json={"date": "2026-02-02", "reason": "错"},
        headers={**h, "Idempotency-Key": "r1"},
    )
    assert rev.status_code == 201 and rev.json()["reverses_seq"] == seq
    again = client.post(
        f"{base}/entries/{seq}/reversal",
        json={"date": "2026-02-03", "reason": "错"},
        headers={**h, "Idempotency-Key": "r2"},
    )
    assert again.status_code == 409
    assert (
        client.get(f"{base}/entries/{seq}", headers=h).json()["reversed_by_seq"]
        == rev.json()["seq"]
    )
    lock = {"start": "2026-01-01", "end": "2026-03-31", "reason": "一季度公示"}
    assert client.post(f"{base}/period-locks", json=lock, headers=h).status_code == 403
    assert (
        client.post(f"{base}/period-locks", json=lock, headers=auth_headers(committee)).status_code
        == 201
    )
    locked = client.post(f"{base}/entries", json=body, headers={**h, "Idempotency-Key": "t2"})
    assert locked.status_code == 409 and locked.json()["period"]["end"] == "2026-03-31"
    page = client.get(f"{base}/entries?per_page=2", headers=h).json()
    assert page["per_page"] == 2 and len(page["items"]) == 2
    assert client.get(f"{base}/balances?as_of=2026-02-01", headers=h).status_code == 200
    assert client.get(f"{base}/entries", headers=auth_headers(outsider)).status_code == 404
