"""Who is asking: sets ``scope["principal"]`` from a session cookie or an API token.

Placeholder until the auth service lands: every request is anonymous.
"""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send


class PrincipalMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["principal"] = None  # type: ignore[typeddict-unknown-key]
        await next_app(scope, receive, send)
