from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate


def test_home_lists_estates_without_sign_in(client: TestClient[Litestar], session: Session) -> None:
    session.add(
        Estate(slug="youhe", name="游河小区", community="游河社区", street_office="白云街道")
    )
    session.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "游河小区" in page.text
    assert "/api/v1/public/estates/youhe/ledger.beancount" in page.text


def test_home_says_when_there_are_no_estates(client: TestClient[Litestar]) -> None:
    assert "还没有小区" in client.get("/").text
