"""Group commit of fee payments, per estate: the payments that arrive at one estate while
another batch of it is being written queue up, and the next batch writes them all in one
transaction — one claim of their idempotency keys, one read of what their households owe
(charge rows locked), one take of receipt numbers, one ledger head lock, one commit.

**Who writes.** Each estate with payments waiting has one writer (an asyncio task of the
process's ``PaymentGroups``); it takes up to ``MAX_BATCH`` queued payments, writes them in a
worker thread in one transaction, answers them, and takes the next batch — the payments
that arrived while it wrote. A waiting request holds no thread and no connection. So one
estate has at most one batch in flight per process, each request is answered only once the
batch holding it is committed, and estates do not wait for each other's locks (on SQLite
every writer still queues on the one write lock; on PostgreSQL only the database's row
locks order writers, across processes too). At most ``MAX_WRITERS`` batches of different
estates are written at once per process (threads and pooled connections are finite): an
estate whose batch waits on a lock takes one of them, the others go on.

**Each payment on its own.** A batch checks every payment the way ``record_payment``
does, in order, against what is owed after the payments before it in the batch: a refused
payment gets its own error (its key is released, as if its transaction had rolled back)
and takes no receipt number; the others are written. A key that was used before answers
with its first result (``Idempotent-Replayed``); the same key twice in one batch is
written once and the second answers as its replay. Anything else that fails while writing
(a locked period, books not open, a database error) rolls the batch back and its payments
are then recorded one by one as ``record_payment`` does, each in its own transaction with
its own answer. A batch of one payment is ``record_payment`` itself.

**The audit record** of a request answered with a payment (written, or replayed) is
inserted in the batch's transaction (``audit``): it commits with the payment or not at all,
and the request's middleware writes no second one.

**Lone payments of several estates together.** Most estates of a city see a payment now
and then: alone in its batch, each paid for a transaction of its own (a thread hop, a
connection, the estate loaded, ``BEGIN`` and ``COMMIT``). So the first batch of an estate's
writer, when it holds one payment, joins the process's next *group*: one writer (``MAX_GROUP``
estates at most, taking one of the ``MAX_WRITERS`` slots) claims the keys of all its payments
in one statement, reads what their households owe in two, then writes their payments
together (``record_planned_in``: one statement per step for all the estates, the locks taken
in estate order), in one transaction with one commit — each still answered on its own
(refusals as in a batch). A *busy* estate — one writing a second batch in a row, or whose
last writer ended less than ``BUSY_SECONDS`` ago (a hot estate, whose locks the other
workers' batches hold often) — joins the group only on PostgreSQL and only if its locks are
free: the group first locks the busy estates' receipt counters and ledger heads with
``SKIP LOCKED`` (never waiting), leaves out those another transaction holds (their writers
write them on their own, as on SQLite always) and keeps the others' locks to its commit (a
hot estate's lone payment then costs what a grouped one does, about half of its own
transaction: ``bench/RESULTS.md``). On PostgreSQL the group waits at most
``GROUP_LOCK_WAIT_MS`` for any lock (``lock_timeout``): a group never holds up its estates
behind one whose locks another transaction holds. When the group fails in any way (that
wait, a locked period, books not open, a database error) it is rolled back and every estate
writes its own payment as above; a group of one estate is not formed.

Receipt numbers stay gapless (taken once per batch, in the batch's transaction), the hash
chain is appended under one head lock, and a crash before the commit loses the whole
batch (or group), none of which was answered.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Any, cast

import anyio
import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.auth.audit import add_audits
from trustfund.db.lists import GENERIC_PLANS
from trustfund.db.models.estates import Estate
from trustfund.db.session import is_postgres, unit_of_work
from trustfund.errors import IdempotencyConflictError, TrustfundError, ValidationError
from trustfund.estates.service import today_in
from trustfund.fees.common import get_estate
from trustfund.fees.numbers import lock_counters_if_free
from trustfund.fees.owed import owed_in_estates
from trustfund.fees.payments import PaymentPlan, plan_payment, record_planned_in, take_payment
from trustfund.fees.schemas import PaymentIn, PaymentOut
from trustfund.journal.head import lock_heads_if_free
from trustfund.journal.idempotency import (
    check_key,
    claim_scoped_keys,
    digest_of,
    release_claims,
    replay_of,
)
from trustfund.messages import Message

log = structlog.get_logger("trustfund.payments")

#: The most payments one transaction writes.
MAX_BATCH = 64
#: The most batches (of different estates) one process writes at once: each holds a
#: connection and may take a second one after its commit (the ledger mirror's catch-up),
#: so this stays well under the engine's pool (``POOL_SIZE`` + ``POOL_OVERFLOW``), leaving
#: connections for the requests' own reads and the audit log. Two cores are busy with four.
MAX_WRITERS = 4
#: The most estates whose lone payments one group writes in one transaction.
MAX_GROUP = 32
#: An estate whose writer ended less than this many seconds ago is busy (a hot estate, or
#: one whose payments the other workers write too): a group never waits for its locks (it
#: writes its next lone payment only if they are free; on SQLite it writes its own).
BUSY_SECONDS = 1.0
#: How long a group waits for a lock (PostgreSQL ``lock_timeout``) before it gives up and
#: its estates write their own payments.
GROUP_LOCK_WAIT_MS = 100

Outcome = tuple[PaymentOut, bool]


@dataclass(eq=False)
class _Waiting:
    """One request's payment, queued for its estate's next batch."""

    data: PaymentIn
    actor_user_id: int | None
    key: str | None
    answered: asyncio.Future[Outcome]
    #: the request's audit record, written with the payment when it is answered with one
    audit: dict[str, Any] | None = None
    outcome: Outcome | None = None
    error: BaseException | None = None


@dataclass(eq=False)
class _Member:
    """An estate's lone payment waiting for the next group; ``written``: whether the group
    wrote it (False: the estate writes it itself)."""

    estate_id: int
    batch: list[_Waiting]
    written: asyncio.Future[bool]
    #: a busy estate's payment: written by the group only if its locks are free then
    busy: bool = False


@dataclass(eq=False)
class _Estate:
    queued: list[_Waiting] = field(default_factory=list)
    #: payments of the batch being written (or waiting for a writer slot)
    writing: int = 0


class PaymentGroups:
    """The group commit of one process (one event loop): one writer task per estate with
    payments queued, each batch written in a worker thread with its own session from
    ``session_factory``. Only the event loop touches the queues."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._estates: dict[int, _Estate] = {}
        self._writers: set[asyncio.Task[None]] = set()
        self._threads = anyio.CapacityLimiter(MAX_WRITERS)
        #: lone payments waiting for the next group, and the task writing groups
        self._grouped: list[_Member] = []
        self._grouping: asyncio.Task[None] | None = None
        #: when each estate's last writer ended (``time.monotonic``; one entry per estate)
        self._ended: dict[int, float] = {}

    @cached_property
    def _postgres(self) -> bool:
        """Whether a busy estate's lone payment may join a group (PostgreSQL: the group
        skips its locks if another transaction holds them)."""
        with self._session_factory() as session:
            return is_postgres(session)

    async def record_payment(
        self,
        estate_id: int,
        data: PaymentIn,
        *,
        actor_user_id: int | None,
        idempotency_key: str | None,
        audit: dict[str, Any] | None = None,
    ) -> Outcome:
        """``record_payment`` through the estate's group commit: ``(payment view,
        replayed)`` once the batch holding the payment is committed, or the payment's own
        error (those of ``record_payment``). A request that goes away meanwhile does not
        stop its batch. ``audit``: the request's audit record (``audit_values``), written
        in the payment's transaction whenever the payment is answered (written, or
        replayed), so its commit needs no transaction of its own."""
        answered: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        estate = self._estates.get(estate_id)
        if estate is None:
            estate = self._estates[estate_id] = _Estate()
            writer = asyncio.create_task(self._write_queued(estate_id, estate))
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        estate.queued.append(_Waiting(data, actor_user_id, idempotency_key, answered, audit))
        return await answered

    def queued(self, estate_id: int) -> int | None:
        """How many payments wait for the estate's next batch; None: no batch in flight
        (for tests; call on the event loop)."""
        estate = self._estates.get(estate_id)
        return len(estate.queued) if estate else None

    def pending(self, estate_id: int) -> int:
        """The estate's payments not yet answered: queued, and in the batch being written
        (for tests; call on the event loop)."""
        estate = self._estates.get(estate_id)
        return len(estate.queued) + estate.writing if estate else 0

    def grouped(self) -> int:
        """How many estates' lone payments wait for the next group (for tests; call on the
        event loop)."""
        return len(self._grouped)

    def writers(self) -> tuple[int, int]:
        """``(batches being written, batches waiting for one of the MAX_WRITERS slots)``
        (for tests; call on the event loop)."""
        statistics = self._threads.statistics()
        return int(statistics.borrowed_tokens), statistics.tasks_waiting

    async def _write_queued(self, estate_id: int, estate: _Estate) -> None:
        """The estate's writer: batches until its queue is empty, then it ends."""
        try:
            ended = self._ended.get(estate_id)
            may_group = ended is None or time.monotonic() - ended >= BUSY_SECONDS
            while estate.queued:
                batch = estate.queued[:MAX_BATCH]
                del estate.queued[:MAX_BATCH]
                estate.writing = len(batch)
                try:
                    lone = len(batch) == 1 and (may_group or self._postgres)
                    busy = not may_group
                    may_group = False  # a second batch in a row: busy
                    if not (lone and await self._in_group(estate_id, batch, busy)):
                        await anyio.to_thread.run_sync(
                            self._write, estate_id, batch, limiter=self._threads
                        )
                finally:
                    estate.writing = 0
                    for waiting in batch:
                        if waiting.answered.done():
                            continue  # the request went away
                        if waiting.outcome is not None:
                            waiting.answered.set_result(waiting.outcome)
                        else:
                            waiting.answered.set_exception(
                                waiting.error or RuntimeError("payment not written")
                            )
        finally:
            del self._estates[estate_id]
            self._ended[estate_id] = time.monotonic()
            for waiting in estate.queued:  # only if the writer itself failed
                if not waiting.answered.done():
                    waiting.answered.set_exception(RuntimeError("payment not written"))

    async def _in_group(self, estate_id: int, batch: list[_Waiting], busy: bool) -> bool:
        """Hand an estate's lone payment to the next group: True once the group holding it
        is committed (its outcome or error set), False when the estate is to write it
        itself."""
        member = _Member(estate_id, batch, asyncio.get_running_loop().create_future(), busy)
        self._grouped.append(member)
        if self._grouping is None:
            self._grouping = asyncio.create_task(self._write_groups())
        return await member.written

    async def _write_groups(self) -> None:
        """The process's group writer: takes what waits once it has a writer slot (so what
        arrives meanwhile joins), writes it, and goes on until nothing waits."""
        members: list[_Member] = []
        try:
            while self._grouped:
                async with self._threads:
                    members = self._grouped[:MAX_GROUP]
                    del self._grouped[:MAX_GROUP]
                    written = len(members) > 1 and await anyio.to_thread.run_sync(
                        self._write_group, members
                    )
                for member in members:  # (a busy estate's may have been left out)
                    member.written.set_result(written and all(_given(w) for w in member.batch))
                members = []
        finally:
            self._grouping = None
            for member in [*members, *self._grouped]:  # only if the writer itself failed
                if not member.written.done():
                    member.written.set_result(False)
            self._grouped.clear()

    def _write_group(self, members: list[_Member]) -> bool:
        with self._session_factory() as session:
            # held until the session ends (see ``_write``)
            estates = session.scalars(
                select(Estate).where(Estate.id.in_([m.estate_id for m in members]))
            ).all()
            written = write_together(
                session,
                [(m.estate_id, m.batch) for m in members],
                lock_wait_ms=GROUP_LOCK_WAIT_MS,
                busy={m.estate_id for m in members if m.busy},
            )
            del estates
            return written

    def _write(self, estate_id: int, batch: list[_Waiting]) -> None:
        with self._session_factory() as session:
            # Held until the session ends: the ledger mirror's hook appends the committed
            # entries straight to the file only for an estate still in the session's
            # (weak) identity map; otherwise it reads them back on a second connection.
            estate = session.get(Estate, estate_id)
            write_batch(session, estate_id, batch)
            del estate


def write_together(
    session: Session,
    members: list[tuple[int, list[_Waiting]]],
    *,
    lock_wait_ms: int | None = None,
    busy: Collection[int] = (),
) -> bool:
    """Check and write the batches of ``members`` (``(estate id, batch)``: one estate's
    batch, or a group's lone payments) in one transaction, estates in id order, each batch
    as ``_pay_together`` checks it. True: committed, every payment given its outcome or
    error — except those of a ``busy`` estate whose locks another transaction held
    (PostgreSQL, ``_without_held``): left out, given nothing. False: rolled back, nothing
    given (a lock waited for longer than ``lock_wait_ms`` on PostgreSQL, a locked period, a
    database error…); the caller then writes the payments in smaller transactions."""
    members = sorted(members, key=lambda member: member[0])
    try:
        with unit_of_work(session):
            if is_postgres(session):
                _set_local(session, lock_wait_ms)
                if busy:
                    members = _without_held(session, members, busy)
            answered = list(
                zip((batch for _, batch in members), _pay_together(session, members), strict=True)
            )
            add_audits(
                session,
                [
                    waiting.audit
                    for batch, answers in answered
                    for waiting, answer in zip(batch, answers, strict=True)
                    if waiting.audit is not None and isinstance(answer, tuple)
                ],
            )
    except Exception as exc:
        log.info(
            "written in smaller transactions",
            estates=len(members),
            payments=sum(len(batch) for _, batch in members),
            reason=repr(exc),
        )
        return False
    for batch, answers in answered:
        for waiting, answer in zip(batch, answers, strict=True):
            if isinstance(answer, BaseException):
                waiting.error = answer
            else:
                waiting.outcome = answer
    return True


def _given(waiting: _Waiting) -> bool:
    return waiting.outcome is not None or waiting.error is not None


def _without_held(
    session: Session, members: list[tuple[int, list[_Waiting]]], busy: Collection[int]
) -> list[tuple[int, list[_Waiting]]]:
    """``members`` less the ``busy`` estates whose receipt counter (of the year their
    payments are dated in) or ledger head another transaction holds now — those of the
    estate's batches in another process, mostly: they are left out, for their own writers.
    The others' counters and heads are locked here, before anything else of the group's,
    without waiting (``SKIP LOCKED``), and stay locked until the group ends: the group never
    queues behind a busy estate's writers, which queue behind the group instead. An estate
    whose year has no counter yet is left out too (its first receipt creates it). These two
    locks come before the group's charge rows, against the usual order: a group that then
    waits for a charge row held by a busy estate's other writer (the same household paid
    twice at once), itself waiting for that counter, gives up after ``lock_wait_ms`` and is
    written estate by estate, like any group that waits too long."""
    years: dict[int, set[int]] = {}
    for estate_id, batch in members:
        if estate_id in busy:
            today = today_in(get_estate(session, estate_id))
            years[estate_id] = {(w.data.paid_on or today).year for w in batch}
    wanted = [(estate_id, year) for estate_id, ys in years.items() for year in sorted(ys)]
    counted = lock_counters_if_free(session, wanted)
    free = [e for e, ys in years.items() if all((e, year) in counted for year in ys)]
    headed = lock_heads_if_free(session, free) if free else set()
    return [member for member in members if member[0] not in busy or member[0] in headed]


def _set_local(session: Session, lock_wait_ms: int | None) -> None:
    """``SET LOCAL`` of a batch's or group's transaction on PostgreSQL, in one statement: the
    generic plans of its statements that take arrays (``db/lists.GENERIC_PLANS``), and how
    long it waits for a lock (``lock_wait_ms``), if given."""
    settings = dict(GENERIC_PLANS)
    if lock_wait_ms is not None:
        settings["lock_timeout"] = f"{lock_wait_ms}ms"
    session.connection().execute(
        select(*(func.set_config(name, value, True) for name, value in settings.items()))
    )


def write_batch(session: Session, estate_id: int, batch: list[_Waiting]) -> None:
    """Give every payment of ``batch`` its outcome or error: together in one transaction
    (``write_together``), or, when that fails (and for a batch of one), one by one as
    ``record_payment`` records it."""
    try:
        if len(batch) > 1 and write_together(session, [(estate_id, batch)]):
            return
        for waiting in batch:
            try:
                with unit_of_work(session):
                    outcome = take_payment(
                        session,
                        estate_id,
                        waiting.data,
                        actor_user_id=waiting.actor_user_id,
                        idempotency_key=waiting.key,
                    )
                    add_audits(session, [waiting.audit] if waiting.audit is not None else [])
                waiting.outcome = outcome
            except Exception as exc:  # the request's own answer
                waiting.error = exc
    except BaseException as exc:
        for waiting in batch:
            if waiting.outcome is None and waiting.error is None:
                waiting.error = exc
        raise


def _pay_together(
    session: Session, members: list[tuple[int, list[_Waiting]]]
) -> list[list[Outcome | TrustfundError]]:
    """Check and write the batches of ``members`` (``(estate id, batch)``, each estate once)
    in the session's transaction (not committed here): per batch, each payment's outcome or
    the error refusing it. The keys of every batch are claimed in one statement and what
    their households owe is read in two; then the checked payments of every estate are
    written together (``record_planned_in``: one statement per step for all of them).
    Raises when they cannot be written as a whole (the caller then writes them in smaller
    transactions)."""
    answers: list[list[Outcome | TrustfundError | None]] = [[None] * len(b) for _, b in members]
    digests: list[dict[int, str]] = [{} for _ in members]
    first_with: list[dict[str, int]] = [{} for _ in members]  # key → its first payment
    scopes = [f"fees.payment:{estate_id}" for estate_id, _ in members]
    for m, (_, batch) in enumerate(members):
        for i, waiting in enumerate(batch):
            if waiting.key is None:
                continue
            try:
                check_key(waiting.key)
            except ValidationError as exc:
                answers[m][i] = exc
                continue
            digests[m][i] = digest_of(waiting.data.model_dump(mode="json"))
            first_with[m].setdefault(waiting.key, i)
    claimed, taken = claim_scoped_keys(
        session,
        {
            (scopes[m], key): digests[m][i]
            for m, firsts in enumerate(first_with)
            for key, i in firsts.items()
        },
    )
    member_of = {scope: m for m, scope in enumerate(scopes)}
    for (scope, key), record in taken.items():
        m = member_of[scope]
        i = first_with[m][key]
        try:
            answers[m][i] = (cast(PaymentOut, replay_of(record, digests[m][i], key)), True)
        except TrustfundError as exc:
            answers[m][i] = exc

    todo = [
        [
            i
            for i, waiting in enumerate(batch)
            if answers[m][i] is None and (waiting.key is None or first_with[m][waiting.key] == i)
        ]
        for m, (_, batch) in enumerate(members)
    ]
    households, owed = owed_in_estates(
        session,
        {
            estate_id: [
                (a.household_code.strip(), a.fee_year)
                for i in todo[m]
                for a in batch[i].data.allocations
            ]
            for m, (estate_id, batch) in enumerate(members)
        },
    )
    plans: list[dict[int, PaymentPlan]] = [{} for _ in members]
    for m, (estate_id, batch) in enumerate(members):
        estate = get_estate(session, estate_id)
        for i in todo[m]:
            try:
                plans[m][i] = plan_payment(
                    session, estate, batch[i].data, households[estate_id], owed=owed
                )
            except ValidationError as exc:
                answers[m][i] = exc
    release_claims(
        session,
        [
            claimed[(scopes[m], used)]
            for m, (_, batch) in enumerate(members)
            for i in todo[m]
            if i not in plans[m] and (used := batch[i].key) is not None
        ],
    )

    runs: list[tuple[int, list[int]]] = []  # (member, its indexes): one actor's payments
    for m, (_, batch) in enumerate(members):
        written = [i for i in todo[m] if i in plans[m]]
        for _, run in groupby(written, key=lambda i: batch[i].actor_user_id):
            runs.append((m, list(run)))
    views = record_planned_in(
        session,
        [
            (
                members[m][0],
                [plans[m][i] for i in indexes],
                members[m][1][indexes[0]].actor_user_id,
                [
                    claimed[(scopes[m], used)] if (used := members[m][1][i].key) else None
                    for i in indexes
                ],
            )
            for m, indexes in runs
        ],
    )
    for (m, indexes), run_views in zip(runs, views, strict=True):
        for i, view in zip(indexes, run_views, strict=True):
            # as run_idempotent answers: the view read back from its JSON
            answers[m][i] = (json.loads(json.dumps(view, default=str, ensure_ascii=False)), False)

    for m, (_, batch) in enumerate(members):  # the same key again in a batch: its replay
        for i, waiting in enumerate(batch):
            if answers[m][i] is not None or waiting.key is None:
                continue
            first = first_with[m][waiting.key]
            answer = answers[m][first]
            if digests[m][i] != digests[m][first]:
                answers[m][i] = IdempotencyConflictError(
                    Message("journal.idempotency_reused", key=waiting.key)
                )
            elif isinstance(answer, tuple):
                answers[m][i] = (answer[0], True)
            else:
                answers[m][i] = answer
    assert all(answer is not None for batch in answers for answer in batch)
    return cast(list[list[Outcome | TrustfundError]], answers)
