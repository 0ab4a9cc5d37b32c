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

from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.orm import Session

from trustfund.api.access import estate_action
from trustfund.api.common import IdempotencyKey, idempotent_response, signed_in_principal
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.grants import projects, reports, service, transfers
from trustfund.grants.schemas import (
    BudgetRevisionIn,
    DecisionIn,
    DisbursementIn,
    DisbursementOut,
    GiftIn,
    GiftOut,
    InKindIn,
    InKindOut,
    ProjectIn,
    ProjectOut,
    SettleIn,
    SettlementOut,
    SourceIn,
    SourceOut,
    TransferIn,
    TransferOut,
)

ReportFormat = Literal["json", "html", "pdf"]


def _report(report: dict[str, Any], fmt: str, name: str) -> Response[Any]:
    if fmt == "pdf":
        return Response(
            reports.report_pdf(report),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )
    if fmt == "html":
        return Response(reports.report_html(report), media_type=MediaType.HTML)
    return Response(report, media_type=MediaType.JSON)


class GrantsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/grants"
    tags = ["autonomy fund"]

    # --- sources and gifts ----------------------------------------------------------------

    @get("/sources", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_sources(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[SourceOut]:
        """Funders and donors (real names: staff only)."""
        return service.list_sources(db_session, estate.id)

    @post("/sources", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def add_source(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[SourceIn],
    ) -> SourceOut:
        """Record a source: its kind, its name, whether it stays anonymous in public."""
        return service.add_source(db_session, estate.id, data, signed_in_principal(request).user_id)

    @get(
        "/sources/{source_id:int}/report",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        media_type="*/*",  # JSON, HTML or PDF by ?format=
    )
    def source_report(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        source_id: FromPath[int],
        format: FromQuery[ReportFormat] = "json",
    ) -> Response[Any]:
        """Funder report of a source: received, spent on what, what remains (json/html/pdf)."""
        report = service.report(db_session, estate, source_id=source_id)
        return _report(report, format, f"{estate.slug}-source-{source_id}")

    @get("/gifts", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_gifts(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[GiftOut]:
        return service.list_gifts(db_session, estate.id)

    @post("/gifts", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def record_gift(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[GiftIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[GiftOut]:
        """Book money received: unrestricted, or restricted to a project's sub-fund."""
        return idempotent_response(
            service.record_gift(
                db_session, estate.id, data, signed_in_principal(request).user_id, idempotency_key
            )
        )

    @get("/in-kind", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_in_kind(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[InKindOut]:
        return service.list_in_kind(db_session, estate.id)

    @post("/in-kind", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def record_in_kind(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[InKindIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[InKindOut]:
        """Record goods or work given in kind (booked only with an estimated value)."""
        return idempotent_response(
            service.record_in_kind(
                db_session, estate.id, data, signed_in_principal(request).user_id, idempotency_key
            )
        )

    # --- projects -------------------------------------------------------------------------

    @get("/projects", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_projects(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[ProjectOut]:
        return service.list_projects(db_session, estate.id)

    @post("/projects", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def create_project(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[ProjectIn],
    ) -> ProjectOut:
        """Record an application (draft): budget lines and funding plan by source."""
        return service.create_project(
            db_session, estate.id, data, signed_in_principal(request).user_id
        )

    @get("/projects/{project_id:int}", opt=estate_action(Action.READ), sync_to_thread=True)
    def show_project(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
    ) -> ProjectOut:
        """A project with its lines (approved and committed), revisions and status history."""
        return service.show_project(db_session, estate.id, project_id)

    @put("/projects/{project_id:int}", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def update_project(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        project_id: FromPath[int],
        data: JSONBody[ProjectIn],
    ) -> ProjectOut:
        """Edit an application not yet approved (voids its approval request)."""
        return service.update_project(
            db_session, estate.id, project_id, data, signed_in_principal(request).user_id
        )

    @post(
        "/projects/{project_id:int}/submit",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
    )
    def submit_project(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        project_id: FromPath[int],
    ) -> ProjectOut:
        """Submit the application to the council (approval subject kind ``project``)."""
        return service.submit_project(
            db_session, estate.id, project_id, signed_in_principal(request).user_id
        )

    @post(
        "/projects/{project_id:int}/decision",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
        description="Council members only; 403 for the submitter or a second decision; 409 "
        "when the application changed since it was submitted.",
    )
    def decide_project(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        project_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> ApprovalRequestOut:
        """Approve or reject the application."""
        return service.decide(
            db_session,
            estate.id,
            projects.PROJECT,
            project_id,
            signed_in_principal(request),
            data.decision,
            data.reason,
        )

    @post(
        "/projects/{project_id:int}/budget-revisions",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
    )
    def propose_budget(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        project_id: FromPath[int],
        data: JSONBody[BudgetRevisionIn],
    ) -> ProjectOut:
        """Propose a new budget (approval subject kind ``budget``)."""
        return service.propose_budget(
            db_session, estate.id, project_id, data, signed_in_principal(request).user_id
        )

    @post(
        "/budget-revisions/{revision_id:int}/decision",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
    )
    def decide_budget(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        revision_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> ApprovalRequestOut:
        """Approve or reject a budget revision."""
        return service.decide(
            db_session,
            estate.id,
            projects.BUDGET,
            revision_id,
            signed_in_principal(request),
            data.decision,
            data.reason,
        )

    @post(
        "/projects/{project_id:int}/disbursements",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        description="409 (budget-exceeded) when the claim would take the line beyond its "
        "approved amount: the council must approve a budget revision first.",
    )
    def disburse(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        project_id: FromPath[int],
        data: JSONBody[DisbursementIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[DisbursementOut]:
        """A project payment: a claim on the project's sub-fund charged to a budget line."""
        return idempotent_response(
            service.disburse(
                db_session,
                estate.id,
                project_id,
                data,
                signed_in_principal(request).user_id,
                idempotency_key,
            )
        )

    @post(
        "/projects/{project_id:int}/settle",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
    )
    def settle(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        project_id: FromPath[int],
        data: JSONBody[SettleIn],
    ) -> SettlementOut:
        """End implementation: actual against budget per line, the ledger's figures."""
        return service.settle(
            db_session, estate.id, project_id, data, signed_in_principal(request).user_id
        )

    @get(
        "/projects/{project_id:int}/settlement", opt=estate_action(Action.READ), sync_to_thread=True
    )
    def show_settlement(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
    ) -> SettlementOut:
        """Actual against budget per line and the sub-fund's ledger figures (live)."""
        return service.show_settlement(db_session, estate.id, project_id)

    @get(
        "/projects/{project_id:int}/report",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        media_type="*/*",  # JSON, HTML or PDF by ?format=
    )
    def project_report(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        format: FromQuery[ReportFormat] = "json",
    ) -> Response[Any]:
        """Funder report of a project (json/html/pdf)."""
        report = service.report(db_session, estate, project_id=project_id)
        return _report(report, format, f"{estate.slug}-project-{project_id}")

    # --- transfers and refunds ------------------------------------------------------------

    @get("/transfers", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_transfers(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[TransferOut]:
        return service.list_transfers(db_session, estate.id)

    @post("/transfers", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def propose_transfer(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[TransferIn],
    ) -> TransferOut:
        """Propose a transfer between autonomy funds or a refund of a restricted gift."""
        return service.propose_transfer(
            db_session, estate.id, data, signed_in_principal(request).user_id
        )

    @post(
        "/transfers/{transfer_id:int}/decision",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
    )
    def decide_transfer(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        transfer_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> ApprovalRequestOut:
        """Approve or reject a transfer or refund (council)."""
        return service.decide(
            db_session,
            estate.id,
            transfers.TRANSFER,
            transfer_id,
            signed_in_principal(request),
            data.decision,
            data.reason,
        )

    @post(
        "/transfers/{transfer_id:int}/post",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
    )
    def post_transfer(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        transfer_id: FromPath[int],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[TransferOut]:
        """Post an approved transfer or refund to the ledger (once)."""
        return idempotent_response(
            service.post_transfer(
                db_session,
                estate.id,
                transfer_id,
                signed_in_principal(request).user_id,
                idempotency_key,
            ),
            status=200,
        )


CONTROLLERS: list[Any] = [GrantsController]
