"""Settlements and approvals: contractors, contracts, reference prices, the repair register,
claims and payouts, vouchers, goods, the expense detail table, and the generic approvals
inbox and decisions (any subject kind).

Staff routes live under ``/api/v1/estates/{estate_slug}``: the steward writes
(Action.RECORD), the committee decides (Action.APPROVE), staff read (Action.READ), rules are
administered (Action.ADMINISTER). Routes that move money take an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, MultipartBody
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.api.access import estate_action, public
from trustfund.api.common import IdempotencyKey, idempotent_response, signed_in_principal
from trustfund.api.uploads import form_file
from trustfund.approvals import rules as approval_rules
from trustfund.approvals.schemas import (
    ApprovalRequestOut,
    DecisionIn,
    OwnersVoteIn,
    RulesIn,
    RulesOut,
)
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.errors import NotFoundError, ValidationError
from trustfund.estates.columns import describe
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.settlements import (
    claims,
    contracts,
    expenses,
    goods,
    payouts,
    prices,
    service,
    vouchers,
    workorders,
)
from trustfund.settlements.schemas import (
    ClaimIn,
    ClaimOut,
    ContractIn,
    ContractorIn,
    ContractorOut,
    ContractOut,
    ExpenseTableOut,
    GoodsSlipIn,
    GoodsSlipOut,
    GoodsStockOut,
    PayIn,
    PriceListOut,
    PricesOut,
    VoucherOut,
    VoucherPublicIn,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderStepIn,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ApprovalsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/approvals"
    tags = ["approvals"]

    @get("/inbox", opt=estate_action(Action.READ), sync_to_thread=True)
    def inbox(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
    ) -> list[ApprovalRequestOut]:
        """Pending requests you may decide (not your own, not decided by you yet)."""
        return [
            approvals.request_view(r)
            for r in approvals.inbox(db_session, estate.id, signed_in_principal(request))
        ]

    @get("/{request_id:int}", opt=estate_action(Action.READ), sync_to_thread=True)
    def show(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request_id: FromPath[int],
    ) -> ApprovalRequestOut:
        """One approval request with its decisions and (if any) owners' vote."""
        return approvals.request_view(approvals.get_request(db_session, estate.id, request_id))

    @post(
        "/{request_id:int}/decision",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
        description="403 for the submitter or a second decision by you; 409 if the subject "
        "changed (the request becomes void) or it is not pending; 422 for a rejection "
        "without a reason.",
    )
    def decide(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> ApprovalRequestOut:
        """Approve or reject (four eyes)."""
        return approvals.request_view(
            approvals.decide_request(
                db_session,
                estate.id,
                request_id,
                principal=signed_in_principal(request),
                decision=approvals.Decision(data.decision),
                reason=data.reason,
                reviewed_hash=data.content_hash,
            )
        )

    @post(
        "/{request_id:int}/owners-vote",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        status_code=200,
        description="Double majority (双过半): more than half of households and of area took "
        "part, and more than half of those households and that area voted for.",
    )
    def owners_vote(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: JSONBody[OwnersVoteIn],
    ) -> ApprovalRequestOut:
        """Record the owners' vote a large amount needs."""
        return approvals.request_view(
            approvals.record_vote_request(
                db_session,
                estate.id,
                request_id,
                recorded_by=signed_in_principal(request).user_id,
                households_total=data.households_total,
                households_voted=data.households_voted,
                households_for=data.households_for,
                area_total=data.area_total,
                area_voted=data.area_voted,
                area_for=data.area_for,
                held_on=data.held_on,
            )
        )

    @get("/rules/{subject:str}", opt=estate_action(Action.READ), sync_to_thread=True)
    def rules(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        subject: FromPath[str],
    ) -> RulesOut:
        """The estate's approval tiers for a kind (claim, contract, …)."""
        return approval_rules.show_rules(db_session, estate.id, subject)

    @put(
        "/rules/{subject:str}",
        opt=estate_action(Action.ADMINISTER),
        sync_to_thread=True,
        description="Tiers ascending by up_to (inclusive), the last without a limit. "
        "Requests already submitted keep their requirement.",
    )
    def save_rules(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        subject: FromPath[str],
        data: JSONBody[RulesIn],
    ) -> RulesOut:
        """Change the approval thresholds of a kind."""
        return approval_rules.save_rules(
            db_session, estate.id, subject, [t.model_dump() for t in data.tiers]
        )


class SettlementsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    # --- contractors and contracts ------------------------------------------------------

    @get("/contractors", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_contractors(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[ContractorOut]:
        """Contractors (承揽方) of the estate."""
        return contracts.list_contractors(db_session, estate.id)

    @post("/contractors", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def add_contractor(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: JSONBody[ContractorIn],
    ) -> ContractorOut:
        """Add a contractor. 409 if the name exists."""
        return service.add_contractor(db_session, estate.id, data)

    @get("/contracts", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_contracts(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[ContractOut]:
        """Repair contracts (维修承揽合同) with their approval status."""
        return contracts.list_contracts(db_session, estate.id)

    @post("/contracts", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def add_contract(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[ContractIn],
    ) -> ContractOut:
        """A draft one-year repair contract."""
        return service.add_contract(
            db_session, estate.id, data, signed_in_principal(request).user_id
        )

    @put("/contracts/{contract_id:int}", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def update_contract(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        contract_id: FromPath[int],
        data: JSONBody[ContractIn],
    ) -> ContractOut:
        """Edit a contract; any approval becomes void and the editor never approves it."""
        return service.update_contract(
            db_session, estate.id, contract_id, data, signed_in_principal(request).user_id
        )

    @post(
        "/contracts/{contract_id:int}/submit",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
    )
    def submit_contract(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        contract_id: FromPath[int],
    ) -> ApprovalRequestOut:
        """Ask the committee to approve the contract; answers the approval request."""
        return service.submit_contract(
            db_session, estate.id, contract_id, signed_in_principal(request).user_id
        )

    # --- reference prices ---------------------------------------------------------------

    @get("/prices", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_prices(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        on: FromQuery[str | None] = None,
    ) -> PricesOut:
        """Every version, and (with ``on``) the prices in force on that date."""
        when = service.parse_date(on, "on")
        return {
            "versions": prices.list_price_lists(db_session, estate.id),
            "in_force": prices.prices_on(db_session, estate.id, when) if when else None,
        }

    @post(
        "/prices/import",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        description=(
            "Multipart form with one `file` field: CSV (UTF-8 or GB18030) or XLSX (first "
            "sheet), header in row 1; query `effective_from` (YYYY-MM-DD, required) and "
            "`source`; samples: `docs/samples/prices.csv` and `.xlsx`. All rows or none: "
            "the 422 lists every bad cell as `rows[N].field`; an unknown column is refused "
            "(field `columns`, naming it); 409 if a version with that effective date "
            "exists.\n\n" + describe(prices.COLUMNS)
        ),
    )
    def import_prices(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: MultipartBody[dict[str, Any]],
        effective_from: FromQuery[str],
        source: FromQuery[str] = "",
    ) -> PriceListOut:
        """Import a reference price list version."""
        when = service.parse_date(effective_from, "effective_from")
        if when is None:
            raise ValidationError.field("effective_from", Message("input.date_required"))
        return prices.import_prices(
            db_session,
            estate.id,
            *form_file(data),
            effective_from=when,
            source=source,
            actor_user_id=signed_in_principal(request).user_id,
        )

    # --- repair register ----------------------------------------------------------------

    @get("/work-orders", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_work_orders(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        status: FromQuery[str | None] = None,
    ) -> list[WorkOrderOut]:
        """The repair register (工程维修登记表)."""
        return workorders.register(db_session, estate.id, status=status)

    @post("/work-orders", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def report_work(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[WorkOrderIn],
    ) -> WorkOrderOut:
        """Register a reported problem."""
        return service.report_work(
            db_session, estate.id, data, signed_in_principal(request).user_id
        )

    @post(
        "/work-orders/{order_id:int}/status",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
        description="reported → assigned (contractor_id) → done → settled (claim_id); 409 "
        "for any other transition.",
    )
    def advance_work(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        order_id: FromPath[int],
        data: JSONBody[WorkOrderStepIn],
    ) -> WorkOrderOut:
        """Move a work order one step forward."""
        return service.advance_work(db_session, estate.id, order_id, data)

    @post(
        "/work-orders/{order_id:int}/photos", opt=estate_action(Action.RECORD), sync_to_thread=True
    )
    def add_photo(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        settings: NamedDependency[Settings],
        request: Request[Any, Any, Any],
        order_id: FromPath[int],
        data: MultipartBody[dict[str, Any]],
    ) -> VoucherOut:
        """Attach a photo (JPEG or PNG) to a work order."""
        return service.add_photo(
            db_session,
            settings.var_dir,
            estate.id,
            order_id,
            *form_file(data),
            signed_in_principal(request).user_id,
        )

    # --- claims and payouts -------------------------------------------------------------

    @get("/claims", opt=estate_action(Action.READ), sync_to_thread=True)
    def list_claims(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        status: FromQuery[str | None] = None,
    ) -> list[ClaimOut]:
        """Claims, by work date."""
        return claims.list_claims(db_session, estate.id, status=status)

    @post(
        "/claims",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        description="Line amount = quantity × unit price, to the fen, half up. A line above "
        "the reference price in force on the work date needs over_reason (422 names the line).",
    )
    def create_claim(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[ClaimIn],
    ) -> ClaimOut:
        """A draft claim."""
        return service.create_claim(
            db_session, estate.id, data, signed_in_principal(request).user_id
        )

    @get("/claims/{claim_id:int}", opt=estate_action(Action.READ), sync_to_thread=True)
    def show_claim(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
    ) -> ClaimOut:
        """One claim with its lines, approval and entries."""
        return claims.claim_view(db_session, claims.get_claim(db_session, estate.id, claim_id))

    @put(
        "/claims/{claim_id:int}",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        description="Voids any approval: the claim returns to draft. 409 once payable.",
    )
    def update_claim(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        claim_id: FromPath[int],
        data: JSONBody[ClaimIn],
    ) -> ClaimOut:
        """Edit a claim (the editor can never approve it)."""
        return service.update_claim(
            db_session, estate.id, claim_id, data, signed_in_principal(request).user_id
        )

    @post(
        "/claims/{claim_id:int}/submit",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
    )
    def submit_claim(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        claim_id: FromPath[int],
    ) -> ClaimOut:
        """Submit for approval (the rule of the claim's amount applies)."""
        return service.submit_claim(
            db_session, estate.id, claim_id, signed_in_principal(request).user_id
        )

    @post(
        "/claims/{claim_id:int}/void",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
    )
    def void_claim(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
    ) -> ClaimOut:
        """Withdraw a claim that is not payable yet."""
        return service.void_claim(db_session, estate.id, claim_id)

    @post(
        "/claims/{claim_id:int}/payable",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
        description="Posts Expenses:<fund>:<item> / Liabilities:Payable:Contractors on the "
        "work date. 409 insufficient-funds names the fund and the shortfall.",
    )
    def make_payable(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        claim_id: FromPath[int],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ClaimOut]:
        """An approved claim becomes payable."""
        return idempotent_response(
            payouts.payable_request(
                db_session,
                estate.id,
                claim_id,
                actor_user_id=signed_in_principal(request).user_id,
                idempotency_key=idempotency_key,
            ),
            status=200,
        )

    @post(
        "/claims/{claim_id:int}/pay",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        status_code=200,
        description="Pays from the committee bank account (making an approved claim payable "
        "first). A claim is never paid twice (409).",
    )
    def pay_claim(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        claim_id: FromPath[int],
        data: JSONBody[PayIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ClaimOut]:
        """Pay an approved claim."""
        return idempotent_response(
            payouts.pay_request(
                db_session,
                estate.id,
                claim_id,
                paid_on=data.paid_on,
                actor_user_id=signed_in_principal(request).user_id,
                idempotency_key=idempotency_key,
            ),
            status=200,
        )

    @post("/claims/{claim_id:int}/vouchers", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def add_voucher(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        settings: NamedDependency[Settings],
        request: Request[Any, Any, Any],
        claim_id: FromPath[int],
        data: MultipartBody[dict[str, Any]],
    ) -> VoucherOut:
        """Attach a voucher (JPEG, PNG or PDF, at most 10 MB), stored by its sha256."""
        return service.add_claim_voucher(
            db_session,
            settings.var_dir,
            estate.id,
            claim_id,
            *form_file(data),
            signed_in_principal(request).user_id,
        )

    # --- vouchers -----------------------------------------------------------------------

    @get(
        "/vouchers/{voucher_id:int}",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        media_type="*/*",  # the file's own type: image/jpeg, image/png or application/pdf
    )
    def download_voucher(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        settings: NamedDependency[Settings],
        voucher_id: FromPath[int],
    ) -> Response[bytes]:
        """The original file (staff only), checked against its hash."""
        voucher = vouchers.get_voucher(db_session, estate.id, voucher_id)
        return Response(
            vouchers.read_original(settings.var_dir, voucher),
            media_type=voucher.content_type,
            headers={
                "Content-Disposition": f'inline; filename="{voucher.number}"',
                "X-Content-SHA256": voucher.sha256,
            },
        )

    @get(
        "/vouchers/{voucher_id:int}/thumbnail",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        media_type="image/png",
        description="A photo's thumbnail (PNG, at most 800 px, no EXIF), public or not; 404 "
        "for a PDF.",
    )
    def voucher_thumbnail(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        settings: NamedDependency[Settings],
        voucher_id: FromPath[int],
    ) -> Response[bytes]:
        """The thumbnail staff pages show (staff only)."""
        voucher = vouchers.get_voucher(db_session, estate.id, voucher_id)
        return Response(
            vouchers.staff_thumbnail(settings.var_dir, voucher),
            media_type="image/png",
            headers={"Cache-Control": "private, max-age=86400"},
        )

    @put(
        "/vouchers/{voucher_id:int}/public",
        opt=estate_action(Action.APPROVE),
        sync_to_thread=True,
        description="Mark a voucher free of personal data (the public then sees a thumbnail "
        "without EXIF, or the PDF) or withdraw that.",
    )
    def mark_voucher(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        voucher_id: FromPath[int],
        data: JSONBody[VoucherPublicIn],
    ) -> VoucherOut:
        """Decide whether the public may see a voucher."""
        return service.mark_voucher(db_session, estate.id, voucher_id, data.public)

    # --- goods --------------------------------------------------------------------------

    @get("/goods", opt=estate_action(Action.READ), sync_to_thread=True)
    def goods_stock(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[GoodsStockOut]:
        """Stock per item: received, issued, in stock."""
        return goods.stock(db_session, estate.id)

    @get("/goods/slips", opt=estate_action(Action.READ), sync_to_thread=True)
    def goods_slips(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[GoodsSlipOut]:
        """Goods in/out slips (物品出入单)."""
        return goods.list_slips(db_session, estate.id)

    @post(
        "/goods/slips",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        description="purchase / donation (in), issue (out); issuing more than in stock is a "
        "422 on quantity.",
    )
    def record_slip(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[GoodsSlipIn],
    ) -> GoodsSlipOut:
        """Record a goods slip."""
        return service.record_slip(
            db_session, estate.id, data, signed_in_principal(request).user_id
        )

    # --- expense detail table -----------------------------------------------------------

    @get("/expenses", opt=estate_action(Action.READ), sync_to_thread=True)
    def expense_table(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> ExpenseTableOut:
        """费用支出明细表: every payout with vouchers and approvers (names)."""
        return expenses.expense_table(
            db_session,
            estate.id,
            start=service.parse_date(start, "start"),
            end=service.parse_date(end, "end"),
        )

    @get(
        "/expenses/xlsx",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        media_type=XLSX,
    )
    def expense_xlsx(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """The expense detail table as XLSX."""
        data = expenses.expense_xlsx(
            db_session,
            estate.id,
            start=service.parse_date(start, "start"),
            end=service.parse_date(end, "end"),
        )
        return Response(
            data,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="expenses-{estate.slug}.xlsx"'},
        )


def _public_estate(session: Session, slug: str) -> Estate:
    estate = session.scalar(select(Estate).where(Estate.slug == slug))
    if estate is None:
        raise NotFoundError(Message("estates.no_estate_id", estate_id=slug))
    return estate


class PublicSettlementsController(Controller):
    path = "/api/v1/public/estates/{estate_slug:str}"
    tags = ["public"]

    @get("/expenses", opt=public(), sync_to_thread=True)
    def expenses(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> ExpenseTableOut:
        """The expense detail table for residents: approvers by role, not by name."""
        estate = _public_estate(db_session, estate_slug)
        return expenses.expense_table(
            db_session,
            estate.id,
            start=service.parse_date(start, "start"),
            end=service.parse_date(end, "end"),
            public=True,
        )

    @get("/vouchers/{voucher_id:int}", opt=public(), sync_to_thread=True)
    def voucher(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        voucher_id: FromPath[int],
    ) -> VoucherOut:
        """A voucher's number, hash, type and size (verify a copy by its sha256)."""
        estate = _public_estate(db_session, estate_slug)
        return vouchers.voucher_view(
            vouchers.get_voucher(db_session, estate.id, voucher_id), staff=False
        )

    @get(
        "/vouchers/{voucher_id:int}/file",
        opt=public(),
        sync_to_thread=True,
        media_type="*/*",  # image/png (placeholder or thumbnail) or application/pdf
    )
    def voucher_file(
        self,
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate_slug: FromPath[str],
        voucher_id: FromPath[int],
        if_none_match: Annotated[
            str | None,
            HeaderParameter(
                name="If-None-Match", required=False, description="An ETag this answer gave"
            ),
        ] = None,
    ) -> Response[bytes]:
        """A placeholder while the voucher may contain personal data; once staff marked it
        public, a thumbnail without EXIF (images, rendered once at upload) or the PDF.
        Carries an ETag: with ``If-None-Match`` the answer is 304 when nothing changed."""
        estate = _public_estate(db_session, estate_slug)
        voucher = vouchers.get_voucher(db_session, estate.id, voucher_id)
        etag = vouchers.public_etag(voucher)
        headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
        if if_none_match is not None and etag in (t.strip() for t in if_none_match.split(",")):
            return Response(b"", status_code=304, headers=headers)
        data, media_type = vouchers.public_file(settings.var_dir, voucher)
        return Response(data, media_type=media_type, headers=headers)


CONTROLLERS: list[Any] = [ApprovalsController, SettlementsController, PublicSettlementsController]
