"""The steward's pages: find a household (building → room), its charges, payments and
receipts; record a payment and hand over the receipt; arrears by building; cash on hand and
deposits. Every number comes from the estates and fees services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.errors import NotFoundError, TrustfundError
from trustfund.estates import changes, households, service
from trustfund.fees import deposits, owed, payments, receipt_views, reports
from trustfund.fees.cash import cash_receipts
from trustfund.fees.rules import parse_method
from trustfund.fees.schemas import (
    AllocationIn,
    CashOut,
    DepositIn,
    HouseholdAccountOut,
    PaymentIn,
)
from trustfund.fees.setup import setup_progress
from trustfund.inquiries import checkcode
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.web.staff.common import field_errors, may, new_key, page, principal_of
from trustfund.web.staff.forms import FormNumber, StaffForm
from trustfund.web.staff.zh import METHOD_NAMES

BASE = "/staff/{estate_slug:str}"
PAYMENT_FIELDS = {"fee_year", "amount", "method", "payer", "reference"}
PAYMENT_ALIASES = {
    "allocations.amount": "amount",
    "allocations.fee_year": "fee_year",
    "allocations.household_code": "_form",
    "allocations": "_form",
}


class PaymentForm(BaseModel):
    fee_year: str = Field(default="", max_length=10)
    amount: FormNumber = Field(default="", max_length=20)
    method: str = Field(default="", max_length=20)
    payer: str = Field(default="", max_length=50)
    reference: str = Field(default="", max_length=80)
    key: str = Field(default="", max_length=64)


class DepositForm(BaseModel):
    amount: FormNumber = Field(default="", max_length=20)
    deposited_on: str = Field(default="", max_length=20)
    reference: str = Field(default="", max_length=80)
    key: str = Field(default="", max_length=64)


def _accounts(session: Session, estate: Estate, code: str) -> list[HouseholdAccountOut]:
    """The household's account for every fee year the estate has charged (newest first)."""
    found = []
    for year in reversed(reports.fee_years(session, estate.id)):
        try:
            found.append(owed.household_account(session, estate.id, code, year))
        except NotFoundError:
            continue
    return found


def _default_payment(accounts: list[HouseholdAccountOut]) -> PaymentForm:
    """Prefill: the oldest year still owing, its outstanding amount, cash."""
    owing = [a for a in accounts if Decimal(a["outstanding"]) > 0]
    chosen = owing[-1] if owing else (accounts[0] if accounts else None)
    return PaymentForm(
        fee_year=str(chosen["fee_year"]) if chosen else "",
        amount=chosen["outstanding"] if chosen and owing else "",
        method="cash",
        key=new_key(),
    )


def _latest_year(session: Session, estate: Estate) -> int | None:
    years = reports.fee_years(session, estate.id)
    return years[-1] if years else None


class StewardPagesController(Controller):
    include_in_schema = False
    path = BASE

    # --- households ---------------------------------------------------------------------

    @estate_route(get, "/households", Action.READ)
    def households_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        building: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        room: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """Tap a building, then a room (the rooms come first once a building is chosen);
        or type one search: 3-1-502, 3幢502, a room number, an owner's name, a phone or its
        last four digits (``households.search_households``). A search that finds exactly
        one household opens it."""
        buildings = service.list_buildings(db_session, estate)
        building = (building or "").strip() or None
        text = (q or room or "").strip()
        found: list[Any] = []
        total = 0
        kind = None
        error = None
        if text:
            result = households.search_households(db_session, estate, text)
            found, total, kind = result.items, result.total, result.kind
            if total == 1 and not request.headers.get("HX-Request"):
                return Redirect(
                    f"/staff/{estate.slug}/households/{found[0].code}",
                    status_code=HTTP_303_SEE_OTHER,
                )
        elif building:
            try:
                page_ = households.list_households(
                    db_session, estate, building=building, per_page=500
                )
                found, total = page_.items, page_.total
            except TrustfundError as exc:
                error = field_errors(exc).popitem()[1]
        year = _latest_year(db_session, estate)
        owing: dict[str, str] = {}
        if year is not None and found:
            today = service.today_in(estate)
            owing = {
                r["household_code"]: r["arrears"]
                for r in reports.arrears_list(db_session, estate.id, year, as_of=today)
            }
        return page(
            request,
            "staff/households.html",
            estate=estate,
            buildings=buildings,
            building=None if text else building,
            q=text,
            kind=kind,
            found=found,
            total=total,
            owing=owing,
            fee_year=year,
            error=error,
            can_import=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/households/{code:str}", Action.READ)
    def household_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
    ) -> Template:
        household = changes.get_household(db_session, estate, code)
        accounts = _accounts(db_session, estate, code)
        return self._household(
            request, db_session, estate, household, accounts, _default_payment(accounts)
        )

    def _household(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        household: Any,
        accounts: list[HouseholdAccountOut],
        form: PaymentForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/household.html",
            status=status,
            estate=estate,
            household=household,
            accounts=accounts,
            form=form,
            errors=errors or {},
            methods=METHOD_NAMES,
            can_record=may(request, Action.RECORD, estate),
            setup=setup_progress(session, estate),
        )

    @estate_route(
        post,
        "/households/{code:str}/payments",
        Action.RECORD,
        audit_action="web.record_payment",
        status_code=HTTP_303_SEE_OTHER,
    )
    def record_payment(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        code: FromPath[str],
        data: URLEncodedBody[PaymentForm],
    ) -> Response[Any]:
        """Record the payment (one receipt), then show the receipt to print or share."""
        household = changes.get_household(db_session, estate, code)
        form = StaffForm(PAYMENT_FIELDS, PAYMENT_ALIASES)
        try:
            method = parse_method(data.method)  # the select's value, or a Chinese alias
        except ValueError:
            form.refuse("method", Message("web.choose_method"))
            method = ""
        try:
            fee_year = int(data.fee_year)
        except ValueError:
            form.refuse("fee_year", Message("web.choose_fee_year"))
            fee_year = 0
        return form.handle(
            db_session,
            lambda: payments.record_payment(
                db_session,
                estate.id,
                PaymentIn(
                    method=method,  # type: ignore[arg-type]  # checked above
                    amount=data.amount,
                    allocations=[
                        AllocationIn(household_code=code, fee_year=fee_year, amount=data.amount)
                    ],
                    payer=data.payer,
                    reference=data.reference,
                ),
                actor_user_id=principal_of(request).user_id,
                idempotency_key=f"web:{data.key}" if data.key else None,
            ),
            done=lambda recorded: (
                f"/staff/{estate.slug}/receipts/{recorded[0]['receipts'][0]['receipt_no']}?new=1"
            ),
            again=lambda form: self._household(
                request,
                db_session,
                estate,
                household,
                _accounts(db_session, estate, code),
                data,
                form.errors,
                status=422,
            ),
        )

    # --- receipts ---------------------------------------------------------------------------

    @estate_route(get, "/receipts/{receipt_no:str}", Action.READ)
    def receipt_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        settings: NamedDependency[Settings],
        receipt_no: FromPath[str],
        new: FromQuery[int] = 0,
    ) -> Template:
        """The receipt just recorded: print the PDF, or share the public check link."""
        receipt = receipt_views.receipt_view(
            db_session, receipt_views.get_receipt(db_session, estate.id, receipt_no)
        )
        household = changes.get_household(db_session, estate, receipt["household_code"])
        check_path = f"/r/{estate.slug}/{receipt_no}"
        return page(
            request,
            "staff/receipt.html",
            estate=estate,
            receipt=receipt,
            household=household,
            new=bool(new),
            can_record=may(request, Action.RECORD, estate),
            pdf_url=f"/api/v1/estates/{estate.slug}/fees/receipts/{receipt_no}/pdf",
            check_path=check_path,
            check_url=settings.public_url.rstrip("/") + check_path,
            check_code=checkcode.receipt_check_code(
                db_session, estate.id, receipt["receipt_no"], receipt["household_code"]
            ),
        )

    # --- arrears ----------------------------------------------------------------------------

    @estate_route(get, "/arrears", Action.READ)
    def arrears_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        fee_year: FromQuery[int | None] = None,
        building: FromQuery[str | None] = None,
    ) -> Template:
        years = reports.fee_years(db_session, estate.id)
        year = fee_year or (years[-1] if years else None)
        report = None
        rows: list[dict[str, Any]] = []
        if year is not None and (year in years or fee_year is not None):
            report = reports.collection_report(db_session, estate.id, year)
            as_of = date.fromisoformat(report["as_of"])
            rows = reports.arrears_list(db_session, estate.id, year, as_of=as_of)
            if building:
                rows = [r for r in rows if r["building"] == building]
        return page(
            request,
            "staff/arrears.html",
            estate=estate,
            years=years,
            fee_year=year,
            building=building,
            report=report,
            rows=rows,
        )

    # --- cash -------------------------------------------------------------------------------

    @estate_route(get, "/cash", Action.READ)
    def cash_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        cash = deposits.cash_on_hand(db_session, estate.id)
        form = DepositForm(
            amount=cash["cash"] if Decimal(cash["cash"]) > 0 else "",
            deposited_on=service.today_in(estate).isoformat(),
            key=new_key(),
        )
        return self._cash(request, db_session, estate, cash, form, done=done)

    def _cash(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        cash: CashOut,
        form: DepositForm,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/cash.html",
            status=status,
            estate=estate,
            cash=cash,
            held=cash_receipts(session, estate.id),
            form=form,
            errors=errors or {},
            done=done,
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(
        post,
        "/cash",
        Action.RECORD,
        audit_action="web.deposit_cash",
        status_code=HTTP_303_SEE_OTHER,
    )
    def deposit(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[DepositForm],
    ) -> Response[Any]:
        """Record cash paid into the committee's bank account."""
        form = StaffForm({"amount", "deposited_on", "reference"})
        on = form.day(data.deposited_on, "deposited_on")
        return form.handle(
            db_session,
            lambda: deposits.deposit_cash(
                db_session,
                estate.id,
                DepositIn(amount=data.amount, deposited_on=on, reference=data.reference),
                actor_user_id=principal_of(request).user_id,
                idempotency_key=f"web:{data.key}" if data.key else None,
            ),
            done=lambda deposited: f"/staff/{estate.slug}/cash?done={deposited[0]['amount']}",
            again=lambda form: self._cash(
                request,
                db_session,
                estate,
                deposits.cash_on_hand(db_session, estate.id),
                data,
                form.errors,
                status=422,
            ),
        )


CONTROLLERS: list[Any] = [StewardPagesController]
