"""A household's own page (``/e/{slug}/household``, issue 16 item 8): the household code and
the check code printed on its receipts open its charges, receipts (with the printable PDF)
and refunds (``trustfund.inquiries.household``).

The codes are posted (never in an address); a success sets a signed cookie valid for 15
minutes (HttpOnly, SameSite=Strict, only for this estate's ``/household`` paths) and sends
the browser back to the page, which then shows the household; "离开" forgets it. No sign-in;
a browser of another site cannot post the form (``same_origin_only``). Wrong codes get one
Chinese answer; too many get the questions' rate limit. Nothing here is cached.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.api.common import file_response
from trustfund.db.models.estates import Estate, Household
from trustfund.disclosure import public as reads
from trustfund.errors import NotFoundError, RateLimitedError, ValidationError
from trustfund.fees import receipt_views, receipts
from trustfund.inquiries import household as own
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.web.inquiries import refusal_zh
from trustfund.web.templating import page_html

COOKIE = "tf_household"
NO_STORE = {"Cache-Control": "no-store"}


class CodesForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    household_code: str = ""
    check_code: str = ""


def _path(estate: Estate) -> str:
    return f"/e/{estate.slug}/household"


def _cookie(settings: Settings, estate: Estate, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=COOKIE,
        value=value,
        path=_path(estate),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        max_age=max_age,
    )


def _page(ctx: dict[str, Any], status: int = 200) -> Response[str]:
    return Response(
        page_html("public_household.html", principal=None, csrf_token=None, **ctx),
        media_type=MediaType.HTML,
        status_code=status,
        headers=NO_STORE,
    )


def _signed_in(
    request: Request[Any, Any, Any], session: Session, settings: Settings, estate: Estate
) -> Household | None:
    return own.household_from_token(
        session, settings.resolved_secret_key(), estate, request.cookies.get(COOKIE)
    )


class HouseholdPagesController(Controller):
    include_in_schema = False
    path = "/e/{estate_slug:str}/household"

    @get("/", opt=public(), sync_to_thread=True)
    def page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate_slug: FromPath[str],
    ) -> Response[str]:
        """The household's page while its cookie is valid, else the form asking for codes."""
        estate = reads.estate_by_slug(db_session, estate_slug)
        household = _signed_in(request, db_session, settings, estate)
        if household is None:
            return _page({"estate": estate, "form": CodesForm(), "errors": {}, "h": None})
        return _page({"estate": estate, "h": own.view(db_session, estate, household)})

    @post(
        "/",
        opt={**public(), "csrf_exempt": True, "same_origin_only": True},
        sync_to_thread=True,
    )
    def open_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate_slug: FromPath[str],
        data: URLEncodedBody[CodesForm],
    ) -> Response[Any]:
        estate = reads.estate_by_slug(db_session, estate_slug)
        try:
            household = own.identify(
                db_session,
                estate,
                data.household_code,
                data.check_code,
                client_addr=request.client.host if request.client else "",
            )
        except (ValidationError, RateLimitedError) as exc:
            db_session.rollback()
            # the codes typed are kept only where the resident typed them: in the form
            ctx = {"estate": estate, "form": data, "errors": refusal_zh(exc), "h": None}
            return _page(ctx, exc.status_code)
        token = own.token_for(settings.resolved_secret_key(), estate.id, household.id)
        return Redirect(
            _path(estate),
            status_code=HTTP_303_SEE_OTHER,
            cookies=[_cookie(settings, estate, token, int(own.TOKEN_LIFETIME.total_seconds()))],
            headers=NO_STORE,
        )

    @post("/leave", opt={**public(), "csrf_exempt": True, "same_origin_only": True})
    async def leave(
        self, settings: NamedDependency[Settings], estate_slug: FromPath[str]
    ) -> Redirect:
        """Forget the household on this browser (a shared phone)."""
        return Redirect(
            f"/e/{estate_slug}",
            status_code=HTTP_303_SEE_OTHER,
            cookies=[
                Cookie(
                    key=COOKIE,
                    value="",
                    path=f"/e/{estate_slug}/household",
                    httponly=True,
                    samesite="strict",
                    secure=settings.secure_cookies,
                    max_age=0,
                )
            ],
        )

    @get("/receipts/{receipt_no:str}", opt=public(), sync_to_thread=True)
    def receipt_pdf(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate_slug: FromPath[str],
        receipt_no: FromPath[str],
    ) -> Response[bytes]:
        """One of the household's receipts as the printable PDF (with its check code), for
        the household whose cookie is valid only; 404 for any other receipt."""
        estate = reads.estate_by_slug(db_session, estate_slug)
        household = _signed_in(request, db_session, settings, estate)
        number = receipt_no.removesuffix(".pdf")
        receipt = None
        if household is not None:
            try:
                receipt = receipt_views.get_receipt(db_session, estate.id, number)
            except NotFoundError:
                receipt = None
        if household is None or receipt is None or receipt.household_id != household.id:
            raise NotFoundError(Message("fees.no_receipt", receipt_no=number))
        pdf = receipts.render_receipt_pdf(
            db_session, estate.id, number, public_url=settings.public_url
        )
        return file_response(pdf, "application/pdf", f"receipt-{number}.pdf", "inline", NO_STORE)


CONTROLLERS: list[Any] = [HouseholdPagesController]
