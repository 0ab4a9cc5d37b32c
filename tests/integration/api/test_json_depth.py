"""Deeply nested JSON is bad input, not a crash (issue 14, item 10): every route that takes
a JSON body answers a 10,000-deep array with a 422 naming ``body``, before decoding it."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.enums import RequestEncodingType
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, auth_headers, make_estate, make_user
from trustfund.api.requests import MAX_JSON_DEPTH, json_depth
from trustfund.auth.principal import Role
from trustfund.auth.users import grant_membership

DEEP = b"[" * 10_000 + b"]" * 10_000
PARAM = re.compile(r"\{(\w+):(\w+)\}")


def _json_routes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path) of every handler whose body is JSON, path parameters filled in."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            media = getattr(data.kwarg_definition, "media_type", None) if data else None
            if data is None or media not in (None, RequestEncodingType.JSON):
                continue
            path = PARAM.sub(lambda m: "a" if m.group(2) == "str" else "1", route.path)
            found.extend((method, path) for method in handler.http_methods)
    return found


def test_every_json_route_refuses_a_deeply_nested_body(
    session: Session, client: TestClient[Litestar], app: Litestar
) -> None:
    estate = make_estate(session, "a")
    user, token = make_user(session, Role.STEWARD, estate, admin=True)
    for role in (Role.COMMITTEE, Role.COUNCIL):
        grant_membership(session, user, role, estate_id=estate.id)
    session.commit()
    routes = _json_routes(app)
    assert len(routes) > 30  # the walk found the API, not nothing
    headers = {**auth_headers(token), "content-type": "application/json"}
    refused = []
    for method, path in routes:
        response = client.request(method, path, content=DEEP, headers=headers)
        assert response.status_code < 500, (method, path, response.text)
        if response.status_code == 422:
            assert [e["field"] for e in response.json()["errors"]] == ["body"], (method, path)
            refused.append(path)
    # routes that answer before reading the body (a 404 for an id that is not there, a 403)
    # are few; every other JSON route refused the body itself
    assert len(refused) >= len(routes) * 3 // 4, (len(refused), len(routes))


def test_anonymous_sign_in_refuses_a_deeply_nested_body(client: TestClient[Litestar]) -> None:
    response = client.post(
        "/api/v1/auth/login", content=DEEP, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "nested deeper than" in response.json()["errors"][0]["reason"]
    # a body at the limit is read as usual (here: a wrong sign-in, not a refused body)
    flat = client.post("/api/v1/auth/login", json={"username": "x", "password": PASSWORD})
    assert flat.status_code == 401


@pytest.mark.parametrize(
    "text,depth",
    [
        (b"1", 0),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[[[[[[[", "b": "\\"[["}', 1),  # brackets in strings do not nest
        (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, MAX_JSON_DEPTH),
        (DEEP, 10_000),
    ],
)
def test_json_depth_counts_nesting_outside_strings(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth
