"""The statement's figures equal what beancount computes from the exported ledger file."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.integration.disclosure.conftest import World
from trustfund.disclosure import sections
from trustfund.disclosure.periods import Period, parse_period
from trustfund.disclosure.sections import ExpenseNote, SectionData
from trustfund.disclosure.statements import build_statement
from trustfund.journal.mirror import export_text
from trustfund.ledger import bean
from trustfund.ledger.accounts import fund_of
from trustfund.ledger.money import ZERO


def _beancount_funds(ledger: bean.LoadedLedger, period: Period) -> dict[str, dict[str, Decimal]]:
    """Per fund: opening, income, expenditure, other, closing — from beancount's realization."""
    opening_acc = bean.account_balances(ledger, end=period.start - timedelta(days=1))
    period_acc = bean.account_balances(ledger, start=period.start, end=period.end)
    out: dict[str, dict[str, Decimal]] = {}

    def row(fund: str) -> dict[str, Decimal]:
        return out.setdefault(
            fund, {k: ZERO for k in ("opening", "income", "expenditure", "other", "closing")}
        )

    for account, amount in opening_acc.items():
        if fund := fund_of(account):
            row(fund)["opening"] -= amount
    for account, amount in period_acc.items():
        if fund := fund_of(account):
            key = {"Income": "income", "Expenses": "expenditure", "Equity": "other"}[
                account.split(":")[0]
            ]
            if account.startswith("Equity:Opening:"):
                key = "opening"  # the books' opening entry is opening, not other income
            row(fund)[key] += amount if key == "expenditure" else -amount
    closing = bean.fund_balances(bean.account_balances(ledger, end=period.end))
    for fund, amount in closing.items():
        row(fund)["closing"] = amount
    return out


def _assert_equal(statement: dict, ledger: bean.LoadedLedger, period: Period) -> None:  # type: ignore[type-arg]
    expected = _beancount_funds(ledger, period)
    got = {
        f["fund"]: {
            k: Decimal(f[k]) for k in ("opening", "income", "expenditure", "other", "closing")
        }
        for f in statement["funds"]
    }
    for fund in set(expected) | set(got):
        want = expected.get(fund, {k: ZERO for k in got.get(fund, {})})
        assert got.get(fund, {k: ZERO for k in want}) == want, (period, fund)
    closing_acc = bean.account_balances(ledger, end=period.end)
    net = sum(
        (v for a, v in closing_acc.items() if a.split(":")[0] in ("Assets", "Liabilities")), ZERO
    )
    rec = statement["reconciliation"]
    assert Decimal(rec["assets_less_liabilities"]) == net
    assert rec["balanced"] is True
    assert Decimal(rec["funds_total"]) == sum(bean.fund_balances(closing_acc).values(), ZERO)
    assert Decimal(rec["bank"]) == closing_acc.get("Assets:Bank:Committee", ZERO)
    assert Decimal(rec["cash"]) == closing_acc.get("Assets:Cash:Steward", ZERO)


def test_statement_equals_beancount_for_named_periods(session: Session, world: World) -> None:
    ledger = bean.load(export_text(session, world.estate.id))
    assert ledger.errors == []
    for label in ("2026", "2026Q1", "2026Q2", "2026-03", "2026-02-10..2026-04-01", "2025"):
        period = parse_period(label)
        _assert_equal(build_statement(session, world.estate, period), ledger, period)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 7, 1)),
    days=st.integers(min_value=0, max_value=220),
)
def test_statement_equals_beancount_for_any_period(
    session: Session, world: World, start: date, days: int
) -> None:
    period = parse_period(f"{start.isoformat()}..{(start + timedelta(days=days)).isoformat()}")
    ledger = bean.load(export_text(session, world.estate.id))
    _assert_equal(build_statement(session, world.estate, period), ledger, period)


def test_income_expenditure_and_collection_detail(session: Session, world: World) -> None:
    s = build_statement(session, world.estate, parse_period("2026Q1"))
    fees = {r["fund"]: r["amount"] for r in s["income"]["fees"]}
    # 200 + 200 + 100 paid in Q1, split 50/90/60 (the 100.00 partial payment by the fees rule)
    assert sum(Decimal(v) for v in fees.values()) == Decimal("500.00")
    assert s["income"]["other"] == [
        {
            "source": "Sponsorship",
            "name": "单位及个人赞助",
            "fund": "autonomy",
            "fund_name": "自治基金",
            "amount": "2300.00",
        }
    ]
    donors = [(d["donor"], d["amount"]) for d in s["income"]["donors"]]
    assert donors == [("宁波市某某物业咨询有限公司", "2000.00"), ("匿名", "300.00")]
    lines = s["expenditure"]["lines"]
    assert [(x["date"], x["payee"], x["amount"], x["voucher"], x["fund"]) for x in lines] == [
        ("2026-02-14", "城东水电维修部", "380.00", "PZ-2026-001", "maintenance"),
        ("2026-03-01", "国网宁波供电公司", "1250.40", "PZ-2026-002", "electricity"),
    ]
    assert s["expenditure"]["total"] == "1630.40"
    c = s["collection"]
    assert c["overall"]["households"] == 6
    assert (c["occupied"]["households"], c["vacant"]["households"]) == (5, 1)
    assert (c["overall"]["paid_in_full"], c["overall"]["partial"], c["overall"]["unpaid"]) == (
        2,
        1,
        3,
    )
    assert [b["building"] for b in c["by_building"]] == ["1", "2"]
    # arrears only as counts: no per-household rows, no amounts owed
    assert "arrears" not in str(c)


def test_sections_without_data_say_none_and_registered_ones_fill_in(
    session: Session, world: World
) -> None:
    s = build_statement(session, world.estate, parse_period("2026Q1"))
    shown = {x["key"]: (x["status"], x["note"]) for x in s["sections"]}
    # no claims, goods or projects in these books: every section (also those of packages
    # registering more) says "暂无" instead of inventing figures
    for key in ("reference_price_flags", "autonomy_projects", "goods_received"):
        assert shown[key] == ("none", "暂无"), key
    assert all(status == "none" for status, _ in shown.values())
    keys = [x["key"] for x in s["sections"]]
    assert keys.index("reference_price_flags") < keys.index("goods_received")

    def goods(session: Session, estate: object, period: Period) -> SectionData:
        return SectionData(
            columns=(("date", "日期"), ("item", "物品")),
            rows=[{"date": "2026-03-09", "item": "垃圾桶"}],
        )

    def notes(session: Session, estate: object, period: Period) -> dict[int, ExpenseNote]:
        seq = s["expenditure"]["lines"][0]["seq"]
        return {
            seq: ExpenseNote(
                voucher="V-9",
                approver_roles=("业委会委员",),
                reference_price_flag="高于参考价：夜间抢修",
            )
        }

    before = sections.provider_of("goods_received")
    sections.register_section("goods_received")(goods)  # type: ignore[arg-type]
    sections.register_expense_annotator(notes)  # type: ignore[arg-type]
    try:
        s2 = build_statement(session, world.estate, parse_period("2026Q1"))
    finally:
        sections.unregister_section("goods_received")
        if before is not None:
            sections.register_section("goods_received")(before)
        sections.unregister_expense_annotator(notes)  # type: ignore[arg-type]
    goods_section = next(x for x in s2["sections"] if x["key"] == "goods_received")
    assert goods_section["status"] == "ok" and goods_section["rows"][0]["item"] == "垃圾桶"
    first = s2["expenditure"]["lines"][0]
    assert (first["voucher"], first["approver_roles"], first["flag"]) == (
        "V-9",
        ["业委会委员"],
        "高于参考价：夜间抢修",
    )
    # the provider is back: without settlement data it says "暂无" again
    s3 = build_statement(session, world.estate, parse_period("2026Q1"))
    assert next(x for x in s3["sections"] if x["key"] == "goods_received")["note"] == "暂无"
    assert sections.provider_of("goods_received") is before


def test_journal_figures_follow_the_ledger_head(
    session: Session, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Figures are kept under the ledger head (seq, hash): a new entry moves the head, so the
    next statement is computed afresh; data outside the journal is always read live."""
    from trustfund.disclosure import statements
    from trustfund.journal import service
    from trustfund.ledger.accounts import BANK, expense_account
    from trustfund.ledger.entries import EntryDraft, Leg

    period = parse_period("2026Q1")
    statements.clear_figures_cache()
    first = build_statement(session, world.estate, period)
    again = build_statement(session, world.estate, period)
    assert again == first
    assert len(statements._figures_cache) == 1

    def draft(on: date, amount: str, n: int) -> EntryDraft:
        value = Decimal(amount)
        return EntryDraft(
            date=on,
            narration=f"更换灯泡{n}",
            payee="城东水电维修部",
            legs=(Leg(expense_account("maintenance", "Repairs"), value), Leg(BANK, -value)),
            kind="payout",
        )

    service.post_entry(
        session, world.estate.id, draft(date(2026, 3, 20), "12.30", 1), idempotency_key="c1"
    )
    session.commit()
    moved = build_statement(session, world.estate, period)
    assert moved["expenditure"]["total"] == "1642.70"  # 1630.40 + 12.30
    assert moved["ledger"]["entries_in_period"] == first["ledger"]["entries_in_period"] + 1

    # a writer extending the chain while the figures are read: they are used, never kept
    real = statements._read_journal

    def racing(session: Session, estate_id: int, period: Period):  # type: ignore[no-untyped-def]
        figures = real(session, estate_id, period)
        service.post_entry(
            session, estate_id, draft(date(2026, 3, 21), "1.00", 2), idempotency_key="c2"
        )
        return figures

    statements.clear_figures_cache()
    monkeypatch.setattr(statements, "_read_journal", racing)
    build_statement(session, world.estate, period)
    assert len(statements._figures_cache) == 0
    monkeypatch.setattr(statements, "_read_journal", real)
    session.commit()
    assert build_statement(session, world.estate, period)["expenditure"]["total"] == "1643.70"


def test_expense_lines_of_every_chart_account_even_when_they_cancel_out(
    session: Session, world: World
) -> None:
    """Expense lines are read for the chart's expense accounts (an ``IN`` list, not a
    ``LIKE``): an account opened later (a project's) is listed, and an expense reversed on its
    own day shows both lines although the day's sum of the account is zero."""
    from trustfund.journal import service
    from trustfund.ledger.accounts import BANK, autonomy_income_account, expense_account
    from trustfund.ledger.entries import EntryDraft, Leg

    fund = service.open_project_fund(
        session, world.estate.id, "P7", "楼道扶手", on=date(2026, 1, 1)
    )
    spent = Decimal("456.70")
    service.post_entry(  # the project's money first: a payout never takes a fund below zero
        session,
        world.estate.id,
        EntryDraft(
            date=date(2026, 3, 1),
            narration="楼道扶手众筹",
            legs=(Leg(BANK, spent), Leg(autonomy_income_account("Crowdfunding", fund), -spent)),
            kind="deposit",
        ),
        idempotency_key="p7-0",
    )
    entry = service.post_entry(
        session,
        world.estate.id,
        EntryDraft(
            date=date(2026, 3, 5),
            narration="楼道扶手材料",
            payee="城东五金店",
            legs=(Leg(expense_account(fund, "Projects"), spent), Leg(BANK, -spent)),
            kind="payout",
        ),
        idempotency_key="p7-1",
    )
    service.reverse_entry(
        session,
        world.estate.id,
        entry.seq,
        on=date(2026, 3, 5),
        reason="重复录入",
        idempotency_key="p7-1-rev",
    )
    session.commit()
    s = build_statement(session, world.estate, parse_period("2026Q1"))
    project = [x for x in s["expenditure"]["lines"] if x["fund"] == fund]
    assert [(x["seq"], x["amount"]) for x in project] == [
        (entry.seq, "456.70"),
        (entry.seq + 1, "-456.70"),
    ]
    assert s["expenditure"]["total"] == "1630.40"  # unchanged: the two lines cancel
    assert s["expenditure"]["count"] == 4
