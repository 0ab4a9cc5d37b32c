"""Every API operation documents the shape of its success answer (issue 15 item 1).

An operation whose 2xx answer is a bare ``object`` (a handler returning ``dict[str, Any]``)
tells clients nothing and lets a view change its fields unnoticed. ``scripts/api_census.py``
counts them; this test fails when an operation outside ``NOT_YET_TYPED`` has no schema, and
when one inside it gained one (shrink the list). ``tests/conformance.py`` then checks every
answer the API tests receive against the declared schema."""

from __future__ import annotations

import importlib.util
import re
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, TypedDict

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from tests.conformance import check_responses
from trustfund.api.schema import MetaStringSchemaPlugin
from trustfund.app import create_app
from trustfund.db.session import make_engine
from trustfund.ledger.money import Money, money_text
from trustfund.settings import Settings

ROOT = Path(__file__).resolve().parents[3]

#: Operations still answering a bare object, by OpenAPI tag, and why.
WHY_NOT_YET: dict[str, str] = {}
NOT_YET_TYPED: dict[str, set[str]] = {}


def _census() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_census", ROOT / "scripts/api_census.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    app = create_app(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))
    return app.openapi_schema.to_schema()


def test_every_operation_has_a_response_schema_or_is_listed_with_a_reason(
    openapi: dict[str, Any],
) -> None:
    census = _census().census(openapi)
    listed = {op for ops in NOT_YET_TYPED.values() for op in ops}
    untyped = {f"{method} {path}" for _tag, method, path, typed in census if not typed}
    assert set(WHY_NOT_YET) >= set(NOT_YET_TYPED), "give each tag in NOT_YET_TYPED a reason"
    assert sorted(untyped - listed) == [], (
        "these answer a bare object: declare the answer's shape (a TypedDict in the domain's "
        "schemas.py, as fees.schemas does, as the handler's return type), or list them in "
        "NOT_YET_TYPED with the reason under WHY_NOT_YET"
    )
    assert sorted(listed - untyped) == [], "these are typed now: drop them from NOT_YET_TYPED"


def test_the_census_tells_a_bare_object_from_a_schema() -> None:
    census = _census()
    row = {"type": "object", "properties": {"a": {"type": "string"}}}
    spec: dict[str, Any] = {"components": {"schemas": {"Row": row}}}
    ref = {"$ref": "#/components/schemas/Row"}
    assert census.is_typed_schema(spec, ref)
    assert census.is_typed_schema(spec, {"type": "array", "items": ref})
    assert census.is_typed_schema(spec, {"type": "object", "additionalProperties": ref})
    assert not census.is_typed_schema(spec, {"type": "object", "additionalProperties": {}})
    assert not census.is_typed_schema(spec, {"type": "array", "items": {}})
    assert not census.is_typed_schema(spec, None)


class _Answer(TypedDict):
    amount: str


def test_an_answer_outside_its_declared_schema_fails_the_test_that_receives_it() -> None:
    @get("/api/v1/wrong", sync_to_thread=False)
    def wrong() -> _Answer:
        return {"amount": 200}  # type: ignore[typeddict-item]

    @get("/api/v1/right", sync_to_thread=False)
    def right() -> _Answer:
        return {"amount": "200.00"}

    with TestClient(Litestar([wrong, right])) as client:
        check_responses(client)
        assert client.get("/api/v1/right").json() == {"amount": "200.00"}
        with pytest.raises(AssertionError, match="outside its schema"):
            client.get("/api/v1/wrong")


def test_money_is_documented_as_a_string_with_two_decimals(openapi: dict[str, Any]) -> None:
    """``Money`` is a NewType that Litestar unwraps to a plain string; the document still
    says what it holds (``trustfund.api.schema``) — in an answer, under ``null`` and in a
    map — while the wire keeps the plain string."""
    schemas = openapi["components"]["schemas"]
    money = {
        "type": "string",
        "pattern": r"^-?[0-9]+\.[0-9]{2}$",
        "description": "CNY as a string with exactly two decimals and no separators",
        "examples": ["1234.50", "-0.50"],
    }
    assert schemas["ClaimOut"]["properties"]["amount"] == money
    assert schemas["ContractOut"]["properties"]["estimated_amount"]["oneOf"][0] == money
    assert schemas["SpendYearOut"]["properties"]["spend"]["additionalProperties"] == money
    pattern = re.compile(money["pattern"])
    assert all(pattern.fullmatch(text) for text in ("0.00", "-0.50", "999999999999.99"))
    assert not any(pattern.fullmatch(text) for text in ("1,234.50", "1.5", "1e3", "12"))


class _Paid(TypedDict):
    amount: Money


def test_money_in_an_answer_stays_a_plain_string() -> None:
    @get("/api/v1/paid", sync_to_thread=False)
    def paid() -> _Paid:
        return {"amount": money_text(Decimal("1234.5"))}

    with TestClient(Litestar([paid], plugins=[MetaStringSchemaPlugin()])) as client:
        check_responses(client)
        answer = client.get("/api/v1/paid")
    assert answer.content == b'{"amount":"1234.50"}'
