"""The month's bank reconciliation on a phone (银行对账): the 银行余额调节表, the items in
transit on each side, the matches with who confirmed them, what is proposed and unmatched;
the steward prepares the month here, the committee decides on the approvals page. The
collection code's WeChat Pay / Alipay bill (收款码账单) has its page under it: upload the
bill, see each line and what it matched (a recorded payment, the bank line a withdrawal
reached), what is left on either side, and match again after payments were recorded; a
collection several payments could be is confirmed by hand (one button per candidate), and a
match is undone from its line."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.api.uploads import form_file
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.errors import TrustfundError
from trustfund.estates.service import today_in
from trustfund.messages import Message
from trustfund.reconciliation import months, service, wallets
from trustfund.reconciliation.schemas import (
    StatementImportOut,
    WalletImportOut,
    WalletMatchConfirmedOut,
    WalletMatchRunOut,
    WalletMatchUndoneOut,
)
from trustfund.web.staff import zh
from trustfund.web.staff.common import error_message, may, page, principal_of
from trustfund.web.staff.forms import StaffForm, sheet_row

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


def _row_problems(error: TrustfundError | None) -> list[str]:
    """A refused statement file, a line a problem: ``第 3 行：金额：不是有效数字``."""
    if error is None:
        return []
    said = [
        zh.say(Message("web.row_reason", row=row, reason=e.message))
        if (row := sheet_row(e.field)) is not None
        else zh.say(Message("web.field_reason", field=e.field, reason=e.message))
        for e in error.errors
    ]
    return said or [error_message(error)]


class StaffBankController(Controller):
    include_in_schema = False
    path = BASE

    @estate_route(get, "/", Action.READ)
    def month_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        month: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        return self._page(request, db_session, estate, month, done=done)

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        month: str | None,
        *,
        done: str | None = None,
        import_errors: list[str] | None = None,
        status: int = 200,
    ) -> Template:
        chosen = month or _last_ended_month(estate)
        view, problems = months.view_with_problems(session, estate, chosen)
        return page(
            request,
            "staff/bank.html",
            status=status,
            estate=estate,
            month={**view, "problems": [zh.say(p) for p in problems]},
            months=months.list_months(session, estate),
            status_names=STATUS_NAMES,
            done=done,
            import_errors=import_errors or [],
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
            wallet_names=wallets.NAMES,
        )

    @estate_route(
        post,
        "/import",
        Action.RECORD,
        audit_action="web.bank_import",
        status_code=HTTP_303_SEE_OTHER,
    )
    def import_statement(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: MultipartBody[dict[str, Any]],
        month: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """The statement file as online banking exported it: all rows or none; a refused
        file is listed row by row on the page."""
        actor = principal_of(request).user_id

        def imported() -> StatementImportOut:
            content, filename = form_file(data)
            return service.import_statement(
                db_session, estate, content, filename, through=None, actor_user_id=actor
            )

        return StaffForm({"file"}).handle(
            db_session,
            imported,
            done=lambda result: (
                f"/staff/{estate.slug}/bank/?month={month or ''}&done=imported-{result['new_lines']}"
            ),
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                month,
                import_errors=_row_problems(form.error),
                status=422,
            ),
        )

    @estate_route(
        post,
        "/lines/{line_id:int}/match",
        Action.RECORD,
        audit_action="web.bank_match",
        status_code=HTTP_303_SEE_OTHER,
    )
    def confirm(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        line_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Redirect:
        """A proposed match confirmed: the line is this entry (who confirmed it is kept)."""
        try:
            seq = int(data.get("entry_seq", ""))
        except ValueError:
            seq = 0
        service.confirm_match(
            db_session, estate, line_id, [seq], "", actor_user_id=principal_of(request).user_id
        )
        month = data.get("month", "")
        return Redirect(
            f"/staff/{estate.slug}/bank/?month={month}&done=matched",
            status_code=HTTP_303_SEE_OTHER,
        )

    @estate_route(post, "/{month:str}/prepare", Action.RECORD, audit_action="web.bank_prepare")
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


WALLET_KINDS = {
    "collection": "收款",
    "withdrawal": "提现",
    "refund": "退款",
    "fee": "手续费",
    "other": "其他",
}


class StaffWalletController(Controller):
    """The collection code's bill: ``/staff/{estate}/bank/wallets/{wechat|alipay}``; what the
    API's ``…/bank/wallets/{source}`` routes do, with the same role checks (reading for
    Action.READ, importing, matching, confirming and undoing for Action.RECORD)."""

    include_in_schema = False
    path = BASE + "/wallets/{source:str}"

    @estate_route(get, "/", Action.READ)
    def wallet_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        source: FromPath[str],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return self._page(request, db_session, estate, source, done=done)

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        source: str,
        *,
        done: str | None = None,
        import_errors: list[str] | None = None,
        line_errors: dict[int, dict[str, str]] | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/wallet.html",
            status=status,
            estate=estate,
            wallet=wallets.overview(session, estate, source),
            wallet_names=wallets.NAMES,
            kinds=WALLET_KINDS,
            done=done,
            import_errors=import_errors or [],
            line_errors=line_errors or {},
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(
        post,
        "/import",
        Action.RECORD,
        audit_action="web.wallet_import",
        status_code=HTTP_303_SEE_OTHER,
    )
    def import_bill(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        source: FromPath[str],
        data: MultipartBody[dict[str, Any]],
    ) -> Response[Any]:
        """The bill as WeChat Pay / Alipay exported it: all rows or none; a refused file is
        listed row by row on the page."""
        actor = principal_of(request).user_id
        wallets.layout_of(source)  # an unknown source is a 404, not a refused file

        def imported() -> WalletImportOut:
            content, filename = form_file(data)
            return wallets.import_bill(
                db_session, estate, source, content, filename, actor_user_id=actor
            )

        return StaffForm({"file"}).handle(
            db_session,
            imported,
            done=lambda result: (
                f"/staff/{estate.slug}/bank/wallets/{source}/"
                f"?done=imported-{result['new_lines']}-{result['matched']}"
            ),
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                source,
                import_errors=_row_problems(form.error),
                status=form.status,
            ),
        )

    @estate_route(
        post,
        "/match",
        Action.RECORD,
        audit_action="web.wallet_match",
        status_code=HTTP_303_SEE_OTHER,
    )
    def match(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        source: FromPath[str],
    ) -> Response[Any]:
        """Match the bill again, after the payments it shows were recorded."""

        def matched() -> WalletMatchRunOut:
            return wallets.run_matching(db_session, estate, source)

        return StaffForm(set()).handle(
            db_session,
            matched,
            done=lambda result: (
                f"/staff/{estate.slug}/bank/wallets/{source}/?done=matched-{result['matched']}"
            ),
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                source,
                import_errors=[form.above().get("_form", "")],
                status=form.status,
            ),
        )

    @estate_route(
        post,
        "/lines/{line_id:int}/confirm",
        Action.RECORD,
        audit_action="web.wallet_confirm",
        status_code=HTTP_303_SEE_OTHER,
    )
    def confirm(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        source: FromPath[str],
        line_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        """A proposed match confirmed: the collection is this payment (who confirmed it is
        kept). Refused — another method, amount or estate, matched already — the page again
        with the reason next to the line, nothing written."""
        wallets.layout_of(source)  # an unknown source is a 404, not a refused form
        actor = principal_of(request).user_id
        form = StaffForm({"payment_id", "note"})
        payment_id = form.choice(data.get("payment_id", ""), "payment_id")

        def confirmed() -> WalletMatchConfirmedOut:
            return wallets.confirm_match(
                db_session,
                estate,
                source,
                line_id,
                payment_id or 0,
                data.get("note", ""),
                actor_user_id=actor,
            )

        return form.handle(
            db_session,
            confirmed,
            done=lambda result: (
                f"/staff/{estate.slug}/bank/wallets/{source}/?done=confirmed-{result['matched']}"
            ),
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                source,
                line_errors={line_id: form.errors},
                status=form.status,
            ),
        )

    @estate_route(
        post,
        "/lines/{line_id:int}/unmatch",
        Action.RECORD,
        audit_action="web.wallet_unmatch",
        status_code=HTTP_303_SEE_OTHER,
    )
    def unmatch(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        source: FromPath[str],
        line_id: FromPath[int],
    ) -> Response[Any]:
        """A match undone (kept as history with who undid it); the line then waits for a
        person to confirm the right payment."""
        wallets.layout_of(source)
        actor = principal_of(request).user_id

        def undone() -> WalletMatchUndoneOut:
            return wallets.undo_match(db_session, estate, source, line_id, actor_user_id=actor)

        return StaffForm(set()).handle(
            db_session,
            undone,
            done=f"/staff/{estate.slug}/bank/wallets/{source}/?done=undone",
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                source,
                line_errors={line_id: form.errors},
                status=form.status,
            ),
        )


CONTROLLERS: list[Any] = [StaffBankController, StaffWalletController]
