"""The autonomy fund's sections of the period statement (registered with
``trustfund.disclosure.sections``; the only place grants touches disclosure).

- ``autonomy_projects`` (自治基金项目：预算与实际支出): every project applied for by the end of
  the period, line by line: approved budget and actual spending booked by the period's end,
  then the sub-fund's figures from the ledger as of that day.
- ``autonomy_in_kind`` (自治基金实物捐赠): goods and work given in kind during the period,
  with the estimated value or "未估值". Donors by public name ("匿名" when they asked).
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
from trustfund.disclosure.sections import SectionData, register_section
from trustfund.grants.common import STATUS_ZH, public_name
from trustfund.grants.disbursements import BOOKED
from trustfund.grants.gifts import qty_text
from trustfund.grants.settlement import ledger_figures


def _m(value: Decimal) -> str:
    return f"{value:.2f}"


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


@register_section("autonomy_projects")
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
    if not projects:
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
        f = ledger_figures(session, project, end=period.end)
        notes.append(
            f"{project.title}：到位资金 {_m(f['received'])} 元，现金支出 {_m(f['spent'])} 元，"
            f"实物投入 {_m(f['in_kind_used'])} 元，调拨 {_m(f['transfers'])} 元，"
            f"期末结余 {_m(f['remaining'])} 元"
        )
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
        note="；".join(notes) + "。项目资金为限定用途，单独核算。",
    )


@register_section("autonomy_in_kind", title="自治基金实物捐赠", order=25)
def in_kind_section(session: Session, estate: Estate, period: Period) -> SectionData | None:
    gifts = list(
        session.scalars(
            select(InKindGift)
            .where(
                InKindGift.estate_id == estate.id,
                InKindGift.received_on >= period.start,
                InKindGift.received_on <= period.end,
            )
            .order_by(InKindGift.received_on, InKindGift.id)
        )
    )
    if not gifts:
        return None
    rows = []
    total = ZERO
    for gift in gifts:
        project = session.get(GrantProject, gift.project_id) if gift.project_id else None
        total += gift.estimated_value or ZERO
        rows.append(
            {
                "date": gift.received_on.isoformat(),
                "donor": public_name(gift.source),
                "item": gift.item,
                "quantity": f"{qty_text(gift.quantity)}{gift.unit}",
                "value": _m(gift.estimated_value) if gift.estimated_value else "未估值",
                "use": project.title if project else "自治基金",
            }
        )
    return SectionData(
        columns=(
            ("date", "日期"),
            ("donor", "捐赠人"),
            ("item", "物品"),
            ("quantity", "数量"),
            ("value", "估值（元）"),
            ("use", "用于"),
        ),
        rows=rows,
        note="估值的实物捐赠按估值记入收入并同日计入使用；未估值的只登记不入账。",
        totals={"value": _m(total)},
    )
