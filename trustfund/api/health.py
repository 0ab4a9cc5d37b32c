"""``GET /health``: the process is up and the database answers."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.orm import Session

from trustfund.api.access import public


class HealthController(Controller):
    tags = ["health"]

    @get("/health", opt=public(), sync_to_thread=True, summary="Liveness and database check")
    def health(self, db_session: NamedDependency[Session]) -> dict[str, str]:
        db_session.execute(text("SELECT 1"))
        return {"status": "ok", "database": db_session.get_bind().dialect.name}
