"""The publication workflow of a disclosure version::

    draft (live figures, any period)
      → submitted by the steward (a version row + an approval request bound to the figures)
      → approved by the committee (``trustfund.approvals``; the submitter cannot approve)
      → published by the steward (refused unless the approval holds for the figures as they
        are now): one write-once snapshot — statement JSON, HTML, PDF and the sha256 of each,
        the ledger head hash and sequence number — and the period is locked.

A correction is a new version of the same period that names the published version it
supersedes and why; it goes through the same steps and both stay visible. Building blocks
flush only; the API/CLI entry points in ``operations`` commit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.principal import Principal
from trustfund.db.models.auth import User
from trustfund.db.models.disclosure import DisclosureSnapshot, DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import LedgerHead
from trustfund.disclosure import names, render
from trustfund.disclosure.periods import Period, parse_period
from trustfund.disclosure.signoff import ROLE_ZH, SUBJECT_KIND, amount_of, content_of
from trustfund.disclosure.statements import build_statement, canonical_json, figures_hash
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError
from trustfund.estates.service import today_in
from trustfund.journal import periods
from trustfund.ledger.entries import text_problem
from trustfund.messages import Message
from trustfund.settings import Settings


def _zone_date(estate: Estate, when: datetime) -> str:
    from zoneinfo import ZoneInfo

    return when.astimezone(ZoneInfo(estate.timezone)).date().isoformat()


def get_version(session: Session, estate: Estate, version_id: int) -> DisclosureVersion:
    """Raises ``NotFoundError`` (also for another estate's version)."""
    version = session.get(DisclosureVersion, version_id)
    if version is None or version.estate_id != estate.id:
        raise NotFoundError(Message("disclosure.no_version_here", version_id=version_id))
    return version


def list_versions(session: Session, estate: Estate) -> list[DisclosureVersion]:
    return list(
        session.scalars(
            select(DisclosureVersion)
            .where(DisclosureVersion.estate_id == estate.id)
            .order_by(DisclosureVersion.start, DisclosureVersion.period, DisclosureVersion.number)
        )
    )


def not_ended(estate: Estate, period: Period) -> Message | None:
    """Why ``period`` cannot be disclosed yet (None once its last day is before today in
    the estate's time zone)."""
    today = today_in(estate)
    if period.end < today:
        return None
    return Message(
        "disclosure.period_not_ended",
        label=period.label,
        end=period.end,
        today=today,
        timezone=estate.timezone,
    )


def period_of(version: DisclosureVersion) -> Period:
    return Period(version.period, version.period_kind, version.start, version.end)


def _check_text(value: str | None, field: str, problems: list[FieldError]) -> None:
    if value is not None and (why := text_problem(value)):
        problems.append(FieldError(field, why))


def _published_for(session: Session, estate: Estate, label: str) -> list[DisclosureVersion]:
    return list(
        session.scalars(
            select(DisclosureVersion)
            .where(
                DisclosureVersion.estate_id == estate.id,
                DisclosureVersion.period == label,
                DisclosureVersion.status == VersionStatus.PUBLISHED,
            )
            .order_by(DisclosureVersion.number)
        )
    )


def _request_approval(
    session: Session, estate: Estate, version: DisclosureVersion, submitted_by: int
) -> dict[str, Any]:
    statement = build_statement(session, estate, period_of(version))
    digest = figures_hash(statement)
    version.figures_sha256 = digest
    session.flush()
    approvals.submit(
        session,
        estate.id,
        subject_kind=SUBJECT_KIND,
        subject_id=version.id,
        content=content_of(version, statement, digest),
        amount=amount_of(statement),
        submitted_by=submitted_by,
    )
    return statement


def submit(
    session: Session,
    estate: Estate,
    *,
    period: str,
    submitted_by: int,
    note: str = "",
    supersedes_id: int | None = None,
    correction_reason: str | None = None,
) -> DisclosureVersion:
    """Create a version of ``period`` from the live figures and ask for the committee's
    approval. A period that already has a published version takes only a correction
    (``supersedes_id`` = its latest published version, with a reason); a period with a
    version waiting for approval takes no second one (resubmit that one).

    Only a period that has ended can be disclosed: its last day is before today in the
    estate's time zone (publishing locks the period, so the current month or a future
    period would freeze today's postings).

    Raises ``ValidationError`` (bad period, a period not ended yet, texts, missing reason),
    ``NotFoundError`` (superseded version), ``ConflictError``."""
    parsed = parse_period(period)
    if why := not_ended(estate, parsed):
        raise ValidationError.field("period", why)
    problems: list[FieldError] = []
    _check_text(note, "note", problems)
    _check_text(correction_reason, "correction_reason", problems)
    if len(note) > 1000:
        problems.append(FieldError("note", Message("disclosure.reason_too_long")))
    if supersedes_id is not None and not (correction_reason or "").strip():
        problems.append(
            FieldError("correction_reason", Message("disclosure.correction_reason_required"))
        )
    if supersedes_id is None and correction_reason:
        problems.append(FieldError("supersedes_id", Message("disclosure.correction_names_version")))
    if problems:
        raise ValidationError(Message("input.problems", problems=problems), errors=problems)
    waiting = session.scalar(
        select(DisclosureVersion.number).where(
            DisclosureVersion.estate_id == estate.id,
            DisclosureVersion.period == parsed.label,
            DisclosureVersion.status == VersionStatus.SUBMITTED,
        )
    )
    if waiting is not None:
        raise ConflictError(
            Message("disclosure.version_waiting", waiting=waiting, label=parsed.label)
        )
    published = _published_for(session, estate, parsed.label)
    if supersedes_id is None and published:
        raise ConflictError(
            Message(
                "disclosure.published_already", label=parsed.label, number=published[-1].number
            ),
            extra={"supersedes_id": published[-1].id},
        )
    if supersedes_id is not None:
        target = session.get(DisclosureVersion, supersedes_id)
        if target is None or target.estate_id != estate.id:
            raise NotFoundError(
                Message("disclosure.no_superseded_version", supersedes_id=supersedes_id)
            )
        if target.period != parsed.label or target.status != VersionStatus.PUBLISHED:
            raise ValidationError.field(
                "supersedes_id", Message("disclosure.supersedes_unpublished", label=parsed.label)
            )
        if target.id != published[-1].id:
            raise ValidationError.field(
                "supersedes_id",
                Message(
                    "disclosure.superseded_already",
                    number=target.number,
                    number2=published[-1].number,
                    id=published[-1].id,
                ),
            )
    number = (
        session.scalar(
            select(func.max(DisclosureVersion.number)).where(
                DisclosureVersion.estate_id == estate.id,
                DisclosureVersion.period == parsed.label,
            )
        )
        or 0
    ) + 1
    version = DisclosureVersion(
        estate_id=estate.id,
        period=parsed.label,
        period_kind=parsed.kind,
        start=parsed.start,
        end=parsed.end,
        number=number,
        status=VersionStatus.SUBMITTED,
        note=note.strip(),
        supersedes_id=supersedes_id,
        correction_reason=(correction_reason or "").strip() or None,
        figures_sha256="",
        submitted_by=submitted_by,
    )
    session.add(version)
    session.flush()
    _request_approval(session, estate, version, submitted_by)
    return version


def resubmit(
    session: Session, estate: Estate, version_id: int, *, submitted_by: int
) -> DisclosureVersion:
    """Submit a waiting version again with the figures as they are now (after its approval
    was voided by a change, or rejected). Raises ``NotFoundError``, ``ConflictError``."""
    version = get_version(session, estate, version_id)
    if version.status != VersionStatus.SUBMITTED:
        raise ConflictError(
            Message("disclosure.version_frozen", version_id=version.id, value=version.status.value)
        )
    version.submitted_by = submitted_by
    version.submitted_at = datetime.now().astimezone()
    _request_approval(session, estate, version, submitted_by)
    return version


def live_content(session: Session, estate: Estate, version: DisclosureVersion) -> dict[str, Any]:
    statement = build_statement(session, estate, period_of(version))
    return content_of(version, statement, figures_hash(statement))


def decide(
    session: Session,
    estate: Estate,
    version_id: int,
    *,
    principal: Principal,
    decision: str,
    reason: str | None,
) -> Any:
    """Record a committee member's decision on the version's current request, bound to the
    figures as they are now (changed figures void the request: ``ConflictError``).
    Raises ``NotFoundError``, ``ConflictError``, ``PermissionDeniedError``,
    ``ValidationError``."""
    version = get_version(session, estate, version_id)
    if version.status != VersionStatus.SUBMITTED:
        raise ConflictError(
            Message(
                "disclosure.version_state_already",
                version_id=version.id,
                value=version.status.value,
            )
        )
    request = approvals.current_request(session, SUBJECT_KIND, version.id)
    if request is None:
        raise ConflictError(Message("disclosure.version_not_submitted", version_id=version.id))
    try:
        choice = approvals.Decision(decision)
    except ValueError:
        raise ValidationError.field("decision", Message("disclosure.approve_or_reject")) from None
    return approvals.decide(
        session,
        request.id,
        principal=principal,
        decision=choice,
        reason=reason,
        content=live_content(session, estate, version),
    )


def _signatures(
    session: Session, estate: Estate, version: DisclosureVersion, request_id: int
) -> dict[str, Any]:
    submitter = session.get(User, version.submitted_by)
    named = names.shown(session, estate.id)
    return {
        "prepared": {
            "role": ROLE_ZH["steward"],
            "date": _zone_date(estate, version.submitted_at),
            "signed": submitter is not None,
        },
        "approved": [
            {"role": ROLE_ZH.get(str(role), str(role)), "date": _zone_date(estate, when)}
            # the committee members' names only when the committee decided so
            | ({"name": name} if named and str(role) == names.NAMED_ROLE else {})
            for name, role, when in approvals.approvers_of(session, request_id)
        ],
    }


def publish(
    session: Session,
    settings: Settings,
    estate: Estate,
    version_id: int,
    *,
    published_by: int,
) -> DisclosureSnapshot:
    """Publish an approved version of an ended period: lock its period, recompute the statement (nobody can
    post into the period any more), refuse unless the approval holds for exactly these
    figures, render HTML and PDF and store the write-once snapshot with the ledger head.

    Raises ``NotFoundError``, ``ConflictError`` (not submitted, period not ended, not
    approved, figures changed since approval)."""
    version = get_version(session, estate, version_id)
    if version.status != VersionStatus.SUBMITTED:
        raise ConflictError(
            Message(
                "disclosure.version_state_already",
                version_id=version.id,
                value=version.status.value,
            )
        )
    period = period_of(version)
    if why := not_ended(estate, period):  # a version submitted before this rule existed
        raise ConflictError(why, extra={"period": period.as_dict()})
    label = f"公示 {estate.slug} {version.period} 第{version.number}版"
    periods.lock_period(
        session,
        estate.id,
        start=period.start,
        end=period.end,
        reason=label,
        locked_by=published_by,
    )
    statement = build_statement(session, estate, period)
    digest = figures_hash(statement)
    content = content_of(version, statement, digest)
    request = approvals.current_request(session, SUBJECT_KIND, version.id)
    if request is None or not approvals.is_approved(session, SUBJECT_KIND, version.id, content):
        changed = digest != version.figures_sha256
        raise ConflictError(
            Message("disclosure.figures_changed")
            if changed
            else Message("disclosure.not_approved_yet"),
            extra={"figures_changed": changed},
        )
    head = session.get(LedgerHead, estate.id)
    assert head is not None  # lock_period made it
    previous = (
        session.get(DisclosureVersion, version.supersedes_id) if version.supersedes_id else None
    )
    publication = {
        "version_id": version.id,
        "number": version.number,
        "note": version.note,
        "supersedes": (
            {"version_id": previous.id, "number": previous.number} if previous else None
        ),
        "correction_reason": version.correction_reason,
        "ledger_seq": head.last_seq,
        "ledger_hash": head.last_hash,
        "published_on": _zone_date(estate, datetime.now().astimezone()),
        "signatures": _signatures(session, estate, version, request.id),
        "url": public_url(settings, estate.slug, version.id),
    }
    body = canonical_json(statement)
    html = render.statement_html(statement, publication)
    pdf = render.pdf_bytes(render.statement_html(statement, publication, for_pdf=True))
    snapshot = DisclosureSnapshot(
        version_id=version.id,
        estate_id=estate.id,
        statement_json=body.decode(),
        html=html,
        pdf=pdf,
        json_sha256=hashlib.sha256(body).hexdigest(),
        html_sha256=hashlib.sha256(html.encode()).hexdigest(),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        ledger_seq=head.last_seq,
        ledger_hash=head.last_hash,
        approval_request_id=request.id,
        publication_json=json.dumps(publication, ensure_ascii=False, sort_keys=True),
        published_by=published_by,
    )
    session.add(snapshot)
    version.status = VersionStatus.PUBLISHED
    session.flush()
    return snapshot


def _current_content(session: Session, version_id: int) -> dict[str, Any]:
    version = session.get(DisclosureVersion, version_id)
    estate = session.get(Estate, version.estate_id) if version else None
    if version is None or estate is None:
        raise NotFoundError(Message("disclosure.no_version", version_id=version_id))
    return live_content(session, estate, version)


# The generic decision route (``/approvals/{id}/decision``) checks the live figures too.
approvals.register_subject(SUBJECT_KIND, content=_current_content)


def public_url(settings: Settings, slug: str, version_id: int) -> str:
    return f"{settings.public_url.rstrip('/')}/e/{slug}/d/{version_id}"
