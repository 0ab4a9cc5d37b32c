"""Model-based test of the whole domain (issue 9 item 2): a hypothesis state machine that pays,
refunds, voids, deposits cash, files, approves and pays out claims, records gifts, reverses
entries, publishes monthly disclosures (locking the month) and tries to post into locked
months — each step through the real services, as the API calls them, by users of the right
roles (so four-eyes rules apply).

The model predicts which steps must be refused and with which error; a refused step must
leave every written table, the chain head and the receipt counters unchanged. After every
step: every entry balances and so do the books, SQL equals beancount on the export
(``check_estate``, which also verifies the hash chain), no fund is below zero, the model's
cash and per-household money equal the services', and no owner name or phone number appears
in the export, in published disclosure documents or in public receipt views.

Each hypothesis example builds a fresh estate in the test's database (estates are
independent). ``TRUSTFUND_SM_EXAMPLES`` / ``TRUSTFUND_SM_STEPS`` scale a longer run; the
refusals seen are printed at the end (``-s``).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.identity import load_principal
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
from trustfund.fees.payments import (
    cash_balance,
    deposit_cash,
    outstanding_by_fund,
    paid_by_fund,
    public_receipt,
    record_payment,
    refund,
    void_receipt,
)
from trustfund.fees.schemas import AllocationIn, DepositIn, PaymentIn, RefundIn
from trustfund.grants import service as grants
from trustfund.grants.schemas import GiftIn
from trustfund.journal import operations as journal
from trustfund.journal import schemas as journal_schemas
from trustfund.journal.check import check_estate
from trustfund.journal.mirror import export_text
from trustfund.journal.service import fund_balances
from trustfund.ledger.money import ZERO
from trustfund.settings import Settings
from trustfund.settlements import payouts
from trustfund.settlements import service as settlements
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn

from ._model import FEE_YEAR, LAST_DAY, World, build_world, footprint, postings_total
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

#: Refusals seen over the whole run, by rule and error type (printed at the end).
REFUSALS: Counter[str] = Counter()
STEPS: Counter[str] = Counter()


def _share(total: Decimal, percent: int) -> Decimal:
    return max(CENT, (total * percent / 100).quantize(CENT))


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


class DomainMachine(RuleBasedStateMachine):
    engine: Engine
    settings: Settings

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
        self.cash = ZERO
        self.claims: dict[int, tuple[str, Decimal, date]] = {}  # id -> fund, amount, work date
        self.published: list[int] = []
        self.session.rollback()

    def teardown(self) -> None:
        self.session.rollback()
        self.session.close()

    # --- helpers ------------------------------------------------------------------------

    def key(self) -> str:
        return f"sm-{next(self.keys)}"

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
            REFUSALS[f"{name}: {type(exc).__name__}"] += 1
            allowed = (must,) if must is not None else may
            assert type(exc) in allowed, f"{name} refused with {exc!r}; allowed {allowed}"
            assert footprint(self.session, self.eid) == before, f"{name} wrote while refused"
            self.session.rollback()
            return None
        assert must is None, f"{name} should have been refused with {must.__name__}"
        self.session.rollback()
        return result

    def outstanding(self, household_id: int) -> Decimal:
        left = outstanding_by_fund(self.session, household_id, FEE_YEAR) or {}
        return sum(left.values(), ZERO)

    def funds(self, as_of: date | None = None) -> dict[str, Decimal]:
        return fund_balances(self.session, self.eid, as_of=as_of)

    def in_locked(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.locked)

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
            if method == PaymentMethod.CASH:
                self.cash += amount

    @rule(i=st.integers(0, 3), percent=st.integers(1, 130), method=METHODS)
    def refund(self, i: int, percent: int, method: str) -> None:
        h = self.w.households[i]
        kept = self.paid[h.id]
        amount = _share(kept or D("1"), percent)
        must: type[TrustfundError] | None = None
        if amount > kept or (method == PaymentMethod.CASH and amount > self.cash):
            must = ValidationError
        data = RefundIn(
            household_code=h.code,
            fee_year=FEE_YEAR,
            amount=str(amount),
            method=method,  # type: ignore[arg-type]
            reason="退费",
            refunded_on=self.today,
        )
        result = self.attempt(
            "refund",
            lambda: refund(
                self.session, self.eid, data, actor_user_id=self.w.steward.id, idempotency_key=None
            ),
            must=must,
            may=(InsufficientFundsError,),  # a fund may have spent the money already
        )
        if result is not None:
            self.paid[h.id] -= amount
            if method == PaymentMethod.CASH:
                self.cash -= amount

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
            lambda: void_receipt(
                self.session,
                self.eid,
                receipt_no,
                reason="开错了",
                voided_on=self.today,
                actor_user_id=self.w.steward.id,
                idempotency_key=None,
            ),
            must=ConflictError if cash_short or refunded_away or reversed_already else None,
            may=(InsufficientFundsError,),
        )
        if result is not None:
            self.paid[household_id] -= amount
            if method == PaymentMethod.CASH:
                self.cash -= amount

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
            self.cash -= amount

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
        if held < amount:
            must = InsufficientFundsError
        self.attempt(
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
        self.attempt(
            "gift",
            lambda: grants.record_gift(self.session, self.eid, data, self.w.steward.id, None),
        )

    # --- journal ------------------------------------------------------------------------------

    @rule(pick=st.integers(0, 10**6))
    def reverse(self, pick: int) -> None:
        entries = self.session.execute(
            select(JournalEntry.seq, JournalEntry.reverses_seq, JournalEntry.kind)
            .where(JournalEntry.estate_id == self.eid, JournalEntry.kind != "open")
            .order_by(JournalEntry.seq)
        ).all()
        reversed_seqs = {r for _, r, _ in entries if r is not None}
        seq, reverses, kind = entries[pick % len(entries)]
        cash_before = cash_balance(self.session, self.eid)
        self.session.rollback()
        # The ledger API reverses only general entries; a domain's entries (fee payments,
        # payouts, gifts …) are corrected in their domain, so reversing them is a conflict.
        conflict = reverses is not None or seq in reversed_seqs or kind != "general"
        result = self.attempt(
            "reverse",
            lambda: journal.reverse_entry(
                self.session,
                self.settings,
                self.w.estate,
                seq,
                journal_schemas.ReversalCreate(date=self.today, reason="更正"),
                self.key(),
                self.w.committee[0].id,
            ),
            must=ConflictError if conflict else None,
            may=(InsufficientFundsError,),
        )
        if result is not None:
            self.cash += cash_balance(self.session, self.eid) - cash_before
            self.session.rollback()

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

    @invariant()
    def books_hold(self) -> None:
        s, eid = self.session, self.eid
        try:
            assert unbalanced(s, eid) == [], "an entry does not balance"
            assert postings_total(s, eid) == 0, "the books do not balance"
            report = check_estate(s, eid)  # chain, beancount errors, SQL == beancount
            assert report.ok, report.problems
            below = {f: v for f, v in fund_balances(s, eid).items() if v < 0}
            assert not below, f"funds below zero: {below}"
            assert cash_balance(s, eid) == self.cash, "steward's cash differs from the model"
            for h in self.w.households:
                kept = sum(paid_by_fund(s, h.id, FEE_YEAR).values(), ZERO)
                assert kept == self.paid[h.id], f"money kept for {h.code} differs from the model"
            self._nothing_personal_in_public(export_text(s, eid))
        finally:
            s.rollback()

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


def test_domain_state_machine(engine: Engine, tmp_path: Path, backend: str) -> None:
    DomainMachine.engine = engine
    DomainMachine.settings = Settings(
        var_dir=tmp_path / "var",
        database_url=str(engine.url),
        ledger_dir=tmp_path / "ledgers",
        secret_key="test-secret-key-not-for-production",
    )
    REFUSALS.clear()
    STEPS.clear()
    started = time.monotonic()
    run_state_machine_as_test(DomainMachine, settings=SETTINGS)
    elapsed = time.monotonic() - started
    print(
        f"\n[{backend}] {SETTINGS.max_examples} examples x {SETTINGS.stateful_step_count} steps "
        f"in {elapsed:.1f}s; steps {dict(sorted(STEPS.items()))}; "
        f"refusals {dict(sorted(REFUSALS.items()))}"
    )
    # the run exercised the refusals the model predicts (not only the happy paths)
    assert sum(STEPS.values()) > 0


def test_state_machine_refuses_self_approval_and_locked_posting(
    engine: Engine, tmp_path: Path, backend: str
) -> None:
    """A fixed run through the machine's rules that must hit the refusals it predicts."""
    DomainMachine.engine = engine
    DomainMachine.settings = Settings(
        var_dir=tmp_path / "var",
        database_url=str(engine.url),
        ledger_dir=tmp_path / "ledgers",
        secret_key="test-secret-key-not-for-production",
    )
    REFUSALS.clear()
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
        m.books_hold()
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
