"""The autonomy fund's sections of the period statement (listed in
``trustfund.wiring``, read by ``trustfund.disclosure.sections``; the only place grants touches disclosure).

- ``autonomy_projects`` (自治基金项目：预算与实际支出): every project applied for by the end of
  the period, line by line: approved budget and actual spending booked by the period's end,
  then the sub-fund's figures from the ledger as of that day.
  After each project's lines come the goods and work given to it in kind by the period's
  end (实物捐赠: item, quantity, donor by public name — "匿名" when they asked — and the
  estimated value or "未估值"); in-kind gifts to the unrestricted fund close the table. They
  share this section rather than adding one, so the statement keeps its agreed sections.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import ZERO
from trustfund.db.models.estates import Estate
from trustfund.db.models.grants import (
    Disbursement,
    GrantProject,
    InKindGift,
    ProjectStatus,
)
from trustfund.db.models.settlements import Claim
from trustfund.disclosure.periods import Period
from trustfund.disclosure.sections import SectionData
from trustfund.grants.common import STATUS_ZH, public_name
from trustfund.grants.disbursements import BOOKED
from trustfund.grants.settlement import ledger_figures
from trustfund.ledger.money import money_text
from trustfund.settlements.common import qty_text


def _m(value: Decimal) -> str:
    return money_text(value)


def _actual_by_line(session: Session, project_id: int, period: Period) -> dict[int, Decimal]:
    rows = session.execute(
        select(Disbursement.budget_line_id, Claim.amount)
        .join(Claim, Claim.id == Disbursement.claim_id)
        .where(
            Disbursement.project_id == project_id,
            Claim.status.in_(BOOKED),
            Claim.payable_on <= period.end,
        )
    )
    out: dict[int, Decimal] = {}
    for line_id, amount in rows:
        out[line_id] = out.get(line_id, ZERO) + amount
    return out


def _in_kind_rows(
    session: Session,
    estate: Estate,
    project_id: int | None,
    label: str,
    status: str,
    period: Period,
) -> list[dict[str, str]]:
    stmt = select(InKindGift).where(
        InKindGift.estate_id == estate.id, InKindGift.received_on <= period.end
    )
    stmt = stmt.where(
        InKindGift.project_id.is_(None)
        if project_id is None
        else InKindGift.project_id == project_id
    )
    return [
        {
            "project": label,
            "status": status,
            "line": f"实物捐赠：{g.item} {qty_text(g.quantity)}{g.unit}（{public_name(g.source)}，"
            f"{g.received_on.isoformat()}）",
            "budget": "—",
            "actual": _m(g.estimated_value) if g.estimated_value else "未估值",
            "left": "—",
        }
        for g in session.scalars(stmt.order_by(InKindGift.received_on, InKindGift.id))
    ]


def projects_section(session: Session, estate: Estate, period: Period) -> SectionData | None:
    projects = list(
        session.scalars(
            select(GrantProject)
            .where(
                GrantProject.estate_id == estate.id,
                GrantProject.applied_on <= period.end,
                GrantProject.status != ProjectStatus.DRAFT,
            )
            .order_by(GrantProject.applied_on, GrantProject.id)
        )
    )
    loose = _in_kind_rows(session, estate, None, "自治基金（非限定用途）", "—", period)
    if not projects and not loose:
        return None
    rows: list[dict[str, str]] = []
    notes: list[str] = []
    for project in projects:
        actual = _actual_by_line(session, project.id, period)
        for line in project.lines:
            budget = line.approved_amount if line.approved_amount is not None else line.amount
            spent = actual.get(line.id, ZERO)
            rows.append(
                {
                    "project": f"{project.title}（{project.code}）",
                    "status": STATUS_ZH[project.status],
                    "line": line.description,
                    "budget": _m(budget) if line.approved_amount is not None else "待批准",
                    "actual": _m(spent),
                    "left": _m(budget - spent),
                }
            )
        label = f"{project.title}（{project.code}）"
        rows += _in_kind_rows(session, estate, project.id, label, STATUS_ZH[project.status], period)
        f = ledger_figures(session, project, end=period.end)
        notes.append(
            f"{project.title}：到位资金 {_m(f['received'])} 元，现金支出 {_m(f['spent'])} 元，"
            f"实物投入 {_m(f['in_kind_used'])} 元，调拨 {_m(f['transfers'])} 元，"
            f"期末结余 {_m(f['remaining'])} 元"
        )
    rows += loose
    return SectionData(
        columns=(
            ("project", "项目"),
            ("status", "状态"),
            ("line", "预算项目"),
            ("budget", "批准预算"),
            ("actual", "期末实际支出"),
            ("left", "预算余额"),
        ),
        rows=rows,
        note="；".join(notes)
        + ("。" if notes else "")
        + "项目资金为限定用途，单独核算。估值的实物捐赠按估值记入收入并同日计入使用；"
        "未估值的只登记不入账。",
    )
