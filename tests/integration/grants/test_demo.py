"""The demo step on a fresh database (estate, books, grants): the ledger checks out with
beancount, the settlement of KLGY equals the ledger, anonymous donors stay anonymous in the
exported ledger, the statement and the funder reports; a rerun adds nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.grants import GrantSource, ProjectStatus
from trustfund.db.models.journal import JournalEntry
from trustfund.demo import estate as demo_estate
from trustfund.demo import grants as demo_grants
from trustfund.demo import ledger as demo_ledger
from trustfund.disclosure.periods import quarter
from trustfund.disclosure.statements import build_statement
from trustfund.grants import service, settlement
from trustfund.grants.common import project_by_code
from trustfund.grants.reports import report_html
from trustfund.journal.check import check_estate
from trustfund.journal.mirror import export_text
from trustfund.journal.service import account_balances, fund_balances
from trustfund.ledger.money import ZERO
from trustfund.settings import Settings


def test_demo_grants(session: Session, settings: Settings) -> None:
    for step in (demo_estate, demo_ledger, demo_grants):
        step.run(session, settings)
        session.commit()
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    assert estate is not None

    report = check_estate(session, estate.id)
    assert report.ok, report.problems

    garden = project_by_code(session, estate.id, "KLGY")
    kitchen = project_by_code(session, estate.id, "GXCF")
    assert garden is not None and kitchen is not None
    assert garden.status == ProjectStatus.CLOSED
    assert kitchen.status == ProjectStatus.IMPLEMENTING
    figures = settlement.settlement(session, garden)
    balances = account_balances(session, estate.id)
    assert figures["actual_total"] == balances["Expenses:Autonomy:Project:KLGY:Projects"]
    assert str(figures["actual_total"]) == "7316.00"
    assert figures["matches_ledger"]
    assert fund_balances(session, estate.id)["autonomy:KLGY"] == ZERO
    assert -balances["Income:Autonomy:Project:GXCF:Government"] == 20000
    kitchen_figures = settlement.settlement(session, kitchen)
    assert kitchen_figures["matches_ledger"]
    assert (
        kitchen_figures["ledger"]["remaining"] == fund_balances(session, estate.id)["autonomy:GXCF"]
    )

    # Every date of the step lies in 2026 Q3.
    dates = session.scalars(
        select(JournalEntry.date).where(
            JournalEntry.estate_id == estate.id, JournalEntry.meta.like('%"source"%')
        )
    ).all()
    assert dates and all(
        d.isoformat() >= "2026-07-01" and d.isoformat() <= "2026-09-30" for d in dates
    )

    # Anonymous donors: never by name in the ledger, the statement or the funder reports.
    hidden = session.scalars(
        select(GrantSource.donor_name).where(
            GrantSource.estate_id == estate.id, GrantSource.anonymous.is_(True)
        )
    ).all()
    assert hidden
    public_texts = [
        export_text(session, estate.id),
        json.dumps(build_statement(session, estate, quarter(2026, 3)), ensure_ascii=False),
        report_html(service.report(session, estate, project_id=garden.id)),
        report_html(service.report(session, estate, project_id=kitchen.id)),
    ]
    for source_id in session.scalars(
        select(GrantSource.id).where(GrantSource.estate_id == estate.id)
    ):
        public_texts.append(report_html(service.report(session, estate, source_id=source_id)))
    assert '"匿名" "实物捐赠：蜡梅树' in public_texts[0]
    for text in public_texts:
        for name in hidden:
            assert name not in text
    statement = build_statement(session, estate, quarter(2026, 3))
    sections = {s["key"]: s for s in statement["sections"]}
    assert sections["autonomy_projects"]["status"] == "ok"
    rows = sections["autonomy_projects"]["rows"]
    tree = [r for r in rows if r["line"].startswith("实物捐赠：蜡梅树")]
    assert len(tree) == 1 and "匿名" in tree[0]["line"] and tree[0]["actual"] == "2800.00"
    assert any(r["line"].startswith("实物捐赠：志愿劳动") and r["actual"] == "未估值" for r in rows)
    nursery = next(
        r for r in rows if r["project"].startswith("快鹿公园") and r["line"] == "苗木花草"
    )
    assert (nursery["budget"], nursery["actual"]) == ("3600.00", "3520.00")

    entries = session.scalar(select(func.count()).select_from(JournalEntry))
    assert demo_grants.run(session, settings) == "projects KLGY and GXCF already there"
    session.commit()
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries
