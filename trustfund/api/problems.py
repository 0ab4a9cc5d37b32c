"""The one place where errors become HTTP responses: RFC 9457 problem details.

Every 4xx names what was wrong; bad input lists each field and the reason in ``errors``.
An application error also gives its stable ``code`` and ``params`` (top level, and per field in ``errors``): ``detail`` and ``reason`` stay English,
and a client translates by code (``trustfund.catalog`` holds the English and Chinese).
A 5xx is a bug: it is logged with its traceback and the body says nothing internal.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    InternalServerException,
    NotFoundException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError

from trustfund.errors import TrustfundError

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://trustfund.invalid/problems/"

log = structlog.get_logger("trustfund.api")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str,
    instance: str,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def _field_from_litestar(item: dict[str, Any]) -> dict[str, str]:
    key = str(item.get("key") or item.get("source") or "body")
    return {"field": key, "reason": str(item.get("message", "invalid value"))}


def trustfund_error_handler(request: Request[Any, Any, Any], exc: TrustfundError) -> Response[Any]:
    coded = exc.message.as_dict()
    response = problem(
        exc.status_code,
        exc.title,
        exc.detail,
        slug=exc.type_slug,
        instance=request.url.path,
        errors=[e.as_dict() for e in exc.errors],
        extra={**coded, **exc.extra},
    )
    if "retry_after" in exc.extra:  # 429: when to try again, as HTTP says it
        response.headers["Retry-After"] = str(exc.extra["retry_after"])
    return response


def validation_exception_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [_field_from_litestar(e) for e in extra if isinstance(e, dict)]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors) or str(exc.detail)
    return problem(
        422, "Invalid input", detail, slug="validation", instance=request.url.path, errors=errors
    )


def _misfiled_input_errors(exc: HTTPException) -> list[dict[str, str]]:
    """Field errors of a request body that Litestar reported as a 500.

    Litestar files a validation error under a dependency's failure (``InternalServerException``)
    when the failing body field has the name of a dependency in scope — ``estate`` in a
    membership body, since every handler has the ``estate`` dependency. Our dependencies are
    built by our own providers and never fail validation, so such errors are the caller's."""
    if not isinstance(exc, InternalServerException):
        return []
    raw = getattr(exc.__cause__, "errors", None)
    if not isinstance(raw, list):
        return []
    return [
        {
            "field": ".".join(str(p) for p in item.get("loc", ()) if p != "data") or "body",
            "reason": str(item.get("msg", "invalid value")).split(" - ", 1)[0],
        }
        for item in raw
        if isinstance(item, dict)
    ]


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if errors := _misfiled_input_errors(exc):
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem(
            422,
            "Invalid input",
            detail,
            slug="validation",
            instance=request.url.path,
            errors=errors,
        )
    if isinstance(exc, NotFoundException):
        return problem(
            404, "Not found", "No such resource.", slug="not-found", instance=request.url.path
        )
    return problem(
        status,
        exc.__class__.__name__,
        str(exc.detail),
        slug=f"http-{status}",
        instance=request.url.path,
    )


def unstorable_value_handler(
    request: Request[Any, Any, Any], exc: DataError | OverflowError
) -> Response[Any]:
    """The database refused a value no check caught: a number beyond its column's range
    (an id like 10**30 in a path or body; SQLite raises ``OverflowError``, PostgreSQL a
    ``DataError``) or text PostgreSQL cannot store (a NUL character). Bad input, not a
    bug in the request's effects: the session is rolled back, so nothing was saved."""
    log.warning(
        "value refused by the database",
        path=request.url.path,
        method=request.method,
        error=str(exc).splitlines()[0][:200],
    )
    reason = "a number is out of range or a text holds a character that cannot be stored"
    return problem(
        422,
        "Invalid input",
        f"A value cannot be stored: {reason}. Nothing was saved.",
        slug="validation",
        instance=request.url.path,
        errors=[{"field": "request", "reason": reason}],
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", path=request.url.path, method=request.method)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "An unexpected error occurred; nothing was saved. It has been logged.",
        slug="internal",
        instance=request.url.path,
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    TrustfundError: trustfund_error_handler,
    ValidationException: validation_exception_handler,
    HTTPException: http_exception_handler,
    DataError: unstorable_value_handler,
    OverflowError: unstorable_value_handler,
    Exception: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem"]
