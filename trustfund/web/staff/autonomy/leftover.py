"""The end of a project: its settlement (actual against budget is fixed) and what happens
to the money left — a restricted gift refunded, or the money moved to the fund or another
project; both for the council to decide (the steward posts them on the leftovers page)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.grants import service
from trustfund.grants.schemas import SettleIn, TransferIn
from trustfund.messages import Message
from trustfund.web.staff.autonomy.forms import BASE, SettleForm, TransferForm
from trustfund.web.staff.autonomy.page import back_to, project_page
from trustfund.web.staff.common import principal_of
from trustfund.web.staff.forms import StaffForm

TRANSFER_KINDS = ("refund", "transfer")


class AutonomyLeftoverController(Controller):
    include_in_schema = False
    path = BASE

    @estate_route(
        post,
        "/projects/{project_id:int}/settle",
        Action.RECORD,
        audit_action="web.settle_project",
        status_code=HTTP_303_SEE_OTHER,
    )
    def settle(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[SettleForm],
    ) -> Response[Any]:
        """End implementation: actual against budget is fixed; money left waits for a
        refund or reallocation decision."""
        service.show_project(db_session, estate.id, project_id)
        form = StaffForm(SettleForm.model_fields)
        settled_on = form.required_day(data.settled_on, "settled_on")
        return form.handle(
            db_session,
            lambda: service.settle(
                db_session,
                estate.id,
                project_id,
                SettleIn(settled_on=settled_on, note=data.note),  # type: ignore[arg-type]
                principal_of(request).user_id,
            ),
            done=back_to(estate, project_id, "settled"),
            again=lambda f: project_page(
                request, db_session, estate, project_id, errors=f.errors, settle=data, status=422
            ),
        )

    @estate_route(
        post,
        "/projects/{project_id:int}/transfer",
        Action.RECORD,
        audit_action="web.propose_transfer",
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose_transfer(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[TransferForm],
    ) -> Response[Any]:
        """Money left after the settlement: refund a restricted gift, or move it to the
        fund or another project — both for the council to decide."""
        view = service.show_project(db_session, estate.id, project_id)
        form = StaffForm(TransferForm.model_fields)
        moved_on = form.required_day(data.moved_on, "moved_on")
        if data.kind not in TRANSFER_KINDS:
            form.refuse("kind", Message("web.choose_transfer_kind"))
        refund = data.kind == "refund"
        gift_id = (
            form.choice(data.gift_id, "gift_id", Message("web.choose_refund_gift"))
            if refund
            else None
        )
        return form.handle(
            db_session,
            lambda: service.propose_transfer(
                db_session,
                estate.id,
                TransferIn(
                    kind=data.kind,  # type: ignore[arg-type]
                    amount=data.amount,
                    moved_on=moved_on,  # type: ignore[arg-type]  # refused when None
                    reason=data.reason,
                    gift_id=gift_id,
                    from_fund=None if refund else view["fund"],
                    to_fund=None if refund else data.to_fund,
                ),
                principal_of(request).user_id,
            ),
            done=back_to(estate, project_id, "transfer"),
            again=lambda f: project_page(
                request, db_session, estate, project_id, errors=f.errors, transfer=data, status=422
            ),
        )


CONTROLLERS: list[Any] = [AutonomyLeftoverController]
