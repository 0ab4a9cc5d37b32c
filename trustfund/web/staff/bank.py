"""The month's bank reconciliation on a phone (银行对账): the 银行余额调节表, the items in
transit on each side, the matches with who confirmed them, what is proposed and unmatched;
the steward prepares the month here, the committee decides on the approvals page."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_action
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.reconciliation import months
from trustfund.web.staff.common import may, page, principal_of

BASE = "/staff/{estate_slug:str}/bank"
STATUS_NAMES = {
    "not_prepared": "未编制",
    "pending": "待业委会审批",
    "reconciled": "已核对，业委会已批准",
    "rejected": "被驳回",
    "void": "已失效（数据在编制后有变动）",
}


def _last_ended_month(estate: Estate) -> str:
    first = today_in(estate).replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return f"{previous.year:04d}-{previous.month:02d}"


class StaffBankController(Controller):
    path = BASE

    @get("/", opt=estate_action(Action.READ), sync_to_thread=True)
    def month_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        month: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        chosen = month or _last_ended_month(estate)
        view = months.view(db_session, estate, chosen)
        return page(
            request,
            "staff/bank.html",
            estate=estate,
            month=view,
            months=months.list_months(db_session, estate),
            status_names=STATUS_NAMES,
            done=done,
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
        )

    @post(
        "/{month:str}/prepare",
        opt={**estate_action(Action.RECORD), "audit_action": "web.bank_prepare"},
        sync_to_thread=True,
    )
    def prepare(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        month: FromPath[str],
    ) -> Redirect:
        months.prepare(db_session, estate, month, actor_user_id=principal_of(request).user_id)
        return Redirect(
            f"/staff/{estate.slug}/bank/?month={month}&done=prepared",
            status_code=HTTP_303_SEE_OTHER,
        )


CONTROLLERS: list[Any] = [StaffBankController]
