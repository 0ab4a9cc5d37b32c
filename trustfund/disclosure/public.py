"""What residents may read without signing in: published snapshots only (never a draft,
never a household's name or phone — statements carry none)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.disclosure import DisclosureSnapshot, DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.disclosure import unlocks
from trustfund.disclosure.schemas import PublishedDocumentOut, PublishedListOut, PublishedOut
from trustfund.errors import NotFoundError
from trustfund.messages import Message


@dataclass(frozen=True)
class Published:
    version: DisclosureVersion
    snapshot: DisclosureSnapshot

    @property
    def statement(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.snapshot.statement_json)
        return data

    @property
    def publication(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.snapshot.publication_json)
        return data


def estate_by_slug(session: Session, slug: str) -> Estate:
    estate = session.scalar(select(Estate).where(Estate.slug == slug))
    if estate is None:
        raise NotFoundError(Message("estates.no_estate", slug=slug))
    return estate


def published_versions(session: Session, estate: Estate) -> list[Published]:
    """Every published version, newest period first; corrections next to what they replace."""
    rows = session.execute(
        select(DisclosureVersion, DisclosureSnapshot)
        .join(DisclosureSnapshot, DisclosureSnapshot.version_id == DisclosureVersion.id)
        .where(
            DisclosureVersion.estate_id == estate.id,
            DisclosureVersion.status == VersionStatus.PUBLISHED,
        )
        .order_by(
            DisclosureVersion.end.desc(),
            DisclosureVersion.start,
            DisclosureVersion.period,
            DisclosureVersion.number.desc(),
        )
    ).all()
    return [Published(v, s) for v, s in rows]


def superseded_by(items: list[Published]) -> dict[int, int]:
    return {
        p.version.supersedes_id: p.version.id for p in items if p.version.supersedes_id is not None
    }


def previous_of(items: list[Published], item: Published) -> Published | None:
    """The disclosure of the period just before ``item``'s (the newest one ending before it
    starts, corrections replacing what they correct), for comparison; None for the first."""
    replaced = set(superseded_by(items))
    earlier = [
        p for p in items if p.version.end < item.version.start and p.version.id not in replaced
    ]
    return max(earlier, key=lambda p: (p.version.end, p.version.start), default=None)


def latest(session: Session, estate: Estate) -> Published | None:
    """The newest published disclosure that no correction replaced."""
    items = published_versions(session, estate)
    replaced = set(superseded_by(items))
    return next((p for p in items if p.version.id not in replaced), None)


def summary(item: Published, superseded: dict[int, int]) -> PublishedOut:
    v, s = item.version, item.snapshot
    return {
        "version_id": v.id,
        "period": v.period,
        "start": v.start.isoformat(),
        "end": v.end.isoformat(),
        "title": item.statement["period"]["title"],
        "number": v.number,
        "supersedes_id": v.supersedes_id,
        "superseded_by_id": superseded.get(v.id),
        "correction_reason": v.correction_reason,
        "published_at": s.published_at.isoformat(),
        "ledger_seq": s.ledger_seq,
        "ledger_hash": s.ledger_hash,
        "json_sha256": s.json_sha256,
        "html_sha256": s.html_sha256,
        "pdf_sha256": s.pdf_sha256,
    }


def list_published(session: Session, slug: str) -> PublishedListOut:
    """Raises ``NotFoundError``."""
    estate = estate_by_slug(session, slug)
    items = published_versions(session, estate)
    sup = superseded_by(items)
    return {
        "estate": {"slug": estate.slug, "name": estate.name, "community": estate.community},
        "disclosures": [summary(p, sup) for p in items],
        "lifted_locks": unlocks.public_lifts(session, estate),
    }


def get_published(session: Session, slug: str, version_id: int) -> Published:
    """A published version of the estate. Raises ``NotFoundError`` (also for drafts and
    other estates' versions)."""
    estate = estate_by_slug(session, slug)
    row = session.execute(
        select(DisclosureVersion, DisclosureSnapshot)
        .join(DisclosureSnapshot, DisclosureSnapshot.version_id == DisclosureVersion.id)
        .where(
            DisclosureVersion.id == version_id,
            DisclosureVersion.estate_id == estate.id,
            DisclosureVersion.status == VersionStatus.PUBLISHED,
        )
    ).first()
    if row is None:
        raise NotFoundError(Message("disclosure.no_published", version_id=version_id, slug=slug))
    return Published(row[0], row[1])


def published_document(session: Session, slug: str, version_id: int) -> PublishedDocumentOut:
    item = get_published(session, slug, version_id)
    sup = superseded_by(published_versions(session, estate_by_slug(session, slug)))
    return {**summary(item, sup), "statement": item.statement, "publication": item.publication}
