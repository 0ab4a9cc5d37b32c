"""Form plumbing shared by the staff pages: the one submit helper (call the service, roll
back on an error, map its field errors onto the form by code, in Chinese), repeated fields,
uploaded files, dates, and service errors of repeated rows (``lines[2].over_reason``) mapped
back to form rows.

A staff form handler reads::

    form = StaffForm(PAYMENT_FIELDS, aliases=PAYMENT_ALIASES)
    on = form.required_day(data.deposited_on, "deposited_on")  # local parsing, coded errors
    return form.handle(
        db_session,
        lambda: service.do(...),                       # the command; not run when refused
        done=lambda result: f"/staff/…?done={result['id']}",   # 303 here on success
        again=lambda form: render(..., errors=form.errors, status=form.status),
    )

``handle`` is ``submit`` (roll back on an application error, map its field errors by code
onto the form's fields, in Chinese) followed by the redirect or the page again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar

from litestar import Response
from litestar.datastructures import UploadFile
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from trustfund.errors import FieldError, TrustfundError
from trustfund.ledger.money import fold_wide
from trustfund.messages import Message
from trustfund.web.staff import zh
from trustfund.web.staff.common import error_message, keep_unknown, said_by_field


def _as_list(value: Any) -> list[Any]:
    """A form sends one value as a string and several as a list: always a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


Repeated = Annotated[list[str], BeforeValidator(_as_list)]
"""A form field that may appear several times (one per claim line)."""


def _fold(value: Any) -> Any:
    return fold_wide(value) if isinstance(value, str) else value


FormNumber = Annotated[str, BeforeValidator(_fold)]
"""A number typed on a phone: full-width digits from a Chinese input method are folded to
ASCII here (``ledger.money.fold_wide``), explicitly; the service then reads it strictly."""

RepeatedNumber = Annotated[list[str], BeforeValidator(lambda v: [_fold(x) for x in _as_list(v)])]
"""``Repeated`` for numbers (one amount per budget line), folded like ``FormNumber``."""


def uploads(value: Any) -> list[UploadFile]:
    """The files of a multipart field (none chosen → an empty list)."""
    return [f for f in _as_list(value) if isinstance(f, UploadFile) and f.filename]


def form_text(data: dict[str, Any], name: str, limit: int = 500) -> str:
    value = data.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return value[:limit] if isinstance(value, str) else ""


def parse_day(value: str, field: str, errors: dict[str, str]) -> dt.date | None:
    """``2026-03-02`` → a date; anything else adds a Chinese error under ``field``."""
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = zh.say(Message("input.not_a_date"))
        return None


T = TypeVar("T")

_ROW = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def see_other(url: str) -> Redirect:
    """The answer to a form that did what it asked: 303 to the page that shows it."""
    return Redirect(url, status_code=HTTP_303_SEE_OTHER)


def as_id(value: str) -> int | None:
    """A chosen option's id (``"12"``), or None for anything that is not a whole number."""
    try:
        return int(value.strip())
    except ValueError:
        return None


class StaffForm:
    """The errors of one submitted staff form, ``{form field: Chinese}`` (``_form`` is shown
    above the form), filled by local parsing (``refuse``, ``day``, ``required_day``,
    ``choice``) and by the service (``submit``, ``handle``). Field errors are said from the
    catalog by their code (``zh.reason``); a service field the form does not show goes above
    the form, named by its label.

    ``rows`` names repeated rows the form shows by their form row: ``{"lines": [0, 2]}``
    puts the service's ``lines[1].amount`` under the form's ``lines[2].amount`` (blank form
    rows are not sent to the service)."""

    def __init__(
        self,
        fields: Iterable[str],
        aliases: Mapping[str, str] | None = None,
        *,
        rows: Mapping[str, list[int]] | None = None,
    ) -> None:
        self.fields = set(fields)
        self.aliases = dict(aliases or {})
        self.rows = dict(rows or {})
        self.errors: dict[str, str] = {}
        self.status = 422
        """The status to re-render with: 422, or the refusing error's own (409 …)."""
        self.error: TrustfundError | None = None

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def refuse(self, field: str, message: Message) -> None:
        self.errors[field] = "；".join(filter(None, [self.errors.get(field), zh.say(message)]))

    def day(self, value: str, field: str) -> dt.date | None:
        """``2026-03-02`` → a date; empty → None; anything else is refused under ``field``."""
        return parse_day(value, field, self.errors)

    def required_day(
        self, value: str, field: str, missing: Message | None = None
    ) -> dt.date | None:
        """``day``, and an empty value refused with ``missing`` (``input.required``)."""
        day = self.day(value, field)
        if day is None and field not in self.errors:
            self.refuse(field, missing or Message("input.required"))
        return day

    def choice(self, value: str, field: str, missing: Message | None = None) -> int | None:
        """The id of the option chosen in ``field``; anything else (nothing chosen, a value
        that is no id) is refused with ``missing`` (``web.choose_from_list``)."""
        chosen = as_id(value)
        if chosen is None:
            self.refuse(field, missing or Message("web.choose_from_list"))
        return chosen

    def above(self) -> dict[str, str]:
        """A refusal of the page's subject as a whole (submit, void, withdraw …): the
        error's one Chinese sentence above the page's forms."""
        return {"_form": error_message(self.error)} if self.error is not None else self.errors

    def shown(self, fields: Iterable[str]) -> dict[str, str]:
        """The errors as a page that shows only ``fields`` of this form now can show them:
        a page shows some fields in some states only (a claim's pay form once it is
        approved, a work order's claim once one is approved), and an error of a field it does
        not show — the form's own or the service's — goes above the form (``_form``), named
        by its label, so no refusal is left unseen."""
        return keep_unknown(self.errors, set(fields))

    def optional_choice(self, value: str, field: str) -> int | None:
        """``choice`` of a field that may be left empty (None); anything else that is no id
        is refused (``web.choose_from_list``)."""
        return self.choice(value, field) if value.strip() else None

    def said(self, exc: TrustfundError) -> dict[str, str]:
        """The error's field errors as this form shows them (``{form field: Chinese}``):
        rows by their form row, other fields by alias, the rest above the form."""
        rowed: dict[str, str] = {}
        rest: list[FieldError] = []
        for item in exc.errors:
            key = self._row_field(item.field)
            if key is None:
                rest.append(item)
            else:
                rowed[key] = "；".join(filter(None, [rowed.get(key), zh.reason(item)]))
        errors = keep_unknown(said_by_field(rest, self.aliases), self.fields) if rest else {}
        if not exc.errors:
            errors["_form"] = error_message(exc)
        return {**errors, **rowed}

    def _row_field(self, field: str) -> str | None:
        match = _ROW.fullmatch(field)
        if match is None or match[1] not in self.rows:
            return None
        shown = self.rows[match[1]]
        index = int(match[2])
        return f"{match[1]}[{shown[index]}].{match[3]}" if index < len(shown) else None

    def submit(self, session: Session, action: Callable[[], T]) -> T | None:
        """Run the service call unless the form is refused already; on an application error
        roll back (nothing half-written) and keep its errors. ``None`` when refused (a
        service that returns nothing: ask ``refused``)."""
        if self.errors:
            return None
        try:
            return action()
        except TrustfundError as exc:
            session.rollback()
            self.errors = self.said(exc)
            self.status = exc.status_code
            self.error = exc
            return None

    def store_files(
        self,
        session: Session,
        files: list[UploadFile],
        store: Callable[[bytes, str], object],
        missing: Message,
        *,
        done: str,
        again: Callable[[StaffForm], Response[Any]],
    ) -> Response[Any]:
        """``handle`` for uploaded files: each chosen file stored by ``store(content,
        filename)`` (a command each, so the files before a refused one stay saved); none
        chosen is refused with ``missing``. The first refused file ends it, said under
        ``file`` with its name (and how many were saved before it)."""
        if not files:
            self.refuse("file", missing)
        for saved, upload in enumerate(files):
            try:
                store(upload.file.read(), upload.filename)
            except TrustfundError as exc:
                session.rollback()
                reason = "；".join(zh.reason(e) for e in exc.errors) or zh.detail(exc)
                said = (
                    Message(
                        "web.file_refused_after", name=upload.filename, reason=reason, saved=saved
                    )
                    if saved
                    else Message("web.file_refused", name=upload.filename, reason=reason)
                )
                self.refuse("file", said)
                self.status = exc.status_code
                self.error = exc
                break
        return again(self) if self.refused else see_other(done)

    def handle(
        self,
        session: Session,
        action: Callable[[], T],
        *,
        done: str | Callable[[T], str],
        again: Callable[[StaffForm], Response[Any]],
    ) -> Response[Any]:
        """The whole answer to a posted form: ``submit`` the action, then 303 to ``done``
        (or ``done(result)``), or — refused here or by the service, nothing written —
        ``again(self)``: the page with ``self.errors`` at ``self.status``."""
        result = self.submit(session, action)
        if self.refused:
            return again(self)
        return see_other(done if isinstance(done, str) else done(result))  # type: ignore[arg-type]


def sheet_row(field: str) -> int | None:
    """The spreadsheet row a file import's error names: ``rows[618].occupancy`` → 618."""
    if not field.startswith("rows["):
        return None
    return int(field[5 : field.index("]")])


def row_errors(
    exc: TrustfundError, rows: list[int], aliases: dict[str, str] | None = None
) -> tuple[dict[str, str], dict[int, dict[str, str]]]:
    """The error's field errors split into ``(form errors, {form row: {field: reason}})``.
    ``rows[i]`` is the form row of the service's row ``i`` (blank form rows are not sent)."""
    aliases = aliases or {}
    form: dict[str, str] = {}
    per_row: dict[int, dict[str, str]] = {}
    for item in exc.errors:
        reason = zh.reason(item)
        match = _ROW.fullmatch(item.field)
        if match and int(match[2]) < len(rows):
            cells = per_row.setdefault(rows[int(match[2])], {})
            cells[match[3]] = "；".join(filter(None, [cells.get(match[3]), reason]))
            continue
        key = aliases.get(item.field, item.field)
        form[key] = "；".join(filter(None, [form.get(key), reason]))
    if not exc.errors:
        form["_form"] = error_message(exc)
    return form, per_row
