"""Dependencies every controller may ask for by name."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy.orm import Session

from trustfund.api.access import provide_estate
from trustfund.api.common import provide_ctx
from trustfund.settings import Settings


def provide_db_session(state: State) -> Generator[Session, None, None]:
    """A session per request. Services commit their own unit of work; whatever was not
    committed when the handler ends (an error) is rolled back here."""
    session: Session = state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


DEPENDENCIES: dict[str, Any] = {
    "db_session": Provide(provide_db_session),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "estate": Provide(provide_estate, sync_to_thread=True),
    "ctx": Provide(provide_ctx, sync_to_thread=False),
}
