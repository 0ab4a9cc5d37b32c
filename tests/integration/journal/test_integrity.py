"""Append-only storage, tamper detection, the mirror file, bean-check and the CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import fee_payment, payout
from trustfund.cli import main
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry
from trustfund.db.session import make_session_factory
from trustfund.journal import service
from trustfund.journal.check import check_estate, verify_journal
from trustfund.journal.mirror import export_text, mirror_path, sync_all_mirrors, sync_mirror
from trustfund.settings import Settings

BEAN_CHECK = Path(sys.executable).parent / "bean-check"


def _post_some(session: Session, estate: Estate) -> list[int]:
    """Three fee payments, a payout and its reversal; their seqs (accounts the chart opens
    when first needed take the seqs between them)."""
    seqs = [
        service.post_entry(
            session, estate.id, fee_payment(date(2026, 2, 1 + i)), idempotency_key=f"f{i}"
        ).seq
        for i in range(3)
    ]
    e = service.post_entry(
        session, estate.id, payout(date(2026, 3, 1), "maintenance", "88.80"), idempotency_key="p"
    )
    service.reverse_entry(
        session, estate.id, e.seq, on=date(2026, 3, 2), reason="重复", idempotency_key="r"
    )
    session.commit()
    return [*seqs, e.seq]


@pytest.mark.postgres_only
def test_postgres_refuses_update_delete_and_unbalanced_entries(
    session: Session, estate: Estate, engine: Engine
) -> None:
    first = _post_some(session, estate)[0]
    for statement in (
        "UPDATE journal_postings SET amount = amount + 1 WHERE id = (SELECT min(id) FROM journal_postings)",
        f"DELETE FROM journal_entries WHERE seq = {first}",
        "UPDATE journal_entries SET narration = 'x'",
        "TRUNCATE journal_postings CASCADE",
    ):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
    with engine.connect() as conn:
        entry_id = conn.execute(
            text(f"SELECT id FROM journal_entries WHERE seq = {first}")
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO journal_entries (estate_id, seq, date, kind, narration, meta, text, hash,"
                " prev_hash, idempotency_key, fingerprint, created_at) VALUES (:e, 999, '2026-01-01',"
                " 'general', 'x', '{}', 'x', 'h', 'p', 'k', 'f', now())"
            ),
            {"e": estate.id},
        )
        conn.execute(
            text(
                "INSERT INTO journal_postings (entry_id, estate_id, date, position, account, amount)"
                " SELECT id, estate_id, date, 0, 'Assets:Bank:Committee', 5 FROM journal_entries WHERE seq = 999"
            )
        )
        with pytest.raises(DBAPIError, match="unbalanced"):
            conn.commit()
        assert entry_id


def _tamper(engine: Engine, backend: str, statement: str) -> None:
    with engine.connect() as conn:
        if backend == "postgres":  # as superuser, switch the guard off to simulate an attacker
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(statement))
        conn.commit()


@pytest.mark.parametrize(
    ("statement", "posted"),
    [
        (
            "UPDATE journal_postings SET amount = -91.00 WHERE amount = -90.00 AND entry_id = (SELECT id FROM journal_entries WHERE seq = {seq})",
            1,
        ),
        (
            "UPDATE journal_entries SET text = replace(text, '综合服务费', '综合服务费 ') WHERE seq = {seq}",
            0,
        ),
        ("UPDATE journal_entries SET date = '2026-02-09' WHERE seq = {seq}", 2),
        (
            "UPDATE journal_postings SET account = 'Assets:Cash:Steward' WHERE entry_id = (SELECT id FROM journal_entries WHERE seq = {seq}) AND position = 1",
            3,
        ),
    ],
)
def test_changed_rows_are_detected_naming_the_first_bad_entry(
    session: Session, estate: Estate, engine: Engine, backend: str, statement: str, posted: int
) -> None:
    bad_seq = _post_some(session, estate)[posted]
    assert verify_journal(session, estate.id).ok
    session.close()
    _tamper(engine, backend, statement.format(seq=bad_seq))
    result = verify_journal(session, estate.id)
    assert not result.ok and result.first_bad_seq == bad_seq, result.problem
    assert not check_estate(session, estate.id).ok


def test_deleted_entry_is_detected(
    session: Session, estate: Estate, engine: Engine, backend: str
) -> None:
    seq = _post_some(session, estate)[1]
    session.close()
    _tamper(
        engine,
        backend,
        f"DELETE FROM journal_postings WHERE entry_id = (SELECT id FROM journal_entries WHERE seq = {seq})",
    )
    _tamper(engine, backend, f"DELETE FROM journal_entries WHERE seq = {seq}")
    result = verify_journal(session, estate.id)
    assert result.first_bad_seq == seq


def test_mirror_equals_export_and_passes_bean_check(
    session: Session, estate: Estate, settings: Settings, engine: Engine
) -> None:
    _post_some(session, estate)
    assert sync_mirror(session, settings, estate) is True
    path = mirror_path(settings, estate)
    assert path.read_bytes() == export_text(session, estate.id).encode()
    assert sync_mirror(session, settings, estate) is False
    full = path.read_bytes()
    path.write_bytes(full[: len(full) // 2])  # a crash lost the file's tail
    assert sync_all_mirrors(make_session_factory(engine), settings) == 1
    assert path.read_bytes() == export_text(session, estate.id).encode()
    header = path.read_text().split("\n\n", 1)[0]
    assert "plugin" not in header and "include" not in header and "pythonpath" not in header
    done = subprocess.run(
        [str(BEAN_CHECK), str(path)],
        capture_output=True,
        text=True,
        env={"BEANCOUNT_DISABLE_LOAD_CACHE": "1"},
    )
    assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stderr


def test_cli_export_check_verify(
    session: Session, estate: Estate, settings: Settings, tmp_path: Path
) -> None:
    payout_seq = _post_some(session, estate)[-1]
    last = session.scalar(
        select(func.max(JournalEntry.seq)).where(JournalEntry.estate_id == estate.id)
    )
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(tmp_path / "l"),
    }
    runner = CliRunner()
    out = tmp_path / "youhe.beancount"
    assert (
        runner.invoke(main, ["ledger", "export", "youhe", "-o", str(out)], env=env).exit_code == 0
    )
    assert out.read_bytes() == export_text(session, estate.id).encode()
    session.rollback()  # SQLite: end the read so the command can write
    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "OK" in checked.output
    verified = runner.invoke(main, ["ledger", "verify", str(out)])
    assert verified.exit_code == 0 and f"entries: {last}" in verified.output
    out.write_text(out.read_text().replace("-88.80 CNY", "-88.00 CNY"))
    bad = runner.invoke(main, ["ledger", "verify", str(out)])
    assert bad.exit_code == 1 and f"first bad entry: {payout_seq}" in bad.output
    synced = runner.invoke(main, ["ledger", "sync"], env=env)
    assert synced.exit_code == 0 and "youhe.beancount: updated" in synced.output


def test_public_ledger_file_serves_the_export_to_anyone(
    client: TestClient[Litestar], session: Session, estate: Estate
) -> None:
    _post_some(session, estate)
    expected = export_text(session, estate.id).encode()
    session.rollback()
    response = client.get("/api/v1/public/estates/youhe/ledger.beancount")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == expected
    assert "张伟明" not in response.text
    assert client.get("/api/v1/public/estates/nope/ledger.beancount").status_code == 404
