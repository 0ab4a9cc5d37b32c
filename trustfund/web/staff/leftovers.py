"""What happens to a settled autonomy project's money left (结余处理) after the council
decided: every refund of a restricted gift and every transfer between autonomy funds, with
its approval, and — for the steward — the 入账 button of an approved one.

Proposing is on the project's page; the council decides on the approval page; posting is
here. Posting calls ``grants.service.post_transfer``, the command the API's
``POST …/grants/transfers/{id}/post`` calls: it refuses anything the council has not approved
as it stands (409), and a double tap posts once (the form's idempotency key)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.grants import service, transfers
from trustfund.grants.schemas import TransferOut
from trustfund.ledger.accounts import fund_label
from trustfund.web.staff import zh
from trustfund.web.staff.common import may, new_key, page, principal_of
from trustfund.web.staff.forms import StaffForm

BASE = "/staff/{estate_slug:str}/autonomy/transfers"
KIND_NAMES = {"refund": "退还捐款", "transfer": "基金调拨"}
STATUS_NAMES = {
    "pending": "待理事会决定",
    "approved": "已批准，待入账",
    "posted": "已入账",
    "rejected": "未获批准",
}
#: Cards in this order: what the steward can post now first, then what waits, then the rest.
ORDER = {"approved": 0, "pending": 1, "posted": 2, "rejected": 3}


class PostForm(BaseModel):
    key: str = Field(default="", max_length=64)


def _cards(session: Session, estate: Estate, rows: list[TransferOut]) -> list[dict[str, Any]]:
    titles = {p["code"]: p["title"] for p in service.list_projects(session, estate.id)}
    donors = {g["id"]: g["donor"] for g in service.list_gifts(session, estate.id)}
    cards: list[dict[str, Any]] = []
    for row in rows:
        approval = row["approval"]
        cards.append(
            {
                **row,
                "kind_name": KIND_NAMES.get(row["kind"], row["kind"]),
                "status_name": STATUS_NAMES.get(row["status"], row["status"]),
                "from_name": fund_label(row["from_fund"], titles),
                "to_name": fund_label(row["to_fund"], titles)
                if row["to_fund"]
                else f"退还给 {donors.get(row['gift_id'] or 0, '捐赠人')}",
                "rule": zh.rule_label(approval["rule"]) if approval else "",
            }
        )
    cards.sort(key=lambda c: (ORDER.get(c["status"], 9), c["moved_on"], c["id"]))
    return cards


class LeftoverPagesController(Controller):
    include_in_schema = False
    path = BASE

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        done: str | None = None,
        refused: int | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/leftovers.html",
            status=status,
            estate=estate,
            cards=_cards(session, estate, service.list_transfers(session, estate.id)),
            done=done,
            refused=refused,
            errors=errors or {},
            key=new_key(),
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
        )

    @estate_route(get, "/", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[int | None] = None,
    ) -> Template:
        """Refunds and transfers of autonomy money: approved ones to post, pending ones (a
        link to the approval for a council member), posted ones with their entry."""
        return self._page(request, db_session, estate, done=str(done) if done else None)

    @estate_route(
        post,
        "/{transfer_id:int}/post",
        Action.RECORD,
        audit_action="web.post_transfer",
        status_code=HTTP_303_SEE_OTHER,
    )
    def post_transfer(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        transfer_id: FromPath[int],
        data: URLEncodedBody[PostForm],
    ) -> Response[Any]:
        """Post an approved refund or transfer to the ledger (once)."""
        transfers.get_transfer(db_session, estate.id, transfer_id)  # 404 before anything else
        form = StaffForm({"key"})
        return form.handle(
            db_session,
            lambda: service.post_transfer(
                db_session,
                estate.id,
                transfer_id,
                principal_of(request).user_id,
                f"web:{data.key}" if data.key else None,
            ),
            done=f"/staff/{estate.slug}/autonomy/transfers?done={transfer_id}",
            again=lambda form: self._page(
                request,
                db_session,
                estate,
                refused=transfer_id,
                errors=form.errors,
                status=form.status,
            ),
        )


CONTROLLERS: list[Any] = [LeftoverPagesController]
