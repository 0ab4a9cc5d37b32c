"""Households after import: corrections, moves and occupancy changes, each kept in history.

**What may change.** The address (a typo in 幢/单元/室), the floor area, the owner's name and
phone (a correction, or a new owner moving in), and the occupancy from a date on. The
household *code* never changes: it is the only name the public ledger uses, and a resident
who checked their payments by it must find them again.

**History.** Every change adds rows to ``household_changes`` (one per field: who, through
what, when, old → new, the date it takes effect and a note); occupancy changes also add a
row to the occupancy history, which is never rewritten — a change must take effect after
the latest one. Nothing here updates or deletes a history row.

**The rule for charges** (also on the household page and in ``docs.md``): a fee year's
charge is set once, when it is issued, by the occupancy on that year's 1 January
(``trustfund.fees.charges``). Issued charges never change. An occupancy change effective
during a year therefore changes the *next* year's charge; a change dated back before the
1 January of a year already charged is listed in ``charges_to_review`` and settled by the
steward with a refund (or counted in the next year), never by rewriting the charge.
Corrections of address, owner, phone or area do not touch charges.

Access: these are steward's writes (``Action.RECORD``) on the API, the staff pages and the
command line alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from trustfund.db.models.auth import User
from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdChange,
    HouseholdOccupancy,
    Occupancy,
)
from trustfund.db.models.fees import FeeCharge
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError
from trustfund.estates import rules, schemas
from trustfund.estates.households import AddressBook, label, view
from trustfund.estates.occupancy import status_on
from trustfund.estates.service import today_in
from trustfund.messages import Message, reason_of

#: How a change reached the household.
VIA = ("api", "page", "cli", "import")
ADDRESS = ("building", "entrance", "room")


@dataclass(frozen=True)
class Actor:
    """Who makes a change (``None``: the installation's operator at the command line) and
    through which interface."""

    user_id: int | None
    via: str


def find(session: Session, estate: Estate, code: str) -> Household:
    """The household ``code`` of ``estate`` with its history; raises ``NotFoundError`` — also
    for another estate's code, which a caller must not learn exists."""
    household = session.scalar(
        select(Household)
        .where(Household.estate_id == estate.id, Household.code == code)
        .options(
            selectinload(Household.occupancies),
            selectinload(Household.building).selectinload(Building.site),
        )
    )
    if household is None:
        raise NotFoundError(Message("estates.no_household_in", code_=code, estate=estate.slug))
    return household


def find_open(session: Session, estate: Estate, code: str, field: str = "code") -> Household:
    """``find``, refusing a household closed by a merge or split (``ConflictError`` naming
    ``field``): it is history, kept as it was when it closed."""
    household = find(session, estate, code)
    if household.closed_on is not None:
        reason = Message(
            "estates.household_was_closed_merged_split",
            code_=code,
            value=household.closed_on.isoformat(),
        )
        raise ConflictError(reason, errors=[FieldError(field, reason)])
    return household


def record(
    session: Session,
    household: Household,
    actor: Actor,
    kind: str,
    field: str,
    old: object,
    new: object,
    *,
    effective_from: date | None = None,
    note: str = "",
) -> None:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    session.add(
        HouseholdChange(
            household_id=household.id,
            kind=kind,
            field=field,
            old_value=text(old),
            new_value=text(new),
            effective_from=effective_from,
            note=note.strip()[:200],
            changed_by=actor.user_id,
            via=actor.via,
        )
    )


def charges_to_review(session: Session, household: Household) -> list[int]:
    """Fee years whose issued charge disagrees with the occupancy history as it stands now
    (see the module docstring: such charges stay; the steward settles the difference)."""
    history = [(r.effective_from, r.status) for r in household.occupancies]
    history.sort(key=lambda pair: pair[0])
    differing = []
    for fee_year, vacant, occupancy_date in session.execute(
        select(FeeCharge.fee_year, FeeCharge.vacant, FeeCharge.occupancy_date)
        .where(FeeCharge.household_id == household.id)
        .order_by(FeeCharge.fee_year)
    ):
        if (status_on(history, occupancy_date) == Occupancy.VACANT) != vacant:
            differing.append(fee_year)
    return differing


def detail(session: Session, estate: Estate, household: Household) -> schemas.Household:
    """The household as staff see it, with the charges to review."""
    return view(household, today_in(estate), charges=charges_to_review(session, household))


def get_household(session: Session, estate: Estate, code: str) -> schemas.Household:
    """Raises ``NotFoundError``."""
    return detail(session, estate, find(session, estate, code))


def add_occupancy(
    session: Session,
    household: Household,
    actor: Actor,
    status: Occupancy,
    on: date,
    *,
    kind: str,
    note: str,
    field: str = "effective_from",
) -> None:
    """Add an occupancy row from ``on``. Raises ``ConflictError`` when ``on`` is not after
    the latest row (history is never rewritten) and ``ValidationError`` when the status
    would not change."""
    latest = max(household.occupancies, key=lambda r: r.effective_from)
    if on <= latest.effective_from:
        reason = Message(
            "estates.must_after_date_latest_occupancy", value=latest.effective_from.isoformat()
        )
        raise ConflictError(
            Message("input.field_reason", field=field, reason=reason),
            errors=[FieldError(field, reason)],
        )
    if latest.status == status:
        reason = Message(
            "estates.household_already_since",
            value=status.value,
            effective_from=latest.effective_from,
        )
        raise ValidationError(reason, errors=[FieldError("status", reason)])
    household.occupancies.append(HouseholdOccupancy(status=status, effective_from=on))
    record(
        session,
        household,
        actor,
        kind,
        "occupancy",
        latest.status.value,
        status.value,
        effective_from=on,
        note=note,
    )


@command
def change_occupancy(
    session: Session, estate: Estate, code: str, change: schemas.OccupancyChange, actor: Actor
) -> schemas.Household:
    """Record that the household is ``change.status`` from ``change.effective_from`` on, by
    adding a history row (earlier rows are never changed), and commit.

    Raises ``NotFoundError``; ``ConflictError`` when the date is not after the latest row;
    ``ValidationError`` when the status would not change.
    """
    household = find_open(session, estate, code)
    add_occupancy(
        session,
        household,
        actor,
        change.status,
        change.effective_from,
        kind="occupancy",
        note=change.note,
    )
    return detail(session, estate, household)


@command
def move_out(
    session: Session, estate: Estate, code: str, data: schemas.MoveOut, actor: Actor
) -> schemas.Household:
    """The occupants leave: vacant from ``data.on``. Commits. Raises what
    ``change_occupancy`` raises (field ``on``)."""
    household = find_open(session, estate, code)
    add_occupancy(
        session,
        household,
        actor,
        Occupancy.VACANT,
        data.on,
        kind="move_out",
        note=data.note,
        field="on",
    )
    return detail(session, estate, household)


def clean_fields(raw: dict[str, Any], checks: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """Each given field through its check; raises ``ValidationError`` naming every bad one."""
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, value in raw.items():
        try:
            out[field] = checks[field](value)
        except ValueError as exc:
            errors.append(
                FieldError(
                    field,
                    Message(
                        "input.labelled", label=label(field), field=field, reason=reason_of(exc)
                    ),
                )
            )
    if errors:
        raise ValidationError(Message("estates.household_invalid"), errors=errors)
    return out


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


PERSON_CHECKS: dict[str, Callable[[Any], Any]] = {
    "owner_name": lambda v: rules.clean_optional_text(_text_or_none(v), 50) or None,
    "phone": lambda v: rules.clean_phone(_text_or_none(v)),
}
CHECKS: dict[str, Callable[[Any], Any]] = {
    "building": lambda v: rules.clean_building(_text_or_none(v)),
    "entrance": lambda v: rules.clean_entrance(_text_or_none(v)),
    "room": lambda v: rules.clean_room(_text_or_none(v)),
    "site": lambda v: rules.clean_optional_text(_text_or_none(v), 40) or None,
    "area_m2": lambda v: rules.clean_area(v),
    **PERSON_CHECKS,
}


def set_person(
    session: Session,
    household: Household,
    actor: Actor,
    clean: dict[str, Any],
    *,
    kind: str,
    note: str,
    effective_from: date | None = None,
) -> int:
    """Set owner name, phone and area where ``clean`` gives them and they differ; returns
    how many fields changed."""
    changed = 0
    for field in ("owner_name", "phone", "area_m2"):
        if field not in clean:
            continue
        old: str | Decimal | None = getattr(household, field)
        if old != clean[field]:
            setattr(household, field, clean[field])
            record(
                session,
                household,
                actor,
                kind,
                field,
                old,
                clean[field],
                effective_from=effective_from,
                note=note,
            )
            changed += 1
    return changed


@command
def move_in(
    session: Session, estate: Estate, code: str, data: schemas.MoveIn, actor: Actor
) -> schemas.Household:
    """Someone moves in from ``data.on``: occupied from then (if it was vacant), and the
    owner's name and phone set when given (a new owner). Commits.

    Raises ``NotFoundError``; ``ValidationError`` (bad name or phone; already occupied and
    no new owner given); ``ConflictError`` (``on`` not after the latest occupancy change).
    """
    household = find_open(session, estate, code)
    given: dict[str, Any] = {
        f: getattr(data, f) for f in ("owner_name", "phone") if f in data.model_fields_set
    }
    clean = clean_fields(given, PERSON_CHECKS)
    latest = max(household.occupancies, key=lambda r: r.effective_from)
    if latest.status == Occupancy.VACANT:
        add_occupancy(
            session,
            household,
            actor,
            Occupancy.OCCUPIED,
            data.on,
            kind="move_in",
            note=data.note,
            field="on",
        )
    elif not clean:
        reason = Message(
            "estates.household_already_occupied_since_give", effective_from=latest.effective_from
        )
        raise ValidationError(reason, errors=[FieldError("on", reason)])
    set_person(
        session, household, actor, clean, kind="move_in", note=data.note, effective_from=data.on
    )
    return detail(session, estate, household)


@command
def correct_household(
    session: Session, estate: Estate, code: str, patch: schemas.HouseholdPatch, actor: Actor
) -> schemas.Household:
    """Correct the fields ``patch`` gives (address, owner name, phone, area); the code
    stays. Commits, recording each changed field.

    Raises ``NotFoundError``; ``ValidationError`` naming every bad field (or nothing
    given); ``ConflictError`` when the corrected address belongs to another household.
    """
    household = find_open(session, estate, code)
    given = {f: getattr(patch, f) for f in patch.model_fields_set if f != "note"}
    if not given:
        reason = Message("estates.patch_empty")
        raise ValidationError(reason, errors=[FieldError("body", reason)])
    for part in ("building", "entrance", "room"):
        if part in given and given[part] is None:
            given.pop(part)
    clean = clean_fields(given, CHECKS)
    old_address = (household.building.number, household.entrance, household.room)
    new_address = (
        clean.get("building", old_address[0]),
        clean.get("entrance", old_address[1]),
        clean.get("room", old_address[2]),
    )
    if new_address != old_address:
        book = AddressBook(session, estate)
        taken = book.households.get(new_address)
        shown = f"{new_address[0]}幢{new_address[1]}单元{new_address[2]}室"
        if taken is not None:
            raise ConflictError(
                Message("estates.address_taken_merge_instead", shown=shown, taken=taken.code),
                errors=[FieldError("room", Message("estates.already_exists_2", shown=shown))],
            )
        problem = book.site_problem(new_address[0], clean.get("site"))
        if problem:
            raise ValidationError(problem, errors=[FieldError("site", problem)])
        household.building = book.building(new_address[0], clean.get("site"))
        household.entrance, household.room = new_address[1], new_address[2]
        for part, old, new in zip(ADDRESS, old_address, new_address, strict=True):
            if old != new:
                record(session, household, actor, "correct", part, old, new, note=patch.note)
    set_person(session, household, actor, clean, kind="correct", note=patch.note)
    flush_addresses(session)
    return detail(session, estate, household)


def flush_addresses(session: Session) -> None:
    """Flush; an address taken by a concurrent writer (the unique constraint) rolls back and
    raises ``ConflictError`` naming ``room``."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            Message("estates.address_taken_meanwhile"),
            errors=[FieldError("room", Message("estates.taken"))],
        ) from None


def history(session: Session, estate: Estate, code: str) -> list[schemas.HouseholdChange]:
    """Every recorded change of the household, oldest first. Raises ``NotFoundError``."""
    household = find(session, estate, code)
    rows = session.execute(
        select(HouseholdChange, User.username)
        .outerjoin(User, User.id == HouseholdChange.changed_by)
        .where(HouseholdChange.household_id == household.id)
        .order_by(HouseholdChange.id)
    )
    return [
        schemas.HouseholdChange(
            kind=c.kind,
            field=c.field,
            old_value=c.old_value,
            new_value=c.new_value,
            effective_from=c.effective_from,
            note=c.note,
            changed_by=username,
            via=c.via,
            changed_at=c.changed_at,
        )
        for c, username in rows
    ]
