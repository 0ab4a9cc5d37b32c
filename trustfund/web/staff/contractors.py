"""Contractors (承揽方) and their one-year repair contracts (维修承揽合同) on the staff
pages: the list with each contractor's contracts, and for the steward (Action.RECORD, as the
API's ``POST …/contractors`` and ``…/contracts``) registering a contractor, drafting a
contract, correcting it and submitting it to the committee, who decide on the approval page.

Every step calls the command the API calls (``settlements.service``): an edit voids any
approval and the editor may never approve the contract."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.order import natural_key
from trustfund.estates.service import today_in
from trustfund.messages import Message
from trustfund.settlements import contracts, service
from trustfund.settlements.schemas import ContractIn, ContractorIn, ContractOut
from trustfund.web.staff.common import may, page, principal_of
from trustfund.web.staff.forms import FormNumber, StaffForm

BASE = "/staff/{estate_slug:str}"
STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "待业委会审批",
    "approved": "已批准",
    "rejected": "已驳回",
}
DONE = {
    "contractor": "已登记承揽方。",
    "created": "合同草稿已保存；核对后提交业委会审批。",
    "edited": "合同已修改；此前的审批已作废，须重新提交。",
    "submitted": "已提交业委会审批。",
}
CONTRACTOR_FIELDS = {"name", "credit_code", "contact"}
CONTRACT_FIELDS = {"contractor_id", "title", "scope", "starts_on", "ends_on", "estimated_amount"}


class ContractorForm(BaseModel):
    name: str = Field(default="", max_length=200)
    credit_code: str = Field(default="", max_length=60)
    contact: str = Field(default="", max_length=200)


class ContractForm(BaseModel):
    contractor_id: str = Field(default="", max_length=12)
    title: str = Field(default="", max_length=400)
    scope: str = Field(default="", max_length=8000)
    starts_on: str = Field(default="", max_length=20)
    ends_on: str = Field(default="", max_length=20)
    estimated_amount: FormNumber = Field(default="", max_length=20)


def _contract_in(form: StaffForm, data: ContractForm) -> ContractIn | None:
    """The form as the API's body, or None with the refusals under their fields."""
    try:
        contractor_id = int(data.contractor_id)
    except ValueError:
        form.refuse("contractor_id", Message("web.choose_contractor"))
    starts_on = form.day(data.starts_on, "starts_on")
    if starts_on is None and "starts_on" not in form.errors:
        form.refuse("starts_on", Message("input.required"))
    ends_on = form.day(data.ends_on, "ends_on")
    if form.refused or starts_on is None:
        return None
    return ContractIn(
        contractor_id=contractor_id,
        title=data.title,
        scope=data.scope,
        starts_on=starts_on,
        ends_on=ends_on,
        estimated_amount=data.estimated_amount.strip() or None,
    )


def _form_of(contract: ContractOut) -> ContractForm:
    return ContractForm(
        contractor_id=str(contract["contractor"]["id"]),
        title=contract["title"],
        scope=contract["scope"],
        starts_on=contract["starts_on"],
        ends_on=contract["ends_on"],
        estimated_amount=contract["estimated_amount"] or "",
    )


class ContractorPagesController(Controller):
    include_in_schema = False
    path = BASE

    def _list(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        contractor: ContractorForm | None = None,
        contract: ContractForm | None = None,
        contractor_errors: dict[str, str] | None = None,
        contract_errors: dict[str, str] | None = None,
        done: str | None = None,
        status: int = 200,
    ) -> Template:
        people = sorted(
            contracts.list_contractors(session, estate.id), key=lambda c: natural_key(c["name"])
        )
        by_contractor: dict[int, list[ContractOut]] = {}
        for row in contracts.list_contracts(session, estate.id):
            by_contractor.setdefault(row["contractor"]["id"], []).append(row)
        starts = today_in(estate)
        return page(
            request,
            "staff/contractors.html",
            status=status,
            estate=estate,
            contractors=[{**c, "contracts": by_contractor.get(c["id"], [])} for c in people],
            status_names=STATUS_NAMES,
            contractor=contractor or ContractorForm(),
            contract=contract or ContractForm(starts_on=date(starts.year, 1, 1).isoformat()),
            contractor_errors=contractor_errors or {},
            contract_errors=contract_errors or {},
            done=DONE.get(done or ""),
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(get, "/contractors", Action.READ)
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Contractors with their contracts; (steward) the two forms."""
        return self._list(request, db_session, estate, done=done)

    @estate_route(
        post,
        "/contractors",
        Action.RECORD,
        audit_action="web.add_contractor",
        status_code=HTTP_303_SEE_OTHER,
    )
    def add_contractor(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ContractorForm],
    ) -> Response[Any]:
        """Register a contractor (409 when the name exists)."""
        form = StaffForm(CONTRACTOR_FIELDS)
        return form.handle(
            db_session,
            lambda: service.add_contractor(
                db_session,
                estate.id,
                ContractorIn(name=data.name, credit_code=data.credit_code, contact=data.contact),
            ),
            done=f"/staff/{estate.slug}/contractors?done=contractor",
            again=lambda form: self._list(
                request,
                db_session,
                estate,
                contractor=data,
                contractor_errors=form.errors,
                status=form.status,
            ),
        )

    @estate_route(
        post,
        "/contracts",
        Action.RECORD,
        audit_action="web.add_contract",
        status_code=HTTP_303_SEE_OTHER,
    )
    def add_contract(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ContractForm],
    ) -> Response[Any]:
        """A draft contract; its page then submits it."""
        form = StaffForm(CONTRACT_FIELDS)
        body = _contract_in(form, data)
        return form.handle(
            db_session,
            lambda: service.add_contract(
                db_session,
                estate.id,
                body,  # type: ignore[arg-type]  # refused (not run) when None
                principal_of(request).user_id,
            ),
            done=lambda added: f"/staff/{estate.slug}/contracts/{added['id']}?done=created",
            again=lambda form: self._list(
                request,
                db_session,
                estate,
                contract=data,
                contract_errors=form.errors,
                status=form.status,
            ),
        )

    # --- one contract -------------------------------------------------------------------

    def _detail(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        contract_id: int,
        *,
        form: ContractForm | None = None,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        status: int = 200,
    ) -> Template:
        contract = contracts.contract_view(
            session, contracts.get_contract(session, estate.id, contract_id)
        )
        return page(
            request,
            "staff/contract.html",
            status=status,
            estate=estate,
            c=contract,
            status_name=STATUS_NAMES.get(contract["status"], contract["status"]),
            contractors=sorted(
                contracts.list_contractors(session, estate.id), key=lambda x: natural_key(x["name"])
            ),
            form=form or _form_of(contract),
            errors=errors or {},
            done=DONE.get(done or ""),
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
        )

    @estate_route(get, "/contracts/{contract_id:int}", Action.READ)
    def contract_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        contract_id: FromPath[int],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """A contract, its approval, and (steward) the edit form and the submit button."""
        return self._detail(request, db_session, estate, contract_id, done=done)

    @estate_route(
        post,
        "/contracts/{contract_id:int}",
        Action.RECORD,
        audit_action="web.update_contract",
        status_code=HTTP_303_SEE_OTHER,
    )
    def update_contract(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        contract_id: FromPath[int],
        data: URLEncodedBody[ContractForm],
    ) -> Response[Any]:
        """Correct the contract: any approval becomes void; the editor never approves it."""
        contracts.get_contract(db_session, estate.id, contract_id)  # 404 before anything else
        form = StaffForm(CONTRACT_FIELDS)
        body = _contract_in(form, data)
        return form.handle(
            db_session,
            lambda: service.update_contract(
                db_session,
                estate.id,
                contract_id,
                body,  # type: ignore[arg-type]  # refused (not run) when None
                principal_of(request).user_id,
            ),
            done=f"/staff/{estate.slug}/contracts/{contract_id}?done=edited",
            again=lambda form: self._detail(
                request,
                db_session,
                estate,
                contract_id,
                form=data,
                errors=form.errors,
                status=form.status,
            ),
        )

    @estate_route(
        post,
        "/contracts/{contract_id:int}/submit",
        Action.RECORD,
        audit_action="web.submit_contract",
        status_code=HTTP_303_SEE_OTHER,
    )
    def submit_contract(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        contract_id: FromPath[int],
    ) -> Response[Any]:
        """Ask the committee to approve the contract as it stands."""
        contracts.get_contract(db_session, estate.id, contract_id)
        form = StaffForm(set())
        return form.handle(
            db_session,
            lambda: service.submit_contract(
                db_session, estate.id, contract_id, principal_of(request).user_id
            ),
            done=lambda submitted: f"/staff/{estate.slug}/contracts/{contract_id}?done=submitted",
            again=lambda form: self._detail(
                request, db_session, estate, contract_id, errors=form.errors, status=form.status
            ),
        )


CONTROLLERS: list[Any] = [ContractorPagesController]
