"""Project applications (申请) for the council: the form with its budget lines and the
funding plan, saved as a draft or submitted at once; an application not yet approved is
corrected in the same form. And each project's page, with its submission."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.grants import service
from trustfund.grants.schemas import BudgetLineIn, PlanItemIn, ProjectIn
from trustfund.messages import Message
from trustfund.web.staff.autonomy.forms import BASE, ProjectForm
from trustfund.web.staff.autonomy.page import back_to, project_page
from trustfund.web.staff.common import page, principal_of
from trustfund.web.staff.forms import StaffForm, as_id, see_other


def _submitted(
    request: Request[Any, Any, Any], db_session: Session, estate: Estate, project_id: int
) -> Response[Any]:
    """Submit a saved application for the council's decision; refused, its page says why."""
    form = StaffForm(())
    return form.handle(
        db_session,
        lambda: service.submit_project(
            db_session, estate.id, project_id, principal_of(request).user_id
        ),
        done=back_to(estate, project_id, "submitted"),
        again=lambda f: project_page(
            request, db_session, estate, project_id, errors=f.errors, status=f.status
        ),
    )


class AutonomyProjectsController(Controller):
    include_in_schema = False
    path = BASE

    def _project_form(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        estate: Estate,
        form: ProjectForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
        project_id: int | None = None,
    ) -> Template:
        sources = service.list_sources(session, estate.id)
        return page(
            request,
            "staff/autonomy_project_form.html",
            status=status,
            estate=estate,
            project_id=project_id,
            action=f"/staff/{estate.slug}/autonomy/projects"
            + (f"/{project_id}/edit" if project_id else ""),
            form=form,
            lines=form.lines(),
            plan=form.plan(),
            sources=[("", "（不填）")]
            + [(str(s["id"]), f"{s['kind_name']} · {s['donor_name']}") for s in sources],
            errors=errors or {},
        )

    @estate_route(get, "/projects/new", Action.RECORD)
    def new_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
    ) -> Template:
        form = ProjectForm(applied_on=today_in(estate).isoformat())
        return self._project_form(request, db_session, estate, form)

    @estate_route(
        post,
        "/projects",
        Action.RECORD,
        audit_action="web.create_project",
        status_code=HTTP_303_SEE_OTHER,
    )
    def create_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: URLEncodedBody[ProjectForm],
    ) -> Response[Any]:
        """Save the application (its sub-fund is opened) and, when asked, submit it to the
        council at once."""
        return self._save(request, db_session, estate, data, None)

    @estate_route(get, "/projects/{project_id:int}/edit", Action.RECORD)
    def edit_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
    ) -> Template:
        """An application not yet approved, in its form again (a rejected one is corrected
        here and submitted anew)."""
        view = service.show_project(db_session, estate.id, project_id)
        form = ProjectForm(
            code=view["code"],
            title=view["title"],
            purpose=view["purpose"],
            applicant=view["applicant"],
            applied_on=view["applied_on"],
            line_description=[x["description"] for x in view["lines"]],
            line_amount=[x["amount"] for x in view["lines"]],
            plan_source=[str(x["source_id"]) for x in view["plan"]],
            plan_amount=[x["amount"] for x in view["plan"]],
        )
        return self._project_form(request, db_session, estate, form, project_id=project_id)

    @estate_route(
        post,
        "/projects/{project_id:int}/edit",
        Action.RECORD,
        audit_action="web.update_project",
        status_code=HTTP_303_SEE_OTHER,
    )
    def update_project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        data: URLEncodedBody[ProjectForm],
    ) -> Response[Any]:
        """Save the changes: a pending decision becomes void and the application is a draft
        again (submitted anew when asked)."""
        view = service.show_project(db_session, estate.id, project_id)  # 404 first
        data.code = view["code"]
        return self._save(request, db_session, estate, data, project_id)

    def _save(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        estate: Estate,
        data: ProjectForm,
        project_id: int | None,
    ) -> Response[Any]:
        rows = data.lines()
        sent = [i for i, r in enumerate(rows) if r["description"].strip() or r["amount"].strip()]
        plan_rows = data.plan()
        plan_sent = [
            i for i, x in enumerate(plan_rows) if x["source_id"].strip() or x["amount"].strip()
        ]
        form = StaffForm(
            {*ProjectForm.model_fields, "lines"}, rows={"lines": sent, "plan": plan_sent}
        )
        applied_on = form.required_day(data.applied_on, "applied_on")
        if not sent:
            form.refuse("lines", Message("web.budget_line_required"))
        plan: list[PlanItemIn] = []
        for i in plan_sent:
            item = plan_rows[i]
            source_id = as_id(item["source_id"])
            if source_id is None:
                form.refuse(f"plan[{i}].source_id", Message("web.choose_source"))
            else:
                plan.append(PlanItemIn(source_id=source_id, amount=item["amount"]))
        actor = principal_of(request).user_id

        def save() -> int:
            body = ProjectIn(
                code=data.code.strip().upper(),
                title=data.title,
                purpose=data.purpose,
                applicant=data.applicant,
                applied_on=applied_on,  # type: ignore[arg-type]  # refused when None
                lines=[
                    BudgetLineIn(description=rows[i]["description"], amount=rows[i]["amount"])
                    for i in sent
                ],
                plan=plan,
            )
            if project_id is None:
                return service.create_project(db_session, estate.id, body, actor)["id"]
            return service.update_project(db_session, estate.id, project_id, body, actor)["id"]

        saved = form.submit(db_session, save)
        if saved is None:
            return self._project_form(
                request, db_session, estate, data, form.errors, form.status, project_id=project_id
            )
        if data.action == "submit":
            return _submitted(request, db_session, estate, saved)
        return see_other(back_to(estate, saved, "created" if project_id is None else "edited"))

    # --- one project ----------------------------------------------------------------

    @estate_route(get, "/projects/{project_id:int}", Action.READ)
    def project(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
        done: FromQuery[str | None] = None,
    ) -> Template:
        """Budget against actual per line, status history, disbursements and what may be
        done next."""
        return project_page(request, db_session, estate, project_id, done=done)

    @estate_route(
        post,
        "/projects/{project_id:int}/submit",
        Action.RECORD,
        audit_action="web.submit_project",
        status_code=HTTP_303_SEE_OTHER,
    )
    def submit(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        project_id: FromPath[int],
    ) -> Response[Any]:
        """Submit a draft (or rejected) application for the council's decision."""
        service.show_project(db_session, estate.id, project_id)  # 404 before anything else
        return _submitted(request, db_session, estate, project_id)


CONTROLLERS: list[Any] = [AutonomyProjectsController]
