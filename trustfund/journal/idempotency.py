"""Request-level idempotency for any endpoint that moves money.

The first request with a key stores its result (as JSON) in the same transaction as its
writes; a replay with the same fingerprint gets the stored result; a different fingerprint
is a conflict. Concurrent replays on PostgreSQL: the record is inserted *before* the action
runs (``INSERT … ON CONFLICT DO NOTHING``, one round trip), so a second request with the same
key waits on the unique index until the first commits, then reads its result instead of
running the action again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from trustfund.db.models.journal import IdempotencyRecord
from trustfund.errors import ConflictError, IdempotencyConflictError, ValidationError
from trustfund.messages import Message

MAX_KEY = 200
#: What an idempotent action returns: a JSON-ready mapping (a typed view, usually).
Result = TypeVar("Result", bound=Mapping[str, Any])


_RECORDS = cast(Table, IdempotencyRecord.__table__)
#: Per dialect, built once: claim a key (``INSERT … ON CONFLICT DO NOTHING RETURNING id``).
_CLAIM = {
    name: dialect_insert(_RECORDS).on_conflict_do_nothing().returning(_RECORDS.c.id)
    for name, dialect_insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
#: Per dialect, built once: claim several keys (rows not inserted are not returned).
_CLAIM_MANY = {
    name: dialect_insert(_RECORDS)
    .on_conflict_do_nothing()
    .returning(_RECORDS.c.id, _RECORDS.c.scope, _RECORDS.c.key)
    for name, dialect_insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_RELEASE = delete(_RECORDS).where(_RECORDS.c.id.in_(bindparam("ids", expanding=True)))
_STORE_RESULT = (
    update(_RECORDS)
    .where(_RECORDS.c.id == bindparam("record_id"))
    .values(result=bindparam("stored"))
)


def _fingerprint(fingerprint: Mapping[str, Any]) -> str:
    raw = json.dumps(fingerprint, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _lookup(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
        .execution_options(populate_existing=True)
    ).one_or_none()


def _replay(record: IdempotencyRecord, digest: str, key: str) -> tuple[dict[str, Any], bool]:
    if record.fingerprint != digest:
        raise IdempotencyConflictError(Message("journal.idempotency_reused", key=key))
    if not record.result:
        raise ConflictError(Message("journal.idempotency_in_progress", key=key))
    result: dict[str, Any] = json.loads(record.result)
    return result, True


def check_key(key: str) -> None:
    """Raises ``ValidationError`` for an empty or too long key."""
    if not key.strip() or len(key) > MAX_KEY:
        raise ValidationError.field(
            "Idempotency-Key", Message("journal.idempotency_key_length", max_key=MAX_KEY)
        )


def digest_of(fingerprint: Mapping[str, Any]) -> str:
    """The stored fingerprint of a request's content."""
    return _fingerprint(fingerprint)


def claim_keys(
    session: Session, scope: str, digests: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, IdempotencyRecord]]:
    """``run_idempotent``'s claim for several keys of one scope at once (``{key: digest}``,
    keys checked with ``check_key``): ``claim_scoped_keys`` of them."""
    claimed, taken = claim_scoped_keys(
        session, {(scope, key): digest for key, digest in digests.items()}
    )
    return (
        {key: record_id for (_, key), record_id in claimed.items()},
        {key: record for (_, key), record in taken.items()},
    )


ScopedKey = tuple[str, str]


def claim_scoped_keys(
    session: Session, digests: Mapping[ScopedKey, str]
) -> tuple[dict[ScopedKey, int], dict[ScopedKey, IdempotencyRecord]]:
    """``run_idempotent``'s claim for several keys, of one scope or several, at once
    (``{(scope, key): digest}``, keys checked with ``check_key``), in one statement, in
    sorted order (two batches claiming overlapping keys wait for each other in one order).
    Returns ``(claimed, taken)``: the record id of each key claimed now, and the committed
    record of each key used before — on PostgreSQL a key claimed by a transaction still
    running is waited for. Flushes."""
    if not digests:
        return {}, {}
    connection = session.connection()
    rows = connection.execute(
        _CLAIM_MANY[connection.dialect.name],
        [
            {"scope": scope, "key": key, "fingerprint": digests[(scope, key)], "result": ""}
            for scope, key in sorted(digests)
        ],
    )
    claimed = {(scope, key): record_id for record_id, scope, key in rows}
    taken: dict[ScopedKey, IdempotencyRecord] = {}
    for scope, key in digests.keys() - claimed.keys():
        record = _lookup(session, scope, key)
        if record is None:  # claimed by a transaction that rolled back since: try again
            raise ConflictError(Message("journal.idempotency_retry", key=key))
        taken[(scope, key)] = record
    return claimed, taken


def replay_of(record: IdempotencyRecord, digest: str, key: str) -> dict[str, Any]:
    """The first result stored under ``key``. Raises ``IdempotencyConflictError`` (another
    content) and ``ConflictError`` (not finished)."""
    return _replay(record, digest, key)[0]


def release_claims(session: Session, record_ids: Sequence[int]) -> None:
    """Forget keys claimed in this transaction whose action was refused (as if the
    transaction had rolled back for them alone)."""
    if record_ids:
        session.connection().execute(_RELEASE, {"ids": list(record_ids)})


def result_text(result: Mapping[str, Any]) -> str:
    """A JSON-ready result as it is stored."""
    return json.dumps(result, ensure_ascii=False, sort_keys=True)


def store_result_statement() -> Any:
    """``UPDATE`` storing ``:stored`` (``result_text``) in record ``:record_id``, for a
    caller that writes it within a statement of its own (a CTE)."""
    return _STORE_RESULT


def store_results(session: Session, results: Mapping[int, Mapping[str, Any]]) -> None:
    """Store each claimed record's result (``{record id: JSON-ready result}``)."""
    if results:
        session.connection().execute(
            _STORE_RESULT,
            [
                {"record_id": record_id, "stored": result_text(result)}
                for record_id, result in results.items()
            ],
        )


def run_idempotent(
    session: Session,
    *,
    scope: str,
    key: str | None,
    fingerprint: Mapping[str, Any],
    action: Callable[[], Result],
) -> tuple[Result, bool]:
    """``(result, replayed)``. ``key`` None → just run ``action``. Flushes, never commits.
    ``result`` has the type ``action`` declares (a replay is the first result read back
    from JSON, which is what a typed view builds anyway).

    Raises ``IdempotencyConflictError`` (same key, different fingerprint), ``ValidationError``
    (key too long or empty) and whatever ``action`` raises."""
    if key is None:
        return action(), False
    check_key(key)
    digest = _fingerprint(fingerprint)
    connection = session.connection()
    # One statement claims the key: ON CONFLICT DO NOTHING waits (PostgreSQL) for a
    # concurrent request with the same key to end, then inserts nothing if it committed.
    record_id = connection.execute(
        _CLAIM[connection.dialect.name],
        {"scope": scope, "key": key, "fingerprint": digest, "result": ""},
    ).scalar_one_or_none()
    if record_id is None:
        winner = _lookup(session, scope, key)
        if winner is None:
            raise ConflictError(Message("journal.idempotency_retry", key=key))
        replayed, _ = _replay(winner, digest, key)
        return cast(Result, replayed), True
    result = json.loads(json.dumps(action(), default=str, ensure_ascii=False))
    connection.execute(
        _STORE_RESULT,
        {"record_id": record_id, "stored": result_text(result)},
    )
    return cast(Result, result), False
