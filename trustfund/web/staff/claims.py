"""Claims (报销 / 结算) on the steward's phone: fill in the lines against the reference prices,
photograph the vouchers, submit for approval, and pay once approved. Every step is one call
into ``trustfund.settlements`` (the same services the API calls)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.db.models.settlements import Claim
from trustfund.errors import NotFoundError, TrustfundError
from trustfund.estates.service import today_in
from trustfund.journal.reading import fund_balances
from trustfund.ledger.accounts import EXPENSE_ITEMS, FUND_NAMES_ZH, account_label
from trustfund.ledger.money import parse_decimal
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.settlements import claims, contracts, payouts, prices, service, workorders
from trustfund.settlements.common import MAX_PRICE, MAX_QTY
from trustfund.settlements.lines import price_line
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn
from trustfund.web.staff.common import may, new_key, page, people, principal_of
from trustfund.web.staff.details import voucher_card
from trustfund.web.staff.forms import (
    Repeated,
    RepeatedNumber,
    StaffForm,
    as_id,
    row_errors,
    see_other,
    uploads,
)

BASE = "/staff/{estate_slug:str}/claims"
STATUS_NAMES: dict[str, str] = {
    "draft": "草稿",
    "submitted": "待审批",
    "approved": "已批准，待付款",
    "payable": "已入账，待付款",
    "paid": "已付款",
    "rejected": "已驳回",
    "void": "已作废",
}
#: What a claim may be spent on: ``fund:item`` → 基金 · 项目 (autonomy-fund projects are
#: paid through the autonomy fund's own pages).
SPENDING: dict[str, str] = {
    f"{fund}:{item}": f"{FUND_NAMES_ZH.get(fund, fund)} · {name}"
    for fund, items in EXPENSE_ITEMS.items()
    if fund != "autonomy"
    for item, name in items.items()
}
LINE_FIELDS = ("item_code", "description", "quantity", "unit", "unit_price", "over_reason")
CLAIM_FIELDS = {
    "payee",
    "spending",
    "work_date",
    "description",
    "work_order_id",
    "lines",
    "photo_ids",
}
ALIASES = {"fund": "spending", "expense_item": "spending"}


class ClaimForm(BaseModel):
    payee: str = Field(default="", max_length=100)
    spending: str = Field(default="", max_length=60)
    work_date: str = Field(default="", max_length=20)
    description: str = Field(default="", max_length=300)
    work_order_id: str = Field(default="", max_length=12)
    item_code: Repeated = Field(default_factory=list)
    line_description: Repeated = Field(default_factory=list)
    quantity: RepeatedNumber = Field(default_factory=list)
    unit: Repeated = Field(default_factory=list)
    unit_price: RepeatedNumber = Field(default_factory=list)
    over_reason: Repeated = Field(default_factory=list)
    #: The work order's photos ticked to back the claim (voucher ids).
    photo_ids: Repeated = Field(default_factory=list)
    #: ``submit``: save and submit for approval in one step (the form's main button).
    then: str = Field(default="", max_length=10)

    def rows(self) -> list[dict[str, str]]:
        """The line rows as the form sent them (every column has one value per row)."""
        columns = (
            self.item_code,
            self.line_description,
            self.quantity,
            self.unit,
            self.unit_price,
            self.over_reason,
        )
        count = max((len(c) for c in columns), default=0)
        return [
            {
                name: (col[i] if i < len(col) else "")[:500]
                for name, col in zip(LINE_FIELDS, columns, strict=True)
            }
            for i in range(count)
        ]


class PayForm(BaseModel):
    key: str = Field(default="", max_length=64)
    paid_on: str = Field(default="", max_length=20)


#: The claims ``payouts.pay_claim`` pays, and so the claims whose page shows the pay form.
PAYING = ("approved", "payable")


def pay_fields(claim: Claim) -> set[str]:
    """The pay form's fields the claim's page shows now: its date, once the claim can be paid
    (before that the page has no pay form, and a refusal of it is said above the page)."""
    return {"paid_on"} if claim.status.value in PAYING else set()


def _blank(row: dict[str, str]) -> bool:
    return not any(row[k].strip() for k in ("item_code", "description", "quantity", "unit_price"))


def _priced(row: dict[str, str], reference: Mapping[str, Any] | None) -> dict[str, Any]:
    """The row with what the page shows next to it: reference price, amount, difference."""
    shown: dict[str, Any] = {**row, "reference": reference, "amount": None, "over": None}
    try:
        qty = parse_decimal(row["quantity"], places=3, limit=MAX_QTY)
        unit_price = parse_decimal(row["unit_price"], places=4, limit=MAX_PRICE)
    except ValueError:
        return shown  # the service says why when the form is saved
    if qty <= 0:
        return shown
    priced = price_line(qty, unit_price, Decimal(reference["unit_price"]) if reference else None)
    shown["amount"] = priced.amount
    shown["over"] = priced.over_reference
    return shown


def _spending_of(claim: Mapping[str, Any]) -> str:
    known = SPENDING.get(f"{claim['fund']}:{claim['expense_item']}")
    return known or account_label(str(claim["account"]))


class ClaimPagesController(Controller):
    include_in_schema = False
    path = BASE

    # --- list ---------------------------------------------------------------------------

    @estate_route(get, "/", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        status: FromQuery[str | None] = None,
    ) -> Template:
        """Claims, newest work first, optionally of one status."""
        chosen = status if status in STATUS_NAMES else None
        rows = list(reversed(claims.list_claims(db_session, estate.id, status=chosen)))
        return page(
            request,
            "staff/claims.html",
            estate=estate,
            rows=rows,
            chosen=chosen,
            status_names=STATUS_NAMES,
            spending_of=_spending_of,
            can_record=may(request, Action.RECORD, estate),
        )

    # --- new claim ----------------------------------------------------------------------

    def _form(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        form: ClaimForm,
        errors: dict[str, str] | None = None,
        line_errors: dict[int, dict[str, str]] | None = None,
        status: int = 200,
        claim_id: int | None = None,
        prefilled: bool = False,
    ) -> Template:
        on = today_in(estate)
        if form.work_date.strip():
            with contextlib.suppress(TrustfundError):
                on = service.parse_date(form.work_date, "work_date") or on
        items = prices.prices_on(session, estate.id, on)
        by_code = {i["code"]: i for i in items}
        rows = form.rows() or [dict.fromkeys(LINE_FIELDS, "")]
        shown = [_priced(r, by_code.get(r["item_code"].strip())) for r in rows]
        for i, row in enumerate(shown):
            row["errors"] = (line_errors or {}).get(i, {})
        return page(
            request,
            "staff/claim_form.html",
            status=status,
            estate=estate,
            form=form,
            rows=shown,
            items=items,
            prices_on=on,
            spending=SPENDING,
            contractors=contracts.list_contractors(session, estate.id),
            orders=[o for o in workorders.register(session, estate.id) if o["status"] != "settled"],
            photos=_order_photos(session, estate, form, claim_id),
            prefilled=prefilled,
            errors=errors or {},
            claim_id=claim_id,
            action=f"/staff/{estate.slug}/claims/" + (f"{claim_id}/edit" if claim_id else ""),
        )

    @estate_route(get, "/new", Action.RECORD)
    def new_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        work_order: FromQuery[int | None] = None,
    ) -> Template:
        """A new claim; opened from a work order (``?work_order=N``) it is filled in from it —
        payee, description, one line of 1 项, the work date and the order's photos — so the
        steward types the amount and submits."""
        if work_order is None:
            form = ClaimForm(spending="maintenance:Repairs", work_date=today_in(estate).isoformat())
            return self._form(request, db_session, estate, form)
        made = workorders.claim_defaults(db_session, estate.id, work_order)
        form = ClaimForm(
            payee=made["payee"],
            spending=f"{made['fund']}:{made['expense_item']}",
            work_date=made["work_date"].isoformat(),
            description=made["description"],
            work_order_id=str(made["work_order_id"]),
            item_code=[""],
            line_description=[made["line_description"]],
            quantity=["1"],
            unit=["项"],
            unit_price=[""],
            over_reason=[""],
            photo_ids=[str(i) for i in made["photo_ids"]],
        )
        return self._form(request, db_session, estate, form, prefilled=True)

    @estate_route(
        post, "/", Action.RECORD, audit_action="web.create_claim", status_code=HTTP_303_SEE_OTHER
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ClaimForm],
    ) -> Response[Any]:
        """Save the claim as a draft (lines checked against the reference prices), then go
        to its page to photograph the vouchers and submit it."""
        return self._save(request, db_session, estate, data, None)

    @estate_route(get, "/{claim_id:int}/edit", Action.RECORD)
    def edit_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
    ) -> Template:
        """The claim in its form again (a rejected claim is corrected here)."""
        view = claims.claim_view(db_session, claims.get_claim(db_session, estate.id, claim_id))
        form = ClaimForm(
            payee=view["payee"],
            spending=f"{view['fund']}:{view['expense_item']}",
            work_date=view["work_date"],
            description=view["description"],
            work_order_id=str(view["work_order_id"] or ""),
            item_code=[ln["item_code"] or "" for ln in view["lines"]],
            line_description=[ln["description"] for ln in view["lines"]],
            quantity=[ln["quantity"] for ln in view["lines"]],
            unit=[ln["unit"] for ln in view["lines"]],
            unit_price=[ln["unit_price"] for ln in view["lines"]],
            over_reason=[ln["over_reason"] or "" for ln in view["lines"]],
            photo_ids=[
                str(v.id)
                for v in claims.get_claim(db_session, estate.id, claim_id).vouchers
                if v.work_order_id is not None
            ],
        )
        return self._form(request, db_session, estate, form, claim_id=claim_id)

    @estate_route(
        post,
        "/{claim_id:int}/edit",
        Action.RECORD,
        audit_action="web.update_claim",
        status_code=HTTP_303_SEE_OTHER,
    )
    def update(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
        data: URLEncodedBody[ClaimForm],
    ) -> Response[Any]:
        """Save the changes: any approval becomes void and the claim is a draft again."""
        claims.get_claim(db_session, estate.id, claim_id)  # 404 before anything else
        return self._save(request, db_session, estate, data, claim_id)

    def _save(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        data: ClaimForm,
        claim_id: int | None,
    ) -> Response[Any]:
        form = StaffForm(CLAIM_FIELDS)
        fund, _, item = data.spending.partition(":")
        if data.spending not in SPENDING:
            form.refuse("spending", Message("web.choose_spending"))
        work_date = form.required_day(data.work_date, "work_date")
        order_id = form.optional_choice(data.work_order_id, "work_order_id")
        photo_ids = [as_id(value) for value in data.photo_ids]
        if None in photo_ids:
            form.refuse("photo_ids", Message("web.choose_from_list"))
        rows = data.rows()
        sent = [i for i, row in enumerate(rows) if not _blank(row)]
        if not sent:
            form.refuse("lines", Message("web.claim_line_required"))
        if form.refused:
            return self._form(
                request, session, estate, data, form.errors, status=422, claim_id=claim_id
            )
        names = {c["name"]: c["id"] for c in contracts.list_contractors(session, estate.id)}
        body = ClaimIn(
            payee=data.payee,
            contractor_id=names.get(data.payee.strip()),
            fund=fund,
            expense_item=item,
            description=data.description,
            work_date=work_date,  # type: ignore[arg-type]  # refused when None
            work_order_id=order_id,
            photo_ids=[i for i in photo_ids if i is not None],
            lines=[
                ClaimLineIn(
                    item_code=rows[i]["item_code"] or None,
                    description=rows[i]["description"] or None,
                    quantity=rows[i]["quantity"],
                    unit=rows[i]["unit"] or None,
                    unit_price=rows[i]["unit_price"],
                    over_reason=rows[i]["over_reason"] or None,
                )
                for i in sent
            ],
        )
        actor = principal_of(request).user_id
        saved = form.submit(
            session,
            lambda: (
                service.create_claim(session, estate.id, body, actor)
                if claim_id is None
                else service.update_claim(session, estate.id, claim_id, body, actor)
            ),
        )
        if saved is None or form.error is not None:
            line_errors: dict[int, dict[str, str]] = {}
            if form.error is not None:  # each line's errors go to its row
                form_errors, line_errors = row_errors(form.error, sent, ALIASES)
                for key in [k for k in form_errors if k.startswith("photo_ids[")]:
                    said = form_errors.pop(key)
                    form_errors["photo_ids"] = "；".join(
                        filter(None, [form_errors.get("photo_ids"), said])
                    )
                stray = {k: v for k, v in form_errors.items() if k not in CLAIM_FIELDS | {"_form"}}
                if stray:
                    form_errors = {k: v for k, v in form_errors.items() if k not in stray}
                    form_errors["_form"] = "；".join(
                        filter(None, [form_errors.get("_form"), *stray.values()])
                    )
                form.errors = form_errors
            return self._form(
                request,
                session,
                estate,
                data,
                form.errors,
                line_errors,
                status=form.status,
                claim_id=claim_id,
            )
        done = "created" if claim_id is None else "edited"
        if data.then == "submit":
            return self._submit(request, session, estate, saved["id"])
        return see_other(f"/staff/{estate.slug}/claims/{saved['id']}?done={done}")

    @estate_route(
        post,
        "/{claim_id:int}/void",
        Action.RECORD,
        audit_action="web.void_claim",
        status_code=HTTP_303_SEE_OTHER,
    )
    def void(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
    ) -> Response[Any]:
        """Withdraw a claim that was not paid (its approval becomes void)."""
        claims.get_claim(db_session, estate.id, claim_id)
        return StaffForm(()).handle(
            db_session,
            lambda: service.void_claim(db_session, estate.id, claim_id),
            done=f"/staff/{estate.slug}/claims/{claim_id}?done=void",
            again=lambda f: self._detail(
                request, db_session, estate, claim_id, errors=f.above(), status=f.status
            ),
        )

    # --- one claim ----------------------------------------------------------------------

    def _detail(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        claim_id: int,
        *,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        pay: PayForm | None = None,
        refused: str | None = None,
        status: int = 200,
    ) -> Template:
        """``refused`` names the form (``pay``) whose refusal ``errors["_form"]`` is: said at
        the top of that form; any other is said at the top of the page."""
        claim = claims.get_claim(session, estate.id, claim_id)
        view = claims.claim_view(session, claim)
        request_row = approvals.current_request(session, "claim", claim.id)
        approval: dict[str, Any] | None = None
        if request_row is not None:
            names = people(
                session, {request_row.submitted_by, *(d.user_id for d in request_row.decisions)}
            )
            approval = {
                **approvals.request_view(request_row),
                "submitted_by_name": names.get(request_row.submitted_by, "—"),
                "decisions": [
                    {
                        "name": names.get(d.user_id, "—"),
                        "decision": d.decision.value,
                        "reason": d.reason,
                    }
                    for d in request_row.decisions
                ],
            }
        balance = fund_balances(session, estate.id).get(claim.fund, Decimal("0.00"))
        return page(
            request,
            "staff/claim.html",
            status=status,
            estate=estate,
            claim=view,
            spending=_spending_of(view),
            status_name=STATUS_NAMES.get(view["status"], view["status"]),
            approval=approval,
            vouchers=_vouchers(estate, claim),
            balance=balance,
            after=balance - claim.amount,
            errors=errors or {},
            done=done,
            pay=pay or PayForm(key=new_key(), paid_on=today_in(estate).isoformat()),
            paying=bool(pay_fields(claim)),
            refused=refused,
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/{claim_id:int}", Action.READ)
    def detail(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return self._detail(request, db_session, estate, claim_id, done=done)

    @estate_route(
        post,
        "/{claim_id:int}/vouchers",
        Action.RECORD,
        audit_action="web.add_claim_voucher",
        status_code=HTTP_303_SEE_OTHER,
    )
    def add_vouchers(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
        data: MultipartBody[dict[str, Any]],
    ) -> Response[Any]:
        """Photos straight from the camera, or PDFs; each stored by its sha256."""
        claims.get_claim(db_session, estate.id, claim_id)  # 404 before anything else
        actor = principal_of(request).user_id
        return StaffForm({"file"}).store_files(
            db_session,
            uploads(data.get("file")),
            lambda content, name: service.add_claim_voucher(
                db_session, settings.var_dir, estate.id, claim_id, content, name, actor
            ),
            Message("web.choose_photo_or_file"),
            done=f"/staff/{estate.slug}/claims/{claim_id}?done=vouchers",
            again=lambda form: self._detail(
                request, db_session, estate, claim_id, errors=form.errors, status=form.status
            ),
        )

    @estate_route(
        post,
        "/{claim_id:int}/submit",
        Action.RECORD,
        audit_action="web.submit_claim",
        status_code=HTTP_303_SEE_OTHER,
    )
    def submit(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
    ) -> Response[Any]:
        """Ask the committee to approve it (the estate's rule for the amount applies)."""
        claims.get_claim(db_session, estate.id, claim_id)
        return self._submit(request, db_session, estate, claim_id)

    def _submit(
        self, request: Request[Any, Any, Any], session: Session, estate: Estate, claim_id: int
    ) -> Response[Any]:
        return StaffForm(()).handle(
            session,
            lambda: service.submit_claim(
                session, estate.id, claim_id, principal_of(request).user_id
            ),
            done=f"/staff/{estate.slug}/claims/{claim_id}?done=submitted",
            again=lambda f: self._detail(
                request, session, estate, claim_id, errors=f.above(), status=f.status
            ),
        )

    @estate_route(
        post,
        "/{claim_id:int}/pay",
        Action.RECORD,
        audit_action="web.pay_claim",
        status_code=HTTP_303_SEE_OTHER,
    )
    def pay(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        claim_id: FromPath[int],
        data: URLEncodedBody[PayForm],
    ) -> Response[Any]:
        """Pay an approved claim from the committee's account. The form's key makes a double
        tap pay once (the second request answers the first result)."""
        claim = claims.get_claim(db_session, estate.id, claim_id)
        form = StaffForm({"paid_on"})
        paid_on = form.day(data.paid_on, "paid_on")

        def again(form: StaffForm) -> Response[Any]:
            shown = pay_fields(claim)  # a claim not yet approved has no pay form on its page
            return self._detail(
                request,
                db_session,
                estate,
                claim_id,
                errors=form.shown(shown),
                pay=data,
                refused="pay" if shown else None,
                status=form.status,
            )

        return form.handle(
            db_session,
            lambda: payouts.pay_request(
                db_session,
                estate.id,
                claim_id,
                paid_on=paid_on,
                actor_user_id=principal_of(request).user_id,
                idempotency_key=f"web:{data.key}" if data.key else None,
            ),
            done=f"/staff/{estate.slug}/claims/{claim_id}?done=paid",
            again=again,
        )


def _vouchers(estate: Estate, claim: Claim) -> list[dict[str, Any]]:
    return [voucher_card(estate, v) for v in claim.vouchers]


def _order_photos(
    session: Session, estate: Estate, form: ClaimForm, claim_id: int | None
) -> list[dict[str, Any]]:
    """The photos of the form's work order that may back this claim, each ticked when the
    form names it (the server checks the choice again when the claim is saved)."""
    try:
        order = workorders.get_order(session, estate.id, int(form.work_order_id))
    except (ValueError, NotFoundError):
        return []
    chosen = set(form.photo_ids)
    return [
        {**voucher_card(estate, v), "checked": str(v.id) in chosen, "order_id": order.id}
        for v in workorders.free_photos(session, order, claim_id=claim_id)
    ]


CONTROLLERS: list[Any] = [ClaimPagesController]
