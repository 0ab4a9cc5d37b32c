"""Alerts for the committee and the supervisor (``trustfund.oversight``): read and
acknowledged by those who oversee (Action.AUDIT: committee, council, supervisor — not the
steward overseen); thresholds set by an administrator."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post, put
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.auth.principal import Action
from trustfund.oversight import alerts, service
from trustfund.oversight.schemas import AlertsOut


class AcknowledgeIn(BaseModel):
    key: str = Field(max_length=200, description="the alert's `key`")
    note: str = Field(max_length=500, description="what was checked or done (required)")


class ThresholdsIn(BaseModel):
    thresholds: dict[str, str] = Field(
        description="`{name: number}`; names: " + ", ".join(alerts.DEFAULTS)
    )


class AlertsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/alerts"
    tags = ["alerts"]

    @estate_route(
        get,
        "/",
        Action.AUDIT,
        summary="Alerts: what the committee and the supervisor should look at",
        description=(alerts.__doc__ or "").split("\n\n", 1)[-1]
        + "\nEach alert links to the lines behind it; `acknowledged` says who acknowledged "
        "it, when and why.",
    )
    def list_alerts(self, ctx: Ctx) -> AlertsOut:
        return service.list_alerts(ctx.session, ctx.estate)

    @estate_route(
        post,
        "/acknowledge",
        Action.AUDIT,
        summary="Acknowledge an alert with a note",
        description="422 without a note; 404 for an alert that does not fire now; 409 when "
        "acknowledged already. The acknowledgement is kept (never changed).",
    )
    def acknowledge(self, ctx: Ctx, data: JSONBody[AcknowledgeIn]) -> AlertsOut:
        return service.acknowledge(
            ctx.session, ctx.estate, data.key, data.note, actor_user_id=ctx.user_id
        )

    @estate_route(
        put, "/thresholds", Action.ADMINISTER, summary="Set the estate's alert thresholds"
    )
    def thresholds(self, ctx: Ctx, data: JSONBody[ThresholdsIn]) -> dict[str, str]:
        return service.save_settings(
            ctx.session, ctx.estate, data.thresholds, actor_user_id=ctx.user_id
        )


CONTROLLERS: list[Any] = [AlertsController]
