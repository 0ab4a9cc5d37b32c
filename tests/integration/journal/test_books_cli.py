"""``trustfund books status | propose-opening | decide``: a new estate's books opened from
the command line alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trustfund.cli import main


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFUND_DATABASE_URL", db_url)
    monkeypatch.setenv("TRUSTFUND_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRUSTFUND_LEDGER_DIR", str(tmp_path / "ledgers"))


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_books_open_from_the_command_line(cli_env: None) -> None:
    runner = CliRunner()
    _run(runner, "estate", "create", "xinhe", "--name", "新河小区")
    for name, role in (("guanjia", "steward"), ("weiyuan", "committee")):
        _run(runner, "user", "add", name, "--display-name", name, "--password", "a long password")
        _run(runner, "user", "grant", name, role, "--estate", "xinhe")
    assert "not open: " in _run(runner, "books", "status", "xinhe")
    assert "建账" in _run(runner, "books", "status", "xinhe")

    bad = runner.invoke(
        main,
        ["books", "propose-opening", "xinhe", "--date", "2025-01-01", "--user", "guanjia",
         "--fund", "electricity:bank=100,payable=200"],
    )  # fmt: skip
    assert bad.exit_code == 1 and "funds[0]" in bad.output and "below zero" in bad.output
    typo = runner.invoke(
        main,
        ["books", "propose-opening", "xinhe", "--date", "2025-01-01", "--user", "guanjia",
         "--fund", "electricity:bnak=100"],
    )  # fmt: skip
    assert typo.exit_code == 2 and "bank, cash, payable, prepaid" in typo.output

    proposed = _run(
        runner, "books", "propose-opening", "xinhe", "--date", "2025-01-01", "--user", "guanjia",
        "--fund", "electricity:bank=3120.50,cash=0", "--fund", "maintenance:bank=8000,payable=1500",
    )  # fmt: skip
    assert '"status": "pending"' in proposed and '"total_opening": "9620.50"' in proposed
    own = runner.invoke(main, ["books", "decide", "xinhe", "--user", "guanjia"])
    assert own.exit_code == 1 and "guanjia may not approve" in own.output
    decided = _run(runner, "books", "decide", "xinhe", "--user", "weiyuan")
    assert "approved" in decided and "open since 2025-01-01" in decided
    assert "maintenance\tbank 8000.00\tcash 0.00\tpayable 1500.00" in decided
    again = runner.invoke(
        main,
        ["books", "propose-opening", "xinhe", "--date", "2025-01-01", "--user", "guanjia",
         "--fund", "electricity:bank=1"],
    )  # fmt: skip
    assert again.exit_code == 1 and "second opening is refused" in again.output
