"""What anyone may read without signing in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.errors import NotFoundError
from trustfund.journal.mirror import export_text
from trustfund.messages import Message


def public_ledger_text(session: Session, estate_slug: str) -> str:
    """The estate's exported journal. Raises ``NotFoundError``."""
    estate = session.scalar(select(Estate).where(Estate.slug == estate_slug))
    if estate is None:
        raise NotFoundError(Message("estates.no_estate", slug=estate_slug))
    return export_text(session, estate.id)
