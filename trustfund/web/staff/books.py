"""Opening the books (建账) on a phone: the steward enters, per fund, what the paper ledger
holds on the opening date (银行存款, 管家现金, 应付承揽方, 预收服务费), sees each fund's
opening balance, and submits it; a committee member approves it on the approvals page
(``approvals.decide_request``). Once approved the page shows the books as open."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.journal import books, schemas
from trustfund.ledger.accounts import Fund
from trustfund.messages import Message
from trustfund.web.staff.common import may, page, people, principal_of
from trustfund.web.staff.forms import FormNumber, StaffForm

FUNDS = [str(f.value) for f in Fund]
PART_LABELS = {
    "bank": "银行存款",
    "cash": "管家现金",
    "payable": "应付承揽方",
    "prepaid": "预收服务费",
}


class OpeningForm(BaseModel):
    """``date`` and, per fund, ``<fund>_<part>`` (blank = 0; a fund left all blank is not
    listed)."""

    model_config = ConfigDict(extra="ignore")

    date: str = ""
    electricity_bank: FormNumber = ""
    electricity_cash: FormNumber = ""
    electricity_payable: FormNumber = ""
    electricity_prepaid: FormNumber = ""
    maintenance_bank: FormNumber = ""
    maintenance_cash: FormNumber = ""
    maintenance_payable: FormNumber = ""
    maintenance_prepaid: FormNumber = ""
    garbage_bank: FormNumber = ""
    garbage_cash: FormNumber = ""
    garbage_payable: FormNumber = ""
    garbage_prepaid: FormNumber = ""
    autonomy_bank: FormNumber = ""
    autonomy_cash: FormNumber = ""
    autonomy_payable: FormNumber = ""
    autonomy_prepaid: FormNumber = ""


def _form_of(estate: Estate, proposal: schemas.OpeningProposal | None) -> OpeningForm:
    values: dict[str, str] = {"date": (proposal.date if proposal else today_in(estate)).isoformat()}
    for row in proposal.funds if proposal else []:
        for part in PART_LABELS:
            values[f"{row.fund}_{part}"] = getattr(row, part)
    return OpeningForm(**values)


def _opening_in(form: OpeningForm, staff: StaffForm) -> schemas.OpeningIn | None:
    """The service's input (None when refused already); the rows' service fields
    (``funds[1].bank``) become aliases of the form's (``maintenance_bank``)."""
    day = staff.day(form.date, "date")
    if day is None and "date" not in staff.errors:
        staff.refuse("date", Message("web.opening_date_required"))
    rows, funds = [], []
    for fund in FUNDS:
        parts = {part: getattr(form, f"{fund}_{part}").strip() for part in PART_LABELS}
        if not any(parts.values()):
            continue
        rows.append(schemas.OpeningFundIn(fund=fund, **{k: v or "0" for k, v in parts.items()}))
        funds.append(fund)
    if not rows:
        staff.refuse("_form", Message("web.opening_fund_required"))
    for i, fund in enumerate(funds):
        staff.aliases.update({f"funds[{i}]": fund, f"funds[{i}].fund": fund})
        staff.aliases.update({f"funds[{i}].{part}": f"{fund}_{part}" for part in PART_LABELS})
    if staff.refused or day is None:
        return None
    return schemas.OpeningIn(date=day, funds=rows)


class BooksPageController(Controller):
    include_in_schema = False
    path = "/staff/{estate_slug:str}/books"

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        form: OpeningForm | None = None,
        errors: dict[str, str] | None = None,
        code: int = 200,
        saved: bool = False,
    ) -> Template:
        status = books.status(session, estate)
        proposal = status.proposal
        names = people(session, {proposal.proposed_by} if proposal else set())
        return page(
            request,
            "staff/books.html",
            status=code,
            estate=estate,
            books=status,
            proposal=proposal,
            proposed_by=names.get(proposal.proposed_by, "—") if proposal else "—",
            form=form or _form_of(estate, proposal),
            funds=FUNDS,
            parts=PART_LABELS,
            errors=errors or {},
            saved=saved,
            can_record=may(request, Action.RECORD, estate) and not status.open,
            can_approve=may(request, Action.APPROVE, estate),
        )

    @estate_route(get, "/", Action.READ)
    def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        saved: FromQuery[int] = 0,
    ) -> Template:
        """Whether the books are open; the opening proposal; the form for the steward."""
        return self._page(request, db_session, estate, saved=bool(saved))

    @estate_route(
        post, "/", Action.RECORD, audit_action="web.propose_opening", status_code=HTTP_303_SEE_OTHER
    )
    def propose(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[OpeningForm],
    ) -> Response[Any]:
        """Submit the opening balances for the committee's approval."""
        form = StaffForm({*OpeningForm.model_fields, *FUNDS})
        body = _opening_in(data, form)
        return form.handle(
            db_session,
            lambda: books.propose_opening(
                db_session,
                estate,
                body,  # type: ignore[arg-type]  # None only when refused: not called
                actor_user_id=principal_of(request).user_id,
            ),
            done=f"/staff/{estate.slug}/books?saved=1",
            again=lambda form: self._page(
                request, db_session, estate, form=data, errors=form.errors, code=form.status
            ),
        )


CONTROLLERS: list[Any] = [BooksPageController]
