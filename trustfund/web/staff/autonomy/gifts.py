"""The autonomy fund's page (balances of the fund and each project's sub-fund, sources,
projects, recent gifts) and what comes in: gifts of money, into the fund or restricted to a
project, and gifts in kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.db.models.grants import GrantSource, SourceKind
from trustfund.errors import ValidationError
from trustfund.estates.service import today_in
from trustfund.grants import gifts, service
from trustfund.grants.schemas import GiftIn, InKindIn, SourceIn
from trustfund.journal.reading import fund_balances
from trustfund.messages import Message
from trustfund.web.staff.autonomy.forms import (
    BASE,
    KIND_OPTIONS,
    RECEIVING,
    GiftForm,
    InKindForm,
)
from trustfund.web.staff.autonomy.page import projects_of
from trustfund.web.staff.common import may, new_key, page, principal_of
from trustfund.web.staff.forms import StaffForm

#: A gift's source is chosen by its name on the form.
ALIASES = {"source_id": "donor_name"}


def _donation_fields(
    data: GiftForm | InKindForm, form: StaffForm
) -> tuple[date | None, int | None]:
    """What a gift and an in-kind form both ask: the day received, the project (optional)
    and the donor's name (refused on ``form``). Returns ``(received_on, project_id)``."""
    received_on = form.required_day(data.received_on, "received_on")
    project_id = form.optional_choice(data.project_id, "project_id")
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


def _autonomy_balances(session: Session, estate: Estate) -> list[tuple[str, Decimal]]:
    balances = fund_balances(session, estate.id)
    return sorted(
        ((f, v) for f, v in balances.items() if f == "autonomy" or f.startswith("autonomy:")),
        key=lambda x: (x[0] != "autonomy", x[0]),
    )


def _key(form: GiftForm | InKindForm) -> str | None:
    return f"web:{form.key}" if form.key else None


class AutonomyGiftsController(Controller):
    include_in_schema = False
    path = BASE

    @estate_route(get, "/", Action.READ)
    def home(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Balances of the fund and each project's sub-fund, sources, projects, recent gifts."""
        projects = projects_of(db_session, estate)
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

    def _gift_page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        form: GiftForm | InKindForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        receiving = [p for p in projects_of(session, estate) if p["status"] in RECEIVING]
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

    def _blank(self, form: type[GiftForm | InKindForm], estate: Estate, project: int | None) -> Any:
        return form(
            key=new_key(), received_on=today_in(estate).isoformat(), project_id=str(project or "")
        )

    @estate_route(get, "/gifts/new", Action.RECORD)
    def new_gift(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project: FromQuery[int | None] = None,
    ) -> Template:
        form = self._blank(GiftForm, estate, project)
        return self._gift_page(request, db_session, estate, form)

    @estate_route(
        post,
        "/gifts",
        Action.RECORD,
        audit_action="web.record_gift",
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
        form = StaffForm(GiftForm.model_fields, ALIASES)
        if not data.amount.strip():
            form.refuse("amount", Message("input.required"))
        return self._receive(
            request,
            db_session,
            estate,
            data,
            form,
            lambda given, actor: service.record_gift(
                db_session,
                estate.id,
                GiftIn(
                    **given,
                    amount=data.amount,
                    household_code=data.household_code.strip() or None,
                    note=data.note,
                ),
                actor,
                _key(data),
            ),
            "gift",
        )

    @estate_route(get, "/in-kind/new", Action.RECORD)
    def new_in_kind(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project: FromQuery[int | None] = None,
    ) -> Template:
        form = self._blank(InKindForm, estate, project)
        return self._gift_page(request, db_session, estate, form)

    @estate_route(
        post,
        "/in-kind",
        Action.RECORD,
        audit_action="web.record_in_kind",
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
        return self._receive(
            request,
            db_session,
            estate,
            data,
            StaffForm(InKindForm.model_fields, ALIASES),
            lambda given, actor: service.record_in_kind(
                db_session,
                estate.id,
                InKindIn(
                    **given,
                    item=data.item,
                    unit=data.unit,
                    quantity=data.quantity,
                    estimated_value=data.estimated_value.strip() or None,
                    note=data.note,
                ),
                actor,
                _key(data),
            ),
            "in_kind",
        )

    def _receive(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        estate: Estate,
        data: GiftForm | InKindForm,
        form: StaffForm,
        record: Callable[[dict[str, Any], int], object],
        done: str,
    ) -> Response[Any]:
        """What a gift and a gift in kind share: the day, the project and the donor checked
        on ``form``, the source found or recorded, then ``record(given, actor)`` with
        ``given`` = source, day and project."""
        received_on, project_id = _donation_fields(data, form)
        actor = principal_of(request).user_id

        def received() -> object:
            source = _source(
                db_session, estate, data.kind, data.donor_name, bool(data.anonymous), actor
            )
            given = {"source_id": source.id, "received_on": received_on, "project_id": project_id}
            return record(given, actor)

        return form.handle(
            db_session,
            received,
            done=f"/staff/{estate.slug}/autonomy?done={done}",
            again=lambda f: self._gift_page(request, db_session, estate, data, f.errors, f.status),
        )


CONTROLLERS: list[Any] = [AutonomyGiftsController]
