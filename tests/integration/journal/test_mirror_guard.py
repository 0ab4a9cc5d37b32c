"""The mirror file may be the only other copy of the journal (issue 14 item 8): a file ahead
of the database, or different from it, is never overwritten silently — start-up, ``serve``
and ``ledger sync`` refuse and log an error, leaving it alone, until ``ledger sync --force``
after inspection (which keeps the file aside). ``ledger check`` compares the mirror with
the database byte for byte and names the first difference."""

from __future__ import annotations

import traceback
from datetime import date

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import fee_payment
from trustfund.app import create_app
from trustfund.cli import main
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry
from trustfund.journal import service
from trustfund.journal.mirror import export_text, mirror_path
from trustfund.settings import Settings


def _env(settings: Settings) -> dict[str, str]:
    return {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "test",
        "BEANCOUNT_DISABLE_LOAD_CACHE": "1",
    }


def _post(session: Session, estate: Estate, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        service.post_entry(
            session, estate.id, fee_payment(date(2026, 2, 1 + i)), idempotency_key=f"f{i}"
        )
    session.commit()


def test_start_up_sync_and_serve_refuse_a_mirror_ahead_of_the_database(
    session: Session,
    estate: Estate,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _post(session, estate, 2)
    path = mirror_path(settings, estate)
    path.parent.mkdir(parents=True, exist_ok=True)
    current = export_text(session, estate.id)
    session.rollback()
    # the file has one more entry than the database: what a restore from an older backup
    # (or a rewritten database) leaves behind
    extra = '\n2026-02-09 * "2026年度综合服务费" ^tf-99\n  hash: "' + "a" * 64 + '"\n  seq: "99"\n'
    path.write_text(current + extra, encoding="utf-8")
    before = path.read_bytes()

    started = False
    try:
        with TestClient(create_app(settings, engine=engine)):
            started = True
    except BaseException as exc:
        assert "MirrorAheadError" in "".join(traceback.format_exception(exc))
    assert not started, "the app started with a mirror ahead of the database"
    assert path.read_bytes() == before
    logged = capsys.readouterr().out
    assert '"event":"ledger mirror differs from the database: left alone"' in logged
    assert '"level":"error"' in logged

    runner = CliRunner()
    synced = runner.invoke(main, ["ledger", "sync"], env=_env(settings))
    assert synced.exit_code == 1 and "left alone" in synced.output, synced.output
    assert path.read_bytes() == before
    served = runner.invoke(main, ["serve", "--no-upgrade", "--port", "1"], env=_env(settings))
    assert served.exit_code == 1 and "ledger sync --force" in served.output, served.output
    assert path.read_bytes() == before
    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=_env(settings))
    assert checked.exit_code == 1
    assert "goes on after the database's last entry" in checked.output, checked.output

    # after inspection: --force keeps the file aside and rewrites it from the database
    forced = runner.invoke(main, ["ledger", "sync", "--force", "youhe"], env=_env(settings))
    assert forced.exit_code == 0, forced.output
    assert path.read_text(encoding="utf-8") == current
    kept = list(path.parent.glob("youhe.beancount.diverged-*"))
    assert [k.read_bytes() for k in kept] == [before]
    assert runner.invoke(main, ["ledger", "check", "youhe"], env=_env(settings)).exit_code == 0


def test_a_file_that_lost_its_tail_is_caught_up_at_start_up(
    session: Session, estate: Estate, settings: Settings, engine: Engine
) -> None:
    """A crash between a commit and the file write leaves the start of the export: that one
    is still repaired silently (nothing is lost by appending)."""
    _post(session, estate, 3)
    current = export_text(session, estate.id).encode()
    session.rollback()
    path = mirror_path(settings, estate)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(current[: len(current) - 40])
    with TestClient(create_app(settings, engine=engine)):
        pass
    assert path.read_bytes() == current


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda t: t.replace("-90.00 CNY", "-9.00 CNY", 1), "(entry {first})"),
        (lambda t: t.replace('option "title" "', 'option "title" "假', 1), "line 3"),
        (lambda t: t[: t.rindex("\n\n")] + "\n", "entries behind the database"),
    ],
    ids=["amount", "title", "tail-missing"],
)
def test_ledger_check_compares_the_mirror_with_the_database(
    session: Session,
    estate: Estate,
    settings: Settings,
    change,
    where: str,  # type: ignore[no-untyped-def]
) -> None:
    _post(session, estate, 2)
    first = session.scalar(
        select(func.min(JournalEntry.seq)).where(
            JournalEntry.estate_id == estate.id, JournalEntry.kind == "fee_payment"
        )
    )
    where = where.format(first=first)
    session.close()
    runner = CliRunner()
    assert runner.invoke(main, ["ledger", "sync"], env=_env(settings)).exit_code == 0
    ok = runner.invoke(main, ["ledger", "check", "youhe"], env=_env(settings))
    assert ok.exit_code == 0 and "mirror:   identical to the database" in ok.output, ok.output
    path = mirror_path(settings, estate)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=_env(settings))
    assert checked.exit_code == 1
    assert f"mirror {path}" in checked.output and where in checked.output, checked.output
