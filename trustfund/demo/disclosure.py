"""Demo step (runs last): the disclosures of youhe (游河小区).

Publishes 2026Q1 and 2026Q2 (submitted by ``steward``, approved by ``committee1`` — the
estate's rule for disclosures asks for one committee member; ``committee2`` approves as
well when the rule asks for more), then a correction (version 2) of 2026Q1 that supersedes
version 1 and says why, so both versions stay visible. Q3 and Q4 stay open: later demo
steps may still post into them.

Safe to run twice: a period that already has what this step would publish is left alone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.db.models.disclosure import DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.demo.common import principal_of, user_id
from trustfund.disclosure import publication
from trustfund.disclosure.signoff import SUBJECT_KIND
from trustfund.settings import Settings

PERIODS = ("2026Q1", "2026Q2")
CORRECTION = (
    "2026Q1",
    "补充说明：第一版未写明期初余额来源，现注明期初余额为2025年底移交的结余，数字无变化。",
)
APPROVERS = ("committee1", "committee2")


def _versions(session: Session, estate: Estate, period: str) -> list[DisclosureVersion]:
    return list(
        session.scalars(
            select(DisclosureVersion)
            .where(DisclosureVersion.estate_id == estate.id, DisclosureVersion.period == period)
            .order_by(DisclosureVersion.number)
        )
    )


def _approve_and_publish(
    session: Session, settings: Settings, estate: Estate, version: DisclosureVersion
) -> None:
    steward = user_id(session, "steward")
    for username in APPROVERS:
        request = approvals.current_request(session, SUBJECT_KIND, version.id)
        if request is None or request.status != approvals.RequestStatus.PENDING:
            break
        principal = principal_of(session, user_id(session, username))
        publication.decide(
            session, estate, version.id, principal=principal, decision="approve", reason=None
        )
    publication.publish(session, settings, estate, version.id, published_by=steward)


def run(session: Session, settings: Settings) -> str:
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    if estate is None:
        return "no estate youhe: skipped"
    steward = user_id(session, "steward")
    done: list[str] = []
    for period in PERIODS:
        versions = _versions(session, estate, period)
        if any(v.status == VersionStatus.PUBLISHED for v in versions):
            continue
        version = versions[-1] if versions else None
        if version is None:
            version = publication.submit(
                session, estate, period=period, submitted_by=steward, note="按季度公示"
            )
        else:
            publication.resubmit(session, estate, version.id, submitted_by=steward)
        _approve_and_publish(session, settings, estate, version)
        done.append(f"{period} v{version.number} (id {version.id})")
    period, reason = CORRECTION
    versions = _versions(session, estate, period)
    if len(versions) < 2:
        first = versions[0]
        correction = publication.submit(
            session,
            estate,
            period=period,
            submitted_by=steward,
            note="更正版",
            supersedes_id=first.id,
            correction_reason=reason,
        )
        _approve_and_publish(session, settings, estate, correction)
        done.append(f"{period} v{correction.number} (id {correction.id}, supersedes {first.id})")
    if not done:
        return "disclosures of youhe already published (2026Q1 v1+v2, 2026Q2)"
    return f"published {', '.join(done)}; see /e/youhe"
