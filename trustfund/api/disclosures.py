"""Routes of disclosures (公示): the staff workflow (draft preview, submit, decide, publish,
versions), the public JSON and files of published versions, and the supervisor overview.

Who publishes: the steward (Action.RECORD), after the committee approved — publishing is
refused unless the approval holds for the figures exactly as they are at that moment, so
the four eyes are kept while the person who keeps the notice board puts it up.
"""

from __future__ import annotations

import re
from typing import Any, cast

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route, note_audit, public, signed_in
from trustfund.api.common import XLSX, Ctx, file_response, signed_in_principal
from trustfund.auth.principal import Action
from trustfund.disclosure import exports, names, operations, schemas, supervision
from trustfund.disclosure import public as public_reads
from trustfund.disclosure.schemas import PublishedDocumentOut, PublishedListOut, SupervisionOut
from trustfund.errors import NotFoundError
from trustfund.messages import Message
from trustfund.settings import Settings

DOCUMENT = re.compile(r"^(\d{1,12})(?:\.(pdf|csv|xlsx|json))?$")


class DisclosureController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/disclosures"
    tags = ["disclosures"]

    @estate_route(
        get,
        "/draft",
        Action.READ,
        summary="Draft statement of any period from live figures",
        description="period: 2026, 2026Q1, 2026-03 or 2026-01-01..2026-03-31 (422 otherwise).",
    )
    def draft(self, ctx: Ctx, period: FromQuery[str]) -> schemas.Draft:
        return operations.draft(ctx.session, ctx.estate, period)

    @estate_route(get, "/", Action.READ, summary="All versions")
    def list_versions(self, ctx: Ctx) -> list[schemas.Version]:
        return operations.list_versions(ctx.session, ctx.estate)

    @estate_route(get, "/{version_id:int}", Action.READ, summary="One version")
    def get_version(self, ctx: Ctx, version_id: FromPath[int]) -> schemas.Version:
        return operations.get_version(ctx.session, ctx.estate, version_id)

    @estate_route(
        post,
        "/",
        Action.RECORD,
        summary="Submit a period for the committee's approval",
        description="Creates a version from the live figures and an approval request bound "
        "to them. Only a period that has ended (its last day before today in the estate's "
        "time zone) can be disclosed: the current month, quarter or year and future periods "
        "are 422 naming `period`, since publishing locks the period. A published period "
        "takes only a correction (supersedes_id + correction_reason). 409 if a version of "
        "the period is waiting.",
    )
    def submit(self, ctx: Ctx, data: JSONBody[schemas.DisclosureCreate]) -> schemas.Version:
        return operations.submit(ctx.session, ctx.estate, data, ctx.user_id)

    @estate_route(
        get,
        "/public-names",
        Action.READ,
        summary="Whether approvers appear by name on the public pages",
        description="`show_names` in force (default false: by role and number, "
        '"业委会委员2人"), `since` when, every proposal (`changes`, approved ones with '
        "`approved_at`) and the one waiting for the committee (`pending`).",
    )
    def public_names(self, ctx: Ctx) -> names.PublicNamesOut:
        return names.setting(ctx.session, ctx.estate)

    @estate_route(
        post,
        "/public-names",
        Action.READ,
        summary="Propose showing approvers by name or by role (committee majority)",
        description="The estate's steward or a committee member proposes, with a reason "
        "(other roles: 403). This creates an approval request of kind `public_names`: a "
        "majority of the estate's committee members (counted now) must approve it through "
        "`POST /approvals/{id}/decision`; the proposer cannot decide and administrators "
        "cannot change this rule. Once approved the setting is in force for every statement "
        "built from then on (published snapshots keep what they showed), the change is "
        "written to the audit log and listed on the estate's public page with its day, how "
        "many members agreed and the reason. Names shown are committee members' display "
        "names; other approvers are counted by role; owners never appear. 409 if the "
        "setting is that already or a proposal is waiting; 422 without a reason.",
    )
    def propose_public_names(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[schemas.PublicNamesCreate]
    ) -> names.PublicNamesProposedOut:
        note_audit(request, show_names=data.show_names, reason=data.reason[:200])
        return names.propose_request(
            ctx.session,
            ctx.estate,
            principal=ctx.principal,
            show_names=data.show_names,
            reason=data.reason,
        )

    @estate_route(
        post,
        "/{version_id:int}/submit",
        Action.RECORD,
        summary="Submit a waiting version again with the current figures",
    )
    def resubmit(self, ctx: Ctx, version_id: FromPath[int]) -> schemas.Version:
        return operations.resubmit(ctx.session, ctx.estate, version_id, ctx.user_id)

    @estate_route(
        post,
        "/{version_id:int}/decision",
        Action.APPROVE,
        summary="Approve or reject a submitted version (committee)",
        description="403 for the submitter; 409 when the figures changed since submission "
        "(the request becomes void) or the request is no longer pending.",
    )
    def decide(
        self, ctx: Ctx, version_id: FromPath[int], data: JSONBody[schemas.DecisionIn]
    ) -> schemas.Version:
        return operations.decide(ctx.session, ctx.estate, version_id, data, ctx.principal)

    @estate_route(
        post,
        "/{version_id:int}/publish",
        Action.RECORD,
        summary="Publish an approved version (steward)",
        description="Locks the period (nothing dated in it can be posted until a committee "
        "majority lifts the lock), stores the write-once snapshot (JSON, HTML, PDF, sha256 "
        "of each, ledger head). 409 unless approved for exactly the current figures.",
    )
    def publish(
        self, ctx: Ctx, settings: NamedDependency[Settings], version_id: FromPath[int]
    ) -> schemas.Version:
        return operations.publish(ctx.session, settings, ctx.estate, version_id, ctx.user_id)


class PublicDisclosureController(Controller):
    path = "/api/v1/public/estates/{estate_slug:str}/disclosures"
    tags = ["public"]

    @get(
        "/",
        opt=public(),
        sync_to_thread=True,
        summary="Published disclosures of an estate",
        description="`disclosures`: every published version (corrections name what they "
        "supersede and why). `lifted_locks`: every published period whose lock a committee "
        "majority lifted for a correction: the period, the day, how many members agreed, the "
        "reason (owners' names and phones masked) and the corrected version once published.",
    )
    def list_published(
        self, db_session: NamedDependency[Session], estate_slug: FromPath[str]
    ) -> PublishedListOut:
        return public_reads.list_published(db_session, estate_slug)

    @get(
        "/{document:str}",
        opt=public(),
        sync_to_thread=True,
        summary="One published disclosure: {id} (JSON), {id}.pdf, {id}.csv or {id}.xlsx",
        description="JSON: the statement, the publication facts (version, what it supersedes "
        "and why, ledger head hash and sequence number, signatures as roles and dates) and the "
        "sha256 of the stored JSON, HTML and PDF. The PDF is the stored bytes; CSV and XLSX "
        "list every line of the stored statement.",
    )
    def published(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        document: FromPath[str],
    ) -> Response[PublishedDocumentOut | bytes]:
        match = DOCUMENT.fullmatch(document)
        if match is None:
            raise NotFoundError(
                Message("disclosure.no_document", document=repr(document), estate=repr(estate_slug))
            )
        version_id, suffix = int(match[1]), match[2] or "json"
        if suffix == "json":
            return Response(public_reads.published_document(db_session, estate_slug, version_id))
        item = public_reads.get_published(db_session, estate_slug, version_id)
        name = f"{estate_slug}-{item.version.period}-v{item.version.number}.{suffix}"
        if suffix == "pdf":
            answer = file_response(item.snapshot.pdf, "application/pdf", name, "inline")
        elif suffix == "csv":
            answer = file_response(
                exports.to_csv(item.statement, item.publication), "text/csv", name
            )
        else:
            answer = file_response(exports.to_xlsx(item.statement, item.publication), XLSX, name)
        # the file as this route's answer (JSON or a file: OpenAPI documents both from it)
        return cast("Response[PublishedDocumentOut | bytes]", answer)


class SupervisorController(Controller):
    path = "/api/v1/supervisor"
    tags = ["supervisor"]

    @get(
        "/overview",
        opt=signed_in(),
        sync_to_thread=True,
        summary="Every estate you supervise: collection, funds, last publication, overdue",
        description="Admins see every estate; supervisors the estates of their community; "
        "anyone else an empty list.",
    )
    def overview(
        self, db_session: NamedDependency[Session], request: Request[Any, Any, Any]
    ) -> SupervisionOut:
        return supervision.overview(db_session, signed_in_principal(request))


CONTROLLERS: list[Any] = [DisclosureController, PublicDisclosureController, SupervisorController]
