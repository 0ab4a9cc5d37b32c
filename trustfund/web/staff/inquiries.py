"""Residents' questions (质询) for the committee, on a phone: every question with its line
(a link to the public line page), unanswered first with the days they have waited, and — for
whoever may answer (the role of the estate's ``inquiry`` rule, not the steward) — the answer
form. An answer is published at once and never edited (``trustfund.inquiries``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.errors import PermissionDeniedError, TrustfundError
from trustfund.inquiries import service
from trustfund.messages import Message
from trustfund.web.staff import zh
from trustfund.web.staff.common import error_message, page, principal_of
from trustfund.web.staff.forms import StaffForm


class AnswerForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = ""


def _refusal(exc: TrustfundError) -> str:
    """Why the answer was refused, in one Chinese sentence from the catalog."""
    if isinstance(exc, PermissionDeniedError):
        return zh.say(Message("web.answer_not_yours"))
    for error in exc.errors:
        if error.code == "inquiries.personal_data":
            return zh.say(Message("web.answer_personal_data"))
        if error.code == "input.at_most_characters":
            return zh.say(Message("web.answer_too_long", limit=service.MAX_ANSWER))
        if error.field == "text":
            return zh.say(Message("web.answer_required"))
    if exc.status_code == 409:
        return zh.say(Message("web.answered_already"))
    return error_message(exc)


class InquiriesPageController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/inquiries"

    def _page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        estate: Estate,
        *,
        answered: int = 0,
        failed: int = 0,
        error: str = "",
        form: AnswerForm | None = None,
        status: int = 200,
    ) -> Response[Any]:
        data = service.staff_list(db_session, estate)
        role = service.may_answer(db_session, estate, principal_of(request))
        return page(
            request,
            "staff/inquiries.html",
            status=status,
            estate=estate,
            data=data,
            can_answer=role is not None,
            role_zh=service.ROLE_ZH.get(data["answerer_role"], data["answerer_role"]),
            answered=answered,
            failed=failed,
            error=error,
            form=form or AnswerForm(),
        )

    @estate_route(get, "/", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        answered: FromQuery[int] = 0,
    ) -> Response[Any]:
        return self._page(request, db_session, estate, answered=answered)

    @estate_route(post, "/{inquiry_id:int}/answer", Action.APPROVE)
    def answer(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        inquiry_id: FromPath[int],
        data: URLEncodedBody[AnswerForm],
    ) -> Response[Any]:
        def again(form: StaffForm) -> Response[Any]:
            if form.error is not None and form.error.status_code == 404:
                raise form.error
            return self._page(
                request,
                db_session,
                estate,
                failed=inquiry_id,
                error=_refusal(form.error) if form.error is not None else "",
                form=data,
                status=form.status,
            )

        return StaffForm({"text"}).handle(
            db_session,
            lambda: service.answer(
                db_session, estate, inquiry_id, data.text, principal=principal_of(request)
            ),
            done=f"/staff/{estate.slug}/inquiries?answered={inquiry_id}#q{inquiry_id}",
            again=again,
        )


CONTROLLERS: list[Any] = [InquiriesPageController]
