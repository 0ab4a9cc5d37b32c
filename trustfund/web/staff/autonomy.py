"""The autonomy fund (自治基金) on the steward's phone: balances, sources and gifts, in-kind
gifts, project applications for the council, spending against budget lines, budget
revisions, settlement and what happens to the money left. Every step is one call into
``trustfund.grants.service`` (the same entry points the API calls)."""

from __future__ import annotations

import re
from collections.abc import Mapping
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

from trustfund.api.access import estate_action
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.db.models.grants import GrantSource, ProjectStatus, SourceKind
from trustfund.errors import TrustfundError, ValidationError
from trustfund.estates.service import today_in
from trustfund.grants import disbursements, gifts, service
from trustfund.grants.common import SOURCE_NAMES_ZH, STATUS_ZH
from trustfund.grants.disbursements import BudgetExceededError
from trustfund.grants.schemas import (
    BudgetLineIn,
    BudgetRevisionIn,
    DisbursementIn,
    GiftIn,
    InKindIn,
    PlanItemIn,
    ProjectIn,
    ProjectOut,
    RevisionLineIn,
    SettleIn,
    SourceIn,
    TransferIn,
)
from trustfund.journal.service import fund_balances
from trustfund.ledger.money import parse_money
from trustfund.messages import Message
from trustfund.settlements.schemas import ClaimLineIn
from trustfund.web.staff import zh
from trustfund.web.staff.claims import STATUS_NAMES as CLAIM_STATUS_NAMES
from trustfund.web.staff.common import (
    error_message,
    may,
    new_key,
    page,
    principal_of,
)
from trustfund.web.staff.forms import FormNumber, Repeated, RepeatedNumber, StaffForm, parse_day

BASE = "/staff/{estate_slug:str}/autonomy"
KIND_OPTIONS = [(k.value, SOURCE_NAMES_ZH[k]) for k in SourceKind]
STATUS_NAMES = {s.value: STATUS_ZH[s] for s in ProjectStatus}
RECEIVING = {"draft", "submitted", "approved", "implementing"}
ACTIVE = {"approved", "implementing"}
_ROW = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def _errors(
    exc: TrustfundError, known: set[str], aliases: dict[str, str] | None = None
) -> dict[str, str]:
    """Field errors of a service error as ``{form field: Chinese}`` (rows stay indexed:
    ``lines[1].amount``); errors of fields the form does not show go above the form."""
    aliases = aliases or {}
    out: dict[str, str] = {}
    for item in exc.errors:
        key = aliases.get(item.field, item.field)
        out[key] = "；".join(filter(None, [out.get(key), zh.reason(item)]))
    if not exc.errors:
        out["_form"] = error_message(exc)
    shown = {k: v for k, v in out.items() if k in known or k == "_form" or _ROW.fullmatch(k)}
    stray = [f"{v}" for k, v in out.items() if k not in shown]
    if stray:
        shown["_form"] = "；".join(filter(None, [shown.get("_form"), *stray]))
    return shown


def _reindex(errors: dict[str, str], name: str, rows: list[int]) -> dict[str, str]:
    """``lines[i].x`` of the i-th row sent → ``lines[<form row>].x``."""
    out: dict[str, str] = {}
    for key, value in errors.items():
        match = _ROW.fullmatch(key)
        if match and match[1] == name and int(match[2]) < len(rows):
            key = f"{name}[{rows[int(match[2])]}].{match[3]}"
        out[key] = value
    return out


_RULE = re.compile(
    r"\w+ (?P<span>any amount|> [\d,.]+ and ≤ [\d,.]+|[>≤] [\d,.]+): "
    r"(?:(?P<n>\d+) (?P<role>\w+) approvers?|a (?P<mrole>\w+) majority \((?P<m>\d+) of \d+\))"
    r"(?P<vote> and an owners' vote \(double majority\))?"
)
_ROLE_ZH = {"council": "理事", "committee": "业委会委员"}


def rule_zh(text: str) -> str:
    """An approval rule label (``project ≤ 500.00: 1 council approver``) in Chinese, also
    inside a longer sentence; anything else unchanged."""

    def one(m: re.Match[str]) -> str:
        span = m["span"]
        amount = (
            "任何金额"
            if span == "any amount"
            else span.replace("and", "且").replace("≤", "不超过").replace(">", "超过") + " 元"
        )
        if m["n"]:
            who = f"需 {m['n']} 位{_ROLE_ZH.get(m['role'], m['role'])}批准"
        else:
            who = f"需{_ROLE_ZH.get(m['mrole'], m['mrole'])}过半数（{m['m']} 人）批准"
        return f"{amount}，{who}" + ("，并须业主表决" if m["vote"] else "")

    return _RULE.sub(one, text)


def _budget_message(exc: BudgetExceededError) -> str:
    extra = exc.extra
    if "approved" not in extra:
        return "这一预算行还没有批准的金额，不能支出。"
    approved = Decimal(str(extra["approved"]))
    taken = Decimal(str(extra["committed"]))
    asked = Decimal(str(extra["requested"]))
    return (
        f"超出预算：这一行批准 {approved:,.2f} 元，已占用 {taken:,.2f} 元，"
        f"本次 {asked:,.2f} 元，超出 {taken + asked - approved:,.2f} 元。"
        "未做任何记录；须先请理事会批准预算调整。"
    )


# --- forms ----------------------------------------------------------------------------


class GiftForm(BaseModel):
    key: str = Field(default="", max_length=64)
    kind: str = Field(default="crowdfunding", max_length=20)
    donor_name: str = Field(default="", max_length=100)
    anonymous: str = Field(default="", max_length=5)
    amount: FormNumber = Field(default="", max_length=20)
    received_on: str = Field(default="", max_length=20)
    project_id: str = Field(default="", max_length=12)
    household_code: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


class InKindForm(BaseModel):
    key: str = Field(default="", max_length=64)
    kind: str = Field(default="sponsorship", max_length=20)
    donor_name: str = Field(default="", max_length=100)
    anonymous: str = Field(default="", max_length=5)
    item: str = Field(default="", max_length=100)
    unit: str = Field(default="", max_length=20)
    quantity: FormNumber = Field(default="", max_length=20)
    estimated_value: FormNumber = Field(default="", max_length=20)
    received_on: str = Field(default="", max_length=20)
    project_id: str = Field(default="", max_length=12)
    note: str = Field(default="", max_length=200)


class ProjectForm(BaseModel):
    action: str = Field(default="save", max_length=10)
    code: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=100)
    purpose: str = Field(default="", max_length=2000)
    applicant: str = Field(default="", max_length=100)
    applied_on: str = Field(default="", max_length=20)
    line_description: Repeated = Field(default_factory=list)
    line_amount: RepeatedNumber = Field(default_factory=list)
    plan_source: Repeated = Field(default_factory=list)
    plan_amount: RepeatedNumber = Field(default_factory=list)

    def lines(self) -> list[dict[str, str]]:
        """The budget rows as sent, then one blank row (at least three rows)."""
        rows = [
            {"description": _at(self.line_description, i), "amount": _at(self.line_amount, i)}
            for i in range(max(len(self.line_description), len(self.line_amount)))
        ]
        while len(rows) < 3 or any(rows[-1].values()):
            rows.append({"description": "", "amount": ""})
        return rows

    def plan(self) -> list[dict[str, str]]:
        n = max(len(self.plan_source), len(self.plan_amount), 2)
        return [
            {"source_id": _at(self.plan_source, i), "amount": _at(self.plan_amount, i)}
            for i in range(n)
        ]


class DisburseForm(BaseModel):
    key: str = Field(default="", max_length=64)
    budget_line_id: str = Field(default="", max_length=12)
    payee: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=300)
    work_date: str = Field(default="", max_length=20)
    item: str = Field(default="", max_length=200)
    quantity: FormNumber = Field(default="1", max_length=20)
    unit: str = Field(default="项", max_length=20)
    unit_price: FormNumber = Field(default="", max_length=20)


class BudgetForm(BaseModel):
    reason: str = Field(default="", max_length=500)
    line_id: Repeated = Field(default_factory=list)
    amount: RepeatedNumber = Field(default_factory=list)
    new_description: str = Field(default="", max_length=200)
    new_amount: FormNumber = Field(default="", max_length=20)


class SettleForm(BaseModel):
    settled_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=400)


class TransferForm(BaseModel):
    kind: str = Field(default="refund", max_length=10)
    amount: FormNumber = Field(default="", max_length=20)
    moved_on: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=500)
    gift_id: str = Field(default="", max_length=12)
    to_fund: str = Field(default="autonomy", max_length=40)


def _at(values: list[str], i: int) -> str:
    return values[i][:2000] if i < len(values) else ""


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


# --- sources --------------------------------------------------------------------------


def _donation_fields(
    data: GiftForm | InKindForm, form: StaffForm
) -> tuple[date | None, int | None]:
    """What a gift and an in-kind form both ask: the day received, the project (optional)
    and the donor's name (refused on ``form``). Returns ``(received_on, project_id)``."""
    received_on = form.day(data.received_on, "received_on")
    if received_on is None and "received_on" not in form.errors:
        form.refuse("received_on", Message("input.required"))
    project_id = _int(data.project_id) if data.project_id.strip() else None
    if data.project_id.strip() and project_id is None:
        form.refuse("project_id", Message("web.choose_from_list"))
    if not data.donor_name.strip():
        form.refuse("donor_name", Message("web.donor_name_required"))
    return received_on, project_id


def _source(
    session: Session, estate: Estate, kind: str, donor: str, anonymous: bool, actor: int
) -> GrantSource:
    """The source of this kind and name (recorded now when new; flushes only, so a gift
    refused later leaves no source behind). Raises ValidationError."""
    name = donor.strip()
    for found in gifts.list_sources(session, estate.id):
        if found.kind.value == kind and found.donor_name == name:
            if found.anonymous != anonymous:
                said = (
                    Message("web.source_anonymous")
                    if found.anonymous
                    else Message("web.source_named")
                )
                raise ValidationError.field("anonymous", said)
            return found
    if kind not in {k.value for k in SourceKind}:
        raise ValidationError.field("kind", Message("web.choose_source_kind"))
    return gifts.add_source(
        session,
        estate.id,
        SourceIn(kind=kind, donor_name=name, anonymous=anonymous),  # type: ignore[arg-type]
        actor_user_id=actor,
    )


def _projects(session: Session, estate: Estate) -> list[ProjectOut]:
    return service.list_projects(session, estate.id)


def _autonomy_balances(session: Session, estate: Estate) -> list[tuple[str, Decimal]]:
    balances = fund_balances(session, estate.id)
    return sorted(
        ((f, v) for f, v in balances.items() if f == "autonomy" or f.startswith("autonomy:")),
        key=lambda x: (x[0] != "autonomy", x[0]),
    )


class AutonomyPagesController(Controller):
    include_in_schema = False
    path = BASE

    # --- home -----------------------------------------------------------------------

    @get("/", opt=estate_action(Action.READ), sync_to_thread=True)
    def home(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Balances of the fund and each project's sub-fund, sources, projects, recent gifts."""
        projects = _projects(db_session, estate)
        titles = {p["id"]: p["title"] for p in projects}
        by_fund = {p["fund"]: p for p in projects}
        money = list(reversed(service.list_gifts(db_session, estate.id)))[:10]
        in_kind = list(reversed(service.list_in_kind(db_session, estate.id)))[:10]
        sources = service.list_sources(db_session, estate.id)
        return page(
            request,
            "staff/autonomy.html",
            estate=estate,
            balances=[
                {"fund": f, "balance": v, "project": by_fund.get(f)}
                for f, v in _autonomy_balances(db_session, estate)
            ],
            projects=list(reversed(projects)),
            titles=titles,
            gifts=money,
            in_kind=in_kind,
            sources=sources,
            kind_names=dict(KIND_OPTIONS),
            can_record=may(request, Action.RECORD, estate),
            done=done,
        )

    # --- gifts ----------------------------------------------------------------------

    def _gift_page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        form: GiftForm | InKindForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        receiving = [p for p in _projects(session, estate) if p["status"] in RECEIVING]
        return page(
            request,
            "staff/autonomy_gift.html",
            status=status,
            estate=estate,
            form=form,
            in_kind=isinstance(form, InKindForm),
            kinds=KIND_OPTIONS,
            projects=[("", "不限定用途（自治基金）")]
            + [(str(p["id"]), f"限定用于：{p['title']}") for p in receiving],
            donors=sorted({s["donor_name"] for s in service.list_sources(session, estate.id)}),
            errors=errors or {},
        )

    @get("/gifts/new", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def new_gift(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project: FromQuery[int | None] = None,
    ) -> Template:
        form = GiftForm(
            key=new_key(),
            received_on=today_in(estate).isoformat(),
            project_id=str(project or ""),
        )
        return self._gift_page(request, db_session, estate, form)

    @post(
        "/gifts",
        opt={**estate_action(Action.RECORD), "audit_action": "web.record_gift"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def record_gift(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[GiftForm],
    ) -> Response[Any]:
        """A gift of money: into the fund, or restricted to a project's sub-fund. The form's
        key records a double tap once."""
        form = StaffForm(GiftForm.model_fields, {"source_id": "donor_name"})
        received_on, project_id = _donation_fields(data, form)
        if not data.amount.strip():
            form.refuse("amount", Message("input.required"))
        actor = principal_of(request).user_id

        def record() -> object:
            source = _source(
                db_session, estate, data.kind, data.donor_name, bool(data.anonymous), actor
            )
            return service.record_gift(
                db_session,
                estate.id,
                GiftIn(
                    source_id=source.id,
                    amount=data.amount,
                    received_on=received_on,  # type: ignore[arg-type]  # refused when None
                    project_id=project_id,
                    household_code=data.household_code.strip() or None,
                    note=data.note,
                ),
                actor,
                f"web:{data.key}" if data.key else None,
            )

        if form.submit(db_session, record) is None:
            return self._gift_page(request, db_session, estate, data, form.errors, form.status)
        return Redirect(f"/staff/{estate.slug}/autonomy?done=gift", status_code=HTTP_303_SEE_OTHER)

    @get("/in-kind/new", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def new_in_kind(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project: FromQuery[int | None] = None,
    ) -> Template:
        form = InKindForm(
            key=new_key(),
            received_on=today_in(estate).isoformat(),
            project_id=str(project or ""),
        )
        return self._gift_page(request, db_session, estate, form)

    @post(
        "/in-kind",
        opt={**estate_action(Action.RECORD), "audit_action": "web.record_in_kind"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def record_in_kind(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[InKindForm],
    ) -> Response[Any]:
        """Goods or work given in kind; with an estimated value it is booked as received and
        put to use the same day."""
        form = StaffForm(InKindForm.model_fields, {"source_id": "donor_name"})
        received_on, project_id = _donation_fields(data, form)
        actor = principal_of(request).user_id

        def record() -> object:
            source = _source(
                db_session, estate, data.kind, data.donor_name, bool(data.anonymous), actor
            )
            return service.record_in_kind(
                db_session,
                estate.id,
                InKindIn(
                    source_id=source.id,
                    item=data.item,
                    unit=data.unit,
                    quantity=data.quantity,
                    estimated_value=data.estimated_value.strip() or None,
                    received_on=received_on,  # type: ignore[arg-type]  # refused when None
                    project_id=project_id,
                    note=data.note,
                ),
                actor,
                f"web:{data.key}" if data.key else None,
            )

        if form.submit(db_session, record) is None:
            return self._gift_page(request, db_session, estate, data, form.errors, form.status)
        return Redirect(
            f"/staff/{estate.slug}/autonomy?done=in_kind", status_code=HTTP_303_SEE_OTHER
        )

    # --- applications ---------------------------------------------------------------

    def _project_form(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        form: ProjectForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
        project_id: int | None = None,
    ) -> Template:
        sources = service.list_sources(session, estate.id)
        return page(
            request,
            "staff/autonomy_project_form.html",
            status=status,
            estate=estate,
            project_id=project_id,
            action=f"/staff/{estate.slug}/autonomy/projects"
            + (f"/{project_id}/edit" if project_id else ""),
            form=form,
            lines=form.lines(),
            plan=form.plan(),
            sources=[("", "（不填）")]
            + [(str(s["id"]), f"{s['kind_name']} · {s['donor_name']}") for s in sources],
            errors=errors or {},
        )

    @get("/projects/new", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def new_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
    ) -> Template:
        form = ProjectForm(applied_on=today_in(estate).isoformat())
        return self._project_form(request, db_session, estate, form)

    @post(
        "/projects",
        opt={**estate_action(Action.RECORD), "audit_action": "web.create_project"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def create_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ProjectForm],
    ) -> Response[Any]:
        """Save the application (its sub-fund is opened) and, when asked, submit it to the
        council at once."""
        return self._save(request, db_session, estate, data, None)

    @get("/projects/{project_id:int}/edit", opt=estate_action(Action.RECORD), sync_to_thread=True)
    def edit_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
    ) -> Template:
        """An application not yet approved, in its form again (a rejected one is corrected
        here and submitted anew)."""
        view = service.show_project(db_session, estate.id, project_id)
        form = ProjectForm(
            code=view["code"],
            title=view["title"],
            purpose=view["purpose"],
            applicant=view["applicant"],
            applied_on=view["applied_on"],
            line_description=[x["description"] for x in view["lines"]],
            line_amount=[x["amount"] for x in view["lines"]],
            plan_source=[str(x["source_id"]) for x in view["plan"]],
            plan_amount=[x["amount"] for x in view["plan"]],
        )
        return self._project_form(request, db_session, estate, form, project_id=project_id)

    @post(
        "/projects/{project_id:int}/edit",
        opt={**estate_action(Action.RECORD), "audit_action": "web.update_project"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def update_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[ProjectForm],
    ) -> Response[Any]:
        """Save the changes: a pending decision becomes void and the application is a draft
        again (submitted anew when asked)."""
        view = service.show_project(db_session, estate.id, project_id)  # 404 first
        data.code = view["code"]
        return self._save(request, db_session, estate, data, project_id)

    def _save(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        estate: Estate,
        data: ProjectForm,
        project_id: int | None,
    ) -> Response[Any]:
        errors: dict[str, str] = {}
        applied_on = parse_day(data.applied_on, "applied_on", errors)
        if applied_on is None and "applied_on" not in errors:
            errors["applied_on"] = "必填"
        rows = data.lines()
        sent = [i for i, r in enumerate(rows) if r["description"].strip() or r["amount"].strip()]
        if not sent:
            errors["lines"] = "至少填写一行预算"
        plan_rows = data.plan()
        plan_sent: list[int] = []
        plan: list[PlanItemIn] = []
        for i, item in enumerate(plan_rows):
            if not (item["source_id"].strip() or item["amount"].strip()):
                continue
            source_id = _int(item["source_id"])
            if source_id is None:
                errors[f"plan[{i}].source_id"] = "请选择来源"
                continue
            plan_sent.append(i)
            plan.append(PlanItemIn(source_id=source_id, amount=item["amount"]))
        if errors or applied_on is None:
            return self._project_form(
                request, db_session, estate, data, errors, 422, project_id=project_id
            )
        actor = principal_of(request).user_id
        body = ProjectIn(
            code=data.code.strip().upper(),
            title=data.title,
            purpose=data.purpose,
            applicant=data.applicant,
            applied_on=applied_on,
            lines=[
                BudgetLineIn(description=rows[i]["description"], amount=rows[i]["amount"])
                for i in sent
            ],
            plan=plan,
        )
        try:
            if project_id is None:
                created = service.create_project(db_session, estate.id, body, actor)
            else:
                created = service.update_project(db_session, estate.id, project_id, body, actor)
        except TrustfundError as exc:
            db_session.rollback()
            errs = _errors(exc, set(ProjectForm.model_fields) | {"lines"})
            errs = _reindex(_reindex(errs, "lines", sent), "plan", plan_sent)
            return self._project_form(
                request, db_session, estate, data, errs, exc.status_code, project_id=project_id
            )
        url = f"/staff/{estate.slug}/autonomy/projects/{created['id']}"
        if data.action == "submit":
            try:
                service.submit_project(db_session, estate.id, created["id"], actor)
            except TrustfundError as exc:
                db_session.rollback()
                return self._detail(
                    request,
                    db_session,
                    estate,
                    created["id"],
                    errors={"_form": error_message(exc)},
                    status=exc.status_code,
                )
            return Redirect(f"{url}?done=submitted", status_code=HTTP_303_SEE_OTHER)
        done = "created" if project_id is None else "edited"
        return Redirect(f"{url}?done={done}", status_code=HTTP_303_SEE_OTHER)

    # --- one project ----------------------------------------------------------------

    def _detail(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        project_id: int,
        *,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        disburse: DisburseForm | None = None,
        budget: BudgetForm | None = None,
        settle: SettleForm | None = None,
        transfer: TransferForm | None = None,
        status: int = 200,
    ) -> Template:
        # the page adds to the view (Chinese reasons), so a plain dict
        view: dict[str, Any] = dict(service.show_project(session, estate.id, project_id))
        figures = service.show_settlement(session, estate.id, project_id)
        actual = {x["id"]: x for x in figures["lines"]}
        lines = [
            {
                **line,
                "budget": actual[line["id"]]["budget"],
                "actual": actual[line["id"]]["actual"],
                "left": Decimal(line["approved_amount"] or line["amount"])
                - Decimal(line["committed"]),
            }
            for line in view["lines"]
        ]
        sources: dict[int, Mapping[str, Any]] = {
            s["id"]: s for s in service.list_sources(session, estate.id)
        }
        links = disbursements.list_disbursements(session, project_id)
        line_names = {x["id"]: x["description"] for x in view["lines"]}
        paid_out = []
        for link in links:
            shown = disbursements.disbursement_view(session, link)
            claim = shown["claim"]
            paid_out.append(
                {
                    "claim": claim,
                    "line": line_names.get(link.budget_line_id, "—"),
                    "status_name": CLAIM_STATUS_NAMES.get(claim["status"], claim["status"]),
                }
            )
        balance = fund_balances(session, estate.id).get(view["fund"], Decimal("0.00"))
        today = today_in(estate).isoformat()
        restricted = [
            g for g in service.list_gifts(session, estate.id) if g["project_id"] == project_id
        ]
        other_funds = [("autonomy", "自治基金（非限定用途）")] + [
            (p["fund"], f"项目：{p['title']}")
            for p in _projects(session, estate)
            if p["id"] != project_id and p["status"] in ACTIVE
        ]
        request_id = view["approval"]["request_id"] if view["approval"] else None
        pending_approval = bool(view["approval"]) and view["approval"]["status"] == "pending"
        view["history"] = [{**h, "reason": rule_zh(h["reason"] or "")} for h in view["history"]]
        return page(
            request,
            "staff/autonomy_project.html",
            status=status,
            rule_zh=rule_zh,
            estate=estate,
            p=view,
            lines=lines,
            figures=figures,
            plan=[
                {
                    "source": sources.get(x["source_id"], {}).get("donor_name", "—"),
                    "kind": sources.get(x["source_id"], {}).get("kind_name", ""),
                    "amount": x["amount"],
                }
                for x in view["plan"]
            ],
            paid_out=paid_out,
            balance=balance,
            errors=errors or {},
            done=done,
            active=view["status"] in ACTIVE,
            disburse=disburse or DisburseForm(key=new_key(), work_date=today, payee="", item=""),
            budget=budget or BudgetForm(),
            settle=settle or SettleForm(settled_on=today),
            transfer=transfer or TransferForm(moved_on=today),
            restricted=restricted,
            other_funds=other_funds,
            request_id=request_id,
            pending_approval=pending_approval,
            can_record=may(request, Action.RECORD, estate),
            can_approve=may(request, Action.APPROVE, estate),
            revision_names={
                "pending": "待理事会决定",
                "approved": "已批准",
                "rejected": "未获批准",
                "void": "已作废",
            },
        )

    @get("/projects/{project_id:int}", opt=estate_action(Action.READ), sync_to_thread=True)
    def project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Budget against actual per line, status history, disbursements and what may be
        done next."""
        return self._detail(request, db_session, estate, project_id, done=done)

    def _back(self, estate: Estate, project_id: int, done: str) -> Response[Any]:
        return Redirect(
            f"/staff/{estate.slug}/autonomy/projects/{project_id}?done={done}",
            status_code=HTTP_303_SEE_OTHER,
        )

    @post(
        "/projects/{project_id:int}/submit",
        opt={**estate_action(Action.RECORD), "audit_action": "web.submit_project"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def submit(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
    ) -> Response[Any]:
        """Submit a draft (or rejected) application for the council's decision."""
        service.show_project(db_session, estate.id, project_id)  # 404 before anything else
        try:
            service.submit_project(db_session, estate.id, project_id, principal_of(request).user_id)
        except TrustfundError as exc:
            db_session.rollback()
            return self._detail(
                request,
                db_session,
                estate,
                project_id,
                errors={"_form": error_message(exc)},
                status=exc.status_code,
            )
        return self._back(estate, project_id, "submitted")

    @post(
        "/projects/{project_id:int}/disburse",
        opt={**estate_action(Action.RECORD), "audit_action": "web.disburse"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def disburse(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[DisburseForm],
    ) -> Response[Any]:
        """A payment of the project: a claim on its sub-fund charged to one budget line,
        submitted for approval. Beyond the line's approved amount it is refused."""
        service.show_project(db_session, estate.id, project_id)
        errors: dict[str, str] = {}
        work_date = parse_day(data.work_date, "work_date", errors)
        if work_date is None and "work_date" not in errors:
            errors["work_date"] = "必填"
        line_id = _int(data.budget_line_id)
        if line_id is None:
            errors["budget_line_id"] = "请选择预算行"
        if not errors and work_date is not None and line_id is not None:
            try:
                result, _ = service.disburse(
                    db_session,
                    estate.id,
                    project_id,
                    DisbursementIn(
                        budget_line_id=line_id,
                        payee=data.payee,
                        description=data.description,
                        work_date=work_date,
                        lines=[
                            ClaimLineIn(
                                description=data.item or data.description or None,
                                quantity=data.quantity,
                                unit=data.unit or None,
                                unit_price=data.unit_price,
                            )
                        ],
                    ),
                    principal_of(request).user_id,
                    f"web:{data.key}" if data.key else None,
                )
            except BudgetExceededError as exc:
                db_session.rollback()
                errors = {"budget_line_id": _budget_message(exc)}
            except TrustfundError as exc:
                db_session.rollback()
                errors = _errors(
                    exc,
                    set(DisburseForm.model_fields),
                    {
                        "lines[0].description": "item",
                        "lines[0].quantity": "quantity",
                        "lines[0].unit": "unit",
                        "lines[0].unit_price": "unit_price",
                        "lines": "item",
                    },
                )
            else:
                return self._back(estate, project_id, f"claim-{result['claim']['id']}")
        return self._detail(
            request, db_session, estate, project_id, errors=errors, disburse=data, status=422
        )

    @post(
        "/projects/{project_id:int}/budget",
        opt={**estate_action(Action.RECORD), "audit_action": "web.propose_budget"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose_budget(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[BudgetForm],
    ) -> Response[Any]:
        """Ask the council to approve new amounts for lines (and perhaps a new line)."""
        view = service.show_project(db_session, estate.id, project_id)
        current = {
            line["id"]: Decimal(line["approved_amount"] or line["amount"]) for line in view["lines"]
        }
        errors: dict[str, str] = {}
        changes: list[RevisionLineIn] = []
        rows: list[str] = []
        for i, raw_id in enumerate(data.line_id):
            amount = _at(data.amount, i).strip()
            line_id = _int(raw_id)
            if line_id is None or line_id not in current:
                continue
            try:
                changed = parse_money(amount) != current[line_id]
            except ValueError:
                changed = True  # the service names what is wrong with it
            if changed:
                changes.append(RevisionLineIn(line_id=line_id, amount=amount))
                rows.append(f"amount-{line_id}")
        if data.new_description.strip() or data.new_amount.strip():
            changes.append(RevisionLineIn(description=data.new_description, amount=data.new_amount))
            rows.append("new")
        if not changes:
            errors["_form"] = "没有改动：请修改某一行的金额或新增一行"
        if not errors:
            try:
                service.propose_budget(
                    db_session,
                    estate.id,
                    project_id,
                    BudgetRevisionIn(reason=data.reason, lines=changes),
                    principal_of(request).user_id,
                )
            except TrustfundError as exc:
                db_session.rollback()
                errors = {}
                for item in exc.errors:
                    match = _ROW.fullmatch(item.field)
                    key = item.field
                    if match and int(match[2]) < len(rows):
                        slot = rows[int(match[2])]
                        key = (
                            slot
                            if slot != "new"
                            else ("new_amount" if match[3] == "amount" else "new_description")
                        )
                    errors[key] = "；".join(filter(None, [errors.get(key), zh.reason(item)]))
                if not exc.errors:
                    errors["_form"] = error_message(exc)
            else:
                return self._back(estate, project_id, "budget")
        return self._detail(
            request, db_session, estate, project_id, errors=errors, budget=data, status=422
        )

    @post(
        "/projects/{project_id:int}/settle",
        opt={**estate_action(Action.RECORD), "audit_action": "web.settle_project"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def settle(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[SettleForm],
    ) -> Response[Any]:
        """End implementation: actual against budget is fixed; money left waits for a
        refund or reallocation decision."""
        service.show_project(db_session, estate.id, project_id)
        errors: dict[str, str] = {}
        settled_on = parse_day(data.settled_on, "settled_on", errors)
        if settled_on is None and "settled_on" not in errors:
            errors["settled_on"] = "必填"
        if not errors and settled_on is not None:
            try:
                service.settle(
                    db_session,
                    estate.id,
                    project_id,
                    SettleIn(settled_on=settled_on, note=data.note),
                    principal_of(request).user_id,
                )
            except TrustfundError as exc:
                db_session.rollback()
                errors = _errors(exc, {"settled_on", "note"})
            else:
                return self._back(estate, project_id, "settled")
        return self._detail(
            request, db_session, estate, project_id, errors=errors, settle=data, status=422
        )

    @post(
        "/projects/{project_id:int}/transfer",
        opt={**estate_action(Action.RECORD), "audit_action": "web.propose_transfer"},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose_transfer(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[TransferForm],
    ) -> Response[Any]:
        """Money left after the settlement: refund a restricted gift, or move it to the
        fund or another project — both for the council to decide."""
        view = service.show_project(db_session, estate.id, project_id)
        errors: dict[str, str] = {}
        moved_on = parse_day(data.moved_on, "moved_on", errors)
        if moved_on is None and "moved_on" not in errors:
            errors["moved_on"] = "必填"
        if data.kind not in ("refund", "transfer"):
            errors["kind"] = "请选择退还或调拨"
        gift_id = _int(data.gift_id) if data.kind == "refund" else None
        if data.kind == "refund" and gift_id is None:
            errors["gift_id"] = "请选择要退还的捐赠"
        if not errors and moved_on is not None:
            try:
                service.propose_transfer(
                    db_session,
                    estate.id,
                    TransferIn(
                        kind=data.kind,  # type: ignore[arg-type]
                        amount=data.amount,
                        moved_on=moved_on,
                        reason=data.reason,
                        gift_id=gift_id,
                        from_fund=view["fund"] if data.kind == "transfer" else None,
                        to_fund=data.to_fund if data.kind == "transfer" else None,
                    ),
                    principal_of(request).user_id,
                )
            except TrustfundError as exc:
                db_session.rollback()
                errors = _errors(exc, set(TransferForm.model_fields))
            else:
                return self._back(estate, project_id, "transfer")
        return self._detail(
            request, db_session, estate, project_id, errors=errors, transfer=data, status=422
        )


CONTROLLERS: list[Any] = [AutonomyPagesController]
