"""How much SQL one payment costs (issue 19): every statement and commit a lone payment
request runs over HTTP — who is asking, the estate, the payment's own transaction with its
audit row — counted by an engine event listener, against an upper bound, so that
statements do not creep back into the hot path unnoticed. Built from an empty database
through the CLI and the HTTP API (``test_group_commit.new_estate``).

The bound is per backend: on PostgreSQL a lone payment takes its receipt number and its
payment id in one statement and writes the payment, receipt, lines and idempotency result
in one more (data-modifying CTEs), which SQLite has no equivalent for.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, event

from tests.integration.fees.test_group_commit import (
    _payment,
    _token,
    admin,
    counting,
    new_estate,
)

__all__ = ["admin"]  # the fixture, imported for its use below

#: Statements of one payment request, from authentication to the audit row (issue 19
#: started at 21 on both backends, 23 for the year's first receipt).
MOST_STATEMENTS = {"postgresql": 16, "sqlite": 19}
#: Transactions committed per payment: the payment's batch, which holds the request's audit
#: record too (who is asking and the estate are read without a transaction on PostgreSQL,
#: in one that is not committed on SQLite).
MOST_COMMITS = 1


def test_a_lone_payment_runs_few_statements(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    steward, codes = new_estate(client, admin, "shuliang", 6)
    url = "/api/v1/estates/shuliang/fees/payments"
    _ok_paid(client, url, steward, codes[0], "first")  # the year's counter row; it opens the
    # fee income accounts (first needed), so only the next payment sees them all open
    _ok_paid(client, url, steward, codes[4], "second")
    bound = MOST_STATEMENTS[engine.dialect.name]
    for n, code in enumerate(codes[1:4], 1):
        with counting(engine) as (statements, commits):
            _ok_paid(client, url, steward, code, f"k-{n}")
        assert len(statements) <= bound, "\n".join(statements)
        assert len(commits) <= MOST_COMMITS, len(commits)
        # what the payment must still do every time, whatever is remembered
        for needed in (
            "INSERT INTO idempotency_records",  # the key claimed
            "UPDATE fee_receipt_counters",  # the receipt number, in the transaction
            "SELECT households.name_key",  # the personal-data check
            "SELECT (SELECT journal_entries.id",  # key and period locks, under the head
            "INSERT INTO audit_log",  # the request's record, committed with the payment
        ):
            assert any(needed in s for s in statements), needed
        if engine.dialect.name == "postgresql":  # charge rows, then the ledger head
            assert sum(s.endswith("FOR UPDATE") or "FOR UPDATE OF" in s for s in statements) == 2
    # a replay of a stored key writes nothing
    with counting(engine) as (statements, _):
        replay = client.post(
            url, json=_payment(codes[1]), headers={**steward, "Idempotency-Key": "k-1"}
        )
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert not any("journal_entries" in s or "fee_receipts" in s for s in statements)


def _ok_paid(
    client: TestClient[Litestar], url: str, steward: dict[str, str], code: str, key: str
) -> None:
    paid = client.post(url, json=_payment(code), headers={**steward, "Idempotency-Key": key})
    assert paid.status_code == 201, paid.text


def test_a_payment_and_its_audit_record_commit_together(
    client: TestClient[Litestar], admin: dict[str, str]
) -> None:
    """Each answered payment request — written, or replayed — leaves exactly one audit
    record (the one its batch wrote, none from the middleware); a refused one leaves none."""
    steward, codes = new_estate(client, admin, "jizhang", 4)
    url = "/api/v1/estates/jizhang/fees/payments"
    records = "/api/v1/estates/jizhang/audit?limit=500"
    before = {r["id"] for r in client.get(records, headers=admin).json()}
    _ok_paid(client, url, steward, codes[0], "a-1")
    _ok_paid(client, url, steward, codes[1], "a-2")
    replay = client.post(
        url, json=_payment(codes[0]), headers={**steward, "Idempotency-Key": "a-1"}
    )
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    overpaid = client.post(
        url,
        json=_payment(codes[2], "900.00"),
        headers={**steward, "Idempotency-Key": "a-3"},
    )
    assert overpaid.status_code == 422, overpaid.text
    new = [
        r
        for r in client.get(records, headers=admin).json()
        if r["id"] not in before and r["path"] == url
    ]
    assert len(new) == 3, new
    assert {(r["action"], r["outcome"], r["status_code"], r["username"]) for r in new} == {
        ("fees.record_payment", "ok", 201, "jizhang-steward")
    }


def test_noting_a_tokens_use_leaves_the_connections_prepared_statements(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """PostgreSQL: the caller of a payment and the estate are read in one statement outside
    any transaction (the app's reader, in autocommit), and a token's use, when due, is noted
    in a transaction of its own that commits: no transaction is rolled back — psycopg drops
    all of a connection's prepared statements at a rollback (``DEALLOCATE ALL``), and with
    each steward's token noted once a minute, a city's stewards did that to a pooled
    connection every few seconds (the estate used to be read after the note's commit, in a
    transaction that ended in a rollback)."""
    _, codes = new_estate(client, admin, "zhunbei", 2)
    fresh = _token(client, "zhunbei-steward", "steward-pass-zhunbei")  # not used yet
    ran: list[tuple[str, bool]] = []  # (statement, whether its connection was in autocommit)

    def statement(connection: Any, _cursor: Any, text: str, *_args: Any) -> None:
        dbapi = connection.connection.dbapi_connection
        ran.append((" ".join(text.split()), bool(getattr(dbapi, "autocommit", False))))

    engines = {engine, client.app.state.reader}  # one on SQLite
    for watched in engines:
        event.listen(watched, "before_cursor_execute", statement)
    try:
        with counting(engine) as (_, commits):
            _ok_paid(client, "/api/v1/estates/zhunbei/fees/payments", fresh, codes[0], "noted")
    finally:
        for watched in engines:
            event.remove(watched, "before_cursor_execute", statement)
    noted = [s for s, _ in ran if s.startswith("UPDATE api_tokens SET last_used_at")]
    assert len(noted) == 1, ran
    assert len(commits) == MOST_COMMITS + 1  # the payment's batch, and the note
    if engine.dialect.name == "postgresql":
        reads = [
            (s, a)
            for s, a in ran
            if s.startswith(("SELECT api_tokens", "SELECT estates.id, estates.community"))
        ]
        assert len(reads) == 1 and reads[0][1], reads
        assert "LEFT OUTER JOIN estates ON estates.slug" in reads[0][0]
        assert not any(s.startswith("ROLLBACK") for s, _ in ran), ran
    # noted once a minute: the next payment notes nothing
    with counting(engine) as (statements, _):
        _ok_paid(client, "/api/v1/estates/zhunbei/fees/payments", fresh, codes[1], "later")
    assert not any(s.startswith("UPDATE api_tokens") for s in statements)
