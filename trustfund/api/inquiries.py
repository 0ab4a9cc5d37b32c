"""Residents' questions (质询, ``trustfund.inquiries``): asked on a published disclosure line
without signing in (household code + receipt check code), answered by the committee (or the
role the estate's ``inquiry`` approval rule names), published with both dates. Nothing is
edited or deleted: there is no route for it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route, public
from trustfund.api.common import Ctx
from trustfund.auth.principal import Action
from trustfund.inquiries import lines, schemas, service


class QuestionIn(BaseModel):
    line: str = Field(max_length=80, description="the line's reference (`lines` below)")
    household_code: str = Field(max_length=20, description="printed on the receipt (H-…)")
    check_code: str = Field(
        max_length=32, description="the receipt's check code (收据校验码, ABCD-EFGH)"
    )
    text: str = Field(
        max_length=2000, description=f"the question, at most {service.MAX_QUESTION} characters"
    )


class AnswerIn(BaseModel):
    text: str = Field(
        max_length=4000, description=f"the answer, at most {service.MAX_ANSWER} characters"
    )


class PublicInquiriesController(Controller):
    path = "/api/v1/public/estates/{estate_slug:str}/inquiries"
    tags = ["public"]

    @get(
        "/{version_id:int}",
        opt=public(),
        sync_to_thread=True,
        summary="Questions and answers on a published disclosure's lines",
        description="Per questioned line: the line and its questions (the asker shown as "
        '"3幢住户" or "住户", never the household), each with the day asked and, once '
        "answered, the answer, its day and the answerer's role.",
    )
    def list_questions(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        version_id: FromPath[int],
    ) -> schemas.PublicQuestionsOut:
        return schemas.PublicQuestionsOut.model_validate(
            service.public_list(db_session, estate_slug, version_id)
        )

    @post(
        "/{version_id:int}",
        opt={**public(), "csrf_exempt": True, "same_origin_only": True},
        sync_to_thread=True,
        summary="Ask a question on one line of a published disclosure (质询)",
        description=(lines.__doc__ or "").split("\n\n", 1)[-1]
        + "\n\nThe household code and a receipt's check code (printed on every receipt) "
        "identify the household; a pair that does not match is refused (422 naming "
        "`household_code` and `check_code`) the same way whether or not the household "
        "exists. The text may hold no personal data (owners' names, phone numbers: 422 "
        f"`text`). At most {service.LIMITS.failures} wrong pairs per address in "
        f"{int(service.LIMITS.failure_window.total_seconds() // 60)} minutes, "
        f"{service.LIMITS.per_household_day} questions per household a day and "
        f"{service.LIMITS.per_address_day} per address in 24 hours (429, `retry_after`). "
        "A question is published at once and never changed.",
    )
    def ask(
        self,
        db_session: NamedDependency[Session],
        request: Request[Any, Any, Any],
        estate_slug: FromPath[str],
        version_id: FromPath[int],
        data: JSONBody[QuestionIn],
    ) -> schemas.QuestionPublic:
        return schemas.QuestionPublic.model_validate(
            service.ask(
                db_session,
                estate_slug,
                version_id,
                data.line,
                household_code=data.household_code,
                check_code=data.check_code,
                text=data.text,
                client_addr=request.client.host if request.client else "",
            )
        )


class InquiriesController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/inquiries"
    tags = ["inquiries"]

    @estate_route(
        get,
        "/",
        Action.READ,
        summary="Residents' questions: unanswered first",
        description="Each with its line, the days it has waited (`days_open`) and, once "
        "answered, who answered (`by`, `by_name`), in which role and when. "
        "`answerer_role`: who answers in this estate (the `inquiry` approval rule).",
    )
    def list_questions(self, ctx: Ctx) -> schemas.StaffQuestionsOut:
        return schemas.StaffQuestionsOut.model_validate(service.staff_list(ctx.session, ctx.estate))

    @estate_route(get, "/{inquiry_id:int}", Action.READ)
    def get_question(self, ctx: Ctx, inquiry_id: FromPath[int]) -> schemas.QuestionStaff:
        """One question with its line and answer."""
        return schemas.QuestionStaff.model_validate(
            service.get_inquiry(ctx.session, ctx.estate, inquiry_id)
        )

    @estate_route(
        post,
        "/{inquiry_id:int}/answer",
        Action.APPROVE,
        summary="Answer a resident's question (published at once, never edited)",
        description="By one person holding the role of the estate's `inquiry` approval rule "
        "(default committee; `PUT …/approvals/rules/inquiry` with `approver_role` council "
        "changes it) who is not the estate's steward (403). 409 when answered already; 422 "
        "for an empty or long text or one holding personal data.",
    )
    def answer(
        self, ctx: Ctx, inquiry_id: FromPath[int], data: JSONBody[AnswerIn]
    ) -> schemas.QuestionStaff:
        return schemas.QuestionStaff.model_validate(
            service.answer(ctx.session, ctx.estate, inquiry_id, data.text, principal=ctx.principal)
        )


CONTROLLERS: list[Any] = [PublicInquiriesController, InquiriesController]
