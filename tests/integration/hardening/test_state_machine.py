"""Model-based test of the whole domain (issue 9 item 2, issue 14): a hypothesis state
machine that pays, refunds, voids, deposits cash, files, approves and pays out claims, records
gifts, publishes monthly disclosures (locking the month) and tries to post into locked months
— each step through the real services, as the API calls them, by users of the right roles (so
four-eyes rules apply) — and, over HTTP with API tokens, posts general entries (allowed
reclassifications and forbidden shapes alike), reverses them, and proposes money-moving
entries that committee members approve (or that their proposer or editor, an insider who is
steward and committee member at once, tries to approve).

The model predicts which steps must be refused and with which error (HTTP status and problem
type for the API steps, the fields a 422 names); a refused step must leave every written
table, the chain head, the receipt counters, claim and proposal statuses unchanged. The model
keeps a dated ledger of its own for the bank, the steward's cash, goods, prepaid fees,
payables and every expense account, and predicts a refusal when an entry would take the bank
or the cash below zero on *any* day from its date on. After every step: every entry balances
and so do the books, SQL equals beancount on the export (``check_estate``, which also verifies
the hash chain), no fund is below zero, the model's per-household money equals the services';
and through the API (balances, entries, claims, approvals): the server's balance of each
account the model keeps equals the model's, day by day; neither the bank nor the cash nor any
fund is below zero on any day; each paid claim has exactly one payment entry, for its approved
amount, and no other claim has one; no owner name or phone number appears in the export, in
published disclosure documents or in public receipt views.

Each hypothesis example builds a fresh estate in the test's database (estates are
independent). ``TRUSTFUND_SM_EXAMPLES`` / ``TRUSTFUND_SM_STEPS`` scale a longer run; the
refusals seen are printed at the end (``-s``).
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from hypothesis import HealthCheck, currently_in_test_context, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers
from tests.integration.fees import money_back
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.db.models.auth import User
from trustfund.db.models.disclosure import DisclosureSnapshot
from trustfund.db.models.fees import FeeReceipt, PaymentMethod, ReceiptStatus
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.settlements import ClaimStatus
from trustfund.db.session import make_session_factory
from trustfund.disclosure import operations as disclosure
from trustfund.disclosure import schemas as disclosure_schemas
from trustfund.disclosure.public import published_document
from trustfund.errors import (
    ConflictError,
    InsufficientFundsError,
    PeriodLockedError,
    PermissionDeniedError,
    TrustfundError,
    ValidationError,
)
from trustfund.fees.deposits import deposit_cash
from trustfund.fees.owed import outstanding_by_fund, paid_by_fund
from trustfund.fees.payments import money_account, record_payment
from trustfund.fees.receipt_views import public_receipt
from trustfund.fees.schemas import AllocationIn, DepositIn, PaymentIn, RefundIn
from trustfund.grants import service as grants
from trustfund.grants.schemas import GiftIn
from trustfund.journal.check import check_estate
from trustfund.journal.mirror import export_text
from trustfund.journal.service import fund_balances
from trustfund.ledger.accounts import BANK, CASH, GOODS, PAYABLE, PREPAID_FEES, expense_account
from trustfund.ledger.money import ZERO
from trustfund.settings import Settings
from trustfund.settlements import payouts
from trustfund.settlements import service as settlements
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn

from ._model import (
    BOOKS_OPEN,
    FEE_YEAR,
    LAST_DAY,
    OPENING,
    World,
    build_world,
    footprint,
    postings_total,
)
from ._model import unbalanced_entries as unbalanced

D = Decimal
CENT = D("0.01")
EXPENSE_ITEM = {
    "electricity": "Bills",
    "maintenance": "Repairs",
    "garbage": "Removal",
    "autonomy": "Projects",
}
METHODS = st.sampled_from([m.value for m in PaymentMethod])
SHARE = st.integers(min_value=1, max_value=100)  # percent of what is possible

REPAIRS = "Expenses:Maintenance:Repairs"
MATERIALS = "Expenses:Maintenance:Materials"
#: Accounts holding money that exists: never below zero, on any day.
MONEY = (BANK, CASH)
#: Accounts whose every movement the model predicts (and the API must show, day by day).
TRACKED = (BANK, CASH, GOODS, PREPAID_FEES, PAYABLE)

#: General entries one person posts: legs (account, sign) and the fields a 422 must name.
#: Only a reclassification between expense items of one fund is the steward's alone.
GENERAL_SHAPES: dict[str, tuple[tuple[tuple[str, int], ...], tuple[str, ...]]] = {
    "reclassify": (((MATERIALS, 1), (REPAIRS, -1)), ()),
    "reclassify_back": (((REPAIRS, 1), (MATERIALS, -1)), ()),
    "across_funds": ((("Expenses:Electricity:Bills", 1), (REPAIRS, -1)), ("legs[1].account",)),
    "from_income": (((REPAIRS, 1), ("Income:Fees:Maintenance", -1)), ("legs[1].account",)),
    "bank_to_payable": (((PAYABLE, 1), (BANK, -1)), ("legs[0].account", "legs[1].account")),
    "bank_to_prepaid": (((PREPAID_FEES, 1), (BANK, -1)), ("legs[0].account", "legs[1].account")),
    "bank_to_cash": (((CASH, 1), (BANK, -1)), ("legs[0].account", "legs[1].account")),
    "cash_to_bank": (((BANK, 1), (CASH, -1)), ("legs[0].account", "legs[1].account")),
}
#: Proposed entries (four eyes): money between parties is proposed; payables and fund
#: accounts are refused even then. ``reverse_*`` propose the reversal of an entry.
PROPOSAL_SHAPES: dict[str, tuple[tuple[tuple[str, int], ...], tuple[str, ...]]] = {
    "bank_to_cash": (((CASH, 1), (BANK, -1)), ()),
    "cash_to_bank": (((BANK, 1), (CASH, -1)), ()),
    "bank_to_goods": (((GOODS, 1), (BANK, -1)), ()),
    "bank_to_prepaid": (((PREPAID_FEES, 1), (BANK, -1)), ()),
    "bank_to_payable": (((PAYABLE, 1), (BANK, -1)), ("legs[0].account",)),
    "bank_to_expense": (((REPAIRS, 1), (BANK, -1)), ("legs[0].account",)),
    "reverse_general": ((), ()),
    "reverse_domain": ((), ("reverses_seq",)),
}
#: When an entry is dated: an open day up to the model's today, a day of a published (locked)
#: month, after tomorrow (real time), before the books opened.
DATED = st.sampled_from(["open", "open", "open", "locked", "future", "before_open"])
OUT_OF_BOUNDS = {"future": date(9999, 12, 31), "before_open": BOOKS_OPEN - timedelta(days=1)}
#: HTTP status of each problem type the model predicts.
STATUS = {
    "validation": 422,
    "permission-denied": 403,
    "conflict": 409,
    "insufficient-funds": 409,
    "period-locked": 409,
}

#: Refusals seen over the whole run, by rule and error (printed at the end).
REFUSALS: Counter[str] = Counter()
ACCEPTED: Counter[str] = Counter()
STEPS: Counter[str] = Counter()


def _share(total: Decimal, percent: int) -> Decimal:
    return max(CENT, (total * percent / 100).quantize(CENT))


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _legs_json(legs: Mapping[str, Decimal]) -> list[dict[str, str]]:
    return [{"account": a, "amount": f"{v:.2f}"} for a, v in legs.items()]


def _approvals_needed(amount: Decimal, approvers: int) -> int:
    """The payout tiers (``approvals.rules``) of a proposed entry; amounts stay ≤ 50,000.00."""
    if amount <= D("500.00"):
        return 1
    if amount <= D("5000.00"):
        return 2
    return approvers // 2 + 1


@dataclass
class Proposed:
    """The model of one proposed entry."""

    id: int
    day: date
    body: dict[str, Any]
    legs: dict[str, Decimal]
    reverses: int | None
    needed: int
    request_id: int
    proposer: int
    #: who wrote or edited it (each also submitted it): never an approver
    parts: dict[int, set[str]]
    approvals: set[int] = field(default_factory=set)
    entry_seq: int | None = None  # set once posted


class DomainMachine(RuleBasedStateMachine):
    engine: Engine
    settings: Settings
    client: TestClient[Litestar]

    def __init__(self) -> None:
        super().__init__()
        self.session: Session = make_session_factory(self.engine)()
        self.keys = iter(range(1, 10**9))

    # --- set-up and teardown ----------------------------------------------------------

    @initialize()
    def build(self) -> None:
        self.w: World = build_world(self.session)
        self.eid = self.w.estate.id
        self.slug = self.w.estate.slug
        self.today = date(2025, 1, 6)
        self.locked_through: date | None = None  # end of the latest published month
        self.locked: list[tuple[date, date]] = []  # published months (earlier ones may be open)
        self.paid: dict[int, Decimal] = {h.id: ZERO for h in self.w.households}
        #: the model's ledger: account -> day -> sum of its postings that day
        self.days: dict[str, defaultdict[date, Decimal]] = defaultdict(lambda: defaultdict(D))
        self.move(BOOKS_OPEN, {BANK: sum(OPENING.values(), ZERO)})
        self.claims: dict[int, tuple[str, Decimal, date]] = {}  # id -> fund, amount, work date
        self.published: list[int] = []
        self.reclassified: dict[int, dict[str, Decimal]] = {}  # general entries one person posted
        self.moved: dict[int, dict[str, Decimal]] = {}  # general entries posted as approved
        self.reversed: set[int] = set()  # seqs of entries reversed
        self.proposals: dict[int, Proposed] = {}
        self.session.rollback()

    def teardown(self) -> None:
        self.session.rollback()
        self.session.close()

    # --- the model's ledger ---------------------------------------------------------------

    def move(self, on: date, legs: Mapping[str, Decimal]) -> None:
        for account, amount in legs.items():
            if account in TRACKED or account.startswith("Expenses:"):
                self.days[account][on] += amount

    def balance(self, account: str, as_of: date = date.max) -> Decimal:
        return sum((v for d, v in self.days[account].items() if d <= as_of), ZERO)

    @property
    def cash(self) -> Decimal:
        return self.balance(CASH)

    def short(self, on: date, legs: Mapping[str, Decimal]) -> bool:
        """Would the entry take the bank or the cash below zero on its date or any day after?"""
        for account in MONEY:
            delta = legs.get(account, ZERO)
            if delta >= 0:
                continue
            running = self.balance(account, on)
            lowest = running
            for day in sorted(d for d in self.days[account] if d > on):
                running += self.days[account][day]
                lowest = min(lowest, running)
            if lowest + delta < 0:
                return True
        return False

    # --- helpers ------------------------------------------------------------------------

    def key(self) -> str:
        return f"sm-{next(self.keys)}"

    def outcome(self, name: str, refused: str | None) -> None:
        if refused is None:
            ACCEPTED[name] += 1
        else:
            REFUSALS[f"{name}: {refused}"] += 1
        if currently_in_test_context():  # (hypothesis --hypothesis-show-statistics)
            event(f"{name}: {refused or 'accepted'}")

    def attempt(
        self,
        name: str,
        action: Callable[[], Any],
        *,
        may: tuple[type[TrustfundError], ...] = (),
        must: type[TrustfundError] | None = None,
    ) -> Any | None:
        """Run one request. ``must``: it has to be refused with exactly this error; ``may``:
        refusals of exactly these types are acceptable. A refusal writes nothing."""
        before = footprint(self.session, self.eid)
        self.session.rollback()
        STEPS[name] += 1
        try:
            result = action()
        except TrustfundError as exc:
            self.session.rollback()
            self.outcome(name, type(exc).__name__)
            allowed = (must,) if must is not None else may
            assert type(exc) in allowed, f"{name} refused with {exc!r}; allowed {allowed}"
            assert footprint(self.session, self.eid) == before, f"{name} wrote while refused"
            self.session.rollback()
            return None
        assert must is None, f"{name} should have been refused with {must.__name__}"
        self.outcome(name, None)
        self.session.rollback()
        return result

    def http(self, method: str, path: str, who: User, body: Any = None) -> Any:
        """One request to the estate's API as ``who`` (with an Idempotency-Key)."""
        self.session.rollback()  # no transaction of ours open while the server writes
        headers = {**auth_headers(self.w.tokens[who.id]), "Idempotency-Key": self.key()}
        return self.client.request(
            method, f"/api/v1/estates/{self.slug}{path}", json=body, headers=headers
        )

    def read(self, path: str) -> Any:
        """GET as a committee member who takes no part in anything."""
        response = self.http("GET", path, self.w.committee[2])
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def call(
        self,
        name: str,
        method: str,
        path: str,
        who: User,
        body: Any = None,
        *,
        refused: str | None,
        ok: int = 200,
        why: str = "",
    ) -> Any:
        """An API step the model predicts: answered ``ok``, or refused with the problem type
        ``refused`` (and its status) having written nothing. Returns the response."""
        before = footprint(self.session, self.eid)
        STEPS[name] += 1
        response = self.http(method, path, who, body)
        if refused is None:
            assert response.status_code == ok, (
                f"{name}: the model expected {ok}, the server answered "
                f"{response.status_code} {response.text}"
            )
        else:
            assert response.status_code == STATUS[refused], (
                f"{name}: the model expected {STATUS[refused]} {refused}, the server answered "
                f"{response.status_code} {response.text}"
            )
            problem = response.json()
            assert problem["type"].endswith("/" + refused), (name, problem)
            assert footprint(self.session, self.eid) == before, f"{name} wrote while refused"
            self.session.rollback()
        self.outcome(name, None if refused is None else refused + why)
        return response

    def outstanding(self, household_id: int) -> Decimal:
        left = outstanding_by_fund(self.session, household_id, FEE_YEAR) or {}
        return sum(left.values(), ZERO)

    def funds(self, as_of: date | None = None) -> dict[str, Decimal]:
        return fund_balances(self.session, self.eid, as_of=as_of)

    def in_locked(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.locked)

    def day(self, dated: str, when: int) -> date:
        """The date of an entry: see ``DATED`` (a locked day only once a month is locked)."""
        if dated in OUT_OF_BOUNDS:
            return OUT_OF_BOUNDS[dated]
        if dated == "locked" and self.locked:
            start, end = self.locked[when % len(self.locked)]
            return start + timedelta(days=when % ((end - start).days + 1))
        if when % 3 == 0:
            return self.today
        return self.today - timedelta(days=when % ((self.today - BOOKS_OPEN).days + 1))

    # --- time ---------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=40))
    def advance(self, days: int) -> None:
        self.today = min(self.today + timedelta(days=days), LAST_DAY)

    # --- fees ---------------------------------------------------------------------------

    @rule(i=st.integers(0, 3), percent=SHARE, method=METHODS, over=st.booleans())
    def pay(self, i: int, percent: int, method: str, over: bool) -> None:
        h = self.w.households[i]
        left = self.outstanding(h.id)
        self.session.rollback()
        amount = left + _share(left or D("1"), percent) if over else _share(left, percent)
        if not over and left <= 0:
            return
        data = PaymentIn(
            method=method,  # type: ignore[arg-type]
            amount=str(amount),
            paid_on=self.today,
            payer=h.owner_name or "",  # staff-only: must never reach the ledger
            allocations=[
                AllocationIn(household_code=h.code, fee_year=FEE_YEAR, amount=str(amount))
            ],
        )
        result = self.attempt(
            "pay",
            lambda: record_payment(
                self.session, self.eid, data, actor_user_id=self.w.steward.id, idempotency_key=None
            ),
            must=ValidationError if amount > left else None,
        )
        if result is not None:
            self.paid[h.id] += amount
            self.move(self.today, {money_account(PaymentMethod(method)): amount})

    @rule(i=st.integers(0, 3), percent=st.integers(1, 130), method=METHODS)
    def refund(self, i: int, percent: int, method: str) -> None:
        h = self.w.households[i]
        kept = self.paid[h.id]
        amount = _share(kept or D("1"), percent)
        account = money_account(PaymentMethod(method))
        must: type[TrustfundError] | None = None
        if amount > kept or (account == CASH and amount > self.cash):
            must = ValidationError
        data = RefundIn(
            household_code=h.code,
            fee_year=FEE_YEAR,
            amount=str(amount),
            method=method,  # type: ignore[arg-type]
            reason="退费",
        )
        result = self.attempt(
            "refund",
            lambda: money_back.refund(
                self.session,
                self.eid,
                data,
                on=self.today,
                requested_by=self.w.steward.id,
                approved_by=self.w.committee[0].id,
            ),
            must=must,
            # a fund may have spent the money already; the bank may not hold it
            may=(InsufficientFundsError,),
        )
        if result is not None:
            self.paid[h.id] -= amount
            self.move(self.today, {account: -amount})

    @rule(pick=st.integers(0, 10**6))
    def void(self, pick: int) -> None:
        receipts = self.session.scalars(
            select(FeeReceipt)
            .where(FeeReceipt.estate_id == self.eid, FeeReceipt.status == ReceiptStatus.VALID)
            .order_by(FeeReceipt.id)
        ).all()
        if not receipts:
            self.session.rollback()
            return
        r = receipts[pick % len(receipts)]
        receipt_no, household_id, amount, method = r.receipt_no, r.household_id, r.amount, r.method
        refunded_away = any(
            paid_by_fund(self.session, household_id, FEE_YEAR).get(line.fund, ZERO) < line.amount
            for line in r.lines
        )
        reversed_already = self.session.scalar(
            select(JournalEntry.seq).where(
                JournalEntry.estate_id == self.eid, JournalEntry.reverses_seq == r.entry_seq
            )
        )
        self.session.rollback()
        cash_short = method == PaymentMethod.CASH and self.cash < amount
        result = self.attempt(
            "void",
            lambda: money_back.void(
                self.session,
                self.eid,
                receipt_no,
                reason="开错了",
                on=self.today,
                requested_by=self.w.steward.id,
                approved_by=self.w.committee[0].id,
            ),
            must=ConflictError if cash_short or refunded_away or reversed_already else None,
            may=(InsufficientFundsError,),
        )
        if result is not None:
            self.paid[household_id] -= amount
            self.move(self.today, {money_account(method): -amount})

    @rule(percent=st.integers(1, 130))
    def deposit(self, percent: int) -> None:
        amount = _share(self.cash or D("1"), percent)
        result = self.attempt(
            "deposit",
            lambda: deposit_cash(
                self.session,
                self.eid,
                DepositIn(amount=str(amount), deposited_on=self.today),
                actor_user_id=self.w.steward.id,
                idempotency_key=None,
            ),
            must=ValidationError if amount > self.cash else None,
        )
        if result is not None:
            self.move(self.today, {CASH: -amount, BANK: amount})

    # --- claims ---------------------------------------------------------------------------

    @rule(
        fund=st.sampled_from(sorted(EXPENSE_ITEM)),
        yuan=st.one_of(st.integers(1, 600), st.integers(600, 6000)),
        fen=st.integers(0, 99),
    )
    def file_claim(self, fund: str, yuan: int, fen: int) -> None:
        amount = D(yuan) + D(fen) / 100
        data = ClaimIn(
            payee="甬安维修公司",
            fund=fund,
            expense_item=EXPENSE_ITEM[fund],
            description="楼道维修",
            work_date=self.today,
            lines=[
                ClaimLineIn(description="维修", quantity="1", unit="项", unit_price=str(amount))
            ],
        )
        steward = self.w.steward.id

        def file() -> int:
            claim = settlements.create_claim(self.session, self.eid, data, steward)
            settlements.submit_claim(self.session, self.eid, claim["id"], steward)
            return int(claim["id"])

        claim_id = self.attempt("file_claim", file)
        assert claim_id is not None
        self.claims[claim_id] = (fund, amount, self.today)

    def _with_status(self, status: ClaimStatus) -> list[int]:
        from trustfund.db.models.settlements import Claim

        ids = list(
            self.session.scalars(
                select(Claim.id)
                .where(Claim.estate_id == self.eid, Claim.status == status)
                .order_by(Claim.id)
            )
        )
        self.session.rollback()
        return ids

    @rule(pick=st.integers(0, 10**6), self_first=st.booleans())
    def approve(self, pick: int, self_first: bool) -> None:
        waiting = self._with_status(ClaimStatus.SUBMITTED)
        if not waiting:
            return
        claim_id = waiting[pick % len(waiting)]
        request = approvals.current_request(self.session, "claim", claim_id)
        assert request is not None
        request_id, needed = request.id, request.approvals_needed
        self.session.rollback()

        def decide(user_id: int) -> Any:
            principal = load_principal(self.session, user_id)
            assert principal is not None
            return approvals.decide_request(
                self.session,
                self.eid,
                request_id,
                principal=principal,
                decision=approvals.Decision.APPROVE,
                reason=None,
            )

        if self_first:  # four eyes: the steward who submitted it cannot approve it
            self.attempt(
                "self_approve", lambda: decide(self.w.steward.id), must=PermissionDeniedError
            )
        assert needed <= len(self.w.committee)
        for n, member in enumerate(self.w.committee[:needed]):
            self.attempt("approve", partial(decide, member.id))
            if n == 0 and needed > 1 and self_first:  # nor can one member approve twice
                self.attempt(
                    "approve_twice", partial(decide, member.id), must=PermissionDeniedError
                )
        assert claim_id in self._with_status(ClaimStatus.APPROVED)

    @rule(pick=st.integers(0, 10**6))
    def pay_out(self, pick: int) -> None:
        ready = self._with_status(ClaimStatus.APPROVED)
        if not ready:
            return
        claim_id = ready[pick % len(ready)]
        fund, amount, work_date = self.claims[claim_id]
        held = self.funds().get(fund, ZERO)
        if not self.in_locked(work_date):
            held = min(self.funds(as_of=work_date).get(fund, ZERO), held)
        # (a work date inside a published, locked month does not stop the payment: the cost
        # is then booked on the payment day, which is open)
        self.session.rollback()
        must: type[TrustfundError] | None = None
        if held < amount or self.short(self.today, {BANK: -amount}):
            must = InsufficientFundsError
        result = self.attempt(
            "pay_out",
            lambda: payouts.pay_request(
                self.session,
                self.eid,
                claim_id,
                paid_on=self.today,
                actor_user_id=self.w.steward.id,
                idempotency_key=None,
            ),
            must=must,
        )
        if result is not None:
            booked = self.today if self.in_locked(work_date) else work_date
            self.move(booked, {expense_account(fund, EXPENSE_ITEM[fund]): amount, PAYABLE: -amount})
            self.move(self.today, {PAYABLE: amount, BANK: -amount})

    # --- grants -----------------------------------------------------------------------------

    @rule(
        source=st.integers(0, 1),
        restricted=st.booleans(),
        yuan=st.integers(1, 3000),
        household=st.one_of(st.none(), st.integers(0, 3)),
    )
    def gift(self, source: int, restricted: bool, yuan: int, household: int | None) -> None:
        data = GiftIn(
            source_id=self.w.sources[source],
            amount=f"{yuan}.00",
            received_on=self.today,
            project_id=self.w.project_id if restricted else None,
            household_code=None if household is None else self.w.households[household].code,
        )
        result = self.attempt(
            "gift",
            lambda: grants.record_gift(self.session, self.eid, data, self.w.steward.id, None),
        )
        assert result is not None
        self.move(self.today, {BANK: D(yuan)})

    # --- journal: general entries, reversals, proposals (over HTTP) ------------------------

    @rule(
        shape=st.sampled_from(sorted(GENERAL_SHAPES)),
        percent=st.integers(1, 130),
        dated=DATED,
        when=st.integers(0, 10**6),
        kind=st.sampled_from(["general", "general", "general", "payout"]),
    )
    def general_entry(self, shape: str, percent: int, dated: str, when: int, kind: str) -> None:
        """The steward posts a general entry alone: only a reclassification within one fund,
        dated between the opening and tomorrow, in an open period, is accepted."""
        spec, bad_fields = GENERAL_SHAPES[shape]
        on = self.day(dated, when)
        source = next(account for account, sign in spec if sign < 0)
        amount = _share(abs(self.balance(source)) or D("100"), percent)
        legs = {account: sign * amount for account, sign in spec}
        fields = set(bad_fields)
        if kind != "general":
            fields.add("kind")  # a domain's kind is posted by that domain only
        if dated in OUT_OF_BOUNDS:
            fields.add("date")
        refused = "validation" if fields else "period-locked" if self.in_locked(on) else None
        body = {"date": on.isoformat(), "narration": "调整支出科目", "kind": kind}
        response = self.call(
            "general_entry",
            "POST",
            "/ledger/entries",
            self.w.steward,
            {**body, "legs": _legs_json(legs)},
            refused=refused,
            ok=201,
        )
        if refused == "validation":
            named = {e["field"] for e in response.json()["errors"]}
            assert named == fields, f"{shape}: 422 names {named}, the model {fields}"
        if refused is None:
            entry = response.json()
            assert {p["account"]: D(p["amount"]) for p in entry["postings"]} == legs
            self.move(on, legs)
            self.reclassified[entry["seq"]] = legs

    @rule(pick=st.integers(0, 10**6), reclassification=st.booleans())
    def reverse(self, pick: int, reclassification: bool) -> None:
        """Reverse an entry over HTTP: only a reclassification one person posted may be
        reversed by one person; every other entry is a conflict (409)."""
        open_ones = [s for s in self.reclassified if s not in self.reversed]
        if reclassification and open_ones:
            seq = open_ones[pick % len(open_ones)]
        else:
            seqs = list(
                self.session.scalars(
                    select(JournalEntry.seq)
                    .where(JournalEntry.estate_id == self.eid, JournalEntry.kind != "open")
                    .order_by(JournalEntry.seq)
                )
            )
            seq = seqs[pick % len(seqs)]
        reversible = seq in self.reclassified and seq not in self.reversed
        response = self.call(
            "reverse",
            "POST",
            f"/ledger/entries/{seq}/reversal",
            self.w.steward,
            {"date": self.today.isoformat(), "reason": "更正"},
            refused=None if reversible else "conflict",
            ok=201,
        )
        if reversible:
            legs = {a: -v for a, v in self.reclassified[seq].items()}
            reversal = response.json()
            assert reversal["reverses_seq"] == seq
            assert {p["account"]: D(p["amount"]) for p in reversal["postings"]} == legs
            assert self.read(f"/ledger/entries/{seq}")["reversed_by_seq"] == reversal["seq"]
            self.move(self.today, legs)
            self.reversed.add(seq)

    @rule(
        shape=st.sampled_from(sorted(PROPOSAL_SHAPES)),
        percent=st.integers(1, 130),
        dated=DATED,
        when=st.integers(0, 10**6),
        by_dual=st.booleans(),
    )
    def propose(self, shape: str, percent: int, dated: str, when: int, by_dual: bool) -> None:
        """A steward (or the insider) proposes an entry for the committee's approval."""
        spec, bad_fields = PROPOSAL_SHAPES[shape]
        on = self.day(dated, when)
        body: dict[str, Any] = {"date": on.isoformat(), "narration": "备用金调拨"}
        reverses: int | None = None
        if shape == "reverse_general":
            general = sorted({**self.reclassified, **self.moved})
            if not general:
                return
            reverses = general[when % len(general)]
            original = {**self.reclassified, **self.moved}[reverses]
            legs = {a: -v for a, v in original.items()}
            body["reverses_seq"] = reverses
        elif shape == "reverse_domain":
            domain = self.session.scalars(
                select(JournalEntry.seq)
                .where(
                    JournalEntry.estate_id == self.eid,
                    JournalEntry.kind.not_in(["general", "opening"]),
                )
                .order_by(JournalEntry.seq)
            ).all()
            reverses = domain[when % len(domain)]  # (accounts were opened: never empty)
            legs = {}
            body["reverses_seq"] = reverses
        else:
            source = next(account for account, sign in spec if sign < 0)
            amount = min(_share(self.balance(source) or D("100"), percent), D("50000.00"))
            legs = {account: sign * amount for account, sign in spec}
            body["legs"] = _legs_json(legs)
        fields = set(bad_fields) | ({"date"} if dated in OUT_OF_BOUNDS else set())
        proposer = self.w.dual if by_dual else self.w.steward
        response = self.call(
            "propose",
            "POST",
            "/ledger/proposals",
            proposer,
            body,
            refused="validation" if fields else None,
            ok=201,
        )
        if fields:
            named = {e["field"] for e in response.json()["errors"]}
            assert named == fields, f"{shape}: 422 names {named}, the model {fields}"
            return
        proposal = response.json()
        assert proposal["status"] == "pending" and proposal["entry_seq"] is None
        assert {leg["account"]: D(leg["amount"]) for leg in proposal["legs"]} == legs
        amount = sum((v for v in legs.values() if v > 0), ZERO)
        assert D(proposal["amount"]) == amount
        needed = _approvals_needed(amount, len(self.w.committee) + 1)  # the insider counts
        request = self.read(f"/approvals/{proposal['approval_request_id']}")
        assert request["subject_kind"] == "journal_entry"
        assert request["approvals_needed"] == needed, (amount, request)
        self.proposals[proposal["id"]] = Proposed(
            id=proposal["id"],
            day=on,
            body=body,
            legs=legs,
            reverses=reverses,
            needed=needed,
            request_id=proposal["approval_request_id"],
            proposer=proposer.id,
            parts={proposer.id: {"wrote"}},
        )

    @precondition(lambda self: bool(self.proposals))
    @rule(pick=st.integers(0, 10**6), by_dual=st.booleans())
    def edit_proposal(self, pick: int, by_dual: bool) -> None:
        """Whoever changes a proposal (here: submits it again unchanged) voids its approvals
        and becomes its editor; a posted proposal never changes (409)."""
        p = self.proposals[sorted(self.proposals)[pick % len(self.proposals)]]
        editor = self.w.dual if by_dual else self.w.steward
        posted = p.entry_seq is not None
        response = self.call(
            "edit_proposal",
            "PUT",
            f"/ledger/proposals/{p.id}",
            editor,
            p.body,
            refused="conflict" if posted else None,
        )
        if not posted:
            assert self.read(f"/approvals/{p.request_id}")["status"] == "void"
            p.request_id = response.json()["approval_request_id"]
            p.approvals.clear()
            p.parts.setdefault(editor.id, set()).add("edited")
            p.proposer = editor.id

    @precondition(lambda self: any(p.entry_seq is None for p in self.proposals.values()))
    @rule(
        pick=st.integers(0, 10**6),
        who=st.sampled_from(["member", "member", "member", "dual", "proposer", "twice"]),
    )
    def approve_proposal(self, pick: int, who: str) -> None:
        """A committee member approves a pending proposal; its proposer, an editor, or a member
        deciding twice is refused (403). The last approval posts the entry exactly as
        proposed — or fails (409, nothing recorded) when its period is locked, the entry it
        reverses was reversed already, or it would take the bank or the cash below zero."""
        pending = [p for _, p in sorted(self.proposals.items()) if p.entry_seq is None]
        p = pending[pick % len(pending)]
        members = {m.id: m for m in (*self.w.committee, self.w.dual, self.w.steward)}
        if who == "member":
            free = [m for m in self.w.committee if m.id not in p.approvals | p.parts.keys()]
            if not free:
                return
            user = free[0]
        elif who == "dual":
            user = self.w.dual
        elif who == "proposer":
            user = members[p.proposer]
        else:
            if not p.approvals:
                return
            user = members[min(p.approvals)]
        refused: str | None = None
        why = ""  # why a refusal (403) is expected
        last = False
        if user.id == self.w.steward.id:
            refused, why = "permission-denied", " (no committee role)"
        elif user.id in p.parts:
            refused, why = "permission-denied", f" ({' and '.join(sorted(p.parts[user.id]))} it)"
        elif user.id in p.approvals:
            refused, why = "permission-denied", " (decided already)"
        elif len(p.approvals) + 1 >= p.needed:
            last = True
            if self.in_locked(p.day):
                refused = "period-locked"
            elif p.reverses is not None and p.reverses in self.reversed:
                refused = "conflict"
            elif self.short(p.day, p.legs):
                refused = "insufficient-funds"
        response = self.call(
            "approve_proposal",
            "POST",
            f"/approvals/{p.request_id}/decision",
            user,
            {"decision": "approve"},
            refused=refused,
            why=why,
        )
        if user.id in p.parts and user.id != self.w.steward.id:  # the insider, not the role
            detail = response.json()["detail"]
            assert detail.startswith("Four eyes"), detail
            if user.id != p.proposer:  # (the submitter of the request is told so first)
                assert all(part in detail for part in p.parts[user.id]), (detail, p.parts)
        if refused is not None:
            return
        p.approvals.add(user.id)
        assert response.json()["status"] == ("approved" if last else "pending")
        if not last:
            return
        shown = self.read(f"/ledger/proposals/{p.id}")
        assert shown["status"] == "posted", shown
        entry = self.read(f"/ledger/entries/{shown['entry_seq']}")
        assert {q["account"]: D(q["amount"]) for q in entry["postings"]} == p.legs
        assert entry["date"] == p.day.isoformat() and entry["reverses_seq"] == p.reverses
        p.entry_seq = shown["entry_seq"]
        self.move(p.day, p.legs)
        if p.reverses is None:
            self.moved[entry["seq"]] = p.legs
        else:
            self.reversed.add(p.reverses)

    # --- disclosure -----------------------------------------------------------------------------

    @precondition(lambda self: len(self.published) < 2)  # rendering the PDF is slow
    @rule(back=st.integers(0, 11))
    def publish(self, back: int) -> None:
        first = (
            (self.locked_through + timedelta(days=1)) if self.locked_through else date(2025, 1, 1)
        )
        months = []
        day = first.replace(day=1)
        while _month_end(day) < self.today:
            if day >= first:
                months.append(day)
            day = _month_end(day) + timedelta(days=1)
        if not months:
            return
        month = months[back % len(months)]
        period = f"{month.year}-{month.month:02d}"
        steward, member = self.w.steward.id, self.w.committee[1].id

        def run() -> int:
            version = disclosure.submit(
                self.session,
                self.w.estate,
                disclosure_schemas.DisclosureCreate(period=period),
                steward,
            )
            principal = load_principal(self.session, member)
            assert principal is not None
            disclosure.decide(
                self.session,
                self.w.estate,
                version.id,
                disclosure_schemas.DecisionIn(decision="approve"),
                principal,
            )
            disclosure.publish(self.session, self.settings, self.w.estate, version.id, steward)
            return version.id

        version_id = self.attempt("publish", run)
        assert version_id is not None
        self.published.append(version_id)
        self.locked_through = _month_end(month)
        self.locked.append((month, self.locked_through))

    @precondition(lambda self: self.locked_through is not None)
    @rule(offset=st.integers(0, 400), what=st.sampled_from(["gift", "pay", "deposit"]))
    def post_into_locked(self, offset: int, what: str) -> None:
        start, end = self.locked[offset % len(self.locked)]
        day = start + timedelta(days=offset % ((end - start).days + 1))
        h = self.w.households[0]
        steward = self.w.steward.id
        action: Callable[[], Any]
        if what == "gift":
            gift = GiftIn(source_id=self.w.sources[0], amount="10.00", received_on=day)
            action = partial(grants.record_gift, self.session, self.eid, gift, steward, None)
        elif what == "pay" and self.outstanding(h.id) > 0:
            payment = PaymentIn(
                method="wechat",
                amount="0.01",
                paid_on=day,
                allocations=[AllocationIn(household_code=h.code, fee_year=FEE_YEAR, amount="0.01")],
            )
            action = partial(
                record_payment,
                self.session,
                self.eid,
                payment,
                actor_user_id=steward,
                idempotency_key=None,
            )
        elif what == "deposit" and self.cash > 0:
            deposit = DepositIn(amount="0.01", deposited_on=day)
            action = partial(
                deposit_cash,
                self.session,
                self.eid,
                deposit,
                actor_user_id=steward,
                idempotency_key=None,
            )
        else:
            return
        self.session.rollback()
        self.attempt(f"locked_{what}", action, must=PeriodLockedError)

    # --- invariants ------------------------------------------------------------------------------

    def _state(self) -> tuple[object, ...]:
        """What the checks below read: every written table's footprint (the chain head, row
        counts, receipt, claim and proposal statuses …) and the model."""
        try:
            written = footprint(self.session, self.eid)
        finally:
            self.session.rollback()
        days = {a: {d: v for d, v in by_day.items() if v} for a, by_day in self.days.items()}
        return (
            written,
            repr(sorted(days.items())),
            repr(sorted(self.paid.items())),
            repr(self.claims),
        )

    @invariant()
    def holds(self) -> None:
        """After every step that changed the server's tables or the model (a step that changed
        neither cannot change what the checks read: refused steps are shown to write nothing,
        and entries are append-only, their chain checked here)."""
        state = self._state()
        if state == getattr(self, "_checked", None):
            return
        self.books_hold()
        self.server_agrees()
        self._checked = state

    def books_hold(self) -> None:
        s, eid = self.session, self.eid
        try:
            assert unbalanced(s, eid) == [], "an entry does not balance"
            assert postings_total(s, eid) == 0, "the books do not balance"
            report = check_estate(s, eid)  # chain, beancount errors, SQL == beancount
            assert report.ok, report.problems
            below = {f: v for f, v in fund_balances(s, eid).items() if v < 0}
            assert not below, f"funds below zero: {below}"
            for h in self.w.households:
                kept = sum(paid_by_fund(s, h.id, FEE_YEAR).values(), ZERO)
                assert kept == self.paid[h.id], f"money kept for {h.code} differs from the model"
            self._nothing_personal_in_public(export_text(s, eid))
        finally:
            s.rollback()

    def _entries(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        page = 1
        while True:
            got = self.read(f"/ledger/entries?page={page}&per_page=500")
            entries += got["items"]
            if len(entries) >= got["total"]:
                return entries
            page += 1

    def server_agrees(self) -> None:
        """What the server shows through its API: balances equal the model's day by day;
        no bank, cash or fund below zero on any day; no claim paid twice or beyond what was
        approved."""
        balances = {
            a["account"]: D(a["balance"]) for a in self.read("/ledger/balances")["accounts"]
        }
        entries = self._entries()
        days: dict[str, defaultdict[date, Decimal]] = defaultdict(lambda: defaultdict(D))
        for entry in entries:
            on = date.fromisoformat(entry["date"])
            for posting in entry["postings"]:
                amount = D(posting["amount"])
                days[posting["account"]][on] += amount
                if posting["fund"] is not None:
                    days[f"fund {posting['fund']}"][on] -= amount
        model_accounts = {a for a, d in self.days.items() if any(d.values())}
        server_accounts = {
            a
            for a, d in days.items()
            if (a in TRACKED or a.startswith("Expenses:")) and any(d.values())
        }
        for account in sorted(model_accounts | server_accounts):
            assert balances.get(account, ZERO) == self.balance(account), (
                f"{account}: the server says {balances.get(account, ZERO)}, "
                f"the model {self.balance(account)}"
            )
            server = {d: v for d, v in days[account].items() if v}
            model = {d: v for d, v in self.days[account].items() if v}
            assert server == model, f"{account} day by day: server {server}, model {model}"
        for account in (*MONEY, *(a for a in days if a.startswith("fund "))):
            running = ZERO
            for on in sorted(days[account]):
                running += days[account][on]
                assert running >= 0, f"{account} is {running} on {on}"
        self._no_claim_paid_twice(entries)

    def _no_claim_paid_twice(self, entries: Iterable[dict[str, Any]]) -> None:
        payouts_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
        payables_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            if entry["kind"] in ("payout", "payable"):
                of = payouts_of if entry["kind"] == "payout" else payables_of
                of[int(entry["meta"]["claim"])].append(entry)
        claims = {c["id"]: c for c in self.read("/claims")}
        assert set(payouts_of) | set(payables_of) <= set(claims), "an entry pays no claim"
        for claim_id, claim in claims.items():
            amount = D(claim["amount"])
            assert amount == self.claims[claim_id][1], f"claim {claim_id} changed its amount"
            paid = payouts_of[claim_id]
            assert len(payables_of[claim_id]) <= 1, f"claim {claim_id} became payable twice"
            if claim["status"] != "paid":
                assert not paid and not payables_of[claim_id], f"unpaid claim {claim_id} paid"
                continue
            assert [e["seq"] for e in paid] == [claim["paid_entry_seq"]], (
                f"claim {claim_id} has payments {[e['seq'] for e in paid]}"
            )
            out = -sum((D(p["amount"]) for p in paid[0]["postings"] if p["account"] == BANK), ZERO)
            # the approval is bound to the claim's content (its amount) by a hash
            assert claim["approval"]["status"] == "approved", claim["approval"]
            assert out == amount, f"claim {claim_id} for {amount} paid {out}"

    def _nothing_personal_in_public(self, export: str) -> None:
        s = self.session
        public: list[tuple[str, str]] = [("export", export)]
        receipt_nos = s.scalars(
            select(FeeReceipt.receipt_no).where(FeeReceipt.estate_id == self.eid)
        ).all()
        public += [("receipt", repr(public_receipt(s, self.slug, no))) for no in receipt_nos]
        for version_id in self.published:
            snapshot = s.scalar(
                select(DisclosureSnapshot).where(DisclosureSnapshot.version_id == version_id)
            )
            assert snapshot is not None
            public.append(("disclosure json", snapshot.statement_json))
            public.append(("disclosure publication", snapshot.publication_json))
            public.append(("disclosure html", snapshot.html))
            public.append(("public document", repr(published_document(s, self.slug, version_id))))
        for where, text in public:
            for secret in self.w.personal:
                assert secret not in text, f"{secret!r} appears in the {where}"


SETTINGS = settings(
    max_examples=int(os.environ.get("TRUSTFUND_SM_EXAMPLES", "10")),
    stateful_step_count=int(os.environ.get("TRUSTFUND_SM_STEPS", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _machine(engine: Engine, settings: Settings, client: TestClient[Litestar]) -> None:
    DomainMachine.engine = engine
    DomainMachine.settings = settings
    DomainMachine.client = client
    REFUSALS.clear()
    ACCEPTED.clear()
    STEPS.clear()


def test_domain_state_machine(
    engine: Engine, settings: Settings, client: TestClient[Litestar], backend: str
) -> None:
    _machine(engine, settings, client)
    started = time.monotonic()
    run_state_machine_as_test(DomainMachine, settings=SETTINGS)
    elapsed = time.monotonic() - started
    print(
        f"\n[{backend}] {SETTINGS.max_examples} examples x {SETTINGS.stateful_step_count} steps "
        f"in {elapsed:.1f}s; steps {dict(sorted(STEPS.items()))}; "
        f"accepted {dict(sorted(ACCEPTED.items()))}; refusals {dict(sorted(REFUSALS.items()))}"
    )
    assert sum(STEPS.values()) > 0


def test_state_machine_refuses_self_approval_and_locked_posting(
    engine: Engine, settings: Settings, client: TestClient[Litestar], backend: str
) -> None:
    """A fixed run through the machine's rules that must hit the refusals it predicts."""
    _machine(engine, settings, client)
    m = DomainMachine()
    try:
        m.build()
        m.pay(0, 100, "cash", False)
        m.pay(1, 50, "wechat", True)  # overpayment
        m.file_claim("garbage", 5000, 0)  # more than the fund holds
        m.approve(0, True)
        m.advance(40)
        m.pay_out(0)
        m.publish(0)  # January 2025
        m.post_into_locked(3, "gift")
        m.holds()
    finally:
        m.teardown()
    assert (
        Counter(
            {
                "pay: ValidationError": 1,
                "self_approve: PermissionDeniedError": 1,
                "approve_twice: PermissionDeniedError": 1,
                "pay_out: InsufficientFundsError": 1,
                "locked_gift: PeriodLockedError": 1,
            }
        )
        == REFUSALS
    )


def test_state_machine_journal_rules_go_both_ways(
    engine: Engine, settings: Settings, client: TestClient[Litestar], backend: str
) -> None:
    """A fixed run through the general-entry, reversal and proposal rules: each of them is
    accepted at least once and refused at least once, every way the model predicts, and the
    invariants hold after every step (so none of these rules is a test that cannot fail)."""
    _machine(engine, settings, client)
    m = DomainMachine()
    try:
        m.build()  # the bank holds 1,800.00
        steps: list[Callable[[], None]] = [
            # the steward reclassifies 50.00 of repairs as materials (the account goes below
            # zero: a reclassification checks no expense account), and nothing else alone
            partial(m.general_entry, "reclassify", 50, "open", 0, "general"),
            partial(m.general_entry, "bank_to_payable", 50, "open", 0, "general"),
            partial(m.general_entry, "across_funds", 50, "open", 0, "general"),
            partial(m.general_entry, "reclassify", 50, "future", 0, "payout"),
            # one person reverses the reclassification, but not the opening balances
            partial(m.reverse, 0, True),
            partial(m.reverse, 0, True),
            # the insider proposes 180.00 from the bank to the cash; neither they nor the
            # steward who edits it may approve it; a committee member's approval posts it
            partial(m.propose, "bank_to_cash", 10, "open", 0, True),
            partial(m.approve_proposal, 0, "proposer"),
            partial(m.edit_proposal, 0, False),
            partial(m.approve_proposal, 0, "dual"),
            partial(m.approve_proposal, 0, "proposer"),
            partial(m.approve_proposal, 0, "member"),
            partial(m.edit_proposal, 0, True),  # posted: never changes
            # 234.00 of the 180.00 cash: approved, but the cash would go below zero
            partial(m.propose, "cash_to_bank", 130, "open", 0, False),
            partial(m.approve_proposal, 0, "member"),
            partial(m.propose, "bank_to_payable", 50, "open", 0, False),
            # the reversal of the reversed reclassification fails when approved; that of the
            # cash withdrawal is posted (dated a day earlier it would take the cash below zero)
            partial(m.propose, "reverse_general", 50, "open", 0, False),
            partial(m.approve_proposal, 1, "member"),
            partial(m.propose, "reverse_general", 50, "open", 3, False),  # dated today
            partial(m.approve_proposal, 2, "member"),
            # 900.00 needs two approvers, each once
            partial(m.propose, "bank_to_goods", 50, "open", 0, False),
            partial(m.approve_proposal, 2, "member"),
            partial(m.approve_proposal, 2, "twice"),
            partial(m.approve_proposal, 2, "member"),
            # January is published and locked: nothing more is dated in it
            partial(m.advance, 40),
            partial(m.publish, 0),
            partial(m.general_entry, "reclassify", 50, "locked", 3, "general"),
            partial(m.propose, "bank_to_prepaid", 10, "locked", 3, False),
            partial(m.approve_proposal, 2, "member"),
        ]
        for step in steps:
            step()
            m.holds()
    finally:
        m.teardown()
    journal = ("general_entry", "reverse", "propose", "edit_proposal", "approve_proposal")
    assert {k: n for k, n in ACCEPTED.items() if k in journal} == {
        "general_entry": 1,
        "reverse": 1,
        "propose": 6,
        "edit_proposal": 1,
        "approve_proposal": 4,
    }
    assert {k: n for k, n in REFUSALS.items() if k.split(":")[0] in journal} == {
        "general_entry: validation": 3,
        "general_entry: period-locked": 1,
        "reverse: conflict": 1,
        "propose: validation": 1,
        "edit_proposal: conflict": 1,
        "approve_proposal: permission-denied (wrote it)": 2,
        "approve_proposal: permission-denied (no committee role)": 1,
        "approve_proposal: permission-denied (decided already)": 1,
        "approve_proposal: insufficient-funds": 1,
        "approve_proposal: conflict": 1,
        "approve_proposal: period-locked": 1,
    }
