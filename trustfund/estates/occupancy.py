"""Which occupancy a household had on a given day.

The rule (used by fees to charge occupied or vacant rates): the status of the history row
with the latest ``effective_from`` on or before the day; a day before the first row gets the
first row's status (a household imported "vacant since 2026-03-01" was not occupied before
that — we simply know nothing earlier, and the first known status is the best answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household, HouseholdOccupancy, Occupancy
from trustfund.messages import Invalid, Message


def status_on(history: Sequence[tuple[date, Occupancy]], on: date) -> Occupancy:
    """The rule on plain data: ``history`` is ``(effective_from, status)`` sorted by date."""
    if not history:
        raise Invalid(Message("estates.occupancy_row_needed"))
    status = history[0][1]
    for effective_from, row_status in history:
        if effective_from > on:
            break
        status = row_status
    return status


def occupancy_on(household: Household, on: date) -> Occupancy:
    """The household's occupancy on ``on`` (see the module docstring for the rule).

    Loads ``household.occupancies`` if they are not loaded yet; for many households at
    once use ``occupancies_on`` (one query).
    """
    rows = sorted(household.occupancies, key=lambda r: r.effective_from)
    return status_on([(r.effective_from, r.status) for r in rows], on)


def occupancies_on(
    session: Session, estate_id: int, on: date, household_ids: Iterable[int] | None = None
) -> dict[int, Occupancy]:
    """``{household_id: occupancy on `on`}`` for every household of the estate (or only
    ``household_ids``) that is a unit on ``on``, in one query. Not a unit that day: a
    household closed by a merge or split on or before it, or formed by a split after it
    (``trustfund.estates.units``)."""
    query = (
        select(
            HouseholdOccupancy.household_id,
            HouseholdOccupancy.effective_from,
            HouseholdOccupancy.status,
        )
        .join(Household, Household.id == HouseholdOccupancy.household_id)
        .where(
            Household.estate_id == estate_id,
            or_(Household.closed_on.is_(None), Household.closed_on > on),
            or_(Household.formed_on.is_(None), Household.formed_on <= on),
        )
        .order_by(HouseholdOccupancy.household_id, HouseholdOccupancy.effective_from)
    )
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    histories: dict[int, list[tuple[date, Occupancy]]] = {}
    for household_id, effective_from, status in session.execute(query):
        histories.setdefault(household_id, []).append((effective_from, Occupancy(status)))
    return {hid: status_on(history, on) for hid, history in histories.items()}
