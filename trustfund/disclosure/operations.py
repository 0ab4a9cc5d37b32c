"""Entry points of the staff API and the CLI: one unit of work each, committed here."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.principal import Principal
from trustfund.db.models.disclosure import DisclosureVersion
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import LedgerHead
from trustfund.db.session import command, unit_of_work
from trustfund.disclosure import publication, schemas
from trustfund.disclosure.periods import parse_period
from trustfund.disclosure.signoff import ROLE_ZH, SUBJECT_KIND
from trustfund.disclosure.statements import build_statement, figures_hash
from trustfund.settings import Settings


def version_schema(session: Session, version: DisclosureVersion) -> schemas.Version:
    request = approvals.current_request(session, SUBJECT_KIND, version.id)
    decisions = []
    if request is not None:
        for d in request.decisions:
            decisions.append(
                {
                    "role": ROLE_ZH.get(str(d.role), str(d.role)),
                    "decision": str(
                        d.decision.value if hasattr(d.decision, "value") else d.decision
                    ),
                    "reason": d.reason,
                    "decided_at": d.decided_at.isoformat(),
                }
            )
    snap = version.snapshot
    published = None
    if snap is not None:
        published = {
            "published_at": snap.published_at.isoformat(),
            "ledger_seq": snap.ledger_seq,
            "ledger_hash": snap.ledger_hash,
            "json_sha256": snap.json_sha256,
            "html_sha256": snap.html_sha256,
            "pdf_sha256": snap.pdf_sha256,
        }
    status = getattr(request, "status", None)
    return schemas.Version(
        id=version.id,
        period=version.period,
        start=version.start,
        end=version.end,
        number=version.number,
        status=version.status.value,
        note=version.note,
        supersedes_id=version.supersedes_id,
        correction_reason=version.correction_reason,
        figures_sha256=version.figures_sha256,
        submitted_at=version.submitted_at,
        approval_status=None if status is None else str(getattr(status, "value", status)),
        approvals=decisions,
        published=published,
    )


def draft(session: Session, estate: Estate, period: str) -> schemas.Draft:
    parsed = parse_period(period)
    statement = build_statement(session, estate, parsed)
    head = session.get(LedgerHead, estate.id)
    return schemas.Draft(
        period=parsed.as_dict(),
        figures_sha256=figures_hash(statement),
        ledger_seq=head.last_seq if head else 0,
        ledger_hash=head.last_hash if head else "",
        statement=statement,
    )


def list_versions(session: Session, estate: Estate) -> list[schemas.Version]:
    return [version_schema(session, v) for v in publication.list_versions(session, estate)]


def get_version(session: Session, estate: Estate, version_id: int) -> schemas.Version:
    return version_schema(session, publication.get_version(session, estate, version_id))


@command
def submit(
    session: Session, estate: Estate, data: schemas.DisclosureCreate, user_id: int
) -> schemas.Version:
    version = publication.submit(
        session,
        estate,
        period=data.period,
        submitted_by=user_id,
        note=data.note,
        supersedes_id=data.supersedes_id,
        correction_reason=data.correction_reason,
    )
    result = version_schema(session, version)
    return result


@command
def resubmit(session: Session, estate: Estate, version_id: int, user_id: int) -> schemas.Version:
    version = publication.resubmit(session, estate, version_id, submitted_by=user_id)
    result = version_schema(session, version)
    return result


def decide(
    session: Session,
    estate: Estate,
    version_id: int,
    data: schemas.DecisionIn,
    principal: Principal,
) -> schemas.Version:
    """Commits even when the decision call voids the request (a changed figure), so that the
    void is recorded; the ``ContentChangedError`` (409) is raised afterwards."""
    with unit_of_work(session, keep=(approvals.ContentChangedError,)):
        publication.decide(
            session,
            estate,
            version_id,
            principal=principal,
            decision=data.decision,
            reason=data.reason,
        )
        return version_schema(session, publication.get_version(session, estate, version_id))


@command
def publish(
    session: Session, settings: Settings, estate: Estate, version_id: int, user_id: int
) -> schemas.Version:
    snapshot = publication.publish(session, settings, estate, version_id, published_by=user_id)
    result = version_schema(session, snapshot.version)
    return result


def publication_facts(raw: str) -> dict[str, Any]:
    facts: dict[str, Any] = json.loads(raw)
    return facts
