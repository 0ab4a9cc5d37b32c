"""Issue 19: payments to one estate are committed in groups. Built from an empty database
through the installer's CLI and the HTTP API only; the payments are concurrent HTTP requests.

The first payment's batch is held on the estate's ledger head (another connection locks it)
while 31 more requests queue behind it: a retry of the held payment, a second request
with one key, an overpayment in the middle and another household's payments. When the head
is released, the queued payments are written as one batch — one receipt-counter bump —
each answered on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, event, select

from tests.integration.journal.api_setup import SCHEDULE
from tests.integration.onboarding.helpers import PASSWORDS, Cli, installer_creates_admin
from trustfund.db.models.auth import AuditRecord
from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.fees import FeeCharge, FeeReceiptCounter
from trustfund.db.models.journal import LedgerHead
from trustfund.db.session import make_session_factory
from trustfund.estates import rules
from trustfund.fees import group
from trustfund.fees.group import GROUP_LOCK_WAIT_MS, MAX_WRITERS, PaymentGroups
from trustfund.journal import mirror
from trustfund.ledger.chain import verify_text
from trustfund.settings import Settings

FUNDS = ("electricity", "maintenance", "garbage")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def _token(client: TestClient[Litestar], username: str, password: str) -> dict[str, str]:
    client.cookies.clear()
    signed_in = _ok(
        client.post("/api/v1/auth/login", json={"username": username, "password": password})
    )
    token = _ok(
        client.post(
            "/api/v1/auth/tokens",
            json={"name": "payments"},
            headers={"X-CSRF-Token": signed_in["csrf_token"]},
        ),
        201,
    )
    client.cookies.clear()
    return {"Authorization": f"Bearer {token['token']}"}


def new_estate(
    client: TestClient[Litestar], admin: dict[str, str], slug: str, households: int
) -> tuple[dict[str, str], list[str]]:
    """An estate with ``households`` occupied households charged 200.00 for 2026, its books
    open: the administrator, a steward and two committee members, all over HTTP. Returns
    the steward's token headers and the household codes."""
    _ok(
        client.post("/api/v1/estates", json={"slug": slug, "name": f"{slug}小区"}, headers=admin),
        201,
    )
    people = {}
    for role in ("steward", "committee", "committee2"):
        username, password = f"{slug}-{role}", f"{role}-pass-{slug}"
        user = _ok(
            client.post(
                "/api/v1/users",
                json={"username": username, "display_name": role, "password": password},
                headers=admin,
            ),
            201,
        )
        _ok(
            client.post(
                f"/api/v1/users/{user['id']}/memberships",
                json={"role": role.rstrip("2"), "estate": slug},
                headers=admin,
            ),
            201,
        )
        people[role] = _token(client, username, password)
    steward = people["steward"]
    base = f"/api/v1/estates/{slug}"
    rows = ["幢,单元,室,状态,起始日期,业主,电话,面积"] + [
        f"{1 + n // 100},1,{101 + n % 100},自住,2025-01-01,,,60.0" for n in range(households)
    ]
    _ok(
        client.post(
            f"{base}/households/import",
            files={"file": ("register.csv", "\n".join(rows).encode(), "text/csv")},
            headers=steward,
        ),
        201,
    )
    schedule = _ok(
        client.put(
            f"{base}/fees/schedules/2026",
            json=SCHEDULE,
            headers=steward,
        )
    )
    _ok(
        client.post(
            f"{base}/fees/schedules/2026/approve",
            json={"content_hash": schedule["content_hash"]},
            headers=people["committee"],
        )
    )
    opening = {"bank": "100.00", "cash": "0.00", "payable": "0.00", "prepaid": "0.00"}
    proposal = _ok(
        client.post(
            f"{base}/books/opening",
            json={"date": "2026-01-01", "funds": [{"fund": f, **opening} for f in FUNDS]},
            headers=steward,
        ),
        201,
    )
    for member in ("committee", "committee2"):
        decided = _ok(
            client.post(
                f"{base}/approvals/{proposal['approval_request_id']}/decision",
                json={"decision": "approve"},
                headers=people[member],
            )
        )
        if decided["status"] == "approved":
            break
    assert _ok(client.post(f"{base}/fees/charges/2026", headers=steward))["issued"] == households
    listed = _ok(client.get(f"{base}/households?per_page=100", headers=steward))
    return steward, [h["code"] for h in listed["items"]]


def _payment(code: str, amount: str = "200.00") -> dict[str, Any]:
    return {
        "method": "wechat",
        "amount": amount,
        "paid_on": "2026-03-01",
        "allocations": [{"household_code": code, "fee_year": 2026, "amount": amount}],
    }


@pytest.fixture
def admin(settings: Settings, client: TestClient[Litestar]) -> dict[str, str]:
    cli = Cli.of(settings)
    installer_creates_admin(cli)
    assert PASSWORDS["admin"]
    return {"Authorization": f"Bearer {cli.ok('user', 'token', 'admin', '--name', 't').strip()}"}


@contextmanager
def head_held(engine: Engine, slug: str) -> Iterator[int]:
    """Another connection holds the estate's ledger head lock (on SQLite: the write lock)."""
    with engine.connect() as connection:
        estate_id = connection.execute(select(Estate.id).where(Estate.slug == slug)).scalar_one()
        connection.execute(
            select(LedgerHead.estate_id).where(LedgerHead.estate_id == estate_id).with_for_update()
        )
        try:
            yield estate_id
        finally:
            connection.rollback()


def _queued(client: TestClient[Litestar], estate_id: int) -> int | None:
    groups: PaymentGroups = client.app.state.payment_groups
    return client.blocking_portal.call(_count, groups, estate_id)  # read on the event loop


async def _count(groups: PaymentGroups, estate_id: int) -> int | None:
    return groups.queued(estate_id)


def _pending(client: TestClient[Litestar], estate_id: int) -> int:
    groups: PaymentGroups = client.app.state.payment_groups
    return client.blocking_portal.call(_count_pending, groups, estate_id)


async def _count_pending(groups: PaymentGroups, estate_id: int) -> int:
    return groups.pending(estate_id)


def _wait_for(condition: Any, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            import sys
            import traceback

            for tid, frame in sys._current_frames().items():
                stack = "".join(traceback.format_stack(frame)[-6:])
                if "trustfund" in stack:
                    print("THREAD", tid, stack)
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@contextmanager
def counting(engine: Engine) -> Iterator[tuple[list[str], list[object]]]:
    """The statements (whitespace folded) and the commits run on ``engine`` meanwhile."""
    statements: list[str] = []
    commits: list[object] = []

    def statement(_c: Any, _cur: Any, text: str, *_args: Any) -> None:
        statements.append(" ".join(text.split()))

    def commit(connection: Any) -> None:
        commits.append(connection)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield statements, commits
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def test_queued_payments_are_one_batch_each_answered_on_its_own(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    steward, codes = new_estate(client, admin, "qunli", 32)
    url = "/api/v1/estates/qunli/fees/payments"
    _ok(client.get("/api/v1/auth/me", headers=steward))  # the token's first use is noted now

    def post(body: dict[str, Any], key: str) -> Any:
        return client.post(url, json=body, headers={**steward, "Idempotency-Key": key})

    bad = 12  # an overpayment in the middle of the queue
    with ThreadPoolExecutor(max_workers=40) as pool, counting(engine) as (statements, _):
        with head_held(engine, "qunli") as estate_id:
            held = pool.submit(post, _payment(codes[0]), "k-0")
            _wait_for(lambda: _queued(client, estate_id) == 0)  # its batch is in flight, held
            queued: list[Future[Any]] = [pool.submit(post, _payment(codes[0]), "k-0")]  # retry
            for n in range(1, 32):
                amount = "250.00" if n == bad else "200.00"
                queued.append(pool.submit(post, _payment(codes[n], amount), f"k-{n}"))
            queued.append(pool.submit(post, _payment(codes[5]), "k-5"))  # same key twice
            _wait_for(lambda: _queued(client, estate_id) == 33)
            assert not held.done()
        first = held.result(timeout=60)
        answers = [f.result(timeout=60) for f in queued]

    assert first.status_code == 201, first.text
    retry, *others, twice = answers
    assert retry.status_code == 201 and retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json() == first.json()  # the retry got the held payment's receipt
    refused = others[bad - 1]
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "allocations[0].amount"
    assert codes[bad] in refused.json()["errors"][0]["reason"]
    stored = [r for n, r in enumerate(others, 1) if n != bad]
    assert all(r.status_code == 201 for r in stored), [r.text for r in stored if r.status_code]
    assert twice.status_code == 201 and twice.json() == others[4].json()
    assert {others[4].headers.get("Idempotent-Replayed"), twice.headers.get("Idempotent-Replayed")}
    numbers = sorted(
        r.json()["receipts"][0]["receipt_no"] for r in [first, *stored]
    )  # gapless: the refused payment took no number
    assert numbers == [f"2026-{n:06d}" for n in range(1, 32)]
    # the held payment's (two tries: the year's counter row is created in between), then
    # one for the 30 written behind it
    bumps = [s for s in statements if s.upper().startswith("UPDATE FEE_RECEIPT_COUNTERS")]
    assert len(bumps) == 3, bumps

    base = "/api/v1/estates/qunli/fees"
    assert _ok(client.get(f"{base}/households/{codes[bad]}/2026", headers=steward))["paid"] == (
        "0.00"
    )
    for code in (codes[0], codes[5], codes[31]):
        account = _ok(client.get(f"{base}/households/{code}/2026", headers=steward))
        assert account["paid"] == "200.00" and len(account["receipts"]) == 1  # stored once
    ledger = client.get("/api/v1/public/estates/qunli/ledger.beancount")
    assert ledger.status_code == 200
    checked = verify_text(ledger.text)
    assert checked.problem is None and checked.entries >= 32, checked.problem


def test_thirty_two_clients_on_one_estate(
    client: TestClient[Litestar], admin: dict[str, str]
) -> None:
    """Unheld: 32 threads pay 64 households at once; gapless, each stored once."""
    steward, codes = new_estate(client, admin, "renmin", 64)
    url = "/api/v1/estates/renmin/fees/payments"
    _ok(client.get("/api/v1/auth/me", headers=steward))
    start = threading.Barrier(32)

    def pay(mine: list[str]) -> list[Any]:
        start.wait()
        return [
            client.post(url, json=_payment(c), headers={**steward, "Idempotency-Key": c})
            for c in mine
        ]

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = [r for rs in pool.map(pay, [codes[i::32] for i in range(32)]) for r in rs]
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers][:3]
    numbers = sorted(r.json()["receipts"][0]["receipt_no"] for r in answers)
    assert numbers == [f"2026-{n:06d}" for n in range(1, 65)]
    report = _ok(
        client.get("/api/v1/estates/renmin/fees/households/" + codes[7] + "/2026", headers=steward)
    )
    assert report["paid"] == "200.00"


@pytest.mark.postgres_only
def test_a_held_estate_does_not_hold_up_another(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """Twenty payments wait for estate A, whose ledger head another connection holds (more
    than the server has handler threads); a payment to estate B is answered meanwhile."""
    steward_a, codes_a = new_estate(client, admin, "dongcheng", 20)
    steward_b, codes_b = new_estate(client, admin, "xicheng", 1)
    _ok(client.get("/api/v1/auth/me", headers=steward_a))
    _ok(client.get("/api/v1/auth/me", headers=steward_b))

    def post(slug: str, steward: dict[str, str], code: str) -> Any:
        return client.post(
            f"/api/v1/estates/{slug}/fees/payments",
            json=_payment(code),
            headers={**steward, "Idempotency-Key": f"{slug}-{code}"},
        )

    with ThreadPoolExecutor(max_workers=24) as pool:
        with head_held(engine, "dongcheng") as estate_a:
            waiting = [pool.submit(post, "dongcheng", steward_a, code) for code in codes_a]
            _wait_for(lambda: _pending(client, estate_a) == 20)  # a batch held, the rest queued
            started = time.monotonic()
            other = post("xicheng", steward_b, codes_b[0])
            assert other.status_code == 201, other.text
            assert time.monotonic() - started < 10
            assert not any(f.done() for f in waiting)
        answers = [f.result(timeout=60) for f in waiting]
    assert all(r.status_code == 201 for r in answers)
    assert other.json()["receipts"][0]["receipt_no"] == "2026-000001"


def test_the_mirror_takes_the_batch_straight_from_the_commit(
    client: TestClient[Litestar],
    admin: dict[str, str],
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The batch keeps its estate in the session, so the ledger mirror appends the committed
    entries without reading them back on a second connection (which, with every pooled
    connection held by a batch, once deadlocked the pool); the file equals the export."""
    steward, codes = new_estate(client, admin, "nanhu", 3)
    read_back: list[object] = []
    original = mirror.append_mirror

    def reading_back(*args: Any, **kwargs: Any) -> Any:
        read_back.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(mirror, "append_mirror", reading_back)
    for code in codes:
        paid = client.post(
            "/api/v1/estates/nanhu/fees/payments",
            json=_payment(code),
            headers={**steward, "Idempotency-Key": code},
        )
        assert paid.status_code == 201, paid.text
    assert read_back == []
    with make_session_factory(engine)() as session:
        estate_id = session.scalars(select(Estate.id).where(Estate.slug == "nanhu")).one()
        exported = mirror.export_text(session, estate_id)
    assert (settings.ledger_dir / "nanhu.beancount").read_text() == exported
    assert "2026-000003" in exported


def _writers(client: TestClient[Litestar]) -> tuple[int, int]:
    groups: PaymentGroups = client.app.state.payment_groups
    return client.blocking_portal.call(_count_writers, groups)


async def _count_writers(groups: PaymentGroups) -> tuple[int, int]:
    return groups.writers()


@pytest.mark.postgres_only
def test_a_process_writes_at_most_four_batches_at_once(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """``MAX_WRITERS``: four estates' batches wait on their held ledger heads and take
    every writer slot of the process; a payment to a fifth estate, whose head nobody holds,
    waits for a slot — not answered — and is written as soon as one of the four is
    released, while the other three still wait."""
    assert MAX_WRITERS == 4
    slugs = ["jia", "yi", "bing", "ding", "wu"]
    made = {slug: new_estate(client, admin, slug, 1) for slug in slugs}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))

    def post(slug: str) -> Any:
        steward, codes = made[slug]
        return client.post(
            f"/api/v1/estates/{slug}/fees/payments",
            json=_payment(codes[0]),
            headers={**steward, "Idempotency-Key": f"cap-{slug}"},
        )

    with ThreadPoolExecutor(max_workers=8) as pool, ExitStack() as held:
        for slug in slugs[1:4]:
            held.enter_context(head_held(engine, slug))
        with head_held(engine, slugs[0]):
            first = [pool.submit(post, slug) for slug in slugs[:4]]
            _wait_for(lambda: _writers(client) == (4, 0))
            fifth = pool.submit(post, slugs[4])
            _wait_for(lambda: _writers(client) == (4, 1))  # its batch waits for a slot
            time.sleep(0.5)
            assert not fifth.done() and _writers(client) == (4, 1)
        # the first estate's head is free: its batch commits and hands its slot on
        assert first[0].result(timeout=60).status_code == 201
        assert fifth.result(timeout=60).status_code == 201
        assert _writers(client) == (3, 0)
        assert not any(f.done() for f in first[1:])
    answers = [f.result(timeout=60) for f in first[1:]]
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers]
    assert fifth.result().json()["receipts"][0]["receipt_no"] == "2026-000001"


# --- lone payments of several estates: one group, one transaction ----------------------------


async def _grouped(groups: PaymentGroups) -> int:
    return groups.grouped()


@contextmanager
def slots_taken(client: TestClient[Litestar]) -> Iterator[None]:
    """Every writer slot of the process borrowed (as four busy estates' batches would hold
    them): a payment handed to the group waits for one, and the payments arriving meanwhile
    join the same group."""
    groups: PaymentGroups = client.app.state.payment_groups
    limiter = groups._threads  # the writer slots (white-box: holding them is the test's lever)
    holders = [object() for _ in range(MAX_WRITERS)]
    for holder in holders:
        client.blocking_portal.call(limiter.acquire_on_behalf_of, holder)
    try:
        yield
    finally:
        for holder in holders:
            client.blocking_portal.call(_release, limiter, holder)


async def _release(limiter: Any, holder: object) -> None:
    limiter.release_on_behalf_of(holder)


def _wait_grouped(client: TestClient[Litestar], count: int) -> None:
    groups: PaymentGroups = client.app.state.payment_groups
    _wait_for(lambda: client.blocking_portal.call(_grouped, groups) == count)


def _pay_each(
    client: TestClient[Litestar],
    pool: ThreadPoolExecutor,
    payments: list[tuple[str, dict[str, str], dict[str, Any]]],
    key: str | None = None,
) -> list[Future[Any]]:
    """Each payment posted on its own thread; ``key``: one Idempotency-Key for all (keys
    are per estate), else one per estate."""
    return [
        pool.submit(
            client.post,
            f"/api/v1/estates/{slug}/fees/payments",
            json=body,
            headers={**steward, "Idempotency-Key": key or f"{slug}-group"},
        )
        for slug, steward, body in payments
    ]


def _paid_as_one_group(
    client: TestClient[Litestar],
    engine: Engine,
    payments: list[tuple[str, dict[str, str], dict[str, Any]]],
) -> tuple[list[Any], list[object]]:
    """Each payment posted on its own thread while every writer slot is busy, so all of
    them wait for one group: their answers, and the commits made once all were waiting."""
    with ThreadPoolExecutor(max_workers=8) as pool, counting(engine) as (_, commits):
        with slots_taken(client):
            answers = _pay_each(client, pool, payments)
            _wait_grouped(client, len(payments))
            commits.clear()
        return [f.result(timeout=60) for f in answers], commits


def test_lone_payments_of_several_estates_are_written_in_one_transaction(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """Five estates each get one payment, all with the same Idempotency-Key, while every
    writer slot is busy: the five join one group, written in one transaction with one
    commit, each answered on its own — the overpayment refused with its own error and no
    receipt number; a steward naming a household of another estate of the group refused as
    an unknown household (the group reads each estate's households apart); the others
    numbered from 1 in their estates, none a replay of another's key, every answered
    payment's audit record written with it."""
    slugs = ["beiyuan", "dongyuan", "nanyuan", "xiyuan", "zhongyuan"]
    made = {slug: new_estate(client, admin, slug, 2) for slug in slugs}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))  # the token's use noted now
    bodies = {slug: _payment(made[slug][1][1], "80.00") for slug in slugs}
    bodies["nanyuan"] = _payment(made["nanyuan"][1][1], "250.00")
    bodies["zhongyuan"] = _payment(made["xiyuan"][1][0], "80.00")  # xiyuan's other household
    payments = [(slug, made[slug][0], bodies[slug]) for slug in slugs]
    with ThreadPoolExecutor(max_workers=8) as pool, counting(engine) as (statements, commits):
        with slots_taken(client):
            answers = _pay_each(client, pool, payments, key="the-same-key")
            _wait_grouped(client, 5)  # all five wait for the group, identified and checked
            statements.clear()
            commits.clear()
        results = [f.result(timeout=60) for f in answers]
    refused_slugs = ("nanyuan", "zhongyuan")
    written = {slug: r for slug, r in zip(slugs, results, strict=True) if slug not in refused_slugs}
    assert all(r.headers.get("Idempotent-Replayed") is None for r in written.values())
    elsewhere = results[slugs.index("zhongyuan")]
    assert elsewhere.status_code == 422, elsewhere.text
    assert elsewhere.json()["errors"][0]["field"] == "allocations[0].household_code"
    assert (
        _ok(
            client.get(
                f"/api/v1/estates/xiyuan/fees/households/{made['xiyuan'][1][0]}/2026",
                headers=made["xiyuan"][0],
            )
        )["paid"]
        == "0.00"
    )
    for slug, answer in written.items():
        assert answer.status_code == 201, answer.text
        assert answer.json()["receipts"][0]["receipt_no"] == "2026-000001", slug
        account = _ok(
            client.get(
                f"/api/v1/estates/{slug}/fees/households/{made[slug][1][1]}/2026",
                headers=made[slug][0],
            )
        )
        assert account["paid"] == "80.00"
    refused = results[slugs.index("nanyuan")]
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "allocations[0].amount"
    # one commit for the three payments (estate by estate there would be three; a token's
    # use noted meanwhile commits on its own), their entries and each estate's first use of
    # three accounts (chained ``open`` entries)
    assert 1 <= len(commits) <= 2, statements
    # each estate's three ``open`` entries on their own, then the three payments' entries in
    # one statement (SQLite returns ids in row order only from one row per statement)
    together = 1 if engine.dialect.name == "postgresql" else 3
    entries = sum(s.upper().startswith("INSERT INTO JOURNAL_ENTRIES") for s in statements)
    assert entries == 3 * 3 + together, statements
    bumps = [s for s in statements if s.upper().startswith("UPDATE FEE_RECEIPT_COUNTERS")]
    # one statement takes the three estates' numbers; it finds no row (each estate's first
    # receipt of 2026 creates its counter) and is run once more
    assert len(bumps) == 2, bumps

    def audited() -> list[tuple[str, int]]:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(AuditRecord.path, AuditRecord.status_code).where(
                    AuditRecord.path.like("%/fees/payments")
                )
            )
            return sorted((path, status) for path, status in rows)

    # written with the payments (a 422 is neither a write nor a refusal of access)
    assert audited() == sorted((f"/api/v1/estates/{slug}/fees/payments", 201) for slug in written)
    for slug, answer in written.items():  # a retry replays the estate's own payment
        retry = client.post(
            f"/api/v1/estates/{slug}/fees/payments",
            json=bodies[slug],
            headers={**made[slug][0], "Idempotency-Key": "the-same-key"},
        )
        assert retry.headers.get("Idempotent-Replayed") == "true", retry.text
        assert retry.json() == answer.json()
    # the next payment of an estate starts its numbers where the group left them
    again = client.post(
        "/api/v1/estates/beiyuan/fees/payments",
        json=_payment(made["beiyuan"][1][0]),
        headers=made["beiyuan"][0],
    )
    assert _ok(again, 201)["receipts"][0]["receipt_no"] == "2026-000002"
    for slug in written:  # each estate's chain, appended in the group's one statement
        ledger = client.get(f"/api/v1/public/estates/{slug}/ledger.beancount")
        assert verify_text(ledger.text).problem is None, slug
        assert "收据2026-000001" in ledger.text, slug


def test_a_group_that_fails_is_written_estate_by_estate(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """One estate's payment fails where the group cannot answer it alone (dated before its
    books open: the ledger refuses the entry): the group is rolled back and every estate
    writes its own payment — the others are stored, the failing one gets the error it gets
    when paid alone, and nothing of it is written."""
    slugs = ["shangcun", "zhongcun", "xiacun"]
    made = {slug: new_estate(client, admin, slug, 1) for slug in slugs}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))
    early = {**_payment(made["zhongcun"][1][0]), "paid_on": "2025-12-31"}
    payments = [
        (slug, made[slug][0], early if slug == "zhongcun" else _payment(made[slug][1][0]))
        for slug in slugs
    ]
    results, commits = _paid_as_one_group(client, engine, payments)
    failed = results[1]
    assert failed.status_code == 422, failed.text
    assert len(commits) == 2  # the two others, estate by estate after the group's rollback
    for slug, answer in zip(slugs, results, strict=True):
        if slug != "zhongcun":
            assert answer.status_code == 201, answer.text
            assert answer.json()["receipts"][0]["receipt_no"] == "2026-000001"
    alone = client.post(
        "/api/v1/estates/zhongcun/fees/payments",
        json=early,
        headers={**made["zhongcun"][0], "Idempotency-Key": "zhongcun-alone"},
    )
    assert alone.status_code == failed.status_code and alone.json() == failed.json()
    account = _ok(
        client.get(
            f"/api/v1/estates/zhongcun/fees/households/{made['zhongcun'][1][0]}/2026",
            headers=made["zhongcun"][0],
        )
    )
    assert account["paid"] == "0.00" and account["receipts"] == []


def test_a_group_whose_every_payment_is_refused_commits_once(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """Two estates' lone payments, both above what is owed, in one group: each is refused
    with its own error, in the group's one transaction (its keys released there) — the
    group is not rolled back and redone estate by estate for want of anything to write."""
    slugs = ["qiancun", "houcun"]
    made = {slug: new_estate(client, admin, slug, 1) for slug in slugs}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))
    payments = [(s, made[s][0], _payment(made[s][1][0], "250.00")) for s in slugs]
    results, commits = _paid_as_one_group(client, engine, payments)
    for answer in results:
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "allocations[0].amount"
    assert len(commits) == 1  # the group's; estate by estate, each would roll back
    retry = client.post(  # the key was released: the same key may be used again
        f"/api/v1/estates/{slugs[0]}/fees/payments",
        json=_payment(made[slugs[0]][1][0]),
        headers={**made[slugs[0]][0], "Idempotency-Key": f"{slugs[0]}-group"},
    )
    assert _ok(retry, 201)["receipts"][0]["receipt_no"] == "2026-000001"


@pytest.mark.postgres_only
def test_a_group_does_not_wait_for_an_estate_held_elsewhere(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """One estate of a group has its ledger head held by another transaction: the group
    gives up after ``GROUP_LOCK_WAIT_MS`` and the other estates' payments are written and
    answered on their own while the held one waits for its head."""
    slugs = ["qianjin", "xingfu", "heping"]
    made = {slug: new_estate(client, admin, slug, 1) for slug in slugs}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))
    payments = [(slug, made[slug][0], _payment(made[slug][1][0])) for slug in slugs]
    with ThreadPoolExecutor(max_workers=8) as pool, head_held(engine, "qianjin"):
        with slots_taken(client):
            answers = _pay_each(client, pool, payments)
            _wait_grouped(client, 3)
        started = time.monotonic()
        others = [f.result(timeout=30) for f in answers[1:]]
        assert time.monotonic() - started < 10 + GROUP_LOCK_WAIT_MS / 1000
        assert all(r.status_code == 201 for r in others), [r.text for r in others]
        time.sleep(0.3)
        assert not answers[0].done()  # still waiting for its head
    held = answers[0].result(timeout=60)
    assert held.status_code == 201, held.text
    assert held.json()["receipts"][0]["receipt_no"] == "2026-000001"


@contextmanager
def charge_held(engine: Engine, slug: str, code: str) -> Iterator[None]:
    """Another connection holds the lock on a household's charge rows (as a payment of it
    being written in another process does)."""
    with engine.connect() as connection:
        connection.execute(
            select(FeeCharge.id)
            .join(Household, Household.id == FeeCharge.household_id)
            .join(Estate, Estate.id == Household.estate_id)
            .where(Estate.slug == slug, Household.code == code)
            .with_for_update(of=FeeCharge)
        ).all()
        try:
            yield
        finally:
            connection.rollback()


@pytest.mark.postgres_only
def test_a_group_locks_only_the_households_it_pays(
    client: TestClient[Litestar],
    admin: dict[str, str],
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two estates whose households drew the same codes (random codes of two estates
    collide about once in a million; the draw is pinned here). A group pays the first
    household of one and the second of the other while another transaction holds the
    *other* estate's first household (a payment of it in flight elsewhere): the group locks
    the households it pays, not every estate × every code, so it neither waits nor gives up
    — one commit."""

    def drawn(taken: Any, rng: Any = None) -> str:
        return next(code for code in ("H-AAAAAA", "H-BBBBBB", "H-CCCCCC") if code not in taken)

    monkeypatch.setattr(rules, "new_household_code", drawn)
    slugs = ["jiayuan", "yiyuan"]
    made = {slug: new_estate(client, admin, slug, 2) for slug in slugs}
    assert made["jiayuan"][1] == made["yiyuan"][1]  # the same codes in both estates
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))
    first, second = made["jiayuan"][1]
    payments = [
        ("jiayuan", made["jiayuan"][0], _payment(first)),
        ("yiyuan", made["yiyuan"][0], _payment(second)),
    ]
    with charge_held(engine, "yiyuan", first):
        results, commits = _paid_as_one_group(client, engine, payments)
    assert [r.status_code for r in results] == [201, 201], [r.text for r in results]
    assert len(commits) == 1  # the group's; after a lock wait, one per estate


@pytest.mark.postgres_only
def test_a_groups_reads_have_one_text_whatever_its_size(
    client: TestClient[Litestar], admin: dict[str, str], engine: Engine
) -> None:
    """A group of two estates and then one of three: what their households owe and have
    paid is read with the same SQL text both times (arrays), so PostgreSQL prepares and
    plans each read once per connection, not once per group size."""
    slugs = ["yicun", "ercun", "sancun", "sicun", "wucun"]
    made = {slug: new_estate(client, admin, slug, 1) for slug in slugs}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))
    reads: list[list[str]] = []
    for chosen in (slugs[:2], slugs[2:]):
        payments = [(s, made[s][0], _payment(made[s][1][0])) for s in chosen]
        with counting(engine) as (statements, _):
            results, commits = _paid_as_one_group(client, engine, payments)
        assert [r.status_code for r in results] == [201] * len(chosen)
        assert len(commits) == 1
        reads.append(
            [
                s
                for s in statements
                if s.startswith(("SELECT households.estate_id", "SELECT fee_receipts.household_id"))
            ]
        )
    assert len(reads[0]) == 2 and reads[0] == reads[1], reads


def _busy_and_quiet(
    client: TestClient[Litestar], admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[str, dict[str, str], dict[str, Any]]], list[str]]:
    """Two new estates: ``redian`` paid once just now (busy: its writer ended less than
    ``BUSY_SECONDS`` ago, however slow the run) and ``lengqing`` quiet. Returns a payment of
    each (redian's second household, lengqing's first) and redian's household codes."""
    monkeypatch.setattr(group, "BUSY_SECONDS", 600.0)
    made = {slug: new_estate(client, admin, slug, 2) for slug in ("redian", "lengqing")}
    for steward, _ in made.values():
        _ok(client.get("/api/v1/auth/me", headers=steward))
    hot_steward, hot_codes = made["redian"]
    first = client.post(
        "/api/v1/estates/redian/fees/payments",
        json=_payment(hot_codes[0]),
        headers={**hot_steward, "Idempotency-Key": "redian-first"},
    )
    assert _ok(first, 201)["receipts"][0]["receipt_no"] == "2026-000001"
    payments = [
        ("redian", hot_steward, _payment(hot_codes[1])),
        ("lengqing", made["lengqing"][0], _payment(made["lengqing"][1][0])),
    ]
    return payments, hot_codes


def test_an_estate_paid_a_moment_ago(
    client: TestClient[Litestar],
    admin: dict[str, str],
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An estate whose writer ended less than ``BUSY_SECONDS`` ago (a hot estate, which the
    other workers pay too) and a quiet one each get a lone payment while every writer slot
    is busy. On PostgreSQL both join the group (the busy one because no other transaction
    holds its locks): one commit. On SQLite the busy one waits for a writer slot of its own
    (no row locks to skip) while the quiet one waits for the group; both are written once a
    slot is free."""
    payments, _ = _busy_and_quiet(client, admin, monkeypatch)
    postgres = engine.dialect.name == "postgresql"
    with ThreadPoolExecutor(max_workers=4) as pool, counting(engine) as (_, commits):
        with slots_taken(client):
            answers = _pay_each(client, pool, payments)
            groups: PaymentGroups = client.app.state.payment_groups
            if postgres:
                _wait_grouped(client, 2)
            else:
                _wait_for(lambda: _writers(client) == (MAX_WRITERS, 2))  # each waits for a slot
                assert client.blocking_portal.call(_grouped, groups) == 1  # the quiet one only
            commits.clear()
        results = [f.result(timeout=60) for f in answers]
    assert [r.status_code for r in results] == [201, 201], [r.text for r in results]
    assert results[0].json()["receipts"][0]["receipt_no"] == "2026-000002"
    assert results[1].json()["receipts"][0]["receipt_no"] == "2026-000001"
    assert len(commits) == (1 if postgres else 2)


@contextmanager
def counter_held(engine: Engine, slug: str, year: int) -> Iterator[None]:
    """Another connection holds the estate's receipt counter of ``year`` (as a payment of
    the estate being written in another process does, from its number to its commit)."""
    with engine.connect() as connection:
        estate_id = connection.execute(select(Estate.id).where(Estate.slug == slug)).scalar_one()
        connection.execute(
            select(FeeReceiptCounter.estate_id)
            .where(FeeReceiptCounter.estate_id == estate_id, FeeReceiptCounter.year == year)
            .with_for_update()
        ).one()
        try:
            yield
        finally:
            connection.rollback()


@pytest.mark.postgres_only
@pytest.mark.parametrize("held", ["counter", "head"])
def test_a_busy_estate_held_elsewhere_is_left_out_of_the_group(
    client: TestClient[Litestar],
    admin: dict[str, str],
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    held: str,
) -> None:
    """A busy estate's lone payment joins the group, but another transaction holds its
    receipt counter (or its ledger head): the group leaves it out without waiting for the
    lock and writes the quiet estate's payment (one commit, answered while the lock is
    still held); the busy estate then writes its own, once the lock is let go — numbered
    after its first payment, its chain whole. (The group's lock wait is made a minute
    here: a group that waited for the busy estate's lock would not answer in time.)"""
    payments, _ = _busy_and_quiet(client, admin, monkeypatch)
    monkeypatch.setattr(group, "GROUP_LOCK_WAIT_MS", 60_000)
    hold = (
        counter_held(engine, "redian", 2026) if held == "counter" else head_held(engine, "redian")
    )
    with ThreadPoolExecutor(max_workers=4) as pool, counting(engine) as (_, commits):
        with hold:
            with slots_taken(client):
                answers = _pay_each(client, pool, payments)
                _wait_grouped(client, 2)
                commits.clear()
            quiet = answers[1].result(timeout=20)
            assert quiet.status_code == 201, quiet.text
            assert quiet.json()["receipts"][0]["receipt_no"] == "2026-000001"
            assert len(commits) == 1  # the group's, with the quiet estate's payment only
            time.sleep(0.3)
            assert not answers[0].done()  # its own writer waits for the lock
        busy = answers[0].result(timeout=60)
    assert busy.status_code == 201, busy.text
    assert busy.json()["receipts"][0]["receipt_no"] == "2026-000002"
    ledger = client.get("/api/v1/public/estates/redian/ledger.beancount")
    assert verify_text(ledger.text).problem is None
    assert "收据2026-000002" in ledger.text
