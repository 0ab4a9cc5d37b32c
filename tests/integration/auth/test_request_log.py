"""One log line per request, written by PrincipalMiddleware: what happened and who asked,
never a credential."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_user


def test_each_request_is_logged_once_without_credentials(
    client: TestClient[Litestar], session: Session, capfd: pytest.CaptureFixture[str]
) -> None:
    user, token = make_user(session)
    secret_cookie = "tf_session=cookie-secret-value-123"
    capfd.readouterr()
    ok = client.get("/api/v1/auth/me", headers={**auth_headers(token), "Cookie": secret_cookie})
    refused = client.get("/api/v1/auth/me", headers=auth_headers("tf_not-a-real-token"))
    assert (ok.status_code, refused.status_code) == (200, 401)
    output = capfd.readouterr()
    everything = output.out + output.err
    lines = [
        json.loads(line)
        for line in everything.splitlines()
        if line.startswith("{") and '"event":"request"' in line.replace(" ", "")
    ]
    assert [(e["method"], e["path"], e["status"], e["user"]) for e in lines] == [
        ("GET", "/api/v1/auth/me", 200, user.username),
        ("GET", "/api/v1/auth/me", 401, None),
    ]
    assert all(isinstance(e["ms"], float) and e["ms"] >= 0 for e in lines)
    for secret in (token, "cookie-secret-value-123", "tf_not-a-real-token"):
        assert secret not in everything
