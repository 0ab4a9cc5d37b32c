"""Random postings and reversals: SQL balances equal beancount's on the export, to the fen."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import OPENING, make_estate
from trustfund.errors import ConflictError, InsufficientFundsError
from trustfund.journal import service
from trustfund.journal.mirror import export_text
from trustfund.ledger import bean
from trustfund.ledger.accounts import (
    BANK,
    CASH,
    PREPAID_FEES,
    Fund,
    expense_account,
    fee_income_account,
)
from trustfund.ledger.entries import EntryDraft, Leg

_slugs = itertools.count()
ACCOUNTS = [
    fee_income_account(Fund.ELECTRICITY),
    fee_income_account(Fund.GARBAGE),
    expense_account("maintenance", "Repairs"),
    expense_account("autonomy", "Projects"),
    PREPAID_FEES,
    CASH,
]
money = st.integers(min_value=1, max_value=500_000).map(lambda f: Decimal(f) / 100)
posting = st.tuples(st.integers(0, 90), st.sampled_from(ACCOUNTS), money, st.booleans())
action = st.one_of(posting, st.tuples(st.just("reverse"), st.integers(0, 30), st.integers(0, 90)))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=1, max_size=25), cut=st.integers(0, 90))
def test_sql_balances_equal_beancount_balances(session: Session, actions: list, cut: int) -> None:
    estate = make_estate(session, slug=f"p{next(_slugs)}")
    service.open_books(session, estate.id, on=date(2026, 1, 1), opening_balances=OPENING)
    session.commit()  # a refused first posting rolls back only itself, not the estate
    posted: list[int] = []
    for n, act in enumerate(actions):
        try:
            if act[0] == "reverse":
                if posted:
                    seq = posted[act[1] % len(posted)]
                    service.reverse_entry(
                        session,
                        estate.id,
                        seq,
                        on=date(2026, 1, 1) + timedelta(days=act[2]),
                        reason="更正",
                        idempotency_key=f"r{n}",
                    )
                continue
            day, account, amount, inflow = act
            sign = Decimal(1) if inflow else Decimal(-1)
            draft = EntryDraft(
                date=date(2026, 1, 1) + timedelta(days=day),
                narration=f"随机 {n}",
                legs=(Leg(BANK, sign * amount), Leg(account, -sign * amount)),
            )
            posted.append(
                service.post_entry(session, estate.id, draft, idempotency_key=f"k{n}").seq
            )
        except (InsufficientFundsError, ConflictError):
            session.rollback()
            posted = [s for s in posted if s <= service._lock_head(session, estate.id).last_seq]
        else:
            session.commit()
    session.commit()
    ledger = bean.load(export_text(session, estate.id))
    assert ledger.errors == []
    assert service.account_balances(session, estate.id) == bean.account_balances(ledger)
    start = date(2026, 1, 1) + timedelta(days=cut)
    assert service.account_balances(
        session, estate.id, start=start, end=start + timedelta(days=20)
    ) == bean.account_balances(ledger, start=start, end=start + timedelta(days=20))
    as_of = service.fund_balances(session, estate.id, as_of=start)
    assert {f: v for f, v in as_of.items() if v} == bean.fund_balances(
        bean.account_balances(ledger, end=start)
    )
    assert all(v >= 0 for v in service.fund_balances(session, estate.id).values())
    session.commit()
