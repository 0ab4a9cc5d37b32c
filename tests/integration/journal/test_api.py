"""Staff ledger routes over HTTP (needs the auth factories)."""

from __future__ import annotations

from datetime import date

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from tests.integration.journal.conftest import fee_payment
from trustfund.auth.principal import Role
from trustfund.db.models.journal import JournalEntry
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
        "narration": "维修费用重分类",
        "legs": [  # a reclassification within one fund: what one person may post alone
            {"account": "Expenses:Maintenance:Materials", "amount": "40.00"},
            {"account": "Expenses:Maintenance:Repairs", "amount": "-40.00"},
        ],
    }
    h = auth_headers(steward)
    # one person cannot move money between funds (or out of one) with a general entry
    transfer = {
        **body,
        "legs": [
            {"account": "Equity:Transfers:Autonomy", "amount": "40.00"},
            {"account": "Equity:Transfers:Garbage", "amount": "-40.00"},
        ],
    }
    refused = client.post(f"{base}/entries", json=transfer, headers={**h, "Idempotency-Key": "x"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["legs[0].account", "legs[1].account"]
    assert "four eyes" in refused.json()["errors"][0]["reason"]
    domain_kind = {**body, "kind": "fee_payment"}
    refused = client.post(
        f"{base}/entries", json=domain_kind, headers={**h, "Idempotency-Key": "y"}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "kind"
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
    assert {"fund": "autonomy", "balance": "100.00"} in funds
    balances = {
        a["account"]: a["balance"]
        for a in client.get(f"{base}/balances", headers=h).json()["accounts"]
    }
    assert balances["Assets:Bank:Committee"] == "100.00"
    assert balances["Expenses:Maintenance:Materials"] == "40.00"
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
    # nobody locks a period by hand any more (only publishing an ended period does): the
    # route that let one committee member lock 2027–2099 is gone for every role
    lock = {"start": "2027-01-01", "end": "2099-12-31", "reason": "冻结"}
    for who in (h, auth_headers(committee)):
        assert client.post(f"{base}/period-locks", json=lock, headers=who).status_code == 405
    assert client.get(f"{base}/period-locks", headers=h).json() == []
    assert (
        client.post(f"{base}/entries", json=body, headers={**h, "Idempotency-Key": "t2"})
    ).status_code == 201
    page = client.get(f"{base}/entries?per_page=2", headers=h).json()
    assert page["per_page"] == 2 and len(page["items"]) == 2
    assert client.get(f"{base}/balances?as_of=2026-02-01", headers=h).status_code == 200
    assert client.get(f"{base}/entries", headers=auth_headers(outsider)).status_code == 404


def test_domain_entries_are_not_reversed_through_the_ledger_api(
    client: TestClient[Litestar], session: Session, settings: Settings
) -> None:
    """A fee payment is corrected by voiding its receipt (which keeps receipts and cash on
    hand right), never by a bare ledger reversal."""
    estate = make_estate(session, slug="youhe")
    service.open_books(session, estate.id, on=date(2026, 1, 1))
    entry = service.post_entry(
        session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="fee"
    )
    seq = entry.seq
    session.commit()
    _, steward = make_user(session, Role.STEWARD, estate)
    session.rollback()
    refused = client.post(
        f"/api/v1/estates/youhe/ledger/entries/{seq}/reversal",
        json={"date": "2026-02-02", "reason": "错"},
        headers={**auth_headers(steward), "Idempotency-Key": "r"},
    )
    assert refused.status_code == 409
    assert "fee_payment" in refused.json()["detail"]
    assert service.get_entry(session, estate.id, seq).kind == "fee_payment"
    assert (
        session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.estate_id == estate.id, JournalEntry.reverses_seq == seq)
        )
        == 0
    )
