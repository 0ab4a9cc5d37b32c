"""One project's page (budget against actual per line, status history, what was paid out
and what may be done next): shown by ``projects`` and again, with a refused form's errors,
by ``spending`` and ``leftover``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from litestar import Request
from litestar.response import Template
from sqlalchemy.orm import Session

from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.grants import disbursements, service
from trustfund.grants.schemas import ProjectOut
from trustfund.journal.reading import fund_balances
from trustfund.web.staff import zh
from trustfund.web.staff.autonomy.forms import (
    ACTIVE,
    BudgetForm,
    DisburseForm,
    SettleForm,
    TransferForm,
)
from trustfund.web.staff.claims import STATUS_NAMES as CLAIM_STATUS_NAMES
from trustfund.web.staff.common import may, new_key, page

REVISION_NAMES = {
    "pending": "待理事会决定",
    "approved": "已批准",
    "rejected": "未获批准",
    "void": "已作废",
}


def projects_of(session: Session, estate: Estate) -> list[ProjectOut]:
    return service.list_projects(session, estate.id)


def back_to(estate: Estate, project_id: int, done: str) -> str:
    """The project's page saying what was just done."""
    return f"/staff/{estate.slug}/autonomy/projects/{project_id}?done={done}"


def project_page(
    request: Request[Any, Any, Any],
    session: Session,
    estate: Estate,
    project_id: int,
    *,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    disburse: DisburseForm | None = None,
    budget: BudgetForm | None = None,
    settle: SettleForm | None = None,
    transfer: TransferForm | None = None,
    status: int = 200,
) -> Template:
    # the page adds to the view (Chinese reasons), so a plain dict
    view: dict[str, Any] = dict(service.show_project(session, estate.id, project_id))
    figures = service.show_settlement(session, estate.id, project_id)
    actual = {x["id"]: x for x in figures["lines"]}
    lines = [
        {
            **line,
            "budget": actual[line["id"]]["budget"],
            "actual": actual[line["id"]]["actual"],
            "left": Decimal(line["approved_amount"] or line["amount"]) - Decimal(line["committed"]),
        }
        for line in view["lines"]
    ]
    sources: dict[int, Mapping[str, Any]] = {
        s["id"]: s for s in service.list_sources(session, estate.id)
    }
    links = disbursements.list_disbursements(session, project_id)
    line_names = {x["id"]: x["description"] for x in view["lines"]}
    paid_out = []
    for link in links:
        shown = disbursements.disbursement_view(session, link)
        claim = shown["claim"]
        paid_out.append(
            {
                "claim": claim,
                "line": line_names.get(link.budget_line_id, "—"),
                "status_name": CLAIM_STATUS_NAMES.get(claim["status"], claim["status"]),
            }
        )
    balance = fund_balances(session, estate.id).get(view["fund"], Decimal("0.00"))
    today = today_in(estate).isoformat()
    restricted = [
        g for g in service.list_gifts(session, estate.id) if g["project_id"] == project_id
    ]
    other_funds = [("autonomy", "自治基金（非限定用途）")] + [
        (p["fund"], f"项目：{p['title']}")
        for p in projects_of(session, estate)
        if p["id"] != project_id and p["status"] in ACTIVE
    ]
    request_id = view["approval"]["request_id"] if view["approval"] else None
    pending_approval = bool(view["approval"]) and view["approval"]["status"] == "pending"
    view["history"] = [{**h, "reason": zh.rule_label(h["reason"] or "")} for h in view["history"]]
    return page(
        request,
        "staff/autonomy_project.html",
        status=status,
        rule_zh=zh.rule_label,
        estate=estate,
        p=view,
        lines=lines,
        figures=figures,
        plan=[
            {
                "source": sources.get(x["source_id"], {}).get("donor_name", "—"),
                "kind": sources.get(x["source_id"], {}).get("kind_name", ""),
                "amount": x["amount"],
            }
            for x in view["plan"]
        ],
        paid_out=paid_out,
        balance=balance,
        errors=errors or {},
        done=done,
        active=view["status"] in ACTIVE,
        disburse=disburse or DisburseForm(key=new_key(), work_date=today, payee="", item=""),
        budget=budget or BudgetForm(),
        settle=settle or SettleForm(settled_on=today),
        transfer=transfer or TransferForm(moved_on=today),
        restricted=restricted,
        other_funds=other_funds,
        request_id=request_id,
        pending_approval=pending_approval,
        can_record=may(request, Action.RECORD, estate),
        can_approve=may(request, Action.APPROVE, estate),
        revision_names=REVISION_NAMES,
    )
