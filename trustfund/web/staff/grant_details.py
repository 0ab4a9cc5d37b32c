"""What the council sees on the approval page of an autonomy-fund request: a project's
budget lines and funding plan, a budget revision line by line against the approved amounts,
a transfer or refund with the balances of the funds it moves between. Read from
``trustfund.grants``; the content bound to the request is what is shown."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.errors import NotFoundError
from trustfund.grants import service
from trustfund.journal.reading import fund_balances

KINDS = ("project", "budget", "grant_transfer")
TEMPLATE = "staff/_detail_grant.html"


def _d(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal("0")


def _fund_title(projects: Mapping[str, Mapping[str, Any]], fund: str | None) -> str:
    if not fund:
        return "—"
    if fund == "autonomy":
        return "自治基金（非限定用途）"
    project = projects.get(fund)
    return f"项目：{project['title']}" if project else fund


def for_request(
    session: Session, estate: Estate, kind: str, content: dict[str, Any]
) -> dict[str, Any]:
    balances = fund_balances(session, estate.id)
    projects: dict[str, Mapping[str, Any]] = {
        p["fund"]: p for p in service.list_projects(session, estate.id)
    }
    sources: dict[Any, Mapping[str, Any]] = {
        s["id"]: s for s in service.list_sources(session, estate.id)
    }
    out: dict[str, Any] = {"template": TEMPLATE, "kind": kind}
    if kind == "project":
        lines = [
            {"description": x.get("description"), "amount": _d(x.get("amount"))}
            for x in content.get("lines", [])
        ]
        plan = [
            {
                "source": sources.get(x.get("source_id"), {}).get("donor_name", "—"),
                "kind": sources.get(x.get("source_id"), {}).get("kind_name", ""),
                "amount": _d(x.get("amount")),
            }
            for x in content.get("plan", [])
        ]
        fund = f"autonomy:{content.get('code')}"
        out.update(
            lines=lines,
            total=sum((x["amount"] for x in lines), Decimal("0")),
            plan=plan,
            plan_total=sum((x["amount"] for x in plan), Decimal("0")),
            balances=[
                ("自治基金（非限定用途）", balances.get("autonomy", Decimal("0.00"))),
                ("本项目专项基金", balances.get(fund, Decimal("0.00"))),
            ],
        )
        return out
    if kind == "budget":
        project: Mapping[str, Any] | None
        try:
            project = service.show_project(session, estate.id, int(content.get("project_id", 0)))
        except (NotFoundError, ValueError):
            project = None
        current = {x["id"]: x for x in (project["lines"] if project else [])}
        rows = []
        for x in content.get("lines", []):
            old = current.get(x.get("line_id"))
            before = _d(old["approved_amount"] or old["amount"]) if old else None
            rows.append(
                {
                    "description": x.get("description"),
                    "before": before,
                    "after": _d(x.get("amount")),
                    "committed": _d(old["committed"]) if old else Decimal("0"),
                    "changed": before is None or before != _d(x.get("amount")),
                }
            )
        out.update(
            project=project,
            revision=rows,
            balances=[]
            if project is None
            else [("本项目专项基金", balances.get(project["fund"], Decimal("0.00")))],
        )
        return out
    amount = _d(content.get("amount"))
    moves = []
    if content.get("kind") == "refund":
        gift = next(
            (
                g
                for g in service.list_gifts(session, estate.id)
                if g["id"] == content.get("gift_id")
            ),
            None,
        )
        project_fund = None
        if gift and gift["project_id"]:
            project_fund = next(
                (f for f, p in projects.items() if p["id"] == gift["project_id"]), None
            )
        out["gift"] = gift
        if project_fund:
            now = balances.get(project_fund, Decimal("0.00"))
            moves.append((_fund_title(projects, project_fund), now, now - amount))
    else:
        for moved, sign in ((content.get("from_fund"), -1), (content.get("to_fund"), 1)):
            if moved:
                now = balances.get(moved, Decimal("0.00"))
                moves.append((_fund_title(projects, moved), now, now + sign * amount))
    out.update(
        transfer_kind="退还捐款" if content.get("kind") == "refund" else "基金调拨",
        amount=amount,
        moves=moves,
        from_title=_fund_title(projects, content.get("from_fund")),
        to_title=_fund_title(projects, content.get("to_fund")),
    )
    return out
