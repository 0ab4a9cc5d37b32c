"""Who is asking, CSRF, and the audit log — for every HTTP request.

- Sets ``scope["principal"]`` from ``Authorization: Bearer tf_...`` (an API token) or the
  ``tf_session`` cookie (a browser session). An unknown or revoked bearer token is refused
  (401); a stale cookie just leaves the request anonymous.
- Cookie-authenticated writes (POST/PUT/PATCH/DELETE) must carry the session's CSRF token in
  the ``X-CSRF-Token`` header or a ``csrf_token`` form field; token-authenticated requests
  need none (a browser never adds the header by itself). Routes with ``opt["csrf_exempt"]``
  (sign-in) skip the check. Routes with ``opt["same_origin_only"]`` (sign-in and sign-out)
  refuse writes a browser sent from another site (``same_origin``: login CSRF).
- Writes to the audit log before the response is complete, in a transaction of its own
  (shared by the records of requests finishing together, ``AuditWriter``): every
  successful write (unsafe method, status below 400) and every refusal (marked by access
  control, or any 401/403/429). A write that committed its own record with it
  (``RequestAudit.recorded``: a fee payment's batch) gets no second one.
- Logs one line per request (``trustfund.request``: method, path, status, milliseconds,
  user name) — never headers, cookies or bodies, so no credential can reach the log.

The credentials and, on estate routes, the estate named in the path are read statement by
statement (no transaction to begin and roll back; the access guard then needs no database of
its own), on the event loop when the pool has an idle connection (two reads that wait for no
lock cost less there than a worker thread's hand-over), else on a worker thread. A token's use
is noted (``last_used_at``, at most once a minute) on a worker thread.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import structlog
from litestar import Request
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.types import Message as ASGIMessage
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from trustfund.api.access import (
    AUDIT_KEY,
    CREDENTIALS_KEY,
    ESTATE_KEY,
    PRINCIPAL_KEY,
    RequestAudit,
    audit_row,
    deny,
    estate_slug,
)
from trustfund.auth import audit as audit_log
from trustfund.auth.identity import Credentials, authenticate, note_token_use
from trustfund.auth.sessions import COOKIE_NAME
from trustfund.db.session import has_idle_connection
from trustfund.errors import NotAuthenticatedError, PermissionDeniedError
from trustfund.messages import Message

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSAL_STATUSES = frozenset({401, 403, 429})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_CAPTURED_BODY = 4096

log = structlog.get_logger("trustfund.audit")
request_log = structlog.get_logger("trustfund.request")


def _bearer(headers: Headers) -> str | None:
    value = headers.get("authorization")
    if not value:
        return None
    scheme, _, credentials = value.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


class AuditWriter:
    """Audit records written in groups: the records of requests finishing together are
    inserted in one transaction by one task (a worker thread), and each request goes on
    only once its record is committed — one commit, and on SQLite one turn of the write
    lock, for many requests. Only the event loop touches the queue."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._queued: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, row: dict[str, Any]) -> None:
        """Returns once ``row`` is committed; raises what writing it raised."""
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((row, written))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_queued())
        await written

    def _insert(self, rows: list[dict[str, Any]]) -> list[Exception | None]:
        """Insert ``rows`` together; if that fails, each alone (one bad row loses only
        itself). Each row's error, or None."""
        try:
            audit_log.record_audits(self._session_factory, rows)
        except Exception as exc:
            if len(rows) == 1:
                return [exc]
        else:
            return [None] * len(rows)
        failures: list[Exception | None] = []
        for row in rows:
            try:
                audit_log.record_audits(self._session_factory, [row])
                failures.append(None)
            except Exception as exc:  # the request logs it
                failures.append(exc)
        return failures

    async def _write_queued(self) -> None:
        try:
            while self._queued:
                batch, self._queued = self._queued[:500], self._queued[500:]
                try:
                    failures = await anyio.to_thread.run_sync(
                        self._insert, [row for row, _ in batch]
                    )
                except BaseException as exc:  # cancelled: the waiting requests hear it
                    for _, written in batch:
                        if not written.done():
                            written.set_exception(RuntimeError(f"audit not written: {exc!r}"))
                    raise
                for (_, written), failed in zip(batch, failures, strict=True):
                    if written.done():
                        continue
                    if failed is None:
                        written.set_result(None)
                    else:
                        written.set_exception(failed)
        finally:
            self._writer = None


def audit_writer(scope: Scope, session_factory: Callable[[], Session]) -> AuditWriter:
    """The app's ``AuditWriter`` (made at the first record)."""
    state = scope["app"].state
    writer: AuditWriter | None = getattr(state, "audit_writer", None)
    if writer is None:
        writer = state.audit_writer = AuditWriter(session_factory)
    return writer


class PrincipalMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = Headers.from_scope(scope)
        client = scope.get("client")
        audit = RequestAudit(
            client_addr=client[0] if client else "",
            user_agent=headers.get("user-agent", ""),
        )
        scope[AUDIT_KEY] = audit  # type: ignore[literal-required]
        scope[PRINCIPAL_KEY] = None  # type: ignore[literal-required]
        scope[CREDENTIALS_KEY] = None  # type: ignore[literal-required]
        session_factory: Callable[[], Session] = scope["app"].state.session_factory
        method = str(scope.get("method", "GET"))
        request = Request[Any, Any, Any](scope, receive)

        async def write(status: int, outcome: str, detail: dict[str, Any]) -> None:
            try:
                await audit_writer(scope, session_factory).write(
                    audit_row(scope, status=status, outcome=outcome, detail=detail)
                )
            except Exception:  # the response must still go out; the failure is logged
                log.exception("audit record not written", path=scope.get("path"))

        bearer, session_token = _bearer(headers), _cookie(headers, COOKIE_NAME)
        slug = estate_slug(scope)

        reader: Engine = scope["app"].state.reader

        def identify() -> Credentials | None:
            with reader.connect() as connection:
                return authenticate(
                    connection, bearer=bearer, session_token=session_token, estate_slug=slug
                )

        def note_use(token_id: int) -> None:
            with session_factory() as session:
                note_token_use(session, token_id)

        started = time.perf_counter()

        def log_request(status: int, credentials: Credentials | None) -> None:
            request_log.info(
                "request",
                method=method,
                path=scope.get("path", ""),
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
                user=credentials.principal.username if credentials else None,
            )

        try:
            if bearer is None and session_token is None:
                credentials = None
            elif has_idle_connection(reader):
                # One read on a pooled connection, which waits for no lock: here on the event
                # loop it costs less than handing it to a worker thread and back (payments
                # to one estate: +16-33 %/s, bench/RESULTS.md). Without an idle connection,
                # taking one could wait: then in a thread.
                credentials = identify()
            else:
                credentials = await anyio.to_thread.run_sync(identify)
            if credentials is not None and credentials.token_to_note is not None:
                await anyio.to_thread.run_sync(note_use, credentials.token_to_note)
        except NotAuthenticatedError as error:
            audit.denied = {"reason": error.detail}
            await write(401, audit_log.DENIED, audit.denied)
            log_request(401, None)
            raise
        scope[PRINCIPAL_KEY] = credentials.principal if credentials else None  # type: ignore[literal-required]
        scope[CREDENTIALS_KEY] = credentials  # type: ignore[literal-required]
        if credentials is not None and slug is not None:
            scope[ESTATE_KEY] = (slug, credentials.estate)  # type: ignore[literal-required]

        async def refuse(reason: Message) -> None:
            """Deny the request (403), audited and logged before the error goes out."""
            try:
                deny(request, PermissionDeniedError(reason), csrf=True)
            except PermissionDeniedError:
                await write(403, audit_log.DENIED, audit.denied or {})
                log_request(403, credentials)
                raise

        handler = scope.get("route_handler")
        if method in UNSAFE_METHODS and handler is not None:
            settings = scope["app"].state.settings
            if handler.opt.get("same_origin_only") is True and not same_origin(
                headers, settings.public_url
            ):
                await refuse(Message("auth.cross_site"))
            if (
                credentials is not None
                and credentials.kind == "session"
                and handler.opt.get("csrf_exempt") is not True
                and not await self._csrf_ok(request, headers, credentials)
            ):
                await refuse(Message("auth.csrf"))

        status = 0
        outcome: str | None = None
        captured = bytearray()

        async def send_and_audit(message: ASGIMessage) -> None:
            nonlocal status, outcome
            if message["type"] == "http.response.start":
                status = message["status"]
                log_request(status, credentials)
                if audit.denied is not None:
                    outcome = audit_log.DENIED
                elif status in REFUSAL_STATUSES:
                    outcome = audit_log.REFUSED
                elif method in UNSAFE_METHODS and status < 400 and not audit.recorded:
                    outcome = audit_log.OK
            elif message["type"] == "http.response.body" and outcome is not None:
                if outcome != audit_log.OK and len(captured) < MAX_CAPTURED_BODY:
                    captured.extend(message.get("body", b"")[: MAX_CAPTURED_BODY - len(captured)])
                if not message.get("more_body", False):
                    detail = dict(audit.denied or {})
                    if outcome == audit_log.REFUSED:
                        detail.update(_problem_summary(bytes(captured)))
                    await write(status, outcome, detail)
                    outcome = None
            await send(message)

        await next_app(scope, receive, send_and_audit)

    @staticmethod
    async def _csrf_ok(
        request: Request[Any, Any, Any], headers: Headers, credentials: Credentials
    ) -> bool:
        expected = credentials.csrf_token
        if not expected:
            return False
        supplied = headers.get(CSRF_HEADER)
        if supplied is None and headers.get("content-type", "").startswith(FORM_TYPES):
            # Litestar keeps the parsed form on the scope: the handler reads it again.
            form = await request.form()
            value = form.get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
        if not supplied:
            return False
        return hmac.compare_digest(supplied.encode(), expected.encode())


def same_origin(headers: Headers, public_url: str) -> bool:
    """Whether a browser sent this request from one of our own pages (login CSRF: a foreign
    page must not sign a victim's browser into the attacker's account, nor out).

    ``Origin`` (every current browser sends it with a POST) must name this host — as the
    request's ``Host`` header or ``TRUSTFUND_PUBLIC_URL`` give it; without ``Origin``,
    ``Sec-Fetch-Site`` must be ``same-origin`` or ``none`` (typed by the user). A request with
    neither comes from no browser (a script, ``curl``) and cannot be forged cross-site."""
    origin = headers.get("origin")
    if origin is not None:
        host = urlsplit(origin).netloc.lower()
        own = {headers.get("host", "").lower(), urlsplit(public_url).netloc.lower()}
        return origin != "null" and bool(host) and host in own
    fetch_site = headers.get("sec-fetch-site")
    return fetch_site is None or fetch_site in ("same-origin", "none")


def _problem_summary(body: bytes) -> dict[str, Any]:
    """The title and detail of a problem document, for the audit record."""
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(document, dict):
        return {}
    return {k: document[k] for k in ("title", "detail") if isinstance(document.get(k), str)}
