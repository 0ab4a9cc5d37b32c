"""Funder reports (资金使用报告): for one project or one source — what was received, what it
was spent on, what remains — as data, HTML and PDF (WeasyPrint, Noto Sans CJK SC).

Reports are public documents: donors appear by their public name ("匿名" when they asked),
people by role, never by name. Every figure comes from the journal (SQL sums) or from
claims whose cost is booked; the project figures are the settlement's
(``trustfund.grants.settlement``), so a report agrees with the ledger to the fen.

A source's share of a project's spending is proportional to its share of the project's
income (``split_exact``, leftover fen to the larger part): money is fungible inside a fund.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import ZERO
from trustfund.db.models.estates import Estate
from trustfund.db.models.grants import (
    FundTransfer,
    Gift,
    GrantProject,
    GrantSource,
    InKindGift,
    TransferKind,
    TransferStatus,
)
from trustfund.db.models.journal import LedgerHead
from trustfund.db.models.settlements import Claim, Voucher
from trustfund.grants.common import (
    SOURCE_NAMES_ZH,
    STATUS_ZH,
    fund_of_project,
    public_name,
)
from trustfund.grants.disbursements import BOOKED, list_disbursements
from trustfund.grants.settlement import as_json, settlement
from trustfund.grants.transfers import fund_name
from trustfund.journal.reading import fund_balances
from trustfund.ledger.money import format_money, split_exact
from trustfund.settlements.common import qty_text

HERE = Path(__file__).resolve().parent
_ENV = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["money"] = format_money


def _head(session: Session, estate_id: int) -> dict[str, Any]:
    head = session.get(LedgerHead, estate_id)
    return {"seq": head.last_seq if head else 0, "hash": head.last_hash if head else ""}


def _history(session: Session, project: GrantProject) -> list[dict[str, Any]]:
    from trustfund.grants.projects import history

    return [
        {"at": e["at"][:10], "to": STATUS_ZH.get(_status(e["to"]), e["to"]), "reason": e["reason"]}
        for e in history(session, project.id)
    ]


def _status(value: str) -> Any:
    from trustfund.db.models.grants import ProjectStatus

    try:
        return ProjectStatus(value)
    except ValueError:
        return value


def _funding(session: Session, project: GrantProject) -> list[dict[str, Any]]:
    """Money received, by source (crowdfunding households counted, not named)."""
    groups: dict[int, dict[str, Any]] = {}
    gifts = session.scalars(
        select(Gift).where(Gift.project_id == project.id).order_by(Gift.received_on, Gift.id)
    )
    for gift in gifts:
        row = groups.setdefault(
            gift.source_id,
            {
                "donor": public_name(gift.source),
                "kind": SOURCE_NAMES_ZH[gift.source.kind],
                "count": 0,
                "amount": ZERO,
                "first": gift.received_on,
                "last": gift.received_on,
            },
        )
        row["count"] += 1
        row["amount"] += gift.amount
        row["last"] = gift.received_on
    return list(groups.values())


def _in_kind(session: Session, project_id: int | None, source_id: int | None = None) -> list[Any]:
    stmt = select(InKindGift)
    if project_id is not None:
        stmt = stmt.where(InKindGift.project_id == project_id)
    if source_id is not None:
        stmt = stmt.where(InKindGift.source_id == source_id)
    return [
        {
            "date": g.received_on,
            "donor": public_name(g.source),
            "item": g.item,
            "quantity": f"{qty_text(g.quantity)} {g.unit}",
            "value": g.estimated_value,
        }
        for g in session.scalars(stmt.order_by(InKindGift.received_on, InKindGift.id))
    ]


def _spending(session: Session, project: GrantProject) -> list[dict[str, Any]]:
    by_line: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in list_disbursements(session, project.id):
        claim = session.get(Claim, link.claim_id)
        if claim is None or claim.status not in BOOKED:
            continue
        vouchers = session.scalars(
            select(Voucher.number).where(Voucher.claim_id == claim.id).order_by(Voucher.id)
        ).all()
        by_line[link.budget_line_id].append(
            {
                "date": claim.work_date,
                "payee": claim.payee,
                "description": claim.description,
                "amount": claim.amount,
                "status": "已付款" if claim.status.value == "paid" else "应付",
                "vouchers": "、".join(v for v in vouchers if v) or "—",
                "claim_id": claim.id,
            }
        )
    figures = settlement(session, project)
    return [{**line, "claims": by_line.get(line["id"], [])} for line in figures["lines"]]


def _moves(session: Session, estate_id: int, fund: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(FundTransfer)
        .where(
            FundTransfer.estate_id == estate_id,
            FundTransfer.status == TransferStatus.POSTED,
            (FundTransfer.from_fund == fund) | (FundTransfer.to_fund == fund),
        )
        .order_by(FundTransfer.moved_on, FundTransfer.id)
    )
    out = []
    for t in rows:
        if t.kind == TransferKind.REFUND:
            gift = session.get(Gift, t.gift_id)
            what = f"退回 {public_name(gift.source) if gift else ''}"
        elif t.from_fund == fund:
            what = f"调出至 {fund_name(session, estate_id, t.to_fund or '')}"
        else:
            what = f"由 {fund_name(session, estate_id, t.from_fund)} 调入"
        signed = t.amount if t.to_fund == fund else -t.amount
        out.append({"date": t.moved_on, "what": what, "reason": t.reason, "amount": signed})
    return out


def project_report(session: Session, estate: Estate, project: GrantProject) -> dict[str, Any]:
    figures = settlement(session, project)
    report: dict[str, Any] = as_json(
        {
            "kind": "project",
            "estate": {"slug": estate.slug, "name": estate.name},
            "project": {
                "code": project.code,
                "fund": fund_of_project(project),
                "title": project.title,
                "purpose": project.purpose,
                "applicant": project.applicant,
                "applied_on": project.applied_on,
                "status": STATUS_ZH[project.status],
                "settled_on": project.settled_on,
            },
            "funding": _funding(session, project),
            "in_kind": _in_kind(session, project.id),
            "lines": _spending(session, project),
            "moves": _moves(session, estate.id, fund_of_project(project)),
            "figures": figures,
            "history": _history(session, project),
            "head": _head(session, estate.id),
        }
    )
    return report


def source_report(session: Session, estate: Estate, source: GrantSource) -> dict[str, Any]:
    gifts = list(
        session.scalars(
            select(Gift).where(Gift.source_id == source.id).order_by(Gift.received_on, Gift.id)
        )
    )
    refunds: dict[int, Decimal] = defaultdict(lambda: ZERO)
    refund_rows = []
    for t in session.scalars(
        select(FundTransfer).where(
            FundTransfer.kind == TransferKind.REFUND,
            FundTransfer.status == TransferStatus.POSTED,
            FundTransfer.gift_id.in_([g.id for g in gifts] or [0]),
        )
    ):
        gift = next(g for g in gifts if g.id == t.gift_id)
        if gift.project_id is not None:
            refunds[gift.project_id] += t.amount
        refund_rows.append({"date": t.moved_on, "amount": t.amount, "reason": t.reason})
    by_project: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for gift in gifts:
        by_project[gift.project_id] += gift.amount
    projects = []
    for project_id, given in by_project.items():
        if project_id is None:
            continue
        project = session.get(GrantProject, project_id)
        assert project is not None
        figures = settlement(session, project)
        ledger = figures["ledger"]
        net = given - refunds[project_id]
        cash = ledger["received"] - ledger["received_by_source"].get("InKind", ZERO)
        weights = [net, max(cash - net, ZERO)]

        def share(amount: Decimal, weights: list[Decimal] = weights) -> Decimal:
            return split_exact(amount, weights)[0] if sum(weights, ZERO) > ZERO else ZERO

        projects.append(
            {
                "code": project.code,
                "title": project.title,
                "status": STATUS_ZH[project.status],
                "given": given,
                "returned": refunds[project_id],
                "net": net,
                "project_received": cash,
                "share": f"{(net * 100 / cash):.1f}%" if cash > ZERO else "—",
                "project_spent": ledger["spent"],
                "project_in_kind": ledger["in_kind_used"],
                "project_remaining": ledger["remaining"],
                "share_spent": share(ledger["spent"]),
                "share_moved": share(ledger["transfers"]),
                "share_remaining": share(ledger["remaining"]),
                "lines": _spending(session, project),
            }
        )
    unrestricted = by_project.get(None, ZERO)
    report: dict[str, Any] = as_json(
        {
            "kind": "source",
            "estate": {"slug": estate.slug, "name": estate.name},
            "source": {
                "id": source.id,
                "donor": public_name(source),
                "kind": SOURCE_NAMES_ZH[source.kind],
            },
            "gifts": [
                {
                    "date": g.received_on,
                    "amount": g.amount,
                    "project": (
                        session.get(GrantProject, g.project_id).title  # type: ignore[union-attr]
                        if g.project_id
                        else "自治基金（非限定用途）"
                    ),
                    "household": g.household_code or "",
                }
                for g in gifts
            ],
            "total_given": sum((g.amount for g in gifts), ZERO),
            "refunds": refund_rows,
            "projects": projects,
            "unrestricted": unrestricted,
            "autonomy_balance": fund_balances(session, estate.id).get("autonomy", ZERO),
            "in_kind": _in_kind(session, None, source.id),
            "head": _head(session, estate.id),
        }
    )
    return report


def report_html(report: dict[str, Any], *, for_pdf: bool = False) -> str:
    return _ENV.get_template("funder_report.html").render(r=report, for_pdf=for_pdf)


def report_pdf(report: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=report_html(report, for_pdf=True), base_url=str(HERE)).write_pdf(out)
    return out.getvalue()
