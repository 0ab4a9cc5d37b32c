"""X-Forwarded-For is believed only from configured proxies (issue 14, item 10): by default
uvicorn gets no proxy headers at all (before, any local client could set the address the
audit log records and the sign-in limit counts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from trustfund.cli import main


def _serve(monkeypatch: pytest.MonkeyPatch, proxies: str | None, tmp_path: Path) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    monkeypatch.setattr("trustfund.cli.serve.uvicorn.run", lambda *a, **kw: seen.update(kw))
    if proxies is None:
        monkeypatch.delenv("TRUSTFUND_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("TRUSTFUND_TRUSTED_PROXIES", proxies)
    monkeypatch.setenv("TRUSTFUND_SECRET_KEY", "test")
    monkeypatch.setenv("TRUSTFUND_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRUSTFUND_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("TRUSTFUND_LEDGER_DIR", str(tmp_path / "ledgers"))
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    return seen


def test_forwarded_headers_are_ignored_unless_proxies_are_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    default = _serve(monkeypatch, None, tmp_path)
    assert default["proxy_headers"] is False
    assert default["forwarded_allow_ips"] is None


def test_forwarded_headers_are_believed_from_the_configured_proxies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    configured = _serve(monkeypatch, "10.0.0.10,10.0.1.0/24", tmp_path)
    assert configured["proxy_headers"] is True
    assert configured["forwarded_allow_ips"] == "10.0.0.10,10.0.1.0/24"
