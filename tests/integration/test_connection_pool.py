"""PostgreSQL's connection pool (issue 19): connections stay open between requests, are
checked only when they have idled, and a dead one is replaced before anyone uses it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from trustfund.db import session as db_session
from trustfund.db.session import make_engine, make_session_factory, statement_by_statement

pytestmark = pytest.mark.postgres_only


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine: Engine, pid: int) -> None:
    with engine.connect() as other:
        assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()


def test_a_connection_in_use_a_moment_ago_is_not_pinged(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = make_engine(db_url)
    pings: list[Any] = []
    ping = pool.dialect.do_ping
    monkeypatch.setattr(pool.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    try:
        first = _backend_pid(pool)
        assert [_backend_pid(pool) for _ in range(5)] == [first] * 5  # kept, not reopened
        assert pings == []
    finally:
        pool.dispose()


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = make_engine(db_url)
    try:
        # Without the ping (it idled "too briefly"), a connection the server ended fails
        # its first statement — what the ping is there to spare a request.
        dead = _backend_pid(pool)
        _terminate(engine, dead)
        with pytest.raises(DBAPIError), pool.connect() as connection:
            connection.execute(text("SELECT 1"))
        # Idle long enough: pinged at checkout, found dead, replaced before use.
        monkeypatch.setattr(db_session, "PING_AFTER_IDLE", 0.0)
        alive = _backend_pid(pool)
        _terminate(engine, alive)
        replaced = _backend_pid(pool)
        assert replaced not in (dead, alive)
    finally:
        pool.dispose()


def test_statement_by_statement_autocommits_on_the_engines_own_pool(db_url: str) -> None:
    """A session set ``statement_by_statement`` runs on the autocommit copy that
    ``make_engine`` made with the engine: its write stands without a commit, and its
    connection is one of the engine's pooled ones. A session whose engine was made some other
    way is refused, not left in a transaction that would drop such a write."""
    engine = make_engine(db_url)
    try:
        pid = _backend_pid(engine)  # the pool's one connection
        with make_session_factory(engine)() as session:
            statement_by_statement(session)
            session.execute(text("CREATE TABLE by_statement (x int)"))
            session.execute(text("INSERT INTO by_statement VALUES (1)"))
            assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() == pid
        # closed without commit()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM by_statement")).scalar() == 1
        other = create_engine(db_url)
        try:
            with Session(other) as session, pytest.raises(TypeError, match="make_engine"):
                statement_by_statement(session)
        finally:
            other.dispose()
    finally:
        engine.dispose()
