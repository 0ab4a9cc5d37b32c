"""Security headers on every response (issue 14, item 10): no MIME sniffing, no framing,
and a Content-Security-Policy that allows this site's own files only — inline scripts never,
a page's own ``<style>`` elements by their hash."""

from __future__ import annotations

import base64
import hashlib
import re

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user


def _assert_protected(response, what: str) -> str:  # type: ignore[no-untyped-def]
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", what
    assert headers["x-frame-options"] == "DENY", what
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy, what
    assert "script-src 'self';" in policy, what
    assert "default-src 'none'" in policy, what
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, what
    return str(policy)


def test_every_kind_of_response_carries_the_headers(
    client: TestClient[Litestar], session: Session
) -> None:
    make_estate(session, "a")
    _, token = make_user(session, admin=True)
    responses = {
        "json": client.get("/health"),
        "html page": client.get("/login"),
        "docs": client.get("/schema/swagger"),
        "schema": client.get("/schema/openapi.json"),
        "static": client.get("/static/web/site.css"),
        "no route (404)": client.get("/nothing/here"),
        "wrong method (405)": client.post("/health"),
        "problem (401)": client.get("/api/v1/users"),
        "problem (422)": client.post("/api/v1/users", json={}, headers=auth_headers(token)),
        "public ledger file": client.get("/api/v1/public/estates/a/ledger.beancount"),
    }
    for what, response in responses.items():
        assert response.status_code < 500, what
        _assert_protected(response, what)


def test_a_page_may_use_its_own_styles_and_no_inline_script(client: TestClient[Litestar]) -> None:
    page = client.get("/login")
    policy = _assert_protected(page, "login")
    styles = re.findall(r"<style>(.*?)</style>", page.text, re.DOTALL)
    assert styles, "the sign-in page has its styles in the document"
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # every script a file
    assert not re.search(r"\sstyle=\"", page.text)  # style attributes are not allowed
    docs = client.get("/schema/swagger")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", docs.text)
    assert "/static/api/docs/swagger-init.js" in docs.text
    assert client.get("/static/api/docs/swagger-init.js").status_code == 200
