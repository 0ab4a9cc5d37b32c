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

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from trustfund.auth.principal import Action, Principal
from trustfund.errors import NotAuthenticatedError, PermissionDeniedError


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
