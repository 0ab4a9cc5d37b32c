"""Access control for every route, deny by default.

A route is reachable only if it says who may call it, in its ``opt``:

- ``opt=public()`` — anyone (resident pages, health, public ledger);
- ``opt=signed_in()`` — any signed-in user (their own profile, the list of their estates);
- ``opt=estate_action(Action.X)`` — the route has an ``{estate_slug:str}`` path parameter and
  asks for the ``estate`` dependency, which resolves the slug and checks the caller's role.
- ``opt=admin_only()`` — installation administrators.

A route that declares none of these refuses everyone. An estate the caller has no role in
answers 404 (its existence is not revealed); a role without the needed action answers 403.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.auth.principal import Action, Principal
from trustfund.db.models.estates import Estate
from trustfund.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError


def public() -> dict[str, Any]:
    return {"access": "public"}


def signed_in() -> dict[str, Any]:
    return {"access": "signed_in"}


def admin_only() -> dict[str, Any]:
    return {"access": "admin"}


def estate_action(action: Action) -> dict[str, Any]:
    return {"access": "estate", "estate_action": action}


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    principal = connection.scope.get("principal")  # type: ignore[typeddict-item]
    return principal if isinstance(principal, Principal) else None


def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Global guard: checks the route's declared access before any handler runs."""
    access = handler.opt.get("access")
    if access == "public":
        return
    principal = current_principal(connection)
    if principal is None:
        raise NotAuthenticatedError("Sign in first.")
    if access in ("signed_in", "estate"):
        return  # estate routes are checked by the ``estate`` dependency
    if access == "admin" and principal.is_admin:
        return
    raise PermissionDeniedError("This route is not open to you.")


def provide_estate(
    estate_slug: FromPath[str],
    request: Request[Any, Any, Any],
    db_session: NamedDependency[Session],
) -> Estate:
    """The estate named in the path, if the caller may do the route's declared action there.

    No role in the estate (or no such estate) → 404; a role without the action → 403.
    """
    action = request.route_handler.opt.get("estate_action")
    principal = current_principal(request)
    if action is None or principal is None:
        raise PermissionDeniedError("This route is not open to you.")
    estate = db_session.scalar(select(Estate).where(Estate.slug == estate_slug))
    if estate is None or not principal.roles_for(estate.id, estate.community):
        raise NotFoundError(f"No estate {estate_slug!r}.")
    if not principal.may(Action(action), estate.id, estate.community):
        raise PermissionDeniedError(f"Your role in {estate_slug!r} does not allow {action}.")
    return estate
