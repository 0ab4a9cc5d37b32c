"""Access control for every route, deny by default.

A route is reachable only if it says who may call it, in its ``opt``:

- ``opt=public()`` — anyone (resident pages, health, public ledger);
- ``opt=signed_in()`` — any signed-in user (their own profile, the list of their estates);
- ``opt=estate_action(Action.X)`` — the route has an ``{estate_slug:str}`` path parameter;
  the global guard resolves the slug and checks the caller's role before anything else
  runs, and the ``estate`` dependency (or ``ctx``, ``api.common.EstateContext``) hands the
  checked estate to the handler. ``@estate_route(post, path, Action.X)`` declares one.
- ``opt=admin_only()`` — installation administrators.

A route that declares none of these refuses everyone. An estate the caller has no role in
answers 404 (its existence is not revealed) — for every route, every method; a role without
the needed action answers 403. Every refusal is written to the audit log (see
``trustfund.api.middleware``), with the estate when one was named.

``RequestAudit`` gathers what a request's audit record says, and ``audit_row`` makes the
record of it: the middleware writes that row, or a handler commits it with its own write (a
fee payment's batch) — so handlers need not import the middleware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

import anyio.to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.types import Scope
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from trustfund.auth import audit as audit_log
from trustfund.auth.identity import EstateRef
from trustfund.auth.principal import Action, Principal
from trustfund.db.models.estates import Estate
from trustfund.errors import (
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    TrustfundError,
)
from trustfund.messages import Message

#: Scope keys set by ``PrincipalMiddleware``.
PRINCIPAL_KEY = "principal"
AUDIT_KEY = "tf_audit"
CREDENTIALS_KEY = "tf_credentials"
#: ``(slug, EstateRef | None)``: the estate of an estate route, read by ``PrincipalMiddleware``
#: in the same transaction as the credentials.
ESTATE_KEY = "tf_estate"
#: Scope key: the ``EstateRef`` the access guard checked an estate route against.
CHECKED_ESTATE_KEY = "tf_checked_estate"


def public() -> dict[str, Any]:
    return {"access": "public"}


def signed_in() -> dict[str, Any]:
    return {"access": "signed_in"}


def admin_only() -> dict[str, Any]:
    return {"access": "admin"}


def estate_action(action: Action) -> dict[str, Any]:
    return {"access": "estate", "estate_action": action}


def estate_route(
    method: type[HTTPRouteHandler],
    path: str,
    action: Action,
    *,
    audit_action: str | None = None,
    **options: Any,
) -> HTTPRouteHandler:
    """The route decorator of an estate route: ``@estate_route(post, "/claims",
    Action.RECORD, status_code=200)`` is ``@post("/claims", opt=estate_action(Action.RECORD),
    sync_to_thread=True, status_code=200)`` — the guard checks ``action`` in the path's
    estate first, and the handler (it uses the database) runs in a worker thread.
    ``audit_action`` names the action in the audit log (``opt["audit_action"]``; default
    ``<module>.<handler>``)."""
    opt = estate_action(action)
    if audit_action is not None:
        opt["audit_action"] = audit_action
    return method(path, opt=opt, sync_to_thread=True, **options)


@dataclass
class RequestAudit:
    """What the audit log should say about the current request; filled as it goes."""

    client_addr: str = ""
    user_agent: str = ""
    #: The estate the request is about, once access control has resolved it.
    estate_id: int | None = None
    #: Set when access control (or CSRF) refused the request: why.
    denied: dict[str, Any] | None = None
    #: The actor when it is not the principal (a sign-in names the user signing in).
    user_id: int | None = None
    username: str | None = None
    #: Extra facts for the record (kept small).
    detail: dict[str, Any] = field(default_factory=dict)
    #: The record of the request's success was written in the transaction of the write
    #: itself (a fee payment's group commit): the middleware writes no second one.
    recorded: bool = False


def _action(scope: Scope) -> str:
    """``<api module>.<handler>`` (``auth.login``), or the route's ``opt["audit_action"]``."""
    handler = scope.get("route_handler")
    if handler is None:
        return f"{scope.get('method', '')} {scope.get('path', '')}"
    name = handler.opt.get("audit_action")
    if isinstance(name, str):
        return name
    fn = handler.fn
    fn = getattr(fn, "func", fn)  # sync handlers are wrapped for the thread pool
    module = (getattr(fn, "__module__", "") or "").rsplit(".", 1)[-1]
    return f"{module}.{getattr(fn, '__name__', handler.handler_name)}"


def audit_row(
    scope: Scope, *, status: int, outcome: str, detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The audit log's row for the request of ``scope``, as ``PrincipalMiddleware`` writes
    it; a handler whose write commits the row itself builds it here (then sets
    ``RequestAudit.recorded``)."""
    audit: RequestAudit = scope[AUDIT_KEY]  # type: ignore[literal-required]
    principal: Principal | None = scope.get(PRINCIPAL_KEY)  # type: ignore[assignment]
    return audit_log.audit_values(
        action=_action(scope),
        method=str(scope.get("method", "GET")),
        path=scope.get("path", ""),
        outcome=outcome,
        status_code=status,
        principal=None if audit.user_id is not None else principal,
        user_id=audit.user_id,
        username=audit.username,
        estate_id=audit.estate_id,
        client_addr=audit.client_addr,
        user_agent=audit.user_agent,
        detail={**audit.detail, **(detail or {})},
    )


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    principal = connection.scope.get(PRINCIPAL_KEY)
    return principal if isinstance(principal, Principal) else None


def request_audit(connection: ASGIConnection[Any, Any, Any, Any]) -> RequestAudit | None:
    audit = connection.scope.get(AUDIT_KEY)
    return audit if isinstance(audit, RequestAudit) else None


def current_csrf_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The CSRF token of the caller's browser session (pages put it in their forms as
    ``csrf_token`` or send it as ``X-CSRF-Token``); None without a browser session."""
    credentials = connection.scope.get(CREDENTIALS_KEY)
    token = getattr(credentials, "csrf_token", None)
    return token if isinstance(token, str) else None


def note_audit(
    connection: ASGIConnection[Any, Any, Any, Any],
    *,
    user_id: int | None = None,
    username: str | None = None,
    **detail: Any,
) -> None:
    """Add facts to the request's audit record (e.g. who a sign-in was for)."""
    audit = request_audit(connection)
    if audit is None:
        return
    if user_id is not None:
        audit.user_id = user_id
    if username is not None:
        audit.username = username
    audit.detail.update(detail)


def deny(
    connection: ASGIConnection[Any, Any, Any, Any],
    error: TrustfundError,
    *,
    estate_id: int | None = None,
    **detail: Any,
) -> NoReturn:
    """Refuse the request: mark it for the audit log, then raise ``error``."""
    audit = request_audit(connection)
    if audit is not None:
        audit.denied = {"reason": error.detail, **detail}
        if estate_id is not None:
            audit.estate_id = estate_id
    raise error


_ESTATE_BY_SLUG = select(Estate.id, Estate.community).where(Estate.slug == bindparam("slug"))
_ESTATE_BY_SLUG_ORM = select(Estate).where(Estate.slug == bindparam("slug"))


def lookup_estate(session: Session, slug: str) -> EstateRef | None:
    """The estate named ``slug`` (None: no such estate), as much as access control needs."""
    row = session.connection().execute(_ESTATE_BY_SLUG, {"slug": slug}).first()
    return EstateRef(row.id, row.community) if row else None


def estate_slug(scope: Any) -> str | None:
    """The ``{estate_slug}`` of an ``estate_action`` route (None for any other route)."""
    handler = scope.get("route_handler")
    if handler is None or handler.opt.get("access") != "estate":
        return None
    slug = scope.get("path_params", {}).get("estate_slug")
    return slug if isinstance(slug, str) else None


def _lookup_estate(connection: ASGIConnection[Any, Any, Any, Any], slug: str) -> EstateRef | None:
    with connection.app.state.session_factory() as session:
        return lookup_estate(session, slug)


def _check_estate(
    connection: ASGIConnection[Any, Any, Any, Any],
    principal: Principal,
    slug: str,
    estate: EstateRef | None,
    action: Action,
) -> None:
    if estate is None:
        deny(connection, NotFoundError(Message("estates.no_estate", slug=slug)), estate=slug)
    if not principal.roles_for(estate.id, estate.community):
        deny(
            connection,
            NotFoundError(Message("estates.no_estate", slug=slug)),
            estate_id=estate.id,
            estate=slug,
        )
    if not principal.may(action, estate.id, estate.community):
        deny(
            connection,
            PermissionDeniedError(
                Message("auth.role_lacks_action", estate=repr(slug), action=action.value)
            ),
            estate_id=estate.id,
            required=action.value,
        )
    audit = request_audit(connection)
    if audit is not None:
        audit.estate_id = estate.id
    connection.scope[CHECKED_ESTATE_KEY] = estate  # type: ignore[literal-required]


def checked_estate(connection: ASGIConnection[Any, Any, Any, Any]) -> EstateRef:
    """The estate of an estate route as the access guard checked it (the caller holds the
    route's action there): for handlers that need no session of their own."""
    estate = connection.scope.get(CHECKED_ESTATE_KEY)
    if not isinstance(estate, EstateRef):
        raise PermissionDeniedError(Message("auth.route_closed"))
    return estate


def _estate_action(handler: BaseRouteHandler) -> Action | None:
    declared = handler.opt.get("estate_action")
    try:
        return Action(declared) if isinstance(declared, str) else None
    except ValueError:
        return None


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Global guard: checks the route's declared access before any handler runs."""
    access = handler.opt.get("access")
    if access == "public":
        return
    principal = current_principal(connection)
    if principal is None:
        deny(connection, NotAuthenticatedError(Message("auth.sign_in_first")), required=str(access))
    if access == "signed_in":
        return
    if access == "admin":
        if principal.is_admin:
            return
        deny(connection, PermissionDeniedError(Message("auth.admins_only")), required="admin")
    if access == "estate":
        action = _estate_action(handler)
        slug = connection.path_params.get("estate_slug")
        if action is None or not isinstance(slug, str):
            deny(
                connection,
                PermissionDeniedError(Message("auth.route_closed")),
                misdeclared="estate route without estate_slug or action",
            )
        resolved = connection.scope.get(ESTATE_KEY)
        if isinstance(resolved, tuple) and resolved[0] == slug:
            estate = cast(EstateRef | None, resolved[1])  # read with the credentials
        else:
            estate = await anyio.to_thread.run_sync(_lookup_estate, connection, slug)
        _check_estate(connection, principal, slug, estate, action)
        return
    deny(connection, PermissionDeniedError(Message("auth.route_closed")), undeclared=True)


def provide_estate(
    estate_slug: FromPath[str],
    request: Request[Any, Any, Any],
    db_session: NamedDependency[Session],
) -> Estate:
    """The estate named in the path, if the caller may do the route's declared action there
    (checked again here, on the request's own session).

    No role in the estate (or no such estate) → 404; a role without the action → 403.
    """
    action = _estate_action(request.route_handler)
    principal = current_principal(request)
    if action is None or principal is None:
        deny(request, PermissionDeniedError(Message("auth.route_closed")))
    estate = db_session.scalars(_ESTATE_BY_SLUG_ORM, {"slug": estate_slug}).one_or_none()
    ref = EstateRef(estate.id, estate.community) if estate is not None else None
    _check_estate(request, principal, estate_slug, ref, action)
    assert estate is not None
    return estate
