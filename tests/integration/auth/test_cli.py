"""``trustfund user add | grant | token``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate
from trustfund.auth.digest import sha256_hex
from trustfund.cli import main
from trustfund.db.models.auth import ApiToken, AuditRecord


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFUND_DATABASE_URL", db_url)
    monkeypatch.setenv("TRUSTFUND_VAR_DIR", str(tmp_path / "var"))


def test_add_grant_and_token(
    cli_env: None, session: Session, engine: Engine, client: TestClient[Litestar]
) -> None:
    make_estate(session, "youhe", community="游河社区")
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["user", "add", "Steward", "--display-name", "李管家"],
        input="a long password\na long password\n",
    )
    assert added.exit_code == 0, added.output
    assert "user steward (李管家) created" in added.output
    granted = runner.invoke(main, ["user", "grant", "steward", "steward", "--estate", "youhe"])
    assert granted.exit_code == 0, granted.output
    assert "steward is steward in estate youhe" in granted.output
    supervisor = runner.invoke(
        main, ["user", "add", "sup", "--display-name", "社区", "--password", "another password"]
    )
    assert supervisor.exit_code == 0, supervisor.output
    community = runner.invoke(
        main, ["user", "grant", "sup", "supervisor", "--community", "游河社区"]
    )
    assert community.exit_code == 0, community.output
    issued = runner.invoke(main, ["user", "token", "steward", "--name", "bank import"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert token.startswith("tf_")
    with Session(engine) as s:
        assert s.scalars(select(ApiToken.token_hash)).one() == sha256_hex(token)
    with Session(engine) as s:
        records = list(s.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    assert [(r.action, r.method, r.outcome) for r in records] == [
        ("cli.user_add", "CLI", "ok"),
        ("cli.user_grant", "CLI", "ok"),
        ("cli.user_add", "CLI", "ok"),
        ("cli.user_grant", "CLI", "ok"),
        ("cli.user_token", "CLI", "ok"),
    ]
    assert all(r.username.startswith("cli:") for r in records)
    assert records[1].detail["estate"] == "youhe"
    me = client.get("/api/v1/auth/me", headers=auth_headers(token)).json()
    assert me["display_name"] == "李管家"
    assert [(m["role"], m["estate"]) for m in me["memberships"]] == [("steward", "youhe")]


def test_errors_are_clean_messages(cli_env: None, session: Session) -> None:
    make_estate(session, "youhe")
    runner = CliRunner()
    short = runner.invoke(main, ["user", "add", "bob", "--display-name", "B", "--password", "x"])
    assert short.exit_code == 1
    assert "password: must be at least 8 characters" in short.output
    nobody = runner.invoke(main, ["user", "grant", "ghost", "steward", "--estate", "youhe"])
    assert nobody.exit_code == 1
    assert "No user 'ghost'" in nobody.output
    both = runner.invoke(main, ["user", "grant", "ghost", "steward"])
    assert both.exit_code == 2
    assert "exactly one of --estate or --community" in both.output
