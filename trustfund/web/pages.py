"""Public web pages for residents (no sign-in, Chinese, phone-first)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.db.models.estates import Estate


class PublicPagesController(Controller):
    include_in_schema = False

    @get("/", opt=public(), sync_to_thread=True)
    def home(self, db_session: NamedDependency[Session]) -> Template:
        estates = db_session.scalars(select(Estate).order_by(Estate.slug)).all()
        context: dict[str, Any] = {"estates": estates}
        return Template("home.html", context=context)


CONTROLLERS: list[Any] = [PublicPagesController]
