"""The Litestar application: wiring only. Routes live in ``trustfund.api`` and
``trustfund.web``; behaviour lives in the domain services."""

from __future__ import annotations

import gc
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.logging.config import StructLoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, OpenAPI, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy import Engine

from trustfund import web
from trustfund.api import ROUTE_HANDLERS
from trustfund.api.access import access_guard, public
from trustfund.api.deps import DEPENDENCIES
from trustfund.api.headers import HtmlPolicyMiddleware, SwaggerPage, add_security_headers
from trustfund.api.middleware import PrincipalMiddleware
from trustfund.api.requests import TrustfundRequest
from trustfund.api.schema import MetaStringSchemaPlugin
from trustfund.db.session import make_engine, make_reader, make_session_factory
from trustfund.fees.group import PaymentGroups
from trustfund.journal.mirror import MirrorAheadError, catch_up_all_mirrors, install_mirror_hook
from trustfund.settings import Settings, get_settings
from trustfund.web import templating
from trustfund.web.errors import EXCEPTION_HANDLERS

PACKAGE_DIR = Path(__file__).resolve().parent
VENDOR = "/static/api/vendor"

OPENAPI_DESCRIPTION = """\
Fund and fee accounting for trust-model (信托制) residential estates.

Errors are RFC 9457 problem details (`application/problem+json`); bad input lists every
field and reason under `errors`. Money is a string with two decimals (`"200.00"`, CNY).
Requests that move money accept an `Idempotency-Key` header: a replay returns the first
result, the same key with a different body answers 409.

Authenticate with a browser session (cookie + `X-CSRF-Token` header on writes) or an
API token (`Authorization: Bearer tf_...`).
"""


#: Client-error statuses any operation may answer, each as a problem-details document
#: (``trustfund.api.problems``); documented on every operation so that clients (and the
#: schemathesis fuzz tests) can rely on the schema for errors too.
PROBLEM_STATUSES = {
    "400": "Malformed request",
    "401": "Not signed in",
    "403": "Signed in, but the role lacks this action",
    "404": "No such resource (or an estate the caller holds no role in)",
    "405": "Method not allowed",
    "409": "Conflict: idempotency key reused with another body, insufficient funds, period locked",
    "413": "Request body too large",
    "422": "Invalid input: every bad field and the reason under `errors`",
    "429": "Too many attempts",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "reason"],
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Document the problem-details errors on every operation of an OpenAPI document,
    replacing Litestar's generic 400 (which describes a body this app never sends)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            if "204" in responses:
                responses["204"].pop("content", None)  # a 204 has no body
            for status, description in PROBLEM_STATUSES.items():
                if status == "400" or status not in responses:
                    responses[status] = {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    }
    return schema


class _ProblemDocumentedOpenAPI(OpenAPI):
    def to_schema(self) -> dict[str, Any]:
        return document_problems(super().to_schema())


class _OpenAPIConfig(OpenAPIConfig):
    def to_openapi_schema(self) -> OpenAPI:
        base = super().to_openapi_schema()
        return _ProblemDocumentedOpenAPI(**vars(base))


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Litestar:
    """Build the app. Pass ``engine`` to share one (tests); otherwise one is made from
    ``settings.database_url`` at start-up and disposed at shutdown."""
    settings = settings or get_settings()
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        db_engine = engine or make_engine(settings.database_url)
        app.state.engine = db_engine
        app.state.reader = make_reader(db_engine)
        app.state.session_factory = make_session_factory(db_engine)
        install_mirror_hook(app.state.session_factory, settings)
        app.state.payment_groups = PaymentGroups(app.state.session_factory)
        refused = await anyio.to_thread.run_sync(
            catch_up_all_mirrors, app.state.session_factory, settings
        )
        if refused:  # the file may be the only copy of entries the database lost
            raise MirrorAheadError(
                f"ledger mirror ahead of or different from the database: {', '.join(refused)}; "
                "not starting. Inspect the file, then: trustfund ledger sync --force ESTATE"
            )
        if owns_engine:  # a served app (tests share one engine and build many apps)
            # Everything alive now (modules, the app and its routes, pools) is kept out of
            # the garbage collector's full collections, which hold the GIL — every request
            # waits — and took 100–165 ms each with all of it to traverse, twice in ten
            # seconds of payments: the 16-client p99 went from ~270 to ~120-150 ms
            # (bench/RESULTS.md, issue 19).
            gc.freeze()
        try:
            yield
        finally:
            if app.state.reader is not db_engine:
                app.state.reader.dispose()
            if owns_engine:
                db_engine.dispose()

    openapi = _OpenAPIConfig(
        title="trustfund",
        version="1",
        description=OPENAPI_DESCRIPTION,
        path="/schema",
        openapi_router=Router(path="/schema", route_handlers=[], opt=public()),
        render_plugins=[
            SwaggerPage(  # started by a script file: the CSP allows no inline script
                path="/swagger",
                js_url=f"{VENDOR}/swagger-ui-bundle.js",
                css_url=f"{VENDOR}/swagger-ui.css",
                standalone_preset_js_url=f"{VENDOR}/swagger-ui-standalone-preset.js",
                favicon="",
            )
        ],
        components=Components(
            security_schemes={
                "token": SecurityScheme(type="http", scheme="bearer", description="API token"),
                "session": SecurityScheme(
                    type="apiKey", name="tf_session", security_scheme_in="cookie"
                ),
            }
        ),
        security=[{"token": []}, {"session": []}],
    )

    static = [
        create_static_files_router(
            path="/static/api",
            directories=[PACKAGE_DIR / "api" / "static"],
            opt=public(),
            name="api-static",
        ),
        create_static_files_router(
            path="/static/web",
            directories=[PACKAGE_DIR / "web" / "static"],
            opt=public(),
            name="web-static",
        ),
    ]

    return Litestar(
        route_handlers=[*ROUTE_HANDLERS, *web.CONTROLLERS, *static],
        dependencies=DEPENDENCIES,
        guards=[access_guard],
        middleware=[
            HtmlPolicyMiddleware(),  # CSP of HTML pages: their own <style> hashes
            PrincipalMiddleware(),  # also the request log (no headers, no cookies)
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # problem documents; pages for browsers
        before_send=[add_security_headers],  # nosniff, no framing, CSP: every response
        request_class=TrustfundRequest,  # JSON bodies nested too deeply: 422
        openapi_config=openapi,
        template_config=TemplateConfig(instance=templating.ENGINE),  # the pages' one Jinja env
        logging_config=StructLoggingConfig(
            log_exceptions="never",
            # a logger looks up sys.stdout when it logs (tests build several apps, each with
            # its own captured output)
            cache_logger_on_first_use=False,
        ),
        lifespan=[lifespan],
        plugins=[MetaStringSchemaPlugin()],  # money's pattern in the OpenAPI document
        state=State({"settings": settings}),
        debug=settings.debug,
    )
