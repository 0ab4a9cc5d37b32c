"""Residents' questions (质询) for the committee, on a phone: every question with its line
(a link to the public line page), unanswered first with the days they have waited, and — for
whoever may answer (the role of the estate's ``inquiry`` rule, not the steward) — the answer
form. An answer is published at once and never edited (``trustfund.inquiries``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from trustfund.api.access import estate_action
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.errors import PermissionDeniedError, TrustfundError
from trustfund.inquiries import service
from trustfund.web.staff.common import error_message, page, principal_of


class AnswerForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = ""


def _errors(exc: TrustfundError) -> str:
    if isinstance(exc, PermissionDeniedError):
        return "您不能答复：质询由本小区答复规则指定的角色（默认业委会）答复，红色管家不能答复。"
    for error in exc.errors:
        if error.code == "inquiries.personal_data":
            return "看起来含有姓名或电话等个人信息；答复会公开，请删去。"
        if error.code == "input.at_most_characters":
            return f"答复最多 {service.MAX_ANSWER} 字。"
        if error.field == "text":
            return "请写下答复。"
    if exc.status_code == 409:
        return "这条质询已经答复过了；答复公开后不能修改。"
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

    @get("/", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        answered: FromQuery[int] = 0,
    ) -> Response[Any]:
        return self._page(request, db_session, estate, answered=answered)

    @post("/{inquiry_id:int}/answer", opt=estate_action(Action.APPROVE), sync_to_thread=True)
    def answer(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        inquiry_id: FromPath[int],
        data: URLEncodedBody[AnswerForm],
    ) -> Response[Any]:
        try:
            service.answer(
                db_session, estate, inquiry_id, data.text, principal=principal_of(request)
            )
        except TrustfundError as exc:
            db_session.rollback()
            if exc.status_code == 404:
                raise
            return self._page(
                request,
                db_session,
                estate,
                failed=inquiry_id,
                error=_errors(exc),
                form=data,
                status=exc.status_code,
            )
        return Redirect(
            f"/staff/{estate.slug}/inquiries?answered={inquiry_id}#q{inquiry_id}",
            status_code=HTTP_303_SEE_OTHER,
        )


CONTROLLERS: list[Any] = [InquiriesPageController]
