"""Someone with a copy of the database (or write access to the mirror file) plants beancount
directives that run code — ``plugin`` imports a Python module, ``include`` reads another file,
``option "insert_pythonpath"`` widens the import path. None of our commands may run them
(issue 14 item 5): ``ledger check`` and ``restore`` report the tampering and stop at the
first chain failure, and text that failed the chain never reaches beancount; ``ledger
verify`` reads a file without beancount at all.

The attacker owns the database: on PostgreSQL the append-only triggers are switched off for
the attack (``session_replication_role = replica``), as the owner role could."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.integration.hardening.test_backup import restore_url  # noqa: F401 -- a fixture
from tests.integration.journal.attacker import rewrite_entry
from tests.integration.journal.conftest import fee_payment, payout
from trustfund.cli import main
from trustfund.db.models.estates import Estate
from trustfund.journal import service
from trustfund.settings import Settings


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """An importable plugin module that leaves a marker file when imported or run."""
    marker = tmp_path / "plugin-ran"
    name = f"tf_planted_{tmp_path.name.replace('-', '_')}"
    module_dir = tmp_path / "modules"
    module_dir.mkdir()
    (module_dir / f"{name}.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported')\n"
        "__plugins__ = ['run']\n"
        "def run(entries, options_map, config=None):\n"
        f"    pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "    return entries, []\n"
    )
    monkeypatch.syspath_prepend(str(module_dir))
    yield name, marker


def _books(session: Session, estate: Estate) -> int:
    """Three fee payments and a payout; the seq of the second payment."""
    seqs = [
        service.post_entry(
            session, estate.id, fee_payment(date(2026, 2, 1 + i)), idempotency_key=f"f{i}"
        ).seq
        for i in range(3)
    ]
    service.post_entry(
        session, estate.id, payout(date(2026, 3, 1), "maintenance", "88.80"), idempotency_key="p"
    )
    session.commit()
    return seqs[1]


def _env(settings: Settings, url: str | None = None) -> dict[str, str]:
    return {
        "TRUSTFUND_DATABASE_URL": url or settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "test",
        "BEANCOUNT_DISABLE_LOAD_CACHE": "1",
    }


PLANTED = [
    'plugin "{module}"\n',
    'option "insert_pythonpath" "TRUE"\nplugin "{module}" "x"\n',
    'include "/etc/hostname"\nplugin "{module}"\n',
]


def _refused(result: Result, marker: Path) -> None:
    assert result.exit_code == 1, result.output
    assert not marker.exists(), f"the planted plugin ran: {marker.read_text()}"


@pytest.mark.parametrize("rehash", [False, True], ids=["hash-unchanged", "chain-rewritten"])
@pytest.mark.parametrize("planted", PLANTED, ids=["plugin", "pythonpath", "include"])
def test_ledger_check_and_restore_never_run_what_was_planted_in_the_database(
    session: Session,
    estate: Estate,
    engine: Engine,
    backend: str,
    settings: Settings,
    plugin: tuple[str, Path],
    planted: str,
    rehash: bool,
    restore_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    module, marker = plugin
    seq = _books(session, estate)
    session.close()
    runner = CliRunner()
    assert runner.invoke(main, ["ledger", "check", "youhe"], env=_env(settings)).exit_code == 0
    line = planted.format(module=module)
    rewrite_entry(engine, backend, estate.id, seq, lambda t: t + line, rehash=rehash)

    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=_env(settings))
    _refused(checked, marker)
    assert f"entry {seq}" in checked.output, checked.output
    assert "stopped at the first chain failure" in checked.output

    archive = tmp_path / ("backup.db" if backend == "sqlite" else "backup.dump")
    saved = runner.invoke(main, ["backup", str(archive)], env=_env(settings))
    assert saved.exit_code == 0, saved.output
    restored = runner.invoke(main, ["restore", str(archive)], env=_env(settings, restore_url))
    _refused(restored, marker)
    assert "ledger check FAILED" in restored.output and f"entry {seq}" in restored.output


def test_a_plugin_planted_in_the_mirror_file_runs_in_none_of_our_commands(
    session: Session, estate: Estate, settings: Settings, plugin: tuple[str, Path]
) -> None:
    module, marker = plugin
    _books(session, estate)
    session.close()
    runner = CliRunner()
    assert runner.invoke(main, ["ledger", "sync"], env=_env(settings)).exit_code == 0
    mirror = settings.ledger_dir / "youhe.beancount"
    clean = mirror.read_text()
    for planted in (
        f'option "insert_pythonpath" "TRUE"\nplugin "{module}"\n' + clean,  # before the header
        clean.replace("\n\n", f'\n\nplugin "{module}"\n', 3),  # among the entries
        clean + f'\nplugin "{module}"\n',  # after the last entry
    ):
        mirror.write_text(planted)
        verified = runner.invoke(main, ["ledger", "verify", str(mirror)])
        _refused(verified, marker)
    assert runner.invoke(main, ["ledger", "export", "youhe"], env=_env(settings)).exit_code == 0
    assert not marker.exists()


@pytest.mark.parametrize(
    "column",
    [
        "narration = '2026年度综合服务费（已退）'",
        "payee = '某某'",
        'meta = \'{"household": "H-XXXXXX"}\'',
        "kind = 'general'",
    ],
)
def test_columns_pages_show_are_covered_by_the_chain(
    session: Session, estate: Estate, engine: Engine, backend: str, settings: Settings, column: str
) -> None:
    """Public and staff pages show an entry's narration, payee and metadata from its columns;
    a changed column (the text and its hash untouched) is reported as tampering."""
    seq = _books(session, estate)
    session.close()
    with engine.begin() as conn:
        if backend == "postgres":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"UPDATE journal_entries SET {column} WHERE seq = {seq}"))
    checked = CliRunner().invoke(main, ["ledger", "check", "youhe"], env=_env(settings))
    assert checked.exit_code == 1
    assert f"entry {seq}: its text is not the one its columns" in checked.output, checked.output
