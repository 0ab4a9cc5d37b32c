"""Engines, sessions and the unit of work. Services receive a ``Session``; a *command*
(everything one request or CLI call writes) is one transaction, ended in one place: the
``command`` decorator (or ``unit_of_work`` around a block) commits when it completes and
rolls back when it raises, so the API, the staff pages and the CLI write exactly the same
way and nothing is half-written. Building blocks only flush; queries only read.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from trustfund.errors import NotFoundError
from trustfund.messages import Message

#: SQLite: transactions begun in this context only read (``BEGIN DEFERRED``, no write lock).
_READS_ONLY: ContextVar[bool] = ContextVar("trustfund_sqlite_reads_only", default=False)
_HOLDS_WRITER_LOCK = "trustfund.holds_writer_lock"
#: How long a writer waits for the in-process queue before it tries SQLite's own lock anyway.
WRITER_QUEUE_TIMEOUT = 30.0


@contextmanager
def reads_only() -> Iterator[None]:
    """On SQLite, transactions begun inside run ``BEGIN DEFERRED``: one snapshot for all
    their reads, no write lock. For sessions that only read (the ledger mirror); a write
    inside may fail with "database is locked" when another writer committed since its first
    read. No effect on PostgreSQL."""
    token = _READS_ONLY.set(True)
    try:
        yield
    finally:
        _READS_ONLY.reset(token)


#: PostgreSQL connections the pool keeps open. Payment batches, handlers, audit records and
#: token notes each take one of their own, so 16 clients paying at once held 10–20 (when
#: identifying the caller took one too); with SQLAlchemy's default of 5 every connection
#: beyond it was closed on return and opened again for the next request — 586 new server
#: processes in ten seconds of payments, each forked, authenticated and with cold caches and
#: no prepared statements (issue 19). A worker holds at most ``POOL_SIZE + POOL_OVERFLOW``
#: here and ``READER_POOL_SIZE + READER_POOL_OVERFLOW`` on its reader: 30 (docs/deploy.md).
POOL_SIZE = 20
#: Connections opened beyond ``POOL_SIZE`` when more are needed at once (closed on return).
POOL_OVERFLOW = 5

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")
_PENDING = "trustfund.begin_pending"


def _takes_write_lock(statement: str, context: Any) -> bool:
    """Whether ``statement`` writes (or is a savepoint), or is a ``SELECT … FOR UPDATE``
    (which the SQLite compiler leaves out of the SQL text, so it is read off the statement)."""
    if statement.lstrip()[:9].upper().startswith(_WRITES):
        return True
    compiled = getattr(context, "compiled", None)
    target = getattr(compiled, "statement", None)
    return getattr(target, "_for_update_arg", None) is not None


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite gets foreign keys, WAL and a busy timeout, and writers
    are serialised the way PostgreSQL's row locks serialise them, as late as possible:

    - A transaction starts without a SQLite transaction: its reads see the last commit, as
      under PostgreSQL's READ COMMITTED.
    - Its first write, savepoint or ``SELECT … FOR UPDATE`` takes the write lock
      (``BEGIN IMMEDIATE``) and keeps it until commit or rollback — so what a service reads
      after its ``FOR UPDATE`` or first write cannot change under it, on both backends.
    - Writers of one process queue first on a lock in the process and only then ask SQLite:
      SQLite's busy handler polls in growing sleeps (up to 100 ms), so under many concurrent
      writers a waiter could sleep through many commits. Between processes the busy handler
      still decides.

    ``reads_only()`` gives a transaction one consistent snapshot (``BEGIN DEFERRED``).

    PostgreSQL: the pool keeps ``POOL_SIZE`` connections open (see there) and checks one
    before use when it has idled (``PING_AFTER_IDLE``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        writers = threading.Lock()

        def _release(info: dict[str, Any]) -> None:
            info.pop(_PENDING, None)
            if info.pop(_HOLDS_WRITER_LOCK, False):
                writers.release()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            if _READS_ONLY.get():
                conn.exec_driver_sql("BEGIN")
            else:
                conn.info[_PENDING] = True

        @event.listens_for(engine, "before_cursor_execute")
        def _sqlite_lock_on_write(
            conn: Any, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
        ) -> None:
            if not conn.info.get(_PENDING) or not _takes_write_lock(statement, context):
                return
            conn.info[_PENDING] = False
            conn.info[_HOLDS_WRITER_LOCK] = writers.acquire(timeout=WRITER_QUEUE_TIMEOUT)
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except BaseException:
                _release(conn.info)
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _sqlite_end(conn: Any) -> None:
            _release(conn.info)

        @event.listens_for(engine, "checkin")
        @event.listens_for(engine, "invalidate")
        @event.listens_for(engine, "close")
        def _sqlite_gone(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
            if record is not None:
                _release(record.info)

        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    engine = create_engine(url, **kwargs)
    _ping_after_idle(engine)
    return engine


#: A pooled PostgreSQL connection idle for longer than this is checked before use.
PING_AFTER_IDLE = 5.0
_IDLE_SINCE = "trustfund.idle_since"


def _ping_after_idle(engine: Engine) -> None:
    """Connections idle in the pool for more than ``PING_AFTER_IDLE`` seconds are pinged at
    checkout, and a dead one (the server restarted, a proxy dropped it) is replaced before
    anyone uses it. SQLAlchemy's ``pool_pre_ping`` pinged at every checkout: one more round
    trip for every transaction, 8 % of the payments a busy server could take (issue 19). A
    connection that dies within seconds of its last use still fails its first statement;
    SQLAlchemy then discards it and every connection older than the failure."""

    @event.listens_for(engine, "checkin")
    def _idle(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE:
            return  # just opened, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection dead after idling: {exc!r}") from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"


#: Connections the reader (``make_reader``) keeps open, and opens beyond them when needed:
#: identifying callers on the event loop needs one at a time (it only runs there when one is
#: idle); the rest are for identifications handed to threads meanwhile.
READER_POOL_SIZE = 2
READER_POOL_OVERFLOW = 3


def make_reader(engine: Engine) -> Engine:
    """An engine for a few independent reads that need no common snapshot, as identifying a
    request's caller — on PostgreSQL its own small pool of connections in autocommit: each
    statement is a transaction of its own, with no ``BEGIN``, no ``ROLLBACK`` and nothing to
    reset when a connection goes back to the pool. This keeps the connections' prepared
    statements (psycopg drops them all at a rollback, ``DEALLOCATE ALL``) and costs less than
    an ORM session on ``engine``'s pool switched to autocommit and back at every checkout:
    identifying a caller took ~0.74 ms of CPU that way and 0.24–0.30 ms on a reader (issue
    19). Dispose it with ``engine``. SQLite: ``engine`` itself (its reads begin no
    transaction)."""
    if engine.dialect.name != "postgresql":
        return engine
    reader = create_engine(
        engine.url,
        isolation_level="AUTOCOMMIT",
        pool_size=READER_POOL_SIZE,
        max_overflow=READER_POOL_OVERFLOW,
        pool_reset_on_return=None,  # autocommit: no transaction is ever left open
    )
    _ping_after_idle(reader)
    return reader


def has_idle_connection(engine: Engine) -> bool:
    """Whether ``engine``'s pool holds an open connection nobody uses, so that taking one
    now should neither wait nor connect (another thread may still take it first: then the
    pool opens one of its overflow connections, or waits when all are in use)."""
    pool = engine.pool
    return isinstance(pool, QueuePool) and pool.checkedin() > 0


_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def unit_of_work(
    session: Session, *, keep: tuple[type[BaseException], ...] = ()
) -> Iterator[Session]:
    """One transaction: commits when the block completes, rolls back when it raises — except
    for the errors in ``keep``, whose work is committed before they propagate (a decision
    refused because the figures changed still records the voided request).

    ``with unit_of_work(session): ...`` for a block; ``@command`` for a whole function."""
    try:
        yield session
    except keep:
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    session.commit()


def command(
    function: Callable[Concatenate[Session, _P], _R],
) -> Callable[Concatenate[Session, _P], _R]:
    """Marks ``function`` (whose first argument is the session) as a command: it runs in
    ``unit_of_work``, so it commits when it returns and rolls back when it raises. The
    one way a service says "this ends the transaction"; it never calls ``commit`` itself.
    Errors are those of ``function``."""

    @functools.wraps(function)
    def run(session: Session, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with unit_of_work(session):
            return function(session, *args, **kwargs)

    return run


_Row = TypeVar("_Row")


def lock_row(
    session: Session, model: type[_Row], row_id: int, *, estate_id: int | None, missing: Message
) -> _Row:
    """Row ``row_id`` of ``model`` — of estate ``estate_id`` unless that is None — locked until
    the transaction ends (``FOR UPDATE`` on PostgreSQL) and fresh from the database (another
    writer may have changed it since this session read it). Raises ``NotFoundError(missing)``
    when there is none (also for another estate's row: existence is not leaked)."""
    table: Any = model
    query = select(table).where(table.id == row_id)
    if estate_id is not None:
        query = query.where(table.estate_id == estate_id)
    row = session.scalars(
        query.with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise NotFoundError(missing)
    found: _Row = row
    return found
