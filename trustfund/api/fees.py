"""Fee collection: schedules, charges, payments, receipts, refund and void requests (approved
by a committee member who did not request them), deposits, reports.

Staff routes live under ``/api/v1/estates/{estate_slug}/fees``; the receipt verification
(``/api/v1/public/estates/{estate_slug}/receipts/{receipt_no}`` and the page ``/r/…`` that the
QR code on a printed receipt opens) is public and shows no personal data. Every route that
moves money takes an ``Idempotency-Key`` header; a replay answers with the first result and
``Idempotent-Replayed: true``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy.orm import Session

from trustfund.api.access import (
    audit_row,
    checked_estate,
    estate_action,
    estate_route,
    public,
    request_audit,
)
from trustfund.api.common import (
    XLSX,
    Ctx,
    IdempotencyKey,
    actor_id,
    file_response,
    idempotent_response,
)
from trustfund.api.uploads import MultipartForm, form_file, spreadsheet_form
from trustfund.approvals import Decision
from trustfund.approvals.schemas import DecisionIn
from trustfund.auth.audit import OK
from trustfund.auth.principal import Action
from trustfund.estates.columns import describe
from trustfund.fees import (
    charges,
    deposits,
    imports,
    owed,
    prepaid,
    proposal,
    receipt_views,
    receipts,
    refunds,
    reports,
    schedule,
)
from trustfund.fees.group import PaymentGroups
from trustfund.fees.schemas import (
    CashOut,
    ChargesIssuedOut,
    CollectionOut,
    DepositIn,
    DepositOut,
    HouseholdAccountOut,
    PaymentImportOut,
    PaymentIn,
    PaymentOut,
    PrepaidRecognisedOut,
    ProposalOut,
    PublicReceiptOut,
    ReceiptCheckedOut,
    RecogniseIn,
    RefundIn,
    RefundRequestOut,
    ScheduleApproval,
    ScheduleIn,
    ScheduleOut,
    VoidIn,
)
from trustfund.inquiries import checkcode
from trustfund.settings import Settings


class FeesController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/fees"
    tags = ["fees"]

    # --- schedules ------------------------------------------------------------------------

    @estate_route(get, "/schedules/{fee_year:int}", Action.READ)
    def get_schedule(self, ctx: Ctx, fee_year: FromPath[int]) -> ScheduleOut:
        """The fee schedule of a fee year, with each component's vacancy fee."""
        return schedule.schedule_view(schedule.get_schedule(ctx.session, ctx.estate.id, fee_year))

    @estate_route(
        put,
        "/schedules/{fee_year:int}",
        Action.RECORD,
        description="Create or replace the draft; an edit voids an approval. 409 once charged.",
    )
    def save_schedule(
        self, ctx: Ctx, fee_year: FromPath[int], data: JSONBody[ScheduleIn]
    ) -> ScheduleOut:
        """Submit a fee schedule (the steward)."""
        return schedule.schedule_view(
            schedule.save_schedule(
                ctx.session, ctx.estate.id, fee_year, data, actor_user_id=ctx.user_id
            )
        )

    @estate_route(
        post,
        "/schedules/{fee_year:int}/approve",
        Action.APPROVE,
        status_code=200,
        description="Quote the content_hash you reviewed. 403 for the submitter; 409 if it changed.",
    )
    def approve_schedule(
        self, ctx: Ctx, fee_year: FromPath[int], data: JSONBody[ScheduleApproval]
    ) -> ScheduleOut:
        """The committee approves the schedule (four eyes)."""
        return schedule.schedule_view(
            schedule.approve_schedule(
                ctx.session,
                ctx.estate.id,
                fee_year,
                content_hash=data.content_hash,
                actor_user_id=ctx.user_id,
            )
        )

    @estate_route(get, "/proposals/{fee_year:int}", Action.READ)
    def propose(self, ctx: Ctx, fee_year: FromPath[int], years: FromQuery[int] = 3) -> ProposalOut:
        """A proposed schedule priced from the last years' actual spend, with the calculation."""
        return proposal.propose(ctx.session, ctx.estate.id, fee_year, years=years)

    # --- charges ---------------------------------------------------------------------------

    @estate_route(
        post,
        "/charges/{fee_year:int}",
        Action.RECORD,
        status_code=200,
        description="Charges every household not yet charged (safe to repeat). 409 unless approved.",
    )
    def issue_charges(self, ctx: Ctx, fee_year: FromPath[int]) -> ChargesIssuedOut:
        """Issue the year's charges (应收) from the approved schedule."""
        return charges.issue_charges(ctx.session, ctx.estate.id, fee_year).as_dict()

    @estate_route(get, "/households/{code:str}/{fee_year:int}", Action.READ)
    def household_balance(
        self, ctx: Ctx, code: FromPath[str], fee_year: FromPath[int]
    ) -> HouseholdAccountOut:
        """What a household was charged, has paid and still owes per component."""
        return owed.household_account(ctx.session, ctx.estate.id, code, fee_year)

    # --- payments and receipts ---------------------------------------------------------

    @post(
        "/payments",
        opt=estate_action(Action.RECORD),
        description=(
            "422 names the household and what it owes on overpayment. Payments to one "
            "estate arriving together are committed together (one transaction per batch, "
            "each payment checked on its own), and single payments to several estates "
            "arriving together likewise share one transaction; the answer comes once its "
            "batch is committed."
        ),
    )
    async def record_payment(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PaymentIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[PaymentOut]:
        """Record a payment for one or several households (one receipt each)."""
        groups: PaymentGroups = request.app.state.payment_groups
        audit = request_audit(request)
        answer = await groups.record_payment(
            checked_estate(request).id,  # no session here: the batch reads the estate
            data,
            actor_user_id=actor_id(request),
            idempotency_key=idempotency_key,
            # committed with the payment: the middleware then writes none
            audit=audit_row(request.scope, status=201, outcome=OK) if audit else None,
        )
        if audit is not None:
            audit.recorded = True
        return idempotent_response(answer)

    @estate_route(
        post,
        "/payments/import",
        Action.RECORD,
        description=(
            spreadsheet_form("payments") + " "
            "One row is one payment of one household for one fee year. Name the household "
            "by `户号`, by `地址` (`3-1-502` or `3幢1单元502室`) or by the columns `幢`, `单元`, "
            "`室`. All rows or none: the 422 lists every bad cell as `rows[N].field` (N = "
            "spreadsheet row, header is row 1); an unknown column is refused (field "
            "`columns`, naming it). Takes an `Idempotency-Key`.\n\n" + describe(imports.COLUMNS)
        ),
    )
    def import_payments(
        self, ctx: Ctx, data: MultipartBody[MultipartForm], idempotency_key: IdempotencyKey = None
    ) -> Response[PaymentImportOut]:
        """Import payments from a spreadsheet."""
        return idempotent_response(
            imports.import_payments(
                ctx.session,
                ctx.estate.id,
                *form_file(data),
                actor_user_id=ctx.user_id,
                idempotency_key=idempotency_key,
            )
        )

    @estate_route(get, "/receipts/{receipt_no:str}", Action.READ)
    def get_receipt(self, ctx: Ctx, receipt_no: FromPath[str]) -> ReceiptCheckedOut:
        """One receipt (a void receipt keeps its number and shows the reason) with its
        `check_code` (收据校验码, printed on the receipt: with the household code it lets the
        household ask questions on published lines — never shown publicly)."""
        view = receipt_views.receipt_view(
            ctx.session, receipt_views.get_receipt(ctx.session, ctx.estate.id, receipt_no)
        )
        code = checkcode.receipt_check_code(
            ctx.session, ctx.estate.id, view["receipt_no"], view["household_code"]
        )
        return ReceiptCheckedOut(**view, check_code=code)

    @estate_route(get, "/receipts/{receipt_no:str}/pdf", Action.READ, media_type="application/pdf")
    def receipt_pdf(
        self, ctx: Ctx, settings: NamedDependency[Settings], receipt_no: FromPath[str]
    ) -> Response[bytes]:
        """The printable receipt (PDF, Chinese fonts embedded, QR code to the public page)."""
        pdf = receipts.render_receipt_pdf(
            ctx.session, ctx.estate.id, receipt_no, public_url=settings.public_url
        )
        return file_response(pdf, "application/pdf", f"receipt-{receipt_no}.pdf", "inline")

    @estate_route(
        post,
        "/receipts/{receipt_no:str}/void",
        Action.RECORD,
        status_code=202,
        description=(
            "Requests the void; nothing is posted until a committee member who did not request "
            "it (nor record the payment) approves: `POST …/fees/refund-requests/{id}/decision` "
            "or `POST …/approvals/{approval_request_id}/decision`. 202 with the request. 409 "
            "if the receipt cannot be voided now (void already, prepaid money already income, "
            "its cash deposited, money refunded since) or a request for it or its household's "
            "year is pending. Takes an `Idempotency-Key`."
        ),
    )
    def void_receipt(
        self,
        ctx: Ctx,
        receipt_no: FromPath[str],
        data: JSONBody[VoidIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[RefundRequestOut]:
        """Request a receipt's void (the entry is reversed once approved)."""
        return idempotent_response(
            refunds.request_void(
                ctx.session,
                ctx.estate.id,
                receipt_no,
                data,
                actor_user_id=ctx.user_id,
                idempotency_key=idempotency_key,
            ),
            status=202,
        )

    @estate_route(
        post,
        "/refunds",
        Action.RECORD,
        status_code=202,
        description=(
            "Requests the refund; nothing is posted until a committee member who did not "
            "request it approves (`POST …/fees/refund-requests/{id}/decision` or the "
            "approvals route). 202 with the request. 422 naming `amount` if it exceeds what "
            "the household kept for the year less waiting requests, or (cash) the cash held "
            "less waiting cash requests; 409 if a refund of that household and year is "
            "pending. Takes an `Idempotency-Key`."
        ),
    )
    def refund(
        self, ctx: Ctx, data: JSONBody[RefundIn], idempotency_key: IdempotencyKey = None
    ) -> Response[RefundRequestOut]:
        """Request a refund to a household (split over funds like what it paid, once approved)."""
        return idempotent_response(
            refunds.request_refund(
                ctx.session,
                ctx.estate.id,
                data,
                actor_user_id=ctx.user_id,
                idempotency_key=idempotency_key,
            ),
            status=202,
        )

    @estate_route(
        get,
        "/refund-requests",
        Action.READ,
        description="`status`: pending (default), posted, rejected, withdrawn or all. Newest first.",
    )
    def refund_requests(
        self, ctx: Ctx, status: FromQuery[str] = "pending"
    ) -> list[RefundRequestOut]:
        """Refund and void requests with their approval's progress."""
        return refunds.list_requests(
            ctx.session, ctx.estate.id, None if status == "all" else status
        )

    @estate_route(get, "/refund-requests/{request_id:int}", Action.READ)
    def refund_request(self, ctx: Ctx, request_id: FromPath[int]) -> RefundRequestOut:
        """One refund or void request."""
        return refunds.request_view(
            ctx.session, refunds.get_request(ctx.session, ctx.estate.id, request_id)
        )

    @estate_route(
        post,
        "/refund-requests/{request_id:int}/withdraw",
        Action.RECORD,
        status_code=200,
        description=(
            "Whoever asked takes a pending request back: its approval request becomes void, "
            "nothing is posted, and the payment is free for a new request. 403 for anyone "
            "else; 409 once it is decided."
        ),
    )
    def withdraw_refund_request(self, ctx: Ctx, request_id: FromPath[int]) -> RefundRequestOut:
        """Withdraw your own refund or void request."""
        return refunds.withdraw(ctx.session, ctx.estate.id, request_id, actor_user_id=ctx.user_id)

    @estate_route(
        post,
        "/refund-requests/{request_id:int}/decision",
        Action.APPROVE,
        status_code=200,
        description=(
            "Approve, or reject with a `reason` (the note). The approval that completes the "
            "rule posts at once, dated the estate's local day of the decision, after checking "
            "again under the estate's lock: the receipt still valid, the amount still "
            "refundable, the cash still held, the bank and funds able to pay, the period open "
            "— if not, 409 naming why and nothing is recorded. 403 for whoever requested it "
            "(or, for a void, recorded the payment), also when they hold the committee's role, "
            "and for a second decision by you; 409 once it is no longer pending."
        ),
    )
    def decide_refund_request(
        self, ctx: Ctx, request_id: FromPath[int], data: JSONBody[DecisionIn]
    ) -> RefundRequestOut:
        """Approve (posts it) or reject a refund or void request."""
        return refunds.decide(
            ctx.session,
            ctx.estate.id,
            request_id,
            principal=ctx.principal,
            decision=Decision(data.decision),
            reason=data.reason,
            reviewed_hash=data.content_hash,
        )

    @estate_route(post, "/deposits", Action.RECORD)
    def deposit(
        self, ctx: Ctx, data: JSONBody[DepositIn], idempotency_key: IdempotencyKey = None
    ) -> Response[DepositOut]:
        """The steward deposits cash into the committee bank account."""
        return idempotent_response(
            deposits.deposit_cash(
                ctx.session,
                ctx.estate.id,
                data,
                actor_user_id=ctx.user_id,
                idempotency_key=idempotency_key,
            )
        )

    @estate_route(get, "/cash", Action.READ)
    def cash(self, ctx: Ctx) -> CashOut:
        """Cash the steward holds and the date of the oldest cash not yet deposited."""
        return deposits.cash_on_hand(ctx.session, ctx.estate.id)

    @estate_route(post, "/prepaid/{fee_year:int}/recognise", Action.RECORD, status_code=200)
    def recognise_prepaid(
        self, ctx: Ctx, fee_year: FromPath[int], data: JSONBody[RecogniseIn]
    ) -> PrepaidRecognisedOut:
        """Move money received in advance for the year into its income (safe to repeat)."""
        return prepaid.recognise_prepaid(
            ctx.session, ctx.estate.id, fee_year, on=data.on, actor_user_id=ctx.user_id
        )

    # --- reports ------------------------------------------------------------------------

    @estate_route(get, "/collection/{fee_year:int}", Action.READ)
    def collection(
        self, ctx: Ctx, fee_year: FromPath[int], as_of: FromQuery[date | None] = None
    ) -> CollectionOut:
        """Arrears and collection rates: overall, occupied/vacant, by building and component, trend."""
        return reports.collection_report(ctx.session, ctx.estate.id, fee_year, as_of=as_of)

    @estate_route(get, "/collection/{fee_year:int}/xlsx", Action.READ, media_type=XLSX)
    def collection_xlsx(
        self, ctx: Ctx, fee_year: FromPath[int], as_of: FromQuery[date | None] = None
    ) -> Response[bytes]:
        """The same report as a workbook, with the list of households in arrears."""
        data = reports.export_xlsx(ctx.session, ctx.estate.id, fee_year, as_of=as_of)
        return file_response(data, XLSX, f"arrears-{ctx.estate.slug}-{fee_year}.xlsx")


class PublicReceiptController(Controller):
    """Anyone holding a receipt can check it; no personal data is shown."""

    tags = ["public"]

    @get(
        "/api/v1/public/estates/{estate_slug:str}/receipts/{receipt_no:str}",
        opt=public(),
        sync_to_thread=True,
    )
    def public_receipt(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        receipt_no: FromPath[str],
    ) -> PublicReceiptOut:
        """Amount, date, fee year, masked household and status (valid/void) of a receipt."""
        return receipt_views.public_receipt(db_session, estate_slug, receipt_no)


CONTROLLERS: list[Any] = [FeesController, PublicReceiptController]
