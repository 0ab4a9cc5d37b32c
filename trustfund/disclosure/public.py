"""What residents may read without signing in: published snapshots only (never a draft,
never a household's name or phone — statements carry none)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from trustfund.db.models.disclosure import DisclosureSnapshot, DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.disclosure import unlocks
from trustfund.disclosure.render import MAX_DETAIL_LINES
from trustfund.disclosure.schemas import PublishedDocumentOut, PublishedListOut, PublishedOut
from trustfund.disclosure.statements import collector_paused
from trustfund.errors import NotFoundError
from trustfund.messages import Message


class _Headline(msgspec.Struct):
    """The parts of a stored statement the lists and the comparison with the previous period
    read; decoding only these skips the rest of the document (a year of 20,000 expense lines
    is 4.5 MB of JSON)."""

    period: dict[str, Any]
    funds: list[dict[str, Any]]
    funds_total: dict[str, Any]


class _LineTotal(msgspec.Struct):
    """What the page's totals by month and item read of an expense line."""

    date: str
    category: str
    fund_name: str
    amount: str


class _Expenditure(msgspec.Struct):
    count: int
    lines: msgspec.Raw


_HEADLINE = msgspec.json.Decoder(_Headline)
_DOCUMENT = msgspec.json.Decoder(dict[str, Any])
_PARTS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_EXPENDITURE = msgspec.json.Decoder(_Expenditure)
_LINE_TOTALS = msgspec.json.Decoder(list[_LineTotal])
_ANY = msgspec.json.Decoder()
#: The snapshot's large columns, read only by those who use them (``snapshot.html``,
#: ``snapshot.pdf`` load on first access).
_LARGE = (defer(DisclosureSnapshot.html), defer(DisclosureSnapshot.pdf))


@dataclass(frozen=True)
class Published:
    """A published version and its snapshot. The stored statement is decoded once per
    object, on first use (the snapshot never changes); ``headline`` decodes only the period
    and the fund figures."""

    version: DisclosureVersion
    snapshot: DisclosureSnapshot

    @cached_property
    def statement(self) -> dict[str, Any]:
        # msgspec gives the same values as json.loads for a statement (str, int, bool,
        # None, lists, dicts: amounts are strings) in about a third of the time
        return _DOCUMENT.decode(self.snapshot.statement_json)

    @cached_property
    def page_statement(self) -> dict[str, Any]:
        """The statement as the page renders it (``render.context``): whole, except that
        beyond ``render.MAX_DETAIL_LINES`` expense lines — shown as totals by month and item
        only — each line keeps just its date, category, fund and amount. A year of 20,000
        lines decodes in a third of the time (the JSON, CSV and XLSX keep every field)."""
        if "statement" in self.__dict__:
            return self.statement
        with collector_paused():  # 20,000 lines' objects would trigger full collections
            return self._page_statement()

    def _page_statement(self) -> dict[str, Any]:
        parts = _PARTS.decode(self.snapshot.statement_json)
        out: dict[str, Any] = {k: _ANY.decode(v) for k, v in parts.items() if k != "expenditure"}
        head = _EXPENDITURE.decode(parts["expenditure"])
        if head.count <= MAX_DETAIL_LINES:
            expenditure: dict[str, Any] = _DOCUMENT.decode(parts["expenditure"])
        else:
            expenditure = {
                k: _ANY.decode(v)
                for k, v in _PARTS.decode(parts["expenditure"]).items()
                if k != "lines"
            }
            expenditure["lines"] = [
                {
                    "date": x.date,
                    "category": x.category,
                    "fund_name": x.fund_name,
                    "amount": x.amount,
                }
                for x in _LINE_TOTALS.decode(head.lines)
            ]
        out["expenditure"] = expenditure
        return out

    @cached_property
    def headline(self) -> dict[str, Any]:
        """``period``, ``funds`` and ``funds_total`` of the statement."""
        if "statement" in self.__dict__:
            data = self.statement
            return {k: data[k] for k in ("period", "funds", "funds_total")}
        part = _HEADLINE.decode(self.snapshot.statement_json)
        return {"period": part.period, "funds": part.funds, "funds_total": part.funds_total}

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
        # the statements too: a list reads a few of them, each on first use
        .options(*_LARGE, defer(DisclosureSnapshot.statement_json))
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
        "title": item.headline["period"]["title"],
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
        .options(*_LARGE)
    ).first()
    if row is None:
        raise NotFoundError(Message("disclosure.no_published", version_id=version_id, slug=slug))
    return Published(row[0], row[1])


def published_document(session: Session, slug: str, version_id: int) -> PublishedDocumentOut:
    item = get_published(session, slug, version_id)
    sup = superseded_by(published_versions(session, estate_by_slug(session, slug)))
    return {**summary(item, sup), "statement": item.statement, "publication": item.publication}
