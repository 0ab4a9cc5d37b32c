"""Fee schedules (收费标准): components paying into funds, a vacancy rule, and the
committee's approval (four eyes, bound to the exact content).

A schedule is saved as a draft by the steward (the submitter). A different user with the
approve action approves it, quoting the ``content_hash`` they reviewed; saving the schedule
again changes the hash, returns it to draft and voids the approval. Once charges have been
issued for the fee year the schedule can no longer change.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.db.base import utcnow
from trustfund.db.models.fees import (
    FeeCharge,
    FeeComponent,
    FeeSchedule,
    ScheduleStatus,
    VacancyRule,
)
from trustfund.db.session import command
from trustfund.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    raise_if,
)
from trustfund.fees.rules import (
    HUNDRED,
    Component,
    charge_lines,
    schedule_content_hash,
    vacant_amounts,
)
from trustfund.fees.schemas import ScheduleIn, ScheduleOut
from trustfund.fields import amount as parse_money
from trustfund.ledger.accounts import FEE_FUNDS as LEDGER_FEE_FUNDS
from trustfund.ledger.money import money_text, parse_decimal
from trustfund.messages import Message, reason_of

#: Funds a fee component may pay into (the ledger's fee funds).
FEE_FUNDS = {f.value for f in LEDGER_FEE_FUNDS}


#: The subject kind under which who wrote or changed a schedule is recorded.
SUBJECT_KIND = "fee_schedule"


def components_of(schedule: FeeSchedule) -> list[Component]:
    return [Component(c.fund, c.name, c.amount, c.vacant_amount) for c in schedule.components]


def is_approved(schedule: FeeSchedule) -> bool:
    """Approved, and the content is still exactly what was approved."""
    return (
        schedule.status == ScheduleStatus.APPROVED
        and schedule.approved_hash is not None
        and schedule.approved_hash == schedule.content_hash
    )


def _parse(fee_year: int, data: ScheduleIn) -> tuple[list[Component], Decimal | None]:
    errors: list[FieldError] = []
    if not 2000 <= fee_year <= 2100:
        errors.append(FieldError("fee_year", Message("fees.year_2000_2100")))
    if not data.components:
        errors.append(FieldError("components", Message("fees.component_required")))
    components: list[Component] = []
    seen: set[str] = set()
    for i, c in enumerate(data.components):
        where = f"components[{i}]"
        if c.fund not in FEE_FUNDS:
            errors.append(
                FieldError(f"{where}.fund", Message("input.one_of", choices=sorted(FEE_FUNDS)))
            )
        elif c.fund in seen:
            errors.append(FieldError(f"{where}.fund", Message("fees.fund_twice")))
        seen.add(c.fund)
        amount = parse_money(c.amount, f"{where}.amount", errors)
        if amount is not None and amount <= 0:
            errors.append(FieldError(f"{where}.amount", Message("input.not_positive")))
        vacant: Decimal | None = None
        if data.vacancy_rule == "amounts":
            vacant = parse_money(c.vacant_amount, f"{where}.vacant_amount", errors)
            if vacant is not None and amount is not None and not 0 <= vacant <= amount:
                errors.append(
                    FieldError(f"{where}.vacant_amount", Message("fees.vacant_amount_range"))
                )
        elif c.vacant_amount is not None:
            errors.append(
                FieldError(f"{where}.vacant_amount", Message("fees.only_with_amounts_rule"))
            )
        if amount is not None:
            components.append(Component(c.fund, c.name.strip(), amount, vacant))
    percent: Decimal | None = None
    if data.vacancy_rule == "percent":
        try:
            percent = parse_decimal(data.vacancy_percent or "", places=2, limit=HUNDRED)
        except ValueError as exc:
            errors.append(
                FieldError(
                    "vacancy_percent", Message("fees.percentage_invalid", exc=reason_of(exc))
                )
            )
    elif data.vacancy_percent is not None:
        errors.append(FieldError("vacancy_percent", Message("fees.only_with_percent_rule")))
    raise_if(errors, Message("fees.fee_schedule_invalid"))
    return components, percent


def find_schedule(session: Session, estate_id: int, fee_year: int) -> FeeSchedule | None:
    return session.scalar(
        select(FeeSchedule).where(
            FeeSchedule.estate_id == estate_id, FeeSchedule.fee_year == fee_year
        )
    )


def get_schedule(session: Session, estate_id: int, fee_year: int) -> FeeSchedule:
    """Raises NotFoundError."""
    schedule = find_schedule(session, estate_id, fee_year)
    if schedule is None:
        raise NotFoundError(Message("fees.no_schedule", fee_year=fee_year))
    return schedule


def charges_issued(session: Session, estate_id: int, fee_year: int) -> bool:
    return bool(
        session.scalar(
            select(exists().where(FeeCharge.estate_id == estate_id, FeeCharge.fee_year == fee_year))
        )
    )


@command
def save_schedule(
    session: Session,
    estate_id: int,
    fee_year: int,
    data: ScheduleIn,
    *,
    actor_user_id: int | None,
) -> FeeSchedule:
    """Create or replace the draft schedule for ``fee_year``; the caller becomes the
    submitter. Replacing an approved schedule voids the approval. Commits.

    Raises ValidationError (bad components or rule), ConflictError (charges already issued).
    """
    components, percent = _parse(fee_year, data)
    if charges_issued(session, estate_id, fee_year):
        raise ConflictError(Message("fees.schedule_frozen_by_charges", fee_year=fee_year))
    schedule = find_schedule(session, estate_id, fee_year)
    if schedule is None:
        schedule = FeeSchedule(estate_id=estate_id, fee_year=fee_year)
        session.add(schedule)
    else:
        schedule.components.clear()
        session.flush()
    schedule.status = ScheduleStatus.DRAFT
    schedule.vacancy_rule = VacancyRule(data.vacancy_rule)
    schedule.vacancy_percent = percent
    schedule.content_hash = schedule_content_hash(fee_year, components, data.vacancy_rule, percent)
    schedule.submitted_by_user_id = actor_user_id
    schedule.submitted_at = utcnow()
    schedule.approved_by_user_id = None
    schedule.approved_at = None
    schedule.approved_hash = None
    for i, c in enumerate(components):
        schedule.components.append(
            FeeComponent(
                position=i, fund=c.fund, name=c.name, amount=c.amount, vacant_amount=c.vacant_amount
            )
        )
    session.flush()
    if actor_user_id is not None:  # whoever wrote or changed it never approves it
        approvals.record_participant(
            session, estate_id, SUBJECT_KIND, schedule.id, actor_user_id, "editor"
        )
    return schedule


@command
def approve_schedule(
    session: Session,
    estate_id: int,
    fee_year: int,
    *,
    content_hash: str,
    actor_user_id: int | None,
) -> FeeSchedule:
    """The committee approves the schedule it reviewed. Commits.

    Raises NotFoundError, PermissionDeniedError (the submitter approving their own schedule),
    ConflictError (already approved, or the content changed since it was reviewed).
    """
    schedule = get_schedule(session, estate_id, fee_year)
    if schedule.content_hash != content_hash:
        raise ConflictError(
            Message("fees.schedule_changed_since_review"),
            extra={"content_hash": schedule.content_hash},
        )
    if is_approved(schedule):
        raise ConflictError(Message("fees.schedule_already_approved", fee_year=fee_year))
    if actor_user_id is None or actor_user_id == schedule.submitted_by_user_id:
        raise PermissionDeniedError(Message("fees.four_eyes_schedule"))
    approvals.check_not_participant(session, SUBJECT_KIND, schedule.id, actor_user_id)
    schedule.status = ScheduleStatus.APPROVED
    schedule.approved_by_user_id = actor_user_id
    schedule.approved_at = utcnow()
    schedule.approved_hash = schedule.content_hash
    return schedule


def schedule_view(schedule: FeeSchedule) -> ScheduleOut:
    """The schedule as JSON, with the full and the vacancy fee per component."""
    comps = components_of(schedule)
    rule = schedule.vacancy_rule.value
    vacant = vacant_amounts(comps, rule, schedule.vacancy_percent)
    full_lines = charge_lines(comps, vacant=False, rule=rule, percent=schedule.vacancy_percent)
    return {
        "fee_year": schedule.fee_year,
        "status": schedule.status.value,
        "approved": is_approved(schedule),
        "content_hash": schedule.content_hash,
        "vacancy_rule": rule,
        "vacancy_percent": None
        if schedule.vacancy_percent is None
        else str(schedule.vacancy_percent),
        "components": [
            {
                "fund": c.fund,
                "name": c.name,
                "amount": money_text(full_lines[c.fund]),
                "vacant_amount": money_text(v),
            }
            for c, v in zip(comps, vacant, strict=True)
        ],
        "total": money_text(sum(full_lines.values(), Decimal("0.00"))),
        "vacant_total": money_text(sum(vacant, Decimal("0.00"))),
        "submitted_by_user_id": schedule.submitted_by_user_id,
        "approved_by_user_id": schedule.approved_by_user_id,
        "approved_at": schedule.approved_at.isoformat() if schedule.approved_at else None,
    }
