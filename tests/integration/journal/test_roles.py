"""The PostgreSQL role split (``trustfund db roles``, docs/deploy.md): the service's role can
post entries, but cannot UPDATE, DELETE or TRUNCATE the journal or the disclosure snapshots,
cannot disable their triggers and cannot switch triggers off for its session — what the
probe of issue 14 did as the owner. Roles are cluster-wide: each test makes its own and
drops them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.integration.journal.conftest import fee_payment, make_estate
from trustfund.cli import main
from trustfund.db.session import make_engine, make_session_factory
from trustfund.journal import service
from trustfund.journal.check import check_estate


@dataclass
class Roles:
    owner: str
    app: str
    app_url: str
    owner_url: str


@pytest.fixture
def roles(db_url: str) -> Iterator[Roles]:
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"tf_owner_{suffix}", f"tf_app_{suffix}"
    url = make_url(db_url)
    made = Roles(
        owner,
        app,
        url.set(username=app).render_as_string(hide_password=False),
        url.set(username=owner).render_as_string(hide_password=False),
    )
    yield made
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for role in (app, owner):
                if conn.execute(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
                ).first():
                    conn.execute(text(f"REASSIGN OWNED BY {role} TO CURRENT_USER"))
                    conn.execute(text(f"DROP OWNED BY {role}"))
                    conn.execute(text(f"DROP ROLE {role}"))
    finally:
        admin.dispose()


@pytest.mark.postgres_only
def test_the_service_role_cannot_rewrite_the_journal(db_url: str, roles: Roles) -> None:
    env = {"TRUSTFUND_DATABASE_URL": db_url, "TRUSTFUND_SECRET_KEY": "test"}
    applied = CliRunner().invoke(
        main, ["db", "roles", "--owner", roles.owner, "--app", roles.app, "--apply"], env=env
    )
    assert applied.exit_code == 0, applied.output

    # the service, connected as its role, opens books and posts as usual
    engine = make_engine(roles.app_url)
    try:
        with make_session_factory(engine)() as session:
            estate = make_estate(session)
            service.open_books(session, estate.id, on=date(2026, 1, 1))
            service.post_entry(
                session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="a"
            )
            session.commit()
            assert check_estate(session, estate.id).ok
        attacks = [
            "UPDATE journal_entries SET narration = 'x'",
            "DELETE FROM journal_postings",
            "TRUNCATE journal_entries CASCADE",
            "UPDATE disclosure_snapshots SET ledger_hash = 'x'",
            "DELETE FROM period_locks",
            "ALTER TABLE journal_entries DISABLE TRIGGER ALL",
            "ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_append_only",
            "SET session_replication_role = replica",
            "DROP TRIGGER journal_entries_append_only ON journal_entries",
            f"SET ROLE {roles.owner}",
            "CREATE TABLE sneaky (id int)",
        ]
        for attack in attacks:
            with engine.connect() as conn:
                with pytest.raises(DBAPIError) as refused:
                    conn.execute(text(attack))
                message = str(refused.value.orig)
                assert "permission denied" in message or "must be owner" in message, (
                    attack,
                    message,
                )
                conn.rollback()
    finally:
        engine.dispose()

    # the owner runs migrations and owns the triggers; it is not the service
    owner = create_engine(roles.owner_url)
    try:
        with owner.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                    " AND tableowner <> :o"
                ),
                {"o": roles.owner},
            ).scalar_one()
            assert tables == 0
            superuser = conn.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = :a"), {"a": roles.app}
            ).scalar_one()
            assert superuser is False
    finally:
        owner.dispose()


def test_db_roles_prints_the_sql_and_refuses_bad_names() -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["db", "roles", "--owner", "tf_owner", "--app", "tf_app"])
    assert printed.exit_code == 0, printed.output
    assert (
        "REVOKE UPDATE, DELETE, TRUNCATE ON journal_entries, journal_postings,"
        " disclosure_snapshots FROM tf_app;" in printed.output
    )
    bad = runner.invoke(main, ["db", "roles", "--app", "x; DROP TABLE y"])
    assert bad.exit_code == 2 and "lower-case letters" in bad.output
