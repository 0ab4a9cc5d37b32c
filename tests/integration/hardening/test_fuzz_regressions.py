"""What schemathesis found (``test_fuzz.py``), one test each, so it stays fixed."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate

UPLOADS = [
    "/api/v1/estates/own/households/import",
    "/api/v1/estates/own/fees/payments/import",
    "/api/v1/estates/own/prices/import?effective_from=2026-01-01",
    "/api/v1/estates/own/work-orders/1/photos",
    "/api/v1/estates/own/claims/1/vouchers",
]


def _steward(session: Session) -> dict[str, str]:
    estate = make_estate(session, "own")
    _, token = make_user(session, Role.STEWARD, estate)
    _, admin = make_user(session, admin=True)
    session.rollback()
    return {"steward": token, "admin": admin}


@pytest.mark.parametrize("path", UPLOADS)
def test_an_upload_form_without_a_file_is_a_422_naming_file(
    session: Session, client: TestClient[Litestar], path: str
) -> None:
    """Litestar's ``MultipartBody[UploadFile]`` let a StopIteration escape: 500."""
    tokens = _steward(session)
    response = client.post(
        path,
        content=b'--b\r\nContent-Disposition: form-data; name="2"\r\n\r\nnull\r\n--b--\r\n',
        headers={
            "Content-Type": "multipart/form-data; boundary=b",
            **auth_headers(tokens["admin"]),
        },
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {
        "field": "file",
        "reason": "required: a multipart form with one file",
        "code": "input.file_required",
        "params": {},
    } in response.json()["errors"]


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("DELETE", "/api/v1/auth/tokens/7154518552704988487876608", None),
        ("GET", "/api/v1/users/99999999999999999999999", None),
        ("GET", "/api/v1/estates/own/claims/99999999999999999999999", None),
        (
            "POST",
            "/api/v1/estates/own/goods/slips",
            {
                "item": "灯泡",
                "unit": "个",
                "kind": "issue",
                "quantity": "1",
                "slip_date": "2026-03-01",
                "claim_id": 272756236929760326626069530642743296,
            },
        ),
    ],
)
def test_a_number_beyond_the_database_range_is_a_422_not_a_500(
    backend: str,
    session: Session,
    client: TestClient[Litestar],
    method: str,
    path: str,
    body: Any,
) -> None:
    """SQLite raised OverflowError and PostgreSQL a DataError for ids beyond 64 bits."""
    tokens = _steward(session)
    response = client.request(method, path, json=body, headers=auth_headers(tokens["admin"]))
    assert response.status_code == 422, f"{backend}: {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["request"]


def test_openapi_documents_what_the_operations_answer(client: TestClient[Litestar]) -> None:
    spec = client.get("/schema/openapi.json").json()
    paths = spec["paths"]
    void = paths["/api/v1/estates/{estate_slug}/fees/receipts/{receipt_no}/void"]["post"]
    assert "202" in void["responses"] and "201" not in void["responses"]
    logout = paths["/api/v1/auth/logout"]["post"]["responses"]["204"]
    assert "content" not in logout  # a 204 has no body
    ledger = paths["/api/v1/public/estates/{estate_slug}/ledger.beancount"]["get"]
    assert list(ledger["responses"]["200"]["content"]) == ["text/plain"]
    for operation in (item[m] for item in paths.values() for m in item if m != "parameters"):
        for status in ("401", "403", "404", "409", "422"):
            content = operation["responses"][status]["content"]
            assert content == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
    assert spec["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
    ]


@pytest.mark.parametrize("estate", [{}, [], 5])
def test_a_bad_body_field_named_like_a_dependency_is_a_422_naming_it(
    session: Session, client: TestClient[Litestar], estate: Any
) -> None:
    """Litestar filed the error of body field ``estate`` (also the name of a dependency)
    as a dependency failure: 500."""
    tokens = _steward(session)
    user, _ = make_user(session)
    session.rollback()
    response = client.post(
        f"/api/v1/users/{user.id}/memberships",
        json={"role": "council", "estate": estate},
        headers=auth_headers(tokens["admin"]),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "estate", "reason": "Input should be a valid string"}
    ]


def test_funder_reports_say_their_content_type_once(
    session: Session, client: TestClient[Litestar]
) -> None:
    """The HTML report answered ``text/html; charset=utf-8; charset=utf-8``, and the
    OpenAPI document promised JSON only."""
    from tests.factories import seed_grants
    from trustfund.db.models.grants import GrantProject, GrantSource

    tokens = _steward(session)
    estate_id = session.scalar(select(Estate.id).where(Estate.slug == "own"))
    estate = session.get(Estate, estate_id)
    assert estate is not None
    seed_grants(session, estate)
    source = session.scalar(select(GrantSource.id).where(GrantSource.estate_id == estate_id))
    project = session.scalar(select(GrantProject.id).where(GrantProject.estate_id == estate_id))
    session.rollback()
    spec = client.get("/schema/openapi.json").json()["paths"]
    for path in (f"sources/{source}/report", f"projects/{project}/report"):
        url = f"/api/v1/estates/own/grants/{path}"
        html = client.get(url, params={"format": "html"}, headers=auth_headers(tokens["steward"]))
        assert html.status_code == 200, html.text
        assert html.headers["content-type"] == "text/html; charset=utf-8"
        as_json = client.get(url, headers=auth_headers(tokens["steward"]))
        assert as_json.status_code == 200, as_json.text
        assert as_json.headers["content-type"] == "application/json"
        template = "/api/v1/estates/{estate_slug}/grants/" + path.split("/")[0]
        template += "/{source_id}/report" if path.startswith("sources") else "/{project_id}/report"
        assert list(spec[template]["get"]["responses"]["200"]["content"]) == ["*/*"]
