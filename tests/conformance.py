"""Every successful JSON answer a test receives must match the OpenAPI schema its operation
declares. The ``client`` fixture installs ``check_responses``, so each API test is also a
test of the documented response shape: a view that gains, loses or retypes a field fails
the tests that reach it, not only the fuzzing (which rarely reaches the success paths).

Operations whose answer is a bare ``object`` (``dict[str, Any]``) accept anything; see
``scripts/api_census.py`` and ``tests/integration/api/test_openapi_responses.py`` for which
those still are."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import jsonschema_rs
from litestar import Litestar
from litestar.testing import TestClient

_Route = tuple[str, re.Pattern[str], str]
#: Per application routes (``Litestar`` → ``(method, pattern, template)``), and validators
#: per ``(method status, path template)`` (None: nothing to check). Apps of the test suite
#: share one schema, so the validators are kept across tests, keyed by the schema's text.
_VALIDATORS: dict[tuple[str, str, str], Any] = {}
_ROUTES: dict[str, list[_Route]] = {}


def _fingerprint(spec: dict[str, Any]) -> str:
    return str(hash(json.dumps(spec, sort_keys=True, default=str)))


def _routes(spec: dict[str, Any], fingerprint: str) -> list[_Route]:
    if fingerprint not in _ROUTES:
        routes = []
        for template, item in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
            for method in item:
                routes.append((method.upper(), pattern, template))
        # literal segments before parameters: /claims/export before /claims/{claim_id}
        routes.sort(key=lambda r: r[2].count("{"))
        _ROUTES[fingerprint] = routes
    return _ROUTES[fingerprint]


def _validator(
    spec: dict[str, Any], fingerprint: str, method: str, template: str, status: int
) -> Any:
    key = (fingerprint, f"{method} {status}", template)
    if key not in _VALIDATORS:
        operation = spec["paths"][template][method.lower()]
        answer = operation.get("responses", {}).get(str(status), {})
        schema = (answer.get("content") or {}).get("application/json", {}).get("schema")
        _VALIDATORS[key] = (
            jsonschema_rs.validator_for(
                {**schema, "components": spec.get("components", {})}, validate_formats=False
            )
            if schema
            else None
        )
    return _VALIDATORS[key]


def check_responses(client: TestClient[Litestar]) -> None:
    """Validate each 2xx ``application/json`` answer from ``/api/`` against its schema."""
    spec_box: list[tuple[dict[str, Any], str]] = []

    def spec() -> tuple[dict[str, Any], str]:
        if not spec_box:
            document = client.app.openapi_schema.to_schema()
            spec_box.append((document, _fingerprint(document)))
        return spec_box[0]

    def hook(response: httpx.Response) -> None:
        path = response.request.url.path
        if not (200 <= response.status_code < 300 and path.startswith("/api/")):
            return
        if not response.headers.get("content-type", "").startswith("application/json"):
            return
        method = response.request.method
        document, fingerprint = spec()
        for route_method, pattern, template in _routes(document, fingerprint):
            if route_method == method and pattern.match(path):
                break
        else:
            return
        validator = _validator(document, fingerprint, method, template, response.status_code)
        if validator is None:
            return
        response.read()
        body = json.loads(response.content)
        errors = [
            f"{'/'.join(map(str, e.instance_path))}: {e.message}"
            for e in validator.iter_errors(body)
        ]
        assert not errors, f"{method} {path} answered outside its schema ({template}): {errors[:5]}"

    client.event_hooks["response"] = [*client.event_hooks["response"], hook]
