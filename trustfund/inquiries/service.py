"""Residents' questions (质询) on published disclosure lines and the committee's answers.

- ``ask`` (public, no sign-in): the household's code and a receipt's check code identify the
  asker (``checkcode.identify``); a wrong pair is refused with one answer whether or not the
  household exists. The text is at most ``MAX_QUESTION`` characters and may hold no personal
  data (the journal's check: owners' names and phones of the estate, anything like a mobile
  number). Rate-limited per client address and per household (``LIMITS``).
- ``answer`` (signed in): one person holding the role the estate's ``inquiry`` approval rule
  names (default the committee; an administrator may make it the council), never someone who
  is the estate's steward. One answer per question.
- Nothing is edited or deleted: a question and its answer are published as written, with
  their dates; the household shows as "3幢住户" (its building, when at least
  ``MIN_BUILDING_HOUSEHOLDS`` households are registered there) or "住户" — never its code, room or
  a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trustfund.approvals import rules
from trustfund.auth.principal import Principal, Role
from trustfund.db.base import utcnow
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Building, Estate, Household
from trustfund.db.models.inquiries import Inquiry, InquiryAnswer, InquiryAttempt
from trustfund.db.session import command
from trustfund.disclosure import public as reads
from trustfund.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ValidationError,
)
from trustfund.estates.service import today_in
from trustfund.inquiries import checkcode
from trustfund.inquiries.lines import LINE_REF, Line, line_view, public_lines
from trustfund.journal.personal import personal_data_problems
from trustfund.messages import Message

MAX_QUESTION = 300
MAX_ANSWER = 1000
MIN_BUILDING_HOUSEHOLDS = 10
#: The approval-rule kind whose role answers questions (``approvals.rules``).
RULE_KIND = "inquiry"
ROLE_ZH = {Role.COMMITTEE.value: "业委会", Role.COUNCIL.value: "理事会"}


@dataclass(frozen=True)
class Limits:
    failures: int = 5  # wrong code/household pairs per client address …
    failure_window: timedelta = timedelta(minutes=15)  # … within this window
    per_household_day: int = 3  # questions per household per day (the estate's local day)
    per_address_day: int = 10  # questions per client address per 24 hours
    keep: timedelta = timedelta(days=2)  # attempts older than this are deleted


LIMITS = Limits()
#: Long digit runs (ID-card, bank-card numbers) are refused like phone numbers.
LONG_DIGITS = re.compile(r"\d{11,}")
WRONG_PAIR = Message("inquiries.wrong_pair")


def _clean_text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise ValidationError.field(field, Message("inquiries.empty"))
    if len(text) > limit:
        raise ValidationError.field(field, Message("input.at_most_characters", limit=limit))
    return text


def _check_personal_data(session: Session, estate_id: int, field: str, text: str) -> None:
    """The journal's personal-data check on a published text (plus long digit runs)."""
    squeezed = re.sub(r"[\s()+-]", "", text)
    if LONG_DIGITS.search(squeezed) or personal_data_problems(session, estate_id, [(field, text)]):
        raise ValidationError.field(
            field,
            Message("inquiries.personal_data"),
        )


def _published_line(
    session: Session, estate: Estate, version_id: int, line_ref: str
) -> tuple[reads.Published, Line]:
    item = reads.get_published(session, estate.slug, version_id)
    line = public_lines(item.statement).get(line_ref) if LINE_REF.fullmatch(line_ref) else None
    if line is None:
        raise ValidationError.field(
            "line", Message("inquiries.no_line_here", line_ref=repr(line_ref))
        )
    return item, line


def _asker_label(session: Session, household: Household) -> str:
    building = session.get(Building, household.building_id)
    assert building is not None
    count = session.scalar(
        select(func.count(Household.id)).where(Household.building_id == building.id)
    )
    return f"{building.number}幢住户" if (count or 0) >= MIN_BUILDING_HOUSEHOLDS else "住户"


def _wait(seconds: float) -> int:
    """Whole seconds to wait, at least one."""
    return max(1, int(seconds) + 1)


def _retry(message: Message) -> RateLimitedError:
    """A 429 whose ``retry_after`` is the message's ``wait``."""
    return RateLimitedError(message, extra={"retry_after": message.params["wait"]})


def check_failures(session: Session, client_addr: str, now: datetime) -> None:
    """Raises RateLimitedError after ``LIMITS.failures`` wrong household/check-code pairs
    from ``client_addr`` within ``LIMITS.failure_window``. Every form that takes the pair
    (questions, the household's own page ``inquiries.household``) counts into the same
    attempts, so trying codes on one form does not get a fresh allowance on another."""
    since = now - LIMITS.failure_window
    failures = list(
        session.scalars(
            select(InquiryAttempt.attempted_at)
            .where(
                InquiryAttempt.client_addr == client_addr,
                InquiryAttempt.succeeded.is_(False),
                InquiryAttempt.attempted_at >= since,
            )
            .order_by(InquiryAttempt.attempted_at)
        )
    )
    if len(failures) >= LIMITS.failures:
        oldest = failures[-LIMITS.failures]
        raise _retry(
            Message(
                "inquiries.too_many_wrong_codes",
                wait=_wait((oldest + LIMITS.failure_window - now).total_seconds()),
            )
        )


def _check_address(session: Session, estate_id: int, client_addr: str, now: datetime) -> None:
    check_failures(session, client_addr, now)
    asked = list(
        session.scalars(
            select(InquiryAttempt.attempted_at)
            .where(
                InquiryAttempt.client_addr == client_addr,
                InquiryAttempt.succeeded.is_(True),
                InquiryAttempt.attempted_at >= now - timedelta(days=1),
            )
            .order_by(InquiryAttempt.attempted_at)
        )
    )
    if len(asked) >= LIMITS.per_address_day:
        oldest = asked[-LIMITS.per_address_day]
        raise _retry(
            Message(
                "inquiries.too_many_questions",
                wait=_wait((oldest + timedelta(days=1) - now).total_seconds()),
            )
        )


def record_attempt(
    session: Session,
    estate_id: int,
    client_addr: str,
    household_code: str,
    succeeded: bool,
    now: datetime,
) -> None:
    """Counts one identity check (flush only; attempts older than ``LIMITS.keep`` go)."""
    session.execute(delete(InquiryAttempt).where(InquiryAttempt.attempted_at < now - LIMITS.keep))
    session.add(
        InquiryAttempt(
            estate_id=estate_id,
            client_addr=client_addr[:64],
            household_code=household_code[:20],
            succeeded=succeeded,
            attempted_at=now,
        )
    )


def ask(
    session: Session,
    estate_slug: str,
    version_id: int,
    line_ref: str,
    *,
    household_code: str,
    check_code: str,
    text: str,
    client_addr: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Entry point (commits): a resident's question on one line of a published disclosure.

    Raises NotFoundError (no such estate or published version), ValidationError (``line``
    not in it; ``text`` empty, long or holding personal data; ``check_code`` not matching
    ``household_code`` — the same answer when no such household exists), RateLimitedError
    (429, ``retry_after``: too many wrong codes from the address, or questions from the
    household today or from the address in a day)."""
    now = now or utcnow()
    estate = reads.estate_by_slug(session, estate_slug)
    item, line = _published_line(session, estate, version_id, line_ref)
    clean = _clean_text(text, "text", MAX_QUESTION)
    _check_address(session, estate.id, client_addr, now)
    household = checkcode.identify(session, estate.id, household_code, check_code)
    if household is None:
        record_attempt(session, estate.id, client_addr, household_code, False, now)
        session.commit()
        # both fields named, the same way whether the household exists or not
        errors = [FieldError("household_code", WRONG_PAIR), FieldError("check_code", WRONG_PAIR)]
        raise ValidationError(Message("input.problems", problems=errors[1:]), errors=errors)
    try:
        _check_personal_data(session, estate.id, "text", clean)
    except ValidationError:
        # counted like a wrong code: the refusal says a name is an owner's here, so trying
        # names one after another must be as slow as guessing codes
        record_attempt(session, estate.id, client_addr, household.code, False, now)
        session.commit()
        raise
    today = today_in(estate)
    today_count = session.scalar(
        select(func.count(Inquiry.id)).where(
            Inquiry.household_id == household.id, Inquiry.asked_on == today
        )
    )
    if (today_count or 0) >= LIMITS.per_household_day:
        local = now.astimezone(ZoneInfo(estate.timezone))
        midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=local.tzinfo)
        raise _retry(
            Message("inquiries.too_many_today", wait=_wait((midnight - local).total_seconds()))
        )
    inquiry = Inquiry(
        estate_id=estate.id,
        version_id=item.version.id,
        line_ref=line.ref,
        household_id=household.id,
        asker_label=_asker_label(session, household),
        text=clean,
        asked_on=today,
        asked_at=now,
    )
    session.add(inquiry)
    record_attempt(session, estate.id, client_addr, household.code, True, now)
    session.commit()
    return public_view(inquiry, None)


def public_view(inquiry: Inquiry, answer: InquiryAnswer | None) -> dict[str, Any]:
    """What anyone may read: the line, the label (never the household), the texts, dates and
    the answerer's role."""
    return {
        "id": inquiry.id,
        "version_id": inquiry.version_id,
        "line_ref": inquiry.line_ref,
        "asker": inquiry.asker_label,
        "text": inquiry.text,
        "asked_on": inquiry.asked_on.isoformat(),
        "answer": None
        if answer is None
        else {
            "text": answer.text,
            "answered_on": answer.answered_on.isoformat(),
            "by_role": ROLE_ZH.get(answer.answerer_role, answer.answerer_role),
        },
    }


def _with_answers(session: Session, *conditions: Any) -> list[tuple[Inquiry, InquiryAnswer | None]]:
    rows = session.execute(
        select(Inquiry, InquiryAnswer)
        .outerjoin(InquiryAnswer, InquiryAnswer.inquiry_id == Inquiry.id)
        .where(*conditions)
        .order_by(Inquiry.asked_at, Inquiry.id)
    ).all()
    return [(q, a) for q, a in rows]


def for_version(
    session: Session, estate: Estate, version_id: int
) -> dict[str, list[dict[str, Any]]]:
    """The published questions of one disclosure version, by line reference."""
    out: dict[str, list[dict[str, Any]]] = {}
    for q, a in _with_answers(
        session, Inquiry.estate_id == estate.id, Inquiry.version_id == version_id
    ):
        out.setdefault(q.line_ref, []).append(public_view(q, a))
    return out


def public_list(session: Session, estate_slug: str, version_id: int) -> dict[str, Any]:
    """Entry point: a published version's questions and answers. Raises NotFoundError."""
    estate = reads.estate_by_slug(session, estate_slug)
    item = reads.get_published(session, estate_slug, version_id)
    lines = public_lines(item.statement)
    by_line = for_version(session, estate, version_id)
    return {
        "version_id": version_id,
        "lines": [
            {**line_view(lines[ref]), "questions": questions}
            for ref, questions in by_line.items()
            if ref in lines
        ],
    }


def line_page(session: Session, estate_slug: str, version_id: int, line_ref: str) -> dict[str, Any]:
    """One line of a published disclosure with its questions. Raises NotFoundError (also for
    a line the version does not have)."""
    estate = reads.estate_by_slug(session, estate_slug)
    try:
        item, line = _published_line(session, estate, version_id, line_ref)
    except ValidationError as exc:
        raise NotFoundError(
            Message("inquiries.no_line", line_ref=repr(line_ref), version_id=version_id)
        ) from exc
    sup = reads.superseded_by(reads.published_versions(session, estate))
    return {
        "estate": estate,
        "meta": reads.summary(item, sup),
        "line": line_view(line),
        "questions": for_version(session, estate, version_id).get(line.ref, []),
    }


# --- staff ------------------------------------------------------------------------------


def answerer_role(session: Session, estate: Estate) -> Role:
    """The role the estate's ``inquiry`` rule names (created with the default on first use)."""
    return rules.tiers(session, estate.id, RULE_KIND)[0].approver_role


def may_answer(session: Session, estate: Estate, principal: Principal) -> Role | None:
    """The role in which ``principal`` answers, or None: they must hold the rule's role in
    the estate and not be its steward (the books questioned are the steward's)."""
    roles = principal.roles_for(estate.id, estate.community)
    role = answerer_role(session, estate)
    if Role.STEWARD in roles or role not in roles:
        return None
    return role


@command
def answer(
    session: Session, estate: Estate, inquiry_id: int, text: str, *, principal: Principal
) -> dict[str, Any]:
    """Entry point (commits): answer a question, once.

    Raises NotFoundError (no such question in the estate), PermissionDeniedError (not
    holding the ``inquiry`` rule's role, or the estate's steward), ConflictError (answered
    already: answers are never edited), ValidationError (``text`` empty, long or holding
    personal data)."""
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.estate_id != estate.id:
        raise NotFoundError(Message("inquiries.no_question", inquiry_id=inquiry_id))
    role = may_answer(session, estate, principal)
    if role is None:
        raise PermissionDeniedError(
            Message("inquiries.answerer", role=answerer_role(session, estate).value)
        )
    clean = _clean_text(text, "text", MAX_ANSWER)
    _check_personal_data(session, estate.id, "text", clean)
    exists = session.scalar(select(InquiryAnswer.id).where(InquiryAnswer.inquiry_id == inquiry.id))
    if exists is not None:
        raise ConflictError(Message("inquiries.answered", inquiry_id=inquiry_id))
    session.add(
        InquiryAnswer(
            inquiry_id=inquiry.id,
            estate_id=estate.id,
            text=clean,
            answered_by=principal.user_id,
            answerer_role=role.value,
            answered_on=today_in(estate),
        )
    )
    return get_inquiry(session, estate, inquiry_id)


def _staff_view(
    q: Inquiry,
    a: InquiryAnswer | None,
    versions: dict[int, reads.Published],
    names: dict[int, str],
    today: date,
) -> dict[str, Any]:
    item = versions.get(q.version_id)
    line = public_lines(item.statement).get(q.line_ref) if item else None
    view = public_view(q, a)
    if a is not None and view["answer"] is not None:
        view["answer"]["by"] = a.answered_by
        view["answer"]["by_name"] = names.get(a.answered_by)
    return {
        **view,
        "period": item.statement["period"]["title"] if item else None,
        "line": line_view(line) if line else None,
        "days_open": None if a is not None else (today - q.asked_on).days,
    }


def _staff_views(
    session: Session, estate: Estate, rows: list[tuple[Inquiry, InquiryAnswer | None]]
) -> list[dict[str, Any]]:
    versions = {p.version.id: p for p in reads.published_versions(session, estate)}
    ids = {a.answered_by for _, a in rows if a is not None}
    names = (
        dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    today = today_in(estate)
    return [_staff_view(q, a, versions, names, today) for q, a in rows]


def staff_list(session: Session, estate: Estate) -> dict[str, Any]:
    """Every question of the estate, unanswered first (oldest first), then answered."""
    items = _staff_views(session, estate, _with_answers(session, Inquiry.estate_id == estate.id))
    open_items = [i for i in items if i["answer"] is None]
    answered = [i for i in items if i["answer"] is not None]
    return {
        "open": len(open_items),
        "answerer_role": answerer_role(session, estate).value,
        "questions": open_items + answered[::-1],
    }


def get_inquiry(session: Session, estate: Estate, inquiry_id: int) -> dict[str, Any]:
    """Raises NotFoundError."""
    rows = _with_answers(session, Inquiry.estate_id == estate.id, Inquiry.id == inquiry_id)
    if not rows:
        raise NotFoundError(Message("inquiries.no_question", inquiry_id=inquiry_id))
    return _staff_views(session, estate, rows)[0]


def unanswered(session: Session, estate_id: int, asked_before: date) -> list[Inquiry]:
    """Questions without an answer asked before ``asked_before`` (the alert's input)."""
    return list(
        session.scalars(
            select(Inquiry)
            .outerjoin(InquiryAnswer, InquiryAnswer.inquiry_id == Inquiry.id)
            .where(
                Inquiry.estate_id == estate_id,
                Inquiry.asked_on < asked_before,
                InquiryAnswer.id.is_(None),
            )
            .order_by(Inquiry.asked_on, Inquiry.id)
        )
    )
