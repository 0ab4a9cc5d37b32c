"""A new installation set up only through public interfaces: the ``trustfund`` command for
the first administrator and each person's API token, the HTTP API for everything else.

Used by tests that must prove a path works for a real user, not only for the demo or a
factory. ``new_installation`` is a fixture (see ``conftest.py`` of this package).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient

from tests.factories import auth_headers
from trustfund.cli import main

Headers = dict[str, str]
PASSWORD = "a long enough password"


@dataclass
class Installation:
    """The installation's HTTP client, CLI runner and the admin's headers; ``estate``
    creates an estate by API and ``person`` adds a user holding one role in it."""

    client: TestClient[Litestar]
    runner: CliRunner
    admin: Headers
    people: dict[str, Headers] = field(default_factory=dict)

    def cli(self, *args: str) -> str:
        result = self.runner.invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result.stdout

    def estate(self, slug: str, name: str = "游河小区") -> str:
        answer = self.client.post(
            "/api/v1/estates/", json={"slug": slug, "name": name}, headers=self.admin
        )
        assert answer.status_code == 201, answer.text
        return slug

    def person(self, username: str, role: str, estate: str) -> Headers:
        """A new user with ``role`` in ``estate`` (all by API) and a token (by CLI)."""
        made = self.client.post(
            "/api/v1/users/",
            json={"username": username, "display_name": username, "password": PASSWORD},
            headers=self.admin,
        )
        assert made.status_code == 201, made.text
        granted = self.client.post(
            f"/api/v1/users/{made.json()['id']}/memberships",
            json={"role": role, "estate": estate},
            headers=self.admin,
        )
        assert granted.status_code == 201, granted.text
        token = self.cli("user", "token", username, "--name", "test").strip()
        self.people[username] = auth_headers(token)
        return self.people[username]


def new_installation(
    client: TestClient[Litestar], db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Installation:
    """An empty database with one administrator, made by ``trustfund user add --admin``."""
    monkeypatch.setenv("TRUSTFUND_DATABASE_URL", db_url)
    monkeypatch.setenv("TRUSTFUND_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRUSTFUND_LEDGER_DIR", str(tmp_path / "ledgers"))
    runner = CliRunner()
    added = runner.invoke(
        main, ["user", "add", "root", "--display-name", "管理员", "--password", PASSWORD, "--admin"]
    )
    assert added.exit_code == 0, added.output
    issued = runner.invoke(main, ["user", "token", "root", "--name", "setup"])
    assert issued.exit_code == 0, issued.output
    return Installation(client, runner, auth_headers(issued.stdout.strip()))
