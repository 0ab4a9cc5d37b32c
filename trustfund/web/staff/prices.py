"""Government reference prices (政府参考价格) on the staff pages: the prices in force today,
every imported version, and — for the steward (Action.RECORD, as the API's
``POST …/prices/import``) — the import of a new version from a CSV or Excel file.

The import calls ``settlements.prices.import_prices``, the API's and the CLI's command: all
rows or none; a refused file comes back with a table of row, column and reason (the row
numbers of the spreadsheet, the header being row 1) and nothing imported."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, MultipartBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.errors import FieldError
from trustfund.estates.order import natural_key
from trustfund.estates.service import today_in
from trustfund.messages import Message
from trustfund.settlements import prices
from trustfund.settlements.schemas import PriceListOut
from trustfund.web.staff import zh
from trustfund.web.staff.common import may, page, principal_of
from trustfund.web.staff.forms import StaffForm, form_text, uploads

BASE = "/staff/{estate_slug:str}/prices"
FIELDS = {"file", "effective_from", "source"}
#: An unknown or missing column is the file's fault: said under the file field.
ALIASES = {"columns": "file"}
HEADERS = {c.field: c.zh for c in prices.COLUMNS}


def _cell(error: FieldError) -> dict[str, Any]:
    """``rows[7].unit_price`` → row 7, column 单价, the reason in Chinese."""
    head, _, column = error.field.partition("].")
    return {
        "row": int(head[5:]),
        "column": HEADERS.get(column, zh.label(column)),
        "reason": zh.reason(error),
    }


def _by_code(items: list[Any]) -> list[Any]:
    """Items by their code in natural order (WX-2 before WX-10)."""
    return sorted(items, key=lambda i: natural_key(i["code"]))


class PricePagesController(Controller):
    include_in_schema = False
    path = BASE

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        cells: list[dict[str, Any]] | None = None,
        done: str | None = None,
        status: int = 200,
    ) -> Template:
        today = today_in(estate)
        versions = [
            {**v, "items": _by_code(v["items"])}
            for v in prices.list_price_lists(session, estate.id)
        ]
        return page(
            request,
            "staff/prices.html",
            status=status,
            estate=estate,
            today=today.isoformat(),
            in_force=_by_code(prices.prices_on(session, estate.id, today)),
            versions=versions,
            form=form or {"effective_from": today.isoformat(), "source": ""},
            errors=errors or {},
            cells=cells or [],
            done=next((v for v in versions if v["effective_from"] == done), None),
            columns=prices.COLUMNS,
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """The prices in force today, every version, and (steward) the import form."""
        return self._page(request, db_session, estate, done=done)

    @estate_route(
        post, "/", Action.RECORD, audit_action="web.import_prices", status_code=HTTP_303_SEE_OTHER
    )
    def import_file(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: MultipartBody[dict[str, Any]],
    ) -> Response[Any]:
        """Import one version: all rows or none."""
        sent = {"effective_from": form_text(data, "effective_from", 20)}
        sent["source"] = form_text(data, "source", 300)
        form = StaffForm(FIELDS, ALIASES)
        on = form.day(sent["effective_from"], "effective_from")
        if on is None and "effective_from" not in form.errors:
            form.refuse("effective_from", Message("web.effective_from_required"))
        files = uploads(data.get("file"))
        if not files:
            form.refuse("file", Message("web.choose_file"))

        def run() -> PriceListOut:
            assert on is not None and files  # refused above otherwise
            return prices.import_prices(
                db_session,
                estate.id,
                files[0].file.read(),
                files[0].filename,
                effective_from=on,
                source=sent["source"],
                actor_user_id=principal_of(request).user_id,
            )

        imported = form.submit(db_session, run)
        if imported is not None:
            return Redirect(
                f"/staff/{estate.slug}/prices?done={imported['effective_from']}",
                status_code=HTTP_303_SEE_OTHER,
            )
        found = form.error.errors if form.error is not None else []
        cells = sorted(
            (_cell(e) for e in found if e.field.startswith("rows[")),
            key=lambda c: (c["row"], c["column"]),
        )
        errors = form.errors
        if cells:  # the table says where; above the form, how many and that nothing was kept
            errors["_form"] = zh.say(
                Message("web.rows_refused", value=len({c["row"] for c in cells}))
            )
        return self._page(
            request,
            db_session,
            estate,
            form=sent,
            errors=errors,
            cells=cells,
            status=form.status,
        )


CONTROLLERS: list[Any] = [PricePagesController]
