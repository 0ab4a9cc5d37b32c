"""PostgreSQL's connection pool (issue 19): connections stay open between requests, are
checked only when they have idled, and a dead one is replaced before anyone uses it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from trustfund.db import session as db_session
from trustfund.db.session import make_engine, make_reader

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


def test_the_reader_reads_in_autocommit_on_its_own_pool(db_url: str) -> None:
    """``make_reader`` (identifying callers): a pool of its own, in autocommit — a write
    stands without a commit, and a connection back in the pool keeps the statements psycopg
    prepared on it (nothing is rolled back on return, so no ``DEALLOCATE ALL``)."""
    engine = make_engine(db_url)
    reader = make_reader(engine)
    try:
        assert reader is not engine and reader.pool is not engine.pool
        with reader.connect() as connection:
            connection.execute(text("CREATE TABLE by_reader (x int)"))
            connection.execute(text("INSERT INTO by_reader VALUES (1)"))
        with engine.connect() as connection:  # closed without commit()
            assert connection.execute(text("SELECT count(*) FROM by_reader")).scalar() == 1
        with reader.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            for _ in range(6):  # psycopg prepares a statement at its fifth run
                connection.execute(text("SELECT x FROM by_reader WHERE x = :x"), {"x": 1})
        with reader.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() == pid
            prepared = connection.execute(text("SELECT count(*) FROM pg_prepared_statements"))
            assert prepared.scalar_one() >= 1
            connection.execute(text("DROP TABLE by_reader"))
    finally:
        reader.dispose()
        engine.dispose()
