"""Merging and splitting units (合户 / 分户): households of one building become one, or one
becomes several, from a date.

**Merge.** The caller names the household that stays (``into``): it keeps its code, its
history and its charges. The others close on the date: they are no longer charged for fee
years that start on or after it, but stay listed with their history and every charge issued
to them; their codes are never reused (``households.closed_on``). The joined unit's area is
the sum of the areas (unknown if one is unknown) unless the caller states it; its owner,
phone, room and occupancy are the survivor's unless the caller states them.

**Split.** The original closes on the date; each part becomes a new household with a new
random code (drawn as the importer draws them), the room and area the caller gives, and the
original's entrance, owner, phone and occupancy unless the part states them
(``households.formed_on``).

**The rule for charges** (also in the OpenAPI description, on the staff page and in
``docs.md``). A fee year is charged by what the home was on its 1 January
(``trustfund.fees.charges``), so a merge or split counts from the first fee year whose
1 January is on or after its date (``charged_from``):

- charges already issued stay with the household they were issued to — paid, part paid or
  unpaid. A debt or a prepayment is never moved: a closed household's unpaid charges stay in
  the arrears under its code, and can still be paid to it;
- a closed household is not charged for later years; the household that stays is charged
  once a year as before; households made by a split are charged from ``charged_from``;
- a household that would close may not hold a charge for a year starting on or after the
  date (issued in advance, perhaps prepaid): the merge or split is refused (409) — that
  charge would bill a household for a year it no longer exists in, an issued charge is never
  withdrawn, and moving money paid on it is a refund and a new payment, recorded and
  receipted, never a silent transfer. Record the change once that year has begun (dated
  after its 1 January): the year stays charged as issued, the new shape counts from the
  year after.

All or nothing: every check runs before anything is written; each change is recorded in
``household_changes`` (kind ``merge`` or ``split``) for every household involved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate, Household, HouseholdChange
from trustfund.db.models.fees import FeeCharge
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, ValidationError
from trustfund.estates import rules, schemas
from trustfund.estates.changes import (
    PERSON_CHECKS,
    Actor,
    add_occupancy,
    clean_fields,
    detail,
    find,
    flush_addresses,
    record,
    set_person,
)
from trustfund.estates.households import AddressBook, CleanHousehold, label
from trustfund.estates.occupancy import occupancy_on
from trustfund.estates.service import today_in
from trustfund.fees.owed import outstanding_many
from trustfund.fees.rules import fee_year_start
from trustfund.ledger.money import ZERO
from trustfund.messages import Message, reason_of

#: The rule for charges, as the API describes it (the staff page and docs.md say the same).
RULE_MD = (
    "**Charges.** A fee year is charged by what the home was on its 1 January, so the "
    "change counts from `charged_from`, the first fee year whose 1 January is on or after "
    "`on`. Charges already issued stay with the household they were issued to, paid or "
    "not: a debt or a prepayment is never moved, and a closed household's unpaid charges "
    "stay in the arrears under its code (they can still be paid to it). A closed household "
    "is not charged for later years; the household that stays is charged once a year as "
    "before; households made by a split are charged from `charged_from`. A household that "
    "would close may not already hold a charge for a year starting on or after `on` (issued "
    "in advance, perhaps prepaid): 409 — moving that money is a refund and a new payment, "
    "recorded and receipted, never a silent transfer, and an issued charge is never "
    "withdrawn; record the change once that year has begun (dated after its 1 January): "
    "that year stays charged as issued."
)

MAX_MERGED = 9
MAX_PARTS = 10


def charged_from(on: date) -> int:
    """The first fee year whose 1 January is on or after ``on``."""
    return on.year if on == fee_year_start(on.year) else on.year + 1


def _latest_change(session: Session, household: Household) -> date:
    """The date of the household's latest dated change (occupancy or history row)."""
    latest = max(r.effective_from for r in household.occupancies)
    dated = session.scalar(
        select(func.max(HouseholdChange.effective_from)).where(
            HouseholdChange.household_id == household.id
        )
    )
    return max(latest, dated) if dated is not None else latest


def _check_date(
    session: Session, estate: Estate, on: date, involved: list[Household], closing: list[Household]
) -> None:
    """``on`` is not in the future, is after every involved household's latest change, and
    none of the ``closing`` ones holds a charge for a year starting on or after it (the
    household that stays may: it goes on being charged). Raises ``ValidationError`` or
    ``ConflictError`` naming ``on``."""
    today = today_in(estate)
    if on > today:
        raise ValidationError.field("on", Message("input.in_future", today=today.isoformat()))
    for household in involved:
        latest = _latest_change(session, household)
        if on <= latest:
            reason = Message(
                "estates.must_after_date_household_s",
                value=latest.isoformat(),
                household=household.code,
            )
            raise ConflictError(
                Message("input.field_reason", field="on", reason=reason),
                errors=[FieldError("on", reason)],
            )
    ahead = session.execute(
        select(Household.code, FeeCharge.fee_year)
        .join(Household, Household.id == FeeCharge.household_id)
        .where(
            FeeCharge.household_id.in_([h.id for h in closing]),
            FeeCharge.fee_year >= charged_from(on),
        )
        .order_by(FeeCharge.fee_year, Household.code)
    ).all()
    if ahead:
        code, year = ahead[0]
        reason = Message(
            "estates.household_already_has_charge_issued",
            code_=code,
            year=year,
            value=on.isoformat(),
            value2=year + 1,
        )
        raise ConflictError(
            Message("estates.on_reason", reason=reason), errors=[FieldError("on", reason)]
        )


def _kept_charges(session: Session, closed: list[Household]) -> list[schemas.KeptCharge]:
    rows = session.execute(
        select(FeeCharge.household_id, FeeCharge.fee_year, FeeCharge.amount)
        .where(FeeCharge.household_id.in_([h.id for h in closed]))
        .order_by(FeeCharge.fee_year, FeeCharge.household_id)
    ).all()
    owed = outstanding_many(session, [(hid, year) for hid, year, _ in rows])
    codes = {h.id: h.code for h in closed}
    return [
        schemas.KeptCharge(
            code=codes[hid],
            fee_year=year,
            charged=amount,
            outstanding=sum(owed.get((hid, year), {}).values(), ZERO),
        )
        for hid, year, amount in rows
    ]


def _clean_area(value: Any, field: str, errors: list[FieldError]) -> Decimal | None:
    try:
        return rules.clean_area(value)
    except ValueError as exc:
        errors.append(
            FieldError(
                field,
                Message(
                    "input.labelled", label=label("area_m2"), field="area_m2", reason=reason_of(exc)
                ),
            )
        )
        return None


@command
def merge(
    session: Session, estate: Estate, data: schemas.Merge, actor: Actor
) -> schemas.UnitChange:
    """Join the households ``data.codes`` to ``data.into`` from ``data.on`` (see the module
    docstring). Commits, or writes nothing.

    Raises ``ValidationError`` (a code named twice or not of this estate, another building,
    too few or many, a bad room, area, name or phone, a date in the future) and
    ``ConflictError`` (a closed household, a date not after a household's latest change, a
    charge issued for a year after the date, a room taken).
    """
    errors: list[FieldError] = []
    into_code = data.into.strip()
    codes = [c.strip() for c in data.codes]
    if not 1 <= len(codes) <= MAX_MERGED:
        errors.append(
            FieldError("codes", Message("estates.name_households_join", max_merged=MAX_MERGED))
        )
    seen = {into_code}
    for i, code in enumerate(codes):
        if code in seen:
            errors.append(
                FieldError(f"codes[{i}]", Message("estates.household_named_twice", code_=code))
            )
        seen.add(code)
    if errors:
        raise ValidationError(Message("estates.merge_invalid"), errors=errors)
    survivor = _find_for(session, estate, into_code, "into")
    others = [_find_for(session, estate, c, f"codes[{i}]") for i, c in enumerate(codes)]
    for i, other in enumerate(others):
        if other.building_id != survivor.building_id:
            errors.append(
                FieldError(
                    f"codes[{i}]",
                    Message(
                        "estates.household_building_building_only_households",
                        other=other.code,
                        number=other.building.number,
                        survivor=survivor.code,
                        number2=survivor.building.number,
                    ),
                )
            )
    given: dict[str, Any] = {
        f: getattr(data, f) for f in ("owner_name", "phone") if f in data.model_fields_set
    }
    try:
        clean = clean_fields(given, PERSON_CHECKS)
    except ValidationError as exc:
        errors.extend(exc.errors)
        clean = {}
    if "area_m2" in data.model_fields_set and data.area_m2 is not None:
        area = _clean_area(data.area_m2, "area_m2", errors)
    else:
        areas = [h.area_m2 for h in (survivor, *others) if h.area_m2 is not None]
        area = sum(areas, Decimal("0.00")) if len(areas) == 1 + len(others) else None
        if area is not None and area > rules.MAX_AREA:
            errors.append(FieldError("area_m2", Message("estates.area_sum_too_large", area=area)))
    room = survivor.room
    if data.room is not None:
        try:
            room = rules.clean_room(data.room)
        except ValueError as exc:
            errors.append(
                FieldError(
                    "room",
                    Message(
                        "input.labelled", label=label("room"), field="room", reason=reason_of(exc)
                    ),
                )
            )
    if errors:
        raise ValidationError(Message("estates.merge_invalid"), errors=errors)
    _check_date(session, estate, data.on, [survivor, *others], others)
    if room != survivor.room:
        book = AddressBook(session, estate)
        key = (survivor.building.number, survivor.entrance, room)
        taken = book.households.get(key)
        if taken is not None:
            reason = Message(
                "estates.room_is_household",
                value=key[0],
                value2=key[1],
                value3=key[2],
                taken=taken.code,
            )
            raise ConflictError(reason, errors=[FieldError("room", reason)])
        record(
            session,
            survivor,
            actor,
            "merge",
            "room",
            survivor.room,
            room,
            effective_from=data.on,
            note=data.note,
        )
        survivor.room = room
    if data.occupancy is not None and data.occupancy != occupancy_on(survivor, data.on):
        add_occupancy(
            session,
            survivor,
            actor,
            data.occupancy,
            data.on,
            kind="merge",
            note=data.note,
            field="on",
        )
    clean["area_m2"] = area
    set_person(
        session, survivor, actor, clean, kind="merge", note=data.note, effective_from=data.on
    )
    for other in others:
        other.closed_on = data.on
        record(
            session,
            survivor,
            actor,
            "merge",
            "merged_from",
            None,
            other.code,
            effective_from=data.on,
            note=data.note,
        )
        record(
            session,
            other,
            actor,
            "merge",
            "merged_into",
            None,
            survivor.code,
            effective_from=data.on,
            note=data.note,
        )
    flush_addresses(session)
    kept = _kept_charges(session, others)
    return schemas.UnitChange(
        kind="merge",
        on=data.on,
        closed=[o.code for o in others],
        households=[detail(session, estate, survivor)],
        charged_from=charged_from(data.on),
        kept_charges=kept,
    )


@command
def split(
    session: Session, estate: Estate, code: str, data: schemas.Split, actor: Actor
) -> schemas.UnitChange:
    """Divide household ``code`` into ``data.parts`` from ``data.on`` (see the module
    docstring). Commits, or writes nothing.

    Raises ``NotFoundError`` (no such household here); ``ValidationError`` (too few or many
    parts, a bad room, entrance, area, name or phone, two parts at one address, a date in
    the future); ``ConflictError`` (the household is closed, a date not after its latest
    change, a charge issued for a year after the date, a room taken).
    """
    original = find(session, estate, code)
    _refuse_closed(original, "code")
    errors: list[FieldError] = []
    if not 2 <= len(data.parts) <= MAX_PARTS:
        errors.append(FieldError("parts", Message("estates.give_parts", max_parts=MAX_PARTS)))
    status = occupancy_on(original, data.on)
    rows: list[CleanHousehold] = []
    for i, part in enumerate(data.parts):
        where = f"parts[{i}]"
        before = len(errors)
        try:
            room = rules.clean_room(part.room)
        except ValueError as exc:
            errors.append(
                FieldError(
                    f"{where}.room",
                    Message(
                        "input.labelled", label=label("room"), field="room", reason=reason_of(exc)
                    ),
                )
            )
        entrance = original.entrance
        if part.entrance is not None:
            try:
                entrance = rules.clean_entrance(part.entrance)
            except ValueError as exc:
                errors.append(
                    FieldError(
                        f"{where}.entrance",
                        Message(
                            "input.labelled",
                            label=label("entrance"),
                            field="entrance",
                            reason=reason_of(exc),
                        ),
                    )
                )
        area = _clean_area(part.area_m2, f"{where}.area_m2", errors)
        if area is None and len(errors) == before:
            errors.append(
                FieldError(f"{where}.area_m2", Message("estates.required", value=label("area_m2")))
            )
        given: dict[str, Any] = {
            f: getattr(part, f) for f in ("owner_name", "phone") if f in part.model_fields_set
        }
        try:
            person = clean_fields(given, PERSON_CHECKS)
        except ValidationError as exc:
            errors.extend(FieldError(f"{where}.{e.field}", e.message) for e in exc.errors)
            person = {}
        if len(errors) > before:
            continue
        row = CleanHousehold(
            building=original.building.number,
            entrance=entrance,
            room=room,
            site=None,
            status=part.occupancy or status,
            since=data.on,
            owner_name=person.get("owner_name", original.owner_name),
            phone=person.get("phone", original.phone),
            area_m2=area,
        )
        if any(r.key == row.key for r in rows):
            errors.append(
                FieldError(
                    f"{where}.room", Message("estates.address_given_twice", address=row.address)
                )
            )
            continue
        rows.append(row)
    if errors:
        raise ValidationError(Message("estates.split_invalid"), errors=errors)
    _check_date(session, estate, data.on, [original], [original])
    book = AddressBook(session, estate)
    for i, row in enumerate(rows):
        taken = book.households.get(row.key)
        if taken is not None:
            reason = Message("estates.address_is_household", address=row.address, taken=taken.code)
            raise ConflictError(reason, errors=[FieldError(f"parts[{i}].room", reason)])
    made = []
    for row in rows:
        household = book.add(row)
        household.formed_on = data.on
        made.append(household)
    flush_addresses(session)
    original.closed_on = data.on
    for household in made:
        record(
            session,
            original,
            actor,
            "split",
            "split_into",
            None,
            household.code,
            effective_from=data.on,
            note=data.note,
        )
        record(
            session,
            household,
            actor,
            "split",
            "split_from",
            None,
            original.code,
            effective_from=data.on,
            note=data.note,
        )
    flush_addresses(session)
    kept = _kept_charges(session, [original])
    return schemas.UnitChange(
        kind="split",
        on=data.on,
        closed=[original.code],
        households=[detail(session, estate, h) for h in made],
        charged_from=charged_from(data.on),
        kept_charges=kept,
    )


def _refuse_closed(household: Household, field: str) -> None:
    if household.closed_on is not None:
        reason = Message(
            "estates.household_was_closed_merged_split_2",
            household=household.code,
            value=household.closed_on.isoformat(),
        )
        raise ConflictError(reason, errors=[FieldError(field, reason)])


def _find_for(session: Session, estate: Estate, code: str, field: str) -> Household:
    """The open household ``code`` of this estate, named by ``field`` in errors: another
    estate's code reads as unknown (422), never as existing elsewhere."""
    found = session.scalar(
        select(Household).where(Household.estate_id == estate.id, Household.code == code)
    )
    if found is None:
        raise ValidationError.field(field, Message("estates.no_household", code_=code))
    _refuse_closed(found, field)
    return find(session, estate, code)
