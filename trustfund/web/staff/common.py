"""What every staff page shares: rendering with the signed-in person and the CSRF token,
money formatting, field errors in Chinese, and HTML error pages instead of problem JSON.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.api.access import current_csrf_token, current_principal
from trustfund.auth.principal import Action, Principal
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.errors import FieldError, NotAuthenticatedError, TrustfundError
from trustfund.ledger.accounts import EXPENSE_ITEMS, fund_label
from trustfund.ledger.money import format_money
from trustfund.messages import Message
from trustfund.web.staff import zh

#: Money for people (``ledger.money.format_money``): ``1234.5`` → ``1,234.50``, nothing → ``—``.
yuan = format_money


def local_time(value: str | datetime | None, zone: str) -> str:
    """A stored UTC timestamp as the estate's local time: ``2026-03-02 08:30``."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def fund_name(fund: str) -> str:
    """``maintenance`` → 公共设施维护; a project's sub-fund ``autonomy:KLGY`` → 自治项目 KLGY
    (``ledger.accounts.fund_label``, the one place funds are named)."""
    return fund_label(fund)


def expense_item_name(fund: Any, item: str) -> str:
    """``("maintenance", "Repairs")`` → 维修费用."""
    base = str(fund or "").split(":", 1)[0]
    return EXPENSE_ITEMS.get(base, {}).get(item, item)


HELPERS: dict[str, Any] = {
    "expense_item_name": expense_item_name,
    "yuan": yuan,
    "fund_name": fund_name,
    "local_time": local_time,
    "role_name": lambda r: zh.ROLE_NAMES.get(str(r), str(r)),
    "method_name": lambda m: zh.METHOD_NAMES.get(str(m), str(m)),
    "occupancy_name": lambda o: zh.OCCUPANCY_NAMES.get(str(o), str(o)),
    "label": zh.label,
}


def principal_of(request: Request[Any, Any, Any]) -> Principal:
    principal = current_principal(request)
    if principal is None:  # the guard refuses anonymous callers first
        raise NotAuthenticatedError(Message("auth.sign_in_first"))
    return principal


def may(request: Request[Any, Any, Any], action: Action, estate: Estate) -> bool:
    principal = current_principal(request)
    return principal is not None and principal.may(action, estate.id, estate.community)


def page(
    request: Request[Any, Any, Any], name: str, *, status: int = 200, **context: Any
) -> Template:
    """Render a staff template with what ``base.html`` needs (the person, the CSRF token)."""
    return Template(
        name,
        context={
            **HELPERS,
            "principal": current_principal(request),
            "csrf_token": current_csrf_token(request) or "",
            "path": request.url.path,
            **context,
        },
        status_code=status,
    )


def people(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Display names by user id (staff pages name people; the API gives ids)."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {uid: name for uid, name in rows}


def new_key() -> str:
    """An idempotency key for a form that moves money: a double tap records it once."""
    return uuid.uuid4().hex


_INDEX = re.compile(r"\[\d+\]")


def field_errors(error: TrustfundError, aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """The error's field errors as ``{form field: Chinese reason}``. ``aliases`` maps a
    service field to the form's field: as it is (``components[1].amount``), else with its
    indexes removed (``allocations.amount``); errors that match no form field are collected
    under ``_form`` (shown above the form)."""
    if not error.errors:
        return {"_form": error_message(error)}
    return said_by_field(error.errors, aliases)


def said_by_field(
    items: Iterable[FieldError], aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``field_errors`` of these field errors: each reason once under its form field."""
    aliases = aliases or {}
    found: dict[str, list[str]] = {}
    for item in items:
        key = aliases.get(item.field) or _INDEX.sub("", item.field)
        key = aliases.get(key, key)
        reasons = found.setdefault(key, [])
        if (reason := zh.reason(item)) not in reasons:  # one reason once per field
            reasons.append(reason)
    return {k: "；".join(v) for k, v in found.items()}


def error_message(error: TrustfundError) -> str:
    """A Chinese sentence for an error without field errors."""
    title = zh.STATUS_TITLES.get(error.status_code, "出错了")
    detail = zh.detail(error)
    return f"{title}：{detail}" if detail != error.detail else f"{title}（{error.detail}）"


def keep_unknown(errors: dict[str, str], known: set[str]) -> dict[str, str]:
    """Move errors of fields the form does not show into ``_form``."""
    out = {k: v for k, v in errors.items() if k in known or k == "_form"}
    stray = [f"{zh.label(k)}：{v}" for k, v in errors.items() if k not in known and k != "_form"]
    if stray:
        out["_form"] = "；".join(
            [*(out.get("_form", "").split("；") if "_form" in out else []), *stray]
        )
    return out


# --- error pages ----------------------------------------------------------------------


def _error_page(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    rows: list[tuple[str, str]] | None = None,
) -> Response[Any]:
    next_url = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return page(
        request,
        "staff/error.html",
        status=status,
        title=zh.STATUS_TITLES.get(status, "出错了"),
        status_code=status,
        detail=detail,
        rows=rows or [],
        login_url=f"/login?next={next_url}",
    )


def trustfund_error_page(request: Request[Any, Any, Any], exc: TrustfundError) -> Response[Any]:
    rows = [(zh.label(e.field), zh.reason(e)) for e in exc.errors]
    texts = {
        401: "这个页面需要工作人员登录。",
        403: "您在这个小区的角色不能做这件事。",
        404: "没有这个页面或记录，或者您在这个小区没有角色。",
    }
    return _error_page(request, exc.status_code, texts.get(exc.status_code, exc.detail), rows)


def http_error_page(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotFoundException):
        return _error_page(request, 404, "没有这个页面或记录。")
    return _error_page(request, exc.status_code, "请求无法处理，请返回重试。")


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    TrustfundError: trustfund_error_page,
    HTTPException: http_error_page,
}
