"""The command line's environment for the reconciliation tests: the test database, and
files under the test's temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFUND_DATABASE_URL", db_url)
    monkeypatch.setenv("TRUSTFUND_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRUSTFUND_LEDGER_DIR", str(tmp_path / "ledgers"))
