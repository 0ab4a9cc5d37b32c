"""``trustfund serve --workers N`` (issue 19): N processes on PostgreSQL; SQLite, which has
one writer at a time, runs one and says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from trustfund.cli import main


def _serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str
) -> tuple[dict[str, Any], str, int]:
    seen: dict[str, Any] = {}
    monkeypatch.setattr("trustfund.cli.serve.uvicorn.run", lambda *a, **kw: seen.update(kw))
    monkeypatch.setenv("TRUSTFUND_SECRET_KEY", "test")
    monkeypatch.setenv("TRUSTFUND_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRUSTFUND_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("TRUSTFUND_LEDGER_DIR", str(tmp_path / "ledgers"))
    result = CliRunner().invoke(main, ["serve", *args])
    return seen, result.output, result.exit_code


def test_sqlite_runs_one_worker_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen, output, code = _serve(monkeypatch, tmp_path, "--workers", "4")
    assert code == 0, output
    assert seen["workers"] == 1
    assert "SQLite has one writer at a time; running 1 worker, not 4" in output


def test_no_workers_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen, output, code = _serve(monkeypatch, tmp_path, "--workers", "0")
    assert code == 2 and not seen
    assert "--workers" in output


def test_help_says_what_workers_do_on_each_backend() -> None:
    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "PostgreSQL: N processes share the payments" in text
    assert "SQLite: always 1" in text
