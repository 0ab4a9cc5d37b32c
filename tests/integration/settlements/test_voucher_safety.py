"""Vouchers against a hostile uploader and an anonymous crowd (issue 14, items 9 and 10):
images with too many pixels and decompression bombs are refused at upload, files are
checked by their content (an HTML page starting with ``%PDF-`` is no PDF), and the public
thumbnail is rendered once and served from storage with an ETag — never by decoding the
original per request."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_image, make_pdf, png_header
from tests.integration.settlements.helpers import World, build, report_work_order
from trustfund.db.models.settlements import Voucher
from trustfund.settings import Settings
from trustfund.settlements import vouchers


def _work_order(client: TestClient[Litestar], world: World) -> str:
    oid = report_work_order(client, world)
    return f"/api/v1/estates/{world.estate.slug}/work-orders/{oid}/photos"


def _claim(client: TestClient[Litestar], world: World) -> str:
    base = f"/api/v1/estates/{world.estate.slug}"
    claim = client.post(
        f"{base}/claims",
        json={
            "payee": "甬安维修公司",
            "fund": "maintenance",
            "expense_item": "Repairs",
            "description": "楼道灯",
            "work_date": "2026-03-02",
            "lines": [{"item_code": "WX-001", "quantity": "1", "unit_price": "35.00"}],
        },
        headers=auth_headers(world.steward[1]),
    )
    assert claim.status_code == 201, claim.text
    return f"{base}/claims/{claim.json()['id']}/vouchers"


def _voucher_count(session: Session) -> int:
    count = session.scalar(select(func.count()).select_from(Voucher))
    session.rollback()
    return int(count or 0)


def _stored_files(settings: Settings) -> list[Any]:
    return [p for p in (settings.var_dir / "vouchers").rglob("*") if p.is_file()]


@pytest.mark.parametrize("size", [(9000, 9000), (14000, 14000)])
def test_an_image_with_too_many_pixels_is_refused_at_upload(
    session: Session, client: TestClient[Litestar], settings: Settings, size: tuple[int, int]
) -> None:
    world = build(session, "vb")
    session.rollback()
    steward = auth_headers(world.steward[1])
    bomb = png_header(*size)
    for url in (_work_order(client, world), _claim(client, world)):
        refused = client.post(url, files={"file": ("bomb.png", bomb, "image/png")}, headers=steward)
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert error["field"] == "file"
        assert "50,000,000" in error["reason"]
    assert _voucher_count(session) == 0
    assert not (settings.var_dir / "vouchers").exists() or _stored_files(settings) == []


def test_a_file_is_checked_by_its_content_not_its_first_bytes(
    session: Session, client: TestClient[Litestar]
) -> None:
    world = build(session, "vc")
    session.rollback()
    steward = auth_headers(world.steward[1])
    url = _claim(client, world)
    html = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"
    truncated = make_image()[:4000]
    for name, data, kind in (
        ("invoice.pdf", html, "application/pdf"),
        ("photo.jpg", truncated, "image/jpeg"),
    ):
        refused = client.post(url, files={"file": (name, data, kind)}, headers=steward)
        assert refused.status_code == 422, (name, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["file"]
    assert _voucher_count(session) == 0
    accepted = client.post(
        url, files={"file": ("invoice.pdf", make_pdf(), "application/pdf")}, headers=steward
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["content_type"] == "application/pdf"


def _public_photo(
    client: TestClient[Litestar], world: World, photo: bytes
) -> tuple[dict[str, Any], str]:
    stored = client.post(
        _work_order(client, world),
        files={"file": ("photo.jpg", photo, "image/jpeg")},
        headers=auth_headers(world.steward[1]),
    )
    assert stored.status_code == 201, stored.text
    voucher = stored.json()
    marked = client.put(
        f"/api/v1/estates/{world.estate.slug}/vouchers/{voucher['id']}/public",
        json={"public": True},
        headers=auth_headers(world.committee[0][1]),
    )
    assert marked.status_code == 200, marked.text
    return voucher, f"/api/v1/public/estates/{world.estate.slug}/vouchers/{voucher['id']}/file"


def _forbid_decoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any attempt to open an image fail loudly (and be counted)."""
    calls: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        calls.append("Image.open")
        raise AssertionError("the public request decoded an image")

    monkeypatch.setattr(Image, "open", refuse)
    return calls


def test_the_public_thumbnail_is_rendered_at_upload_and_served_without_decoding(
    session: Session,
    client: TestClient[Litestar],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build(session, "vd")
    session.rollback()
    photo = make_image(4000, 3000)
    voucher, url = _public_photo(client, world, photo)
    stored = settings.var_dir / "vouchers" / "thumbs" / voucher["sha256"][:2]
    [thumb_file] = list(stored.iterdir())
    assert Image.open(thumb_file).size == (800, 600)

    calls = _forbid_decoding(monkeypatch)
    first = client.get(url)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "image/png"
    assert first.content == thumb_file.read_bytes()
    assert first.headers["cache-control"] == "public, no-cache"
    etag = first.headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert calls == []

    # withdrawn: a cache revalidating with the old ETag gets the placeholder, not a 304
    monkeypatch.undo()
    withdrawn = client.put(
        f"/api/v1/estates/{world.estate.slug}/vouchers/{voucher['id']}/public",
        json={"public": False},
        headers=auth_headers(world.committee[0][1]),
    )
    assert withdrawn.status_code == 200
    hidden = client.get(url, headers={"If-None-Match": etag})
    assert hidden.status_code == 200 and hidden.headers["etag"] != etag
    assert Image.open(io.BytesIO(hidden.content)).size == (320, 200)


def test_a_voucher_without_a_stored_thumbnail_is_rendered_once(
    session: Session,
    client: TestClient[Litestar],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Images uploaded before thumbnails were stored: the first public request renders and
    stores the thumbnail, later ones read it."""
    world = build(session, "ve")
    session.rollback()
    _, url = _public_photo(client, world, make_image(1600, 1200))
    thumbs = settings.var_dir / "vouchers" / "thumbs"
    [thumb_file] = [p for p in thumbs.rglob("*.png")]
    expected = thumb_file.read_bytes()
    thumb_file.unlink()  # as if uploaded by an older release

    rendered: list[int] = []
    render = vouchers.render_thumbnail

    def counting(data: bytes, content_type: str) -> bytes:
        rendered.append(len(data))
        return render(data, content_type)

    monkeypatch.setattr(vouchers, "render_thumbnail", counting)
    responses = [client.get(url) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert all(r.content == expected for r in responses)
    assert len(rendered) == 1
    assert thumb_file.read_bytes() == expected
