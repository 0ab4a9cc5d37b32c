"""The autonomy fund (自治基金): sources and gifts, in-kind gifts, projects from application
to closing, budget revisions, disbursements (settlements claims), transfers and refunds,
funder reports.

Staff routes under ``/api/v1/estates/{estate_slug}/grants``: the steward records
(Action.RECORD), the council decides (Action.APPROVE, four eyes through
``trustfund.approvals``), staff read (Action.READ). Routes that move money take an
``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, MediaType, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from trustfund.api.access import estate_route
from trustfund.api.common import (
    Ctx,
    EstateContext,
    IdempotencyKey,
    file_response,
    idempotent_response,
)
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.auth.principal import Action
from trustfund.grants import projects, reports, schemas, service, transfers

ReportFormat = Literal["json", "html", "pdf"]


def _report(report: dict[str, Any], fmt: str, name: str) -> Response[Any]:
    if fmt == "pdf":
        return file_response(reports.report_pdf(report), "application/pdf", f"{name}.pdf", "inline")
    if fmt == "html":
        return Response(reports.report_html(report), media_type=MediaType.HTML)
    return Response(report, media_type=MediaType.JSON)


def _decide(
    ctx: EstateContext, kind: str, subject_id: int, data: schemas.DecisionIn
) -> ApprovalRequestOut:
    """The council's decision on a project, a budget revision or a transfer (four eyes,
    through ``trustfund.approvals``)."""
    return service.decide(
        ctx.session, ctx.estate.id, kind, subject_id, ctx.principal, data.decision, data.reason
    )


class GrantsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/grants"
    tags = ["autonomy fund"]

    # --- sources and gifts ----------------------------------------------------------------

    @estate_route(get, "/sources", Action.READ)
    def list_sources(self, ctx: Ctx) -> list[schemas.SourceOut]:
        """Funders and donors (real names: staff only)."""
        return service.list_sources(ctx.session, ctx.estate.id)

    @estate_route(post, "/sources", Action.RECORD)
    def add_source(self, ctx: Ctx, data: JSONBody[schemas.SourceIn]) -> schemas.SourceOut:
        """Record a source: its kind, its name, whether it stays anonymous in public."""
        return service.add_source(ctx.session, ctx.estate.id, data, ctx.user_id)

    @estate_route(
        get,
        "/sources/{source_id:int}/report",
        Action.READ,
        media_type="*/*",  # JSON, HTML or PDF by ?format=
    )
    def source_report(
        self, ctx: Ctx, source_id: FromPath[int], format: FromQuery[ReportFormat] = "json"
    ) -> Response[Any]:
        """Funder report of a source: received, spent on what, what remains (json/html/pdf)."""
        report = service.report(ctx.session, ctx.estate, source_id=source_id)
        return _report(report, format, f"{ctx.estate.slug}-source-{source_id}")

    @estate_route(get, "/gifts", Action.READ)
    def list_gifts(self, ctx: Ctx) -> list[schemas.GiftOut]:
        return service.list_gifts(ctx.session, ctx.estate.id)

    @estate_route(post, "/gifts", Action.RECORD)
    def record_gift(
        self, ctx: Ctx, data: JSONBody[schemas.GiftIn], idempotency_key: IdempotencyKey = None
    ) -> Response[schemas.GiftOut]:
        """Book money received: unrestricted, or restricted to a project's sub-fund."""
        return idempotent_response(
            service.record_gift(ctx.session, ctx.estate.id, data, ctx.user_id, idempotency_key)
        )

    @estate_route(get, "/in-kind", Action.READ)
    def list_in_kind(self, ctx: Ctx) -> list[schemas.InKindOut]:
        return service.list_in_kind(ctx.session, ctx.estate.id)

    @estate_route(post, "/in-kind", Action.RECORD)
    def record_in_kind(
        self, ctx: Ctx, data: JSONBody[schemas.InKindIn], idempotency_key: IdempotencyKey = None
    ) -> Response[schemas.InKindOut]:
        """Record goods or work given in kind (booked only with an estimated value)."""
        return idempotent_response(
            service.record_in_kind(ctx.session, ctx.estate.id, data, ctx.user_id, idempotency_key)
        )

    # --- projects -------------------------------------------------------------------------

    @estate_route(get, "/projects", Action.READ)
    def list_projects(self, ctx: Ctx) -> list[schemas.ProjectOut]:
        return service.list_projects(ctx.session, ctx.estate.id)

    @estate_route(post, "/projects", Action.RECORD)
    def create_project(self, ctx: Ctx, data: JSONBody[schemas.ProjectIn]) -> schemas.ProjectOut:
        """Record an application (draft): budget lines and funding plan by source."""
        return service.create_project(ctx.session, ctx.estate.id, data, ctx.user_id)

    @estate_route(get, "/projects/{project_id:int}", Action.READ)
    def show_project(self, ctx: Ctx, project_id: FromPath[int]) -> schemas.ProjectOut:
        """A project with its lines (approved and committed), revisions and status history."""
        return service.show_project(ctx.session, ctx.estate.id, project_id)

    @estate_route(put, "/projects/{project_id:int}", Action.RECORD)
    def update_project(
        self, ctx: Ctx, project_id: FromPath[int], data: JSONBody[schemas.ProjectIn]
    ) -> schemas.ProjectOut:
        """Edit an application not yet approved (voids its approval request)."""
        return service.update_project(ctx.session, ctx.estate.id, project_id, data, ctx.user_id)

    @estate_route(post, "/projects/{project_id:int}/submit", Action.RECORD, status_code=200)
    def submit_project(self, ctx: Ctx, project_id: FromPath[int]) -> schemas.ProjectOut:
        """Submit the application to the council (approval subject kind ``project``)."""
        return service.submit_project(ctx.session, ctx.estate.id, project_id, ctx.user_id)

    @estate_route(
        post,
        "/projects/{project_id:int}/decision",
        Action.APPROVE,
        status_code=200,
        description="Council members only; 403 for the submitter or a second decision; 409 "
        "when the application changed since it was submitted.",
    )
    def decide_project(
        self, ctx: Ctx, project_id: FromPath[int], data: JSONBody[schemas.DecisionIn]
    ) -> ApprovalRequestOut:
        """Approve or reject the application."""
        return _decide(ctx, projects.PROJECT, project_id, data)

    @estate_route(post, "/projects/{project_id:int}/budget-revisions", Action.RECORD)
    def propose_budget(
        self, ctx: Ctx, project_id: FromPath[int], data: JSONBody[schemas.BudgetRevisionIn]
    ) -> schemas.ProjectOut:
        """Propose a new budget (approval subject kind ``budget``)."""
        return service.propose_budget(ctx.session, ctx.estate.id, project_id, data, ctx.user_id)

    @estate_route(
        post, "/budget-revisions/{revision_id:int}/decision", Action.APPROVE, status_code=200
    )
    def decide_budget(
        self, ctx: Ctx, revision_id: FromPath[int], data: JSONBody[schemas.DecisionIn]
    ) -> ApprovalRequestOut:
        """Approve or reject a budget revision."""
        return _decide(ctx, projects.BUDGET, revision_id, data)

    @estate_route(
        post,
        "/projects/{project_id:int}/disbursements",
        Action.RECORD,
        description="409 (budget-exceeded) when the claim would take the line beyond its "
        "approved amount: the council must approve a budget revision first.",
    )
    def disburse(
        self,
        ctx: Ctx,
        project_id: FromPath[int],
        data: JSONBody[schemas.DisbursementIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[schemas.DisbursementOut]:
        """A project payment: a claim on the project's sub-fund charged to a budget line."""
        return idempotent_response(
            service.disburse(
                ctx.session, ctx.estate.id, project_id, data, ctx.user_id, idempotency_key
            )
        )

    @estate_route(post, "/projects/{project_id:int}/settle", Action.RECORD, status_code=200)
    def settle(
        self, ctx: Ctx, project_id: FromPath[int], data: JSONBody[schemas.SettleIn]
    ) -> schemas.SettlementOut:
        """End implementation: actual against budget per line, the ledger's figures."""
        return service.settle(ctx.session, ctx.estate.id, project_id, data, ctx.user_id)

    @estate_route(get, "/projects/{project_id:int}/settlement", Action.READ)
    def show_settlement(self, ctx: Ctx, project_id: FromPath[int]) -> schemas.SettlementOut:
        """Actual against budget per line and the sub-fund's ledger figures (live)."""
        return service.show_settlement(ctx.session, ctx.estate.id, project_id)

    @estate_route(
        get,
        "/projects/{project_id:int}/report",
        Action.READ,
        media_type="*/*",  # JSON, HTML or PDF by ?format=
    )
    def project_report(
        self, ctx: Ctx, project_id: FromPath[int], format: FromQuery[ReportFormat] = "json"
    ) -> Response[Any]:
        """Funder report of a project (json/html/pdf)."""
        report = service.report(ctx.session, ctx.estate, project_id=project_id)
        return _report(report, format, f"{ctx.estate.slug}-project-{project_id}")

    # --- transfers and refunds ------------------------------------------------------------

    @estate_route(get, "/transfers", Action.READ)
    def list_transfers(self, ctx: Ctx) -> list[schemas.TransferOut]:
        return service.list_transfers(ctx.session, ctx.estate.id)

    @estate_route(post, "/transfers", Action.RECORD)
    def propose_transfer(self, ctx: Ctx, data: JSONBody[schemas.TransferIn]) -> schemas.TransferOut:
        """Propose a transfer between autonomy funds or a refund of a restricted gift."""
        return service.propose_transfer(ctx.session, ctx.estate.id, data, ctx.user_id)

    @estate_route(post, "/transfers/{transfer_id:int}/decision", Action.APPROVE, status_code=200)
    def decide_transfer(
        self, ctx: Ctx, transfer_id: FromPath[int], data: JSONBody[schemas.DecisionIn]
    ) -> ApprovalRequestOut:
        """Approve or reject a transfer or refund (council)."""
        return _decide(ctx, transfers.TRANSFER, transfer_id, data)

    @estate_route(post, "/transfers/{transfer_id:int}/post", Action.RECORD, status_code=200)
    def post_transfer(
        self, ctx: Ctx, transfer_id: FromPath[int], idempotency_key: IdempotencyKey = None
    ) -> Response[schemas.TransferOut]:
        """Post an approved transfer or refund to the ledger (once)."""
        return idempotent_response(
            service.post_transfer(
                ctx.session, ctx.estate.id, transfer_id, ctx.user_id, idempotency_key
            ),
            status=200,
        )


CONTROLLERS: list[Any] = [GrantsController]
