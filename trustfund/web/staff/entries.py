"""General journal entries on a phone (记账分录): the steward proposes an entry that moves money
between the committee's own accounts (bank ↔ steward's cash, prepaid fees …) or the reversal
of a general or opening entry; each goes to the committee, who approves it on the approvals
page (four eyes, the payout tiers), and it is posted exactly as approved. The accounts are
chosen by their Chinese names; ``trustfund.journal.general`` checks and proposes, as the API's
``…/ledger/proposals`` does, with the same role checks (Action.RECORD to propose)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.journal import general, head, operations, reading
from trustfund.journal.schemas import LegCreate, ProposalCreate
from trustfund.ledger.accounts import PAYABLE, account_label, fund_of, standard_chart
from trustfund.messages import Message
from trustfund.web.staff.common import may, page, principal_of
from trustfund.web.staff.forms import FormNumber, StaffForm

BASE = "/staff/{estate_slug:str}/entries"
#: Lines the form offers (an entry needs two; a split needs a few more).
LINES = 4
ENTRY_FIELDS = {
    "date",
    "narration",
    *(f"legs[{i}].{f}" for i in range(LINES) for f in ("account", "amount")),
}
REVERSAL_FIELDS = {"reverses_seq", "reversal_date", "reason"}
REVERSAL_ALIASES = {"date": "reversal_date", "narration": "reason"}
STATUS_NAMES = {"pending": "待业委会审批", "rejected": "被驳回", "posted": "已入账"}
KIND_NAMES = {"general": "记账分录", "opening": "期初余额"}


class EntryForm(BaseModel):
    date: str = Field(default="", max_length=20)
    narration: str = Field(default="", max_length=500)
    account_0: str = Field(default="", max_length=200)
    account_1: str = Field(default="", max_length=200)
    account_2: str = Field(default="", max_length=200)
    account_3: str = Field(default="", max_length=200)
    amount_0: FormNumber = Field(default="", max_length=20)
    amount_1: FormNumber = Field(default="", max_length=20)
    amount_2: FormNumber = Field(default="", max_length=20)
    amount_3: FormNumber = Field(default="", max_length=20)

    def lines(self) -> list[tuple[str, str]]:
        return [
            (getattr(self, f"account_{i}").strip(), getattr(self, f"amount_{i}").strip())
            for i in range(LINES)
        ]

    def proposal(self) -> tuple[StaffForm, Callable[[], ProposalCreate]]:
        """What is wrong with the form, and the entry it proposes (built once nothing is):
        blank lines are left out (the service's ``legs[1]`` is the form's line the steward
        filled)."""
        filled = [i for i, (account, amount) in enumerate(self.lines()) if account or amount]
        form = StaffForm(ENTRY_FIELDS, rows={"legs": filled})
        on = form.required_day(self.date, "date")
        legs = [LegCreate(account=self.lines()[i][0], amount=self.lines()[i][1]) for i in filled]
        for i in filled:
            if not self.lines()[i][0]:
                form.refuse(f"legs[{i}].account", Message("web.choose_from_list"))

        def body() -> ProposalCreate:
            assert on is not None  # refused above otherwise
            return ProposalCreate(date=on, narration=self.narration.strip(), legs=legs)

        return form, body


class ReversalForm(BaseModel):
    reverses_seq: str = Field(default="", max_length=20)
    reversal_date: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=500)

    def proposal(self) -> tuple[StaffForm, Callable[[], ProposalCreate]]:
        """What is wrong with the form, and the reversal it proposes (built once nothing is)."""
        form = StaffForm(REVERSAL_FIELDS, aliases=REVERSAL_ALIASES)
        seq = form.choice(self.reverses_seq, "reverses_seq")
        on = form.required_day(self.reversal_date, "reversal_date")

        def body() -> ProposalCreate:
            assert on is not None and seq is not None  # refused above otherwise
            return ProposalCreate(date=on, narration=self.reason.strip(), reverses_seq=seq)

        return form, body


def proposable_accounts(session: Session, estate: Estate) -> list[tuple[str, str]]:
    """The estate's accounts a proposed entry may move, ``(account, Chinese name)``: those of
    no fund (bank, cash, goods, prepaid fees) except what only claims move (payables). Once
    the books are open, the standard chart's accounts count too: they open when an entry
    first needs them. The service refuses the rest whatever a form sends."""
    accounts = [a.account for a in reading.chart(session, estate.id)]
    if head.books_opened_on(session, estate.id) is not None:
        accounts += [s.account for s in standard_chart() if s.account not in accounts]
    return [
        (account, account_label(account))
        for account in accounts
        if fund_of(account) is None
        and not (account == PAYABLE or account.startswith(PAYABLE + ":"))
    ]


def reversible_entries(session: Session, estate: Estate) -> list[dict[str, Any]]:
    """The latest general and opening entries not reversed yet, newest first."""
    latest = operations.list_entries(session, estate, 1, 200).items
    return [
        {
            "seq": e.seq,
            "date": e.date.isoformat(),
            "kind": KIND_NAMES[e.kind],
            "narration": e.narration,
            "amount": sum(
                (Decimal(p.amount) for p in e.postings if Decimal(p.amount) > 0), Decimal(0)
            ),
        }
        for e in latest
        if e.kind in KIND_NAMES and e.reversed_by_seq is None
    ]


class StaffEntriesController(Controller):
    include_in_schema = False
    path = BASE

    @estate_route(get, "/", Action.READ)
    def entries_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        done: FromQuery[int | None] = None,
    ) -> Template:
        return self._page(request, db_session, estate, done=done)

    def _page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        *,
        done: int | None = None,
        refused: tuple[EntryForm | ReversalForm, StaffForm] | None = None,
    ) -> Template:
        """The page; after a refused form, that form again with its errors."""
        data, form = refused if refused else (None, None)
        errors = form.errors if form else {}
        today = today_in(estate)
        proposals = general.list_proposals(session, estate)
        return page(
            request,
            "staff/entries.html",
            status=form.status if form else 200,
            estate=estate,
            accounts=proposable_accounts(session, estate),
            reversible=reversible_entries(session, estate),
            proposals=[
                {**p.model_dump(), "names": [account_label(leg.account) for leg in p.legs]}
                for p in proposals
            ],
            status_names=STATUS_NAMES,
            lines=LINES,
            entry=data if isinstance(data, EntryForm) else EntryForm(date=today.isoformat()),
            reversal=(
                data
                if isinstance(data, ReversalForm)
                else ReversalForm(reversal_date=today.isoformat())
            ),
            errors=errors if isinstance(data, EntryForm) else {},
            reversal_errors=errors if isinstance(data, ReversalForm) else {},
            done=next((p for p in proposals if p.id == done), None),
            can_record=may(request, Action.RECORD, estate),
        )

    @estate_route(
        post,
        "/propose",
        Action.RECORD,
        audit_action="web.entry_propose",
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[EntryForm],
    ) -> Response[Any]:
        """An entry between the committee's own accounts, for the committee's approval."""
        return self._propose(request, db_session, estate, data)

    @estate_route(
        post,
        "/reverse",
        Action.RECORD,
        audit_action="web.entry_reverse",
        status_code=HTTP_303_SEE_OTHER,
    )
    def reverse(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ReversalForm],
    ) -> Response[Any]:
        """The reversal of a general or opening entry, with its reason, for approval."""
        return self._propose(request, db_session, estate, data)

    def _propose(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        data: EntryForm | ReversalForm,
    ) -> Response[Any]:
        """Either form's proposal, for the committee's approval through
        ``journal.general.propose``: 303 to the page saying it was proposed, or the page
        again with the form's errors (nothing written)."""
        form, body = data.proposal()
        actor = principal_of(request).user_id
        return form.handle(
            session,
            lambda: general.propose(session, estate, body(), actor_user_id=actor),
            done=lambda result: f"/staff/{estate.slug}/entries/?done={result.id}",
            again=lambda refused: self._page(request, session, estate, refused=(data, refused)),
        )


CONTROLLERS: list[Any] = [StaffEntriesController]
