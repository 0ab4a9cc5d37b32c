"""Demo step: autonomy fund (to be filled by the grants work)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from trustfund.settings import Settings


def run(session: Session, settings: Settings) -> str:
    return "nothing yet"
