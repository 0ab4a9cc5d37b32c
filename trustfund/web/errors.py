"""Chinese error pages for residents' browsers (issue 16, item 7).

The API answers errors with RFC 9457 problem details (``trustfund.api.problems``, the one
place errors become responses). A resident who mistypes a receipt number or an estate's
address in WeChat should read a page in Chinese that says what was not found and where to
go next, not a JSON document. So every handler of ``problems.EXCEPTION_HANDLERS`` is wrapped:
a browser (``Accept`` prefers ``text/html``) asking for an address outside ``/api/``,
``/schema`` and ``/static/`` gets a page; everyone else — API clients, ``*/*``, anything
under ``/api/`` — gets the problem document as before. Staff pages have their own error
pages (``web.staff.common``); these are for the public addresses and for unknown ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from litestar import MediaType, Request, Response

from trustfund.api import problems
from trustfund.api.headers import content_security_policy
from trustfund.errors import TrustfundError
from trustfund.web.staff import zh
from trustfund.web.templating import page_html

#: Addresses whose errors stay problem documents whatever the client accepts.
MACHINE_PREFIXES = ("/api/", "/schema", "/static/", "/health")

_ESTATE = re.compile(r"^/e/([^/]+)(?:/(d)/([^/]+)|/(receipt|verify))?/?$")
_RECEIPT = re.compile(r"^/r/([^/]+)/([^/]+)/?$")

TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "没有找到",
    405: "不能这样访问",
    409: "与现有记录冲突",
    413: "内容太大",
    422: "填写有误",
    429: "尝试次数过多",
}
FIELDS = {"no": "收据编号"}


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a public address (not the API, the schema or a static file)."""
    if request.url.path.startswith(MACHINE_PREFIXES):
        return False
    accepted = request.accept.best_match(["application/json", "text/html"], "application/json")
    return accepted == "text/html"


def explain(path: str, status: int) -> dict[str, Any]:
    """What to tell the resident about ``path``: a sentence and where to go next."""
    home = {"href": "/", "label": "查找小区"}
    if status == 401:
        return {
            "detail": "这个页面需要工作人员登录。",
            "links": [{"href": "/login", "label": "登录"}],
        }
    if status != 404:
        return {"detail": "这个请求无法处理。请返回上一页重试。", "links": [home]}
    if m := _RECEIPT.match(path):
        slug, number = m.group(1), m.group(2)
        return {
            "detail": (
                f"没有找到编号为“{number}”的收据。请对照纸质收据上的编号（例如 2026-000123）"
                "重新输入；编号无误仍查不到时，请联系红色管家或业委会——这张收据可能没有入账。"
            ),
            "receipt_form": f"/e/{slug}/receipt",
            "links": [{"href": f"/e/{slug}", "label": "这个小区的公示"}, home],
        }
    if (m := _ESTATE.match(path)) and m.group(2) == "d":
        slug = m.group(1)
        return {
            "detail": "没有找到这一期公示：它可能还没有发布，或者网址不完整。",
            "links": [{"href": f"/e/{slug}", "label": "这个小区的全部公示"}, home],
        }
    if m:
        return {
            "detail": f"没有找到代号为“{m.group(1)}”的小区。请从小区列表里按社区或名称查找。",
            "links": [home],
        }
    return {"detail": "没有这个页面。网址可能输错了，或者页面已经不在了。", "links": [home]}


def public_error_page(
    request: Request[Any, Any, Any], status: int, rows: list[tuple[str, str]] | None = None
) -> Response[str]:
    info: dict[str, Any] = {"receipt_form": None, **explain(request.url.path, status)}
    if status == 422 and rows:
        info["detail"] = "输入的内容不对，请改正后再试。"
        slug = request.path_params.get("estate_slug") if request.path_params else None
        if slug:
            info["receipt_form"] = f"/e/{slug}/receipt"
    body = page_html(
        "public_error.html",
        principal=None,
        csrf_token=None,
        title=TITLES.get(status, "出错了"),
        status_code=status,
        rows=rows or [],
        **info,
    )
    # the policy with this document's style hashes (a 404 no route matched never passes the
    # HTML policy middleware)
    return Response(
        body,
        status_code=status,
        media_type=MediaType.HTML,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": content_security_policy(body.encode()),
        },
    )


def _rows(exc: Exception) -> list[tuple[str, str]]:
    if isinstance(exc, TrustfundError):
        return [(FIELDS.get(e.field, e.field), zh.reason(e)) for e in exc.errors]
    return []


def page_or_problem(
    handler: Callable[[Request[Any, Any, Any], Any], Response[Any]],
) -> Callable[[Request[Any, Any, Any], Any], Response[Any]]:
    """``handler`` for API clients; a Chinese page for a resident's browser."""

    def handle(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        response = handler(request, exc)  # logs a 5xx, whoever asked
        if not wants_page(request):
            return response
        return public_error_page(request, response.status_code or 500, _rows(exc))

    return handle


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    kind: page_or_problem(handler) for kind, handler in problems.EXCEPTION_HANDLERS.items()
}
