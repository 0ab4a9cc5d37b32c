"""Demo step: settlements (to be filled by the settlements work)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from trustfund.settings import Settings


def run(session: Session, settings: Settings) -> str:
    return "nothing yet"
