"""Backup and restore round trip (``trustfund backup`` / ``trustfund restore``): after
restoring into a new database, ``trustfund ledger check`` passes and every estate's head hash
is the one printed at backup time; on PostgreSQL the restored journal is still append-only."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.conftest import PG_URL
from tests.integration.fees.helpers import approved_schedule, make_fee_estate
from trustfund.cli import main
from trustfund.db.models.estates import Household
from trustfund.db.models.journal import LedgerHead
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import record_payment
from trustfund.fees.schemas import PaymentIn

HEAD = re.compile(r"^(\S+): head seq (\d+) hash ([0-9a-f]{64})", re.MULTILINE)


def _books(session: Session) -> tuple[int, str]:
    """An estate with a fee year and a few payments; its (last seq, head hash)."""
    estate = make_fee_estate(session, households=4, slug="youhe")
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    session.commit()
    codes = session.scalars(select(Household.code).where(Household.estate_id == estate.id))
    for i, code in enumerate(list(codes)[:3]):
        data = PaymentIn.model_validate(
            {
                "method": "cash",
                "amount": "80.00",
                "paid_on": date(2026, 3, 1 + i),
                "allocations": [{"household_code": code, "fee_year": 2026, "amount": "80.00"}],
            }
        )
        record_payment(session, estate.id, data, actor_user_id=None, idempotency_key=f"b{i}")
    head = session.get(LedgerHead, estate.id)
    assert head is not None
    result = (head.last_seq, head.last_hash)
    session.rollback()
    return result


@pytest.fixture
def restore_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database URL that does not exist yet (SQLite) or names an empty database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'trustfund.db'}"
        return
    name = f"tf_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "TRUSTFUND_DATABASE_URL": url,
        "TRUSTFUND_LEDGER_DIR": str(tmp_path / "ledgers"),
        "TRUSTFUND_VAR_DIR": str(tmp_path / "var"),
        "TRUSTFUND_SECRET_KEY": "backup-test",
    }


def test_backup_and_restore_keep_the_books_and_the_head_hash(
    backend: str, session: Session, db_url: str, restore_url: str, tmp_path: Path
) -> None:
    seq, head_hash = _books(session)
    runner = CliRunner()
    archive = tmp_path / "backups" / ("trustfund.db" if backend == "sqlite" else "trustfund.dump")

    saved = runner.invoke(main, ["backup", str(archive)], env=_env(db_url, tmp_path))
    assert saved.exit_code == 0, saved.output
    assert HEAD.findall(saved.output) == [("youhe", str(seq), head_hash)]
    again = runner.invoke(main, ["backup", str(archive)], env=_env(db_url, tmp_path))
    assert again.exit_code != 0 and "exists" in again.output  # never overwrites a backup

    restored = runner.invoke(main, ["restore", str(archive)], env=_env(restore_url, tmp_path))
    assert restored.exit_code == 0, restored.output
    assert HEAD.findall(restored.output) == [("youhe", str(seq), head_hash)]
    assert "ledger check OK" in restored.output

    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=_env(restore_url, tmp_path))
    assert checked.exit_code == 0, checked.output
    assert f"head:     {head_hash}" in checked.output

    synced = runner.invoke(main, ["ledger", "sync"], env=_env(restore_url, tmp_path))
    assert synced.exit_code == 0, synced.output
    verified = runner.invoke(main, ["ledger", "verify", str(tmp_path / "ledgers/youhe.beancount")])
    assert verified.exit_code == 0 and f"head:    {head_hash}" in verified.output

    over = runner.invoke(main, ["restore", str(archive)], env=_env(restore_url, tmp_path))
    assert over.exit_code != 0  # never restores over a database that has data


@pytest.mark.postgres_only
def test_restored_postgres_journal_is_still_append_only(
    session: Session, db_url: str, restore_url: str, tmp_path: Path
) -> None:
    _books(session)
    runner = CliRunner()
    archive = tmp_path / "trustfund.dump"
    assert runner.invoke(main, ["backup", str(archive)], env=_env(db_url, tmp_path)).exit_code == 0
    assert (
        runner.invoke(main, ["restore", str(archive)], env=_env(restore_url, tmp_path)).exit_code
        == 0
    )

    triggers = "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
    original = session.execute(text(triggers)).all()
    session.rollback()
    engine = create_engine(restore_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text(triggers)).all() == original
            assert any(table == "journal_entries" for table, _ in original)
            with pytest.raises(DBAPIError):
                conn.execute(text("UPDATE journal_entries SET narration = 'x'"))
            conn.rollback()
            with pytest.raises(DBAPIError):
                conn.execute(text("DELETE FROM journal_postings"))
    finally:
        engine.dispose()
