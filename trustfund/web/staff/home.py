"""The staff home: the signed-in person's estates, roles and what they can do there."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.api.access import signed_in
from trustfund.auth.principal import ROLE_ACTIONS, Action, Role
from trustfund.estates import service
from trustfund.fees.setup import setup_progress
from trustfund.settlements.claims import claims_to_pay
from trustfund.web.staff.common import page, principal_of
from trustfund.web.staff.schedules import waiting_schedules


def has_route(request: Request[Any, Any, Any], path: str) -> bool:
    """Whether the app serves ``path`` (pages of packages still being built appear when
    their routes exist)."""
    return any(route.path == path for route in request.app.routes)


#: The page where the steward proposes opening balances and the committee approves them.
OPENING_PAGE = "/staff/{estate_slug:str}/books"


class StaffHomeController(Controller):
    include_in_schema = False

    @get("/staff", opt=signed_in(), sync_to_thread=True)
    def home(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> Template:
        principal = principal_of(request)
        estates = []
        for estate in service.estates_of(db_session, principal):
            actions: set[Action] = set()
            for role in estate.roles:
                actions |= ROLE_ACTIONS[Role(role)]
            setup = (
                setup_progress(db_session, service.get_estate(db_session, estate.slug))
                if Action.READ in actions
                else None
            )
            row = service.get_estate(db_session, estate.slug)
            buildings = service.list_buildings(db_session, row) if Action.READ in actions else []
            pending = (
                len(approvals.inbox(db_session, row.id, principal))
                + len(waiting_schedules(db_session, row.id, principal.user_id))
                if Action.APPROVE in actions
                else None
            )
            to_pay = claims_to_pay(db_session, row.id) if Action.RECORD in actions else None
            estates.append(
                {
                    "estate": estate,
                    "actions": {a.value for a in actions},
                    "setup": setup,
                    "buildings": buildings,
                    "pending": pending,
                    "to_pay": to_pay,
                }
            )
        return page(
            request,
            "staff/home.html",
            estates=estates,
            is_admin=principal.is_admin,
            has_supervisor_page=has_route(request, "/supervisor"),
            has_approvals=has_route(request, "/staff/{estate_slug:str}/approvals"),
            has_claims=has_route(request, "/staff/{estate_slug:str}/claims"),
            has_disclosures=has_route(request, "/staff/{estate_slug:str}/disclosures"),
            has_autonomy=has_route(request, "/staff/{estate_slug:str}/autonomy"),
            opening_page=OPENING_PAGE if has_route(request, OPENING_PAGE) else None,
        )


CONTROLLERS: list[Any] = [StaffHomeController]
