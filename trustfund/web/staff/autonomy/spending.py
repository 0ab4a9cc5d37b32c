"""Spending of an approved project: a payment charged to one budget line (a claim on the
project's sub-fund, submitted for approval; beyond the line's approved amount it is
refused), and budget revisions the council approves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.grants import service
from trustfund.grants.disbursements import BudgetExceededError
from trustfund.grants.schemas import BudgetRevisionIn, DisbursementIn, RevisionLineIn
from trustfund.ledger.money import format_money, parse_money
from trustfund.messages import Message
from trustfund.settlements.schemas import ClaimLineIn
from trustfund.web.staff import zh
from trustfund.web.staff.autonomy.forms import BASE, BudgetForm, DisburseForm, at
from trustfund.web.staff.autonomy.page import back_to, project_page
from trustfund.web.staff.common import principal_of
from trustfund.web.staff.forms import StaffForm, as_id

#: The payment's one claim line is shown as the form's own fields.
DISBURSE_ALIASES = {
    "lines[0].description": "item",
    "lines[0].quantity": "quantity",
    "lines[0].unit": "unit",
    "lines[0].unit_price": "unit_price",
    "lines": "item",
}


def budget_message(exc: BudgetExceededError) -> str:
    """Beyond the line's approved amount, in the steward's words: approved, taken, asked."""
    extra = exc.extra
    if "approved" not in extra:
        return zh.say(Message("web.budget_line_unapproved"))
    approved = Decimal(str(extra["approved"]))
    taken = Decimal(str(extra["committed"]))
    asked = Decimal(str(extra["requested"]))
    return zh.say(
        Message(
            "web.budget_exceeded",
            approved=format_money(approved),
            taken=format_money(taken),
            asked=format_money(asked),
            over=format_money(taken + asked - approved),
        )
    )


class AutonomySpendingController(Controller):
    include_in_schema = False
    path = BASE

    @estate_route(
        post,
        "/projects/{project_id:int}/disburse",
        Action.RECORD,
        audit_action="web.disburse",
        status_code=HTTP_303_SEE_OTHER,
    )
    def disburse(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[DisburseForm],
    ) -> Response[Any]:
        """A payment of the project: a claim on its sub-fund charged to one budget line,
        submitted for approval. Beyond the line's approved amount it is refused."""
        service.show_project(db_session, estate.id, project_id)
        form = StaffForm(DisburseForm.model_fields, DISBURSE_ALIASES)
        work_date = form.required_day(data.work_date, "work_date")
        line_id = form.choice(
            data.budget_line_id, "budget_line_id", Message("web.choose_budget_line")
        )

        def again(form: StaffForm) -> Response[Any]:
            if isinstance(form.error, BudgetExceededError):
                form.errors = {"budget_line_id": budget_message(form.error)}
            return project_page(
                request,
                db_session,
                estate,
                project_id,
                errors=form.errors,
                disburse=data,
                status=422,
            )

        return form.handle(
            db_session,
            lambda: service.disburse(
                db_session,
                estate.id,
                project_id,
                DisbursementIn(
                    budget_line_id=line_id,  # type: ignore[arg-type]  # refused when None
                    payee=data.payee,
                    description=data.description,
                    work_date=work_date,  # type: ignore[arg-type]  # refused when None
                    lines=[
                        ClaimLineIn(
                            description=data.item or data.description or None,
                            quantity=data.quantity,
                            unit=data.unit or None,
                            unit_price=data.unit_price,
                        )
                    ],
                ),
                principal_of(request).user_id,
                f"web:{data.key}" if data.key else None,
            )[0],
            done=lambda result: back_to(estate, project_id, f"claim-{result['claim']['id']}"),
            again=again,
        )

    @estate_route(
        post,
        "/projects/{project_id:int}/budget",
        Action.RECORD,
        audit_action="web.propose_budget",
        status_code=HTTP_303_SEE_OTHER,
    )
    def propose_budget(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[BudgetForm],
    ) -> Response[Any]:
        """Ask the council to approve new amounts for lines (and perhaps a new line)."""
        view = service.show_project(db_session, estate.id, project_id)
        current = {
            line["id"]: Decimal(line["approved_amount"] or line["amount"]) for line in view["lines"]
        }
        changes: list[RevisionLineIn] = []
        aliases: dict[str, str] = {}  # the service's lines[i].x → the form's field of row i
        for i, raw_id in enumerate(data.line_id):
            amount = at(data.amount, i).strip()
            line_id = as_id(raw_id)
            if line_id is None or line_id not in current:
                continue
            try:
                changed = parse_money(amount) != current[line_id]
            except ValueError:
                changed = True  # the service names what is wrong with it
            if changed:
                row = f"lines[{len(changes)}]"
                aliases.update(
                    {f"{row}.{x}": f"amount-{line_id}" for x in RevisionLineIn.model_fields}
                )
                changes.append(RevisionLineIn(line_id=line_id, amount=amount))
        if data.new_description.strip() or data.new_amount.strip():
            row = f"lines[{len(changes)}]"
            aliases.update({f"{row}.{x}": "new_description" for x in RevisionLineIn.model_fields})
            aliases[f"{row}.amount"] = "new_amount"
            changes.append(RevisionLineIn(description=data.new_description, amount=data.new_amount))
        form = StaffForm({*BudgetForm.model_fields, *aliases.values()}, aliases)
        if not changes:
            form.refuse("_form", Message("web.budget_no_change"))
        return form.handle(
            db_session,
            lambda: service.propose_budget(
                db_session,
                estate.id,
                project_id,
                BudgetRevisionIn(reason=data.reason, lines=changes),
                principal_of(request).user_id,
            ),
            done=back_to(estate, project_id, "budget"),
            again=lambda f: project_page(
                request, db_session, estate, project_id, errors=f.errors, budget=data, status=422
            ),
        )


CONTROLLERS: list[Any] = [AutonomySpendingController]
