"""The steward's cash count on a phone (现金盘点): pieces per denomination typed in, compared
with the books' cash at the end of the day counted, submitted to the committee; the counts
made so far with their approval. Reached from the cash page (现金); the committee decides on
the approvals page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.ledger.money import fold_wide
from trustfund.messages import Message
from trustfund.reconciliation import cash_counts
from trustfund.web.staff.common import may, page, principal_of
from trustfund.web.staff.forms import StaffForm

BASE = "/staff/{estate_slug:str}/cash/counts"
STATUS_NAMES = {
    "pending": "待业委会审批",
    "approved": "业委会已批准",
    "rejected": "被驳回",
    "void": "已失效（账面现金在盘点后有变动）",
}


def field_name(key: str) -> str:
    """The form field of a denomination: ``0.5`` → ``n_0_5``."""
    return "n_" + key.replace(".", "_")


FIELDS = {field_name(key): key for key in cash_counts.KEYS}
#: Service fields → form fields (``counts.0.5`` → ``n_0_5``).
ALIASES = {f"counts.{key}": name for name, key in FIELDS.items()}


class CountForm(BaseModel):
    """The count as typed: one text per denomination (``n_100`` …), the day and the note."""

    model_config = ConfigDict(extra="ignore")

    counted_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=cash_counts.MAX_NOTE + 50)


def _typed(data: dict[str, Any]) -> dict[str, str]:
    """The pieces as typed, per form field (full-width digits folded to ASCII)."""
    typed = {}
    for name in FIELDS:
        value = data.get(name, "")
        typed[name] = fold_wide(value).strip() if isinstance(value, str) else ""
    return typed


class StaffCashCountController(Controller):
    include_in_schema = False
    path = BASE

    @estate_route(get, "/", Action.READ)
    def counts_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[int | None] = None,
    ) -> Template:
        form = {"counted_on": today_in(estate).isoformat(), "note": ""}
        return self._page(request, db_session, estate, form, {}, done=done)

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        form: dict[str, str],
        errors: dict[str, str],
        *,
        done: int | None = None,
        status: int = 200,
    ) -> Template:
        today = cash_counts.book_view(session, estate, None)
        return page(
            request,
            "staff/cash_count.html",
            status=status,
            estate=estate,
            today=today,
            denominations=[(field_name(key), label) for key, _, label in cash_counts.DENOMINATIONS],
            form=form,
            errors=errors,
            counts=cash_counts.list_counts(session, estate, limit=24),
            status_names=STATUS_NAMES,
            done=done,
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
        )

    @estate_route(
        post, "/", Action.RECORD, audit_action="web.cash_count", status_code=HTTP_303_SEE_OTHER
    )
    def prepare(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[dict[str, Any]],
    ) -> Response[Any]:
        """Record the count and submit it; a refused count is shown again with each reason
        under its field (nothing recorded)."""
        fields = CountForm.model_validate(
            {k: v for k, v in data.items() if k in CountForm.model_fields}
        )
        typed = _typed(data)
        form = StaffForm({"counted_on", "note", *FIELDS}, aliases=ALIASES)
        on = form.day(fields.counted_on, "counted_on")
        if on is None and "counted_on" not in form.errors:
            form.refuse("counted_on", Message("input.required"))
        pieces: dict[str, int] = {}
        for name, text in typed.items():
            if not text:
                continue
            if not (text.isascii() and text.isdigit() and len(text) <= 9):
                form.refuse(name, Message("number.not_whole"))
                continue
            pieces[FIELDS[name]] = int(text)
        made = None
        if on is not None:
            day = on
            made = form.submit(
                db_session,
                lambda: cash_counts.prepare(
                    db_session,
                    estate,
                    counted_on=day,
                    counts=pieces,
                    note=fields.note,
                    actor_user_id=principal_of(request).user_id,
                ),
            )
        if made is not None:
            return Redirect(
                f"/staff/{estate.slug}/cash/counts/?done={made['id']}",
                status_code=HTTP_303_SEE_OTHER,
            )
        shown = {**typed, "counted_on": fields.counted_on, "note": fields.note}
        return self._page(request, db_session, estate, shown, form.errors, status=form.status)


CONTROLLERS: list[Any] = [StaffCashCountController]
