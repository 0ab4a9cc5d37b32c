"""The expense detail table (费用支出明细表): every payout with its vouchers and approvers,
filtered by dates, and the same table as an XLSX workbook (the API's download)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.messages import Message
from trustfund.settlements import expenses
from trustfund.web.staff.common import page
from trustfund.web.staff.forms import StaffForm


class ExpensePagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/expenses"

    @estate_route(get, "/", Action.READ)
    def table(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
    ) -> Template:
        form = StaffForm({"start", "end"})
        first = form.day(start, "start")
        last = form.day(end, "end")
        if first and last and last < first:
            form.refuse("end", Message("web.end_before_start"))
        errors = form.errors
        table = None
        if not errors:
            table = expenses.expense_table(db_session, estate.id, start=first, end=last)
        query = urlencode({k: v for k, v in (("start", start), ("end", end)) if v and not errors})
        return page(
            request,
            "staff/expenses.html",
            status=422 if errors else 200,
            estate=estate,
            table=table,
            start=start,
            end=end,
            errors=errors,
            xlsx_url=f"/api/v1/estates/{estate.slug}/expenses/xlsx"
            + (f"?{query}" if query else ""),
        )


CONTROLLERS: list[Any] = [ExpensePagesController]
