"""Public pages for residents (no sign-in, Chinese, phone-first; charts are inline SVG drawn
on the server; the only scripts are files: copy buttons and the verify button) and the
supervisor's page.

- ``/e/{slug}``: an estate's published disclosures (corrections next to what they replace),
  every lifted period lock with its reason (``unlocks.public_lifts``) and how approvers
  appear — by name or by role — with each committee decision on it (``names.public_history``);
- ``/e/{slug}/d/{version_id}``: one disclosure, rendered from its stored snapshot, with its
  PDF, CSV, XLSX and the public ledger file, and residents' questions (质询) with their
  answers next to the lines they question, each line linking to its question page
  (``trustfund/web/inquiries.py``);
- ``/e/{slug}/verify``: one button that checks the hash chain in the browser
  (``web/static/verify.js``), a receipt check by number (it hands over to the fees
  package's ``/r/{slug}/{receipt_no}`` page), the head hash and sequence number of every
  publication, and how to check it all on a computer (ledger verify, bean-check, totals);
- ``/supervisor``: signed in; the estates the caller supervises (a signed-out browser is
  sent to ``/login?next=/supervisor``; API clients get the 401 problem).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import current_csrf_token, current_principal, public, signed_in
from trustfund.api.problems import trustfund_error_handler
from trustfund.db.models.estates import Estate
from trustfund.disclosure import names, render, supervision, unlocks
from trustfund.disclosure import public as reads
from trustfund.errors import NotAuthenticatedError, ValidationError
from trustfund.inquiries import service as inquiries
from trustfund.messages import Message
from trustfund.web.templating import page_html

RECEIPT_NO = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def _html(body: str, cache: str = "public, max-age=60") -> Response[str]:
    return Response(body, media_type=MediaType.HTML, headers={"Cache-Control": cache})


def _page(template: str, cache: str = "public, max-age=60", **ctx: Any) -> Response[str]:
    return _html(page_html(template, principal=None, csrf_token=None, **ctx), cache)


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a page (``Accept`` prefers ``text/html``); API clients and
    ``*/*`` keep the problem document."""
    accepted = request.accept.best_match(["application/json", "text/html"], "application/json")
    return accepted == "text/html"


def _sign_in_first(request: Request[Any, Any, Any], exc: NotAuthenticatedError) -> Response[Any]:
    """A signed-out browser is sent to the sign-in page and comes back; everyone else gets
    the 401 problem document (the refusal was audited by the access guard either way)."""
    if _wants_html(request):
        return Redirect(f"/login?next={quote(request.url.path)}", status_code=HTTP_303_SEE_OTHER)
    return trustfund_error_handler(request, exc)


def _questions(session: Session, estate: Estate, version_id: int) -> dict[str, Any]:
    """Residents' questions next to the lines they question (``trustfund.inquiries``): by
    line reference, the entries questioned (their items open by themselves) and the address
    of each line's page."""
    by_line = inquiries.for_version(session, estate, version_id)
    return {
        "inquiries": by_line,
        "asked_seqs": {int(ref[4:]) for ref in by_line if ref.startswith("exp-")},
        "q_base": f"/e/{estate.slug}/d/{version_id}/q/",
    }


class DisclosurePagesController(Controller):
    include_in_schema = False

    @get("/e/{estate_slug:str}", opt=public(), sync_to_thread=True)
    def estate(
        self, db_session: NamedDependency[Session], estate_slug: FromPath[str]
    ) -> Response[str]:
        estate = reads.estate_by_slug(db_session, estate_slug)
        items = reads.published_versions(db_session, estate)
        sup = reads.superseded_by(items)
        return _page(
            "disclosure_list.html",
            # a lifted lock or the committee's decision on names shows at once
            cache="no-cache",
            estate=estate,
            items=[
                {**reads.summary(i, sup), "funds_total": i.headline["funds_total"]} for i in items
            ],
            lifts=unlocks.public_lifts(db_session, estate),
            names_history=names.public_history(db_session, estate),
        )

    @get("/e/{estate_slug:str}/d/{version_id:int}", opt=public(), sync_to_thread=True)
    def disclosure(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        version_id: FromPath[int],
    ) -> Response[str]:
        estate = reads.estate_by_slug(db_session, estate_slug)
        item = reads.get_published(db_session, estate_slug, version_id)
        items = reads.published_versions(db_session, estate)
        sup = reads.superseded_by(items)
        previous = reads.previous_of(items, item)
        ctx = render.context(
            item.page_statement,
            item.publication,
            previous=previous.headline if previous else None,
        )
        meta = reads.summary(item, sup)
        corrected = (
            reads.get_published(db_session, estate_slug, item.version.supersedes_id)
            if item.version.supersedes_id is not None
            else None
        )
        return _page(
            "disclosure_page.html",
            # residents' questions and answers change it: a resident coming back from asking
            # (or the committee from answering) must see them, not a copy a minute old
            cache="no-cache",
            estate=estate,
            meta=meta,
            lifts=[
                lift
                for lift in unlocks.public_lifts(db_session, estate)
                if lift["start"] <= meta["end"] and lift["end"] >= meta["start"]
            ],
            corrected=reads.summary(corrected, sup) if corrected else None,
            changes=render.changes(corrected.statement, item.statement) if corrected else [],
            **ctx,
            **_questions(db_session, estate, version_id),
        )

    @get("/e/{estate_slug:str}/verify", opt=public(), sync_to_thread=True)
    def verify(
        self, db_session: NamedDependency[Session], estate_slug: FromPath[str]
    ) -> Response[str]:
        estate = reads.estate_by_slug(db_session, estate_slug)
        items = reads.published_versions(db_session, estate)
        sup = reads.superseded_by(items)
        return _page(
            "disclosure_verify.html",
            estate=estate,
            items=[
                {**reads.summary(i, sup), "funds_total": i.headline["funds_total"]} for i in items
            ],
        )

    @get("/e/{estate_slug:str}/receipt", opt=public(), sync_to_thread=True)
    def receipt(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        no: FromQuery[str] = "",
    ) -> Redirect:
        """The receipt form's target: hands over to the receipt page of the fees package."""
        reads.estate_by_slug(db_session, estate_slug)
        number = no.strip()
        if not RECEIPT_NO.fullmatch(number):
            raise ValidationError.field("no", Message("disclosure.receipt_no_invalid"))
        return Redirect(f"/r/{quote(estate_slug)}/{quote(number)}")

    @get(
        "/supervisor",
        opt=signed_in(),
        sync_to_thread=True,
        exception_handlers={NotAuthenticatedError: _sign_in_first},
    )
    def supervisor(
        self, db_session: NamedDependency[Session], request: Request[Any, Any, Any]
    ) -> Response[str]:
        principal = current_principal(request)
        if principal is None:
            raise NotAuthenticatedError(Message("auth.sign_in_first"))
        data = supervision.overview(db_session, principal)
        body = page_html(
            "disclosure_supervisor.html",
            principal=principal,
            csrf_token=current_csrf_token(request),
            data=data,
        )
        return Response(body, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})


CONTROLLERS: list[Any] = [DisclosurePagesController]
