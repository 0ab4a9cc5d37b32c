"""Alerts (预警) for the committee, the council and the supervisor, on a phone: every alert
the books raise now (``trustfund.oversight``), newest first, each linking to the lines
behind it, and the form to acknowledge one with a note (kept, never changed). Not for the
steward they oversee (Action.AUDIT)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.oversight import service
from trustfund.web.staff.common import page, principal_of
from trustfund.web.staff.forms import StaffForm

RULE_NAMES = {
    "split_payments": "疑似拆单",
    "double_payment": "疑似重复付款",
    "cash_held": "现金未及时存入",
    "bank_unreconciled": "银行未对账",
    "disclosure_overdue": "公示逾期",
    "fund_low": "基金余额偏低",
    "collection_gap": "楼栋收缴率偏低",
    "inquiry_unanswered": "质询未答复",
    "voucher_missing": "付款后缺凭证",
}


THRESHOLD_NAMES = {
    "split_days": "拆单：几天内付给同一收款方（天）",
    "double_days": "重复付款：几天内同额（天）",
    "cash_max": "管家手头现金上限（元）",
    "cash_days": "现金最长未存（天）",
    "bank_days": "月末后几天内须完成银行对账（天）",
    "disclosure_days": "季末后几天内须公示（天）",
    "fund_months": "基金余额对比近几个月平均支出（月）",
    "collection_gap": "楼栋收缴率低于全小区（百分点）",
    "collection_min": "楼栋至少几户才比较（户）",
    "inquiry_days": "质询几天未答复（天）",
    "voucher_days": "付款后几天仍无凭证（天）",
}


class AcknowledgeForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str = ""
    note: str = ""


class AlertsPageController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/alerts"

    def _page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        estate: Estate,
        *,
        done: str = "",
        failed: str = "",
        error: str = "",
        form: AcknowledgeForm | None = None,
        status: int = 200,
    ) -> Response[Any]:
        return page(
            request,
            "staff/alerts.html",
            status=status,
            estate=estate,
            data=service.list_alerts(db_session, estate),
            rule_names=RULE_NAMES,
            threshold_names=THRESHOLD_NAMES,
            done=done,
            failed=failed,
            error=error,
            form=form or AcknowledgeForm(),
        )

    @estate_route(get, "/", Action.AUDIT)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str] = "",
    ) -> Response[Any]:
        return self._page(request, db_session, estate, done=done[:200])

    @estate_route(post, "/acknowledge", Action.AUDIT)
    def acknowledge(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[AcknowledgeForm],
    ) -> Response[Any]:
        form = StaffForm({"note"})
        return form.handle(
            db_session,
            lambda: service.acknowledge(
                db_session,
                estate,
                data.key[:200],
                data.note[:2000],
                actor_user_id=principal_of(request).user_id,
            ),
            done=f"/staff/{estate.slug}/alerts?done={data.key}",
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                failed=data.key,
                error=form.errors.get("note") or form.errors["_form"],
                form=data,
                status=form.status,
            ),
        )


CONTROLLERS: list[Any] = [AlertsPageController]
