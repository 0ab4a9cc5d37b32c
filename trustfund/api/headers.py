"""Security headers on every response, and the API docs page that lives with them.

Every response carries ``X-Content-Type-Options: nosniff`` (a voucher or a ledger file is
never run as a page), ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'`` (no page of
ours can be framed for click-jacking), ``Referrer-Policy: same-origin`` and a
Content-Security-Policy that lets a page load scripts, styles, images, fonts and
connections from this site only. Scripts must be files (``script-src 'self'``: no inline
script, no ``eval``). The ``<style>`` elements of our own HTML documents (receipts and
disclosures are self-contained documents, also archived and printed) are allowed by their
sha256, computed from the document as it leaves: every template autoescapes, so no text a
visitor or a staff member typed can form a ``<style>`` element; ``style=""`` attributes are
not allowed at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CSP_BASE = (
    "default-src 'none'; script-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
FIXED_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
_STYLE = re.compile(rb"<style(?:\s[^>]*)?>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def content_security_policy(html: bytes = b"") -> str:
    """The policy for a response; for an HTML document, its own ``<style>`` elements are
    allowed by hash."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
            for m in _STYLE.finditer(html)
        }
    )
    return f"{CSP_BASE}; style-src " + " ".join(["'self'", *hashes])


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook of the app: runs for every response, also those no route
    matched (404, 405), which never reach a route's middleware. An HTML document's policy,
    with its styles' hashes, was set by ``HtmlPolicyMiddleware`` on the way out already."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in FIXED_HEADERS.items():
        headers[name] = value
    if "content-security-policy" not in headers:
        headers["content-security-policy"] = content_security_policy()


class HtmlPolicyMiddleware(ASGIMiddleware):
    """Holds back the start of an HTML response until its body is complete, to put the
    hashes of its ``<style>`` elements into its Content-Security-Policy."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        start: Message | None = None
        body = bytearray()

        async def send_with_policy(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if headers.get("content-type", "").startswith("text/html"):
                    start = message
                    return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            MutableScopeHeaders.from_message(start)["content-security-policy"] = (
                content_security_policy(bytes(body))
            )
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body), "more_body": False})

        await next_app(scope, receive, send_with_policy)


class SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI started by a script file (Litestar's page inlines its start-up script and
    the whole schema, which the Content-Security-Policy refuses)."""

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        return f"""<!DOCTYPE html>
<html>
<head>
<title>{escape(str(openapi_schema["info"]["title"]))}</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link href="{self.css_url}" rel="stylesheet">
<script src="{self.js_url}"></script>
<script src="{self.standalone_preset_js_url}"></script>
<script src="/static/api/docs/swagger-init.js"></script>
</head>
<body><div id="swagger-container"></div></body>
</html>""".encode()
