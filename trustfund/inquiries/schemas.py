"""What the inquiries API answers (OpenAPI response schemas)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AnswerPublic(BaseModel):
    text: str
    answered_on: str = Field(description="the estate's local date")
    by_role: str = Field(description="业委会 or 理事会 — never a name on public answers")


class QuestionPublic(BaseModel):
    id: int
    version_id: int
    line_ref: str
    asker: str = Field(description='"3幢住户" or "住户": never the household')
    text: str
    asked_on: str = Field(description="the estate's local date")
    answer: AnswerPublic | None


class LineOut(BaseModel):
    ref: str
    section: str = Field(description="支出 / 捐赠 / 服务费收入 / 其他收入")
    date: str = Field(description='"" for a total')
    text: str
    amount: str


class LineQuestions(LineOut):
    questions: list[QuestionPublic]


class PublicQuestionsOut(BaseModel):
    version_id: int
    lines: list[LineQuestions] = Field(description="the questioned lines, in page order")


class AnswerStaff(AnswerPublic):
    by: int = Field(description="the answerer's user id")
    by_name: str | None


class QuestionStaff(BaseModel):
    id: int
    version_id: int
    line_ref: str
    asker: str
    text: str
    asked_on: str
    answer: AnswerStaff | None
    period: str | None = Field(description="the disclosure's period title")
    line: LineOut | None
    days_open: int | None = Field(description="days waited so far; null once answered")


class StaffQuestionsOut(BaseModel):
    open: int
    answerer_role: str = Field(description="who answers here: the `inquiry` approval rule")
    questions: list[QuestionStaff] = Field(description="unanswered (oldest first), then answered")
