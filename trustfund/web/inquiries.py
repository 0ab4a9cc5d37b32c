"""The residents' page of one disclosure line (``/e/{slug}/d/{version_id}/q/{line_ref}``): the
line, every question asked on it with the committee's answer and both dates, and the form to
ask (household code, receipt check code, the question). No sign-in; a browser of another
site cannot post the form (``same_origin_only``). Errors are said in Chinese on the page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.errors import RateLimitedError, TrustfundError, ValidationError
from trustfund.inquiries import service
from trustfund.web.templating import page_html


class AskForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    household_code: str = ""
    check_code: str = ""
    text: str = ""


def refusal_zh(exc: TrustfundError) -> dict[str, str]:
    """The refusal as ``{form field or _form: Chinese sentence}`` (the household's page,
    ``web.household``, says its refusals the same way)."""
    if isinstance(exc, RateLimitedError):
        minutes = max(1, int(exc.extra.get("retry_after", 60)) // 60)
        if exc.code == "inquiries.too_many_today":
            return {"_form": "这一户今天已经提了 3 个质询，请明天再提。"}
        return {"_form": f"尝试次数太多，请 {minutes} 分钟后再试。"}
    out: dict[str, str] = {}
    for error in exc.errors:
        if error.field in ("household_code", "check_code"):
            out["_form"] = "户号或收据校验码不对，请对照收据重新填写。"
        elif error.field == "text":
            if error.code == "inquiries.personal_data":
                out["text"] = "看起来含有姓名、电话或证件号等个人信息；质询会公开，请删去。"
            elif error.code == "input.at_most_characters":
                out["text"] = f"质询最多 {service.MAX_QUESTION} 字。"
            else:
                out["text"] = "请写下您的问题。"
    return out or {"_form": "提交没有成功，请检查后重试。"}


def _page(ctx: dict[str, Any], status: int = 200) -> Response[str]:
    return Response(
        page_html("inquiries/line.html", principal=None, csrf_token=None, **ctx),
        media_type=MediaType.HTML,
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


class InquiryPagesController(Controller):
    include_in_schema = False
    path = "/e/{estate_slug:str}/d/{version_id:int}/q/{line_ref:str}"

    @get("/", opt=public(), sync_to_thread=True)
    def line(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        version_id: FromPath[int],
        line_ref: FromPath[str],
        asked: FromQuery[int] = 0,
    ) -> Response[str]:
        ctx = service.line_page(db_session, estate_slug, version_id, line_ref)
        return _page({**ctx, "form": AskForm(), "errors": {}, "asked": bool(asked)})

    @post(
        "/",
        opt={**public(), "csrf_exempt": True, "same_origin_only": True},
        sync_to_thread=True,
    )
    def ask(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        version_id: FromPath[int],
        line_ref: FromPath[str],
        data: URLEncodedBody[AskForm],
    ) -> Response[Any]:
        ctx = service.line_page(db_session, estate_slug, version_id, line_ref)
        try:
            asked = service.ask(
                db_session,
                estate_slug,
                version_id,
                line_ref,
                household_code=data.household_code,
                check_code=data.check_code,
                text=data.text,
                client_addr=request.client.host if request.client else "",
            )
        except (ValidationError, RateLimitedError) as exc:
            db_session.rollback()
            status = exc.status_code
            return _page({**ctx, "form": data, "errors": refusal_zh(exc), "asked": False}, status)
        return Redirect(
            f"/e/{estate_slug}/d/{version_id}/q/{line_ref}?asked=1#q{asked['id']}",
            status_code=HTTP_303_SEE_OTHER,
        )


CONTROLLERS: list[Any] = [InquiryPagesController]
