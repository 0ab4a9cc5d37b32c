"""Preparing a disclosure (steward): pick a period, read the draft built from live figures,
submit it to the committee; publish it once approved. The committee signs it off in the
approval inbox. Everything goes through ``trustfund.disclosure.operations``.

The same page lists the locked periods; the steward or a committee member proposes lifting
one (a correction, with its reason), which a committee majority decides in the approval
inbox (``trustfund.disclosure.unlocks``). It also shows whether approvers appear by name on
the public pages, and takes the steward's or a committee member's proposal to change that
(with its reason; a committee majority decides in the approval inbox,
``trustfund.disclosure.names``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.disclosure import names, operations, render, unlocks
from trustfund.disclosure.schemas import DisclosureCreate
from trustfund.errors import TrustfundError
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.web.staff.common import field_errors, may, page, principal_of
from trustfund.web.staff.forms import StaffForm

STATUS_NAMES = {
    "submitted": "待业委会审核",
    "approved": "已批准，待发布",
    "rejected": "已驳回",
    "published": "已发布",
    "superseded": "已被更正",
    "void": "已作废",
}


class SubmitForm(BaseModel):
    period: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=1000)


class LiftForm(BaseModel):
    reason: str = Field(default="", max_length=500)


class PublicNamesForm(BaseModel):
    show_names: str = Field(default="", max_length=10)
    names_reason: str = Field(default="", max_length=500)


class DisclosurePagesController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/disclosures"

    def _list(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        period: str = "",
        errors: dict[str, str] | None = None,
        done: str | None = None,
        status: int = 200,
        lift: tuple[int, str, str] | None = None,
        names_form: PublicNamesForm | None = None,
        names_errors: dict[str, str] | None = None,
    ) -> Template:
        """``lift``: the lock id, the reason typed and the error of a refused proposal;
        ``names_form``/``names_errors``: a refused proposal about public names."""
        me = principal_of(request)
        roles = me.roles_for(estate.id, estate.community)
        return page(
            request,
            "staff/disclosures.html",
            status=status,
            estate=estate,
            versions=list(reversed(operations.list_versions(session, estate))),
            status_names=STATUS_NAMES,
            period=period,
            errors=errors or {},
            done=done,
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
            locks=unlocks.lock_views(session, estate),
            can_propose_lift=bool(roles & unlocks.PROPOSER_ROLES),
            lift=lift,
            me=me.user_id,
            public_names=names.setting(session, estate),
            can_propose_names=bool(roles & names.PROPOSER_ROLES),
            names_form=names_form or PublicNamesForm(),
            names_errors=names_errors or {},
        )

    @estate_route(get, "/", Action.READ)
    def versions(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return self._list(request, db_session, estate, done=done)

    @estate_route(get, "/preview", Action.READ)
    def preview(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        period: FromQuery[str] = "",
    ) -> Template:
        """The draft of a period from live figures, and the form that submits it."""
        try:
            draft = operations.draft(db_session, estate, period)
        except TrustfundError as exc:
            errors = field_errors(exc)
            return self._list(request, db_session, estate, period=period, errors=errors, status=422)
        return page(
            request,
            "staff/disclosure_preview.html",
            estate=estate,
            draft=draft,
            form=SubmitForm(period=period),
            errors={},
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/preview.html", Action.READ, media_type=MediaType.HTML)
    def preview_document(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        settings: NamedDependency[Settings],
        period: FromQuery[str] = "",
    ) -> Response[str]:
        """The draft statement as the disclosure package renders it (marked as a draft)."""
        draft = operations.draft(db_session, estate, period)
        html = render.statement_html(
            draft.statement,
            None,
            base_url=settings.public_url,
            draft_head=(draft.ledger_seq, draft.ledger_hash),
        )
        return Response(html, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})

    @estate_route(
        post,
        "/",
        Action.RECORD,
        audit_action="web.submit_disclosure",
        status_code=HTTP_303_SEE_OTHER,
    )
    def submit(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[SubmitForm],
    ) -> Response[Any]:
        form = StaffForm({"period"})
        return form.handle(
            db_session,
            lambda: operations.submit(
                db_session,
                estate,
                DisclosureCreate(period=data.period, note=data.note),
                principal_of(request).user_id,
            ),
            done=f"/staff/{estate.slug}/disclosures?done=submitted",
            again=lambda form: self._list(
                request, db_session, estate, period=data.period, errors=form.errors, status=422
            ),
        )

    @estate_route(
        post,
        "/{version_id:int}/publish",
        Action.RECORD,
        audit_action="web.publish_disclosure",
        status_code=HTTP_303_SEE_OTHER,
    )
    def publish(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate: NamedDependency[Estate],
        version_id: FromPath[int],
    ) -> Response[Any]:
        operations.get_version(db_session, estate, version_id)  # 404 before anything else
        form = StaffForm(())
        return form.handle(
            db_session,
            lambda: operations.publish(
                db_session, settings, estate, version_id, principal_of(request).user_id
            ),
            done=f"/staff/{estate.slug}/disclosures?done=published",
            again=lambda form: self._list(
                request, db_session, estate, errors=form.errors, status=form.status
            ),
        )

    @estate_route(
        post,
        "/locks/{lock_id:int}/lift",
        Action.READ,
        audit_action="web.propose_lift",
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose_lift(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        lock_id: FromPath[int],
        data: URLEncodedBody[LiftForm],
    ) -> Response[Any]:
        """Ask the committee to lift a lock (steward or committee member; a majority of the
        committee decides in the approval inbox)."""
        unlocks.get_lock(db_session, estate, lock_id)  # 404 before anything else
        form = StaffForm({"reason"})
        form.submit(
            db_session,
            lambda: unlocks.propose_request(
                db_session, estate, lock_id, principal=principal_of(request), reason=data.reason
            ),
        )
        if form.refused:
            message = form.errors.get("reason") or form.errors["_form"]
            return self._list(
                request,
                db_session,
                estate,
                status=form.status,
                lift=(lock_id, data.reason, message),
            )
        return Redirect(
            f"/staff/{estate.slug}/disclosures?done=lift_proposed", status_code=HTTP_303_SEE_OTHER
        )

    @estate_route(
        post,
        "/public-names",
        Action.READ,
        audit_action="web.propose_public_names",
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose_public_names(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[PublicNamesForm],
    ) -> Response[Any]:
        """Ask the committee to show approvers by name or by role on the public pages, as the
        API's ``POST …/disclosures/public-names`` (steward or committee member; others 403)."""
        form = StaffForm({"show_names", "names_reason"}, aliases={"reason": "names_reason"})
        if data.show_names not in ("true", "false"):
            form.refuse("show_names", Message("web.choose_from_list"))
        return form.handle(
            db_session,
            lambda: names.propose_request(
                db_session,
                estate,
                principal=principal_of(request),
                show_names=data.show_names == "true",
                reason=data.names_reason,
            ),
            done=f"/staff/{estate.slug}/disclosures?done=names_proposed#public-names",
            again=lambda refused: self._list(
                request,
                db_session,
                estate,
                status=refused.status,
                names_form=data,
                names_errors=refused.errors,
            ),
        )


CONTROLLERS: list[Any] = [DisclosurePagesController]
