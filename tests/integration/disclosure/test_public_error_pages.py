"""Residents' browsers get Chinese error pages on every public address (issue 16, item 7):
an unknown estate, disclosure, receipt number (malformed or unknown) or address. API
clients — and anything under ``/api/`` — keep the problem documents."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_estate

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _page(client: TestClient[Litestar], path: str, status: int, *words: str) -> str:
    r = client.get(path, headers=BROWSER)
    assert r.status_code == status, (path, r.status_code, r.text[:200])
    assert r.headers["content-type"].startswith("text/html"), path
    assert r.headers["cache-control"] == "no-store"
    assert 'lang="zh-CN"' in r.text and "<h1>" in r.text
    for word in words:
        assert word in r.text, (path, word)
    assert "Not found" not in r.text and '"status"' not in r.text
    # the page's own styles are allowed by hash; no inline script, no style attribute
    assert "'sha256-" in r.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text)
    assert not re.search(r"\sstyle=\"", r.text)
    return r.text


def test_public_addresses_answer_a_browser_in_chinese(
    client: TestClient[Litestar], session: Session
) -> None:
    make_estate(session, "youhe", name="游河小区")
    session.commit()
    _page(client, "/e/nowhere", 404, "没有找到代号为“nowhere”的小区", 'href="/"')
    _page(client, "/e/nowhere/verify", 404, "没有找到代号为“nowhere”的小区")
    text = _page(client, "/e/youhe/d/999", 404, "没有找到这一期公示", 'href="/e/youhe"')
    assert "查找小区" in text
    _page(client, "/e/youhe/d/abc", 404, "没有找到这一期公示")
    # an unknown receipt number: what to check, and the form to try again
    text = _page(client, "/r/youhe/2026-999999", 404, "没有找到编号为“2026-999999”的收据")
    assert 'action="/e/youhe/receipt"' in text and "联系红色管家" in text
    # a malformed number typed in the receipt form: the field and the reason in Chinese
    text = _page(
        client, "/e/youhe/receipt?no=12%2034", 422, "收据编号", "只能包含字母、数字和短横线"
    )
    assert 'action="/e/youhe/receipt"' in text
    _page(client, "/e/nowhere/receipt?no=2026-1", 404, "没有找到代号为“nowhere”的小区")
    _page(client, "/no/such/address", 404, "没有这个页面")
    _page(client, "/r/youhe", 404, "没有这个页面")


def test_api_clients_keep_problem_documents(client: TestClient[Litestar], session: Session) -> None:
    make_estate(session, "youhe")
    session.commit()
    for path, headers in (
        ("/e/nowhere", {}),  # no Accept preference: the problem document, as before
        ("/r/youhe/2026-999999", {"Accept": "application/json"}),
        ("/api/v1/public/estates/nowhere/disclosures/", BROWSER),  # the API, even for a browser
        ("/api/v1/public/estates/youhe/receipts/2026-999999", BROWSER),
        ("/api/no/such", BROWSER),
    ):
        r = client.get(path, headers=headers)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/problem+json"), path
        assert r.json()["status"] == 404
    r = client.get("/e/youhe/receipt", params={"no": "12 34"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "no"
