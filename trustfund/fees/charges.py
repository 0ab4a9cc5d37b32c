"""Charges (应收): what each household owes for a fee year.

Charges are records, not ledger entries. The trust model keeps cash-based books: income is
recognised when money is received (a receipt's journal entry), never when it is merely due,
so arrears never appear in the ledger — they are ``charged − paid`` computed from these rows.

**Occupancy rule.** A household's charge for fee year Y is decided once, by its occupancy on
the first day of Y (1 January), or — for a household whose occupancy history starts later
in Y — on its first day (the first status it is known to have; this is what
``trustfund.estates.occupancy.occupancies_on`` answers for 1 January). A change later in the
year does not alter that year's charge; it takes effect from the next fee year. A steward can
explain it in one sentence: "the fee for a year is set by whether the home was lived in on
New Year's Day". Households whose history starts after Y are not charged for Y.

**Merged and split households** (``trustfund.estates.units``). A household closed on day D
(merged into another, or split) is charged for Y only if it still existed on Y's 1 January
(D after it); a household formed by a split on day D is charged only for years whose 1 January
is on or after D — the household it came from was charged for the year of the split
(``occupancies_on`` leaves out households that are not units on 1 January). So each
home is charged once a year, by what it was on New Year's Day, and a merge or split counts
from the next fee year. Charges already issued are never moved or changed.

Issuing is idempotent: households that already have a charge for Y are skipped, so running
it again after new households were added charges only the newcomers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household, HouseholdOccupancy, Occupancy
from trustfund.db.models.fees import FeeCharge, FeeChargeLine
from trustfund.db.session import command
from trustfund.errors import ConflictError
from trustfund.estates.occupancy import occupancies_on
from trustfund.fees.rules import charge_lines, fee_year_end, fee_year_start
from trustfund.fees.schedule import components_of, get_schedule, is_approved
from trustfund.fees.schemas import ChargesIssuedOut
from trustfund.messages import Message


@dataclass(frozen=True)
class IssueResult:
    fee_year: int
    issued: int
    occupied: int
    vacant: int
    already: int

    def as_dict(self) -> ChargesIssuedOut:
        return {
            "fee_year": self.fee_year,
            "issued": self.issued,
            "occupied": self.occupied,
            "vacant": self.vacant,
            "already_charged": self.already,
        }


@command
def issue_charges(session: Session, estate_id: int, fee_year: int) -> IssueResult:
    """Charge every household of the estate for ``fee_year`` that is not charged yet, by the
    occupancy rule above and the approved schedule. Commits.

    Raises NotFoundError (no schedule), ConflictError (schedule not approved, or its content
    changed after approval).
    """
    schedule = get_schedule(session, estate_id, fee_year)
    if not is_approved(schedule):
        raise ConflictError(Message("fees.schedule_not_approved", fee_year=fee_year))
    components = components_of(schedule)
    rule = schedule.vacancy_rule.value
    full = charge_lines(components, vacant=False, rule=rule, percent=schedule.vacancy_percent)
    vacant = charge_lines(components, vacant=True, rule=rule, percent=schedule.vacancy_percent)
    start = fee_year_start(fee_year)
    first_days = dict(
        session.execute(
            select(HouseholdOccupancy.household_id, func.min(HouseholdOccupancy.effective_from))
            .join(Household, Household.id == HouseholdOccupancy.household_id)
            .where(Household.estate_id == estate_id)
            .group_by(HouseholdOccupancy.household_id)
        ).all()
    )
    charged = set(
        session.scalars(
            select(FeeCharge.household_id).where(
                FeeCharge.estate_id == estate_id, FeeCharge.fee_year == fee_year
            )
        )
    )
    statuses = occupancies_on(session, estate_id, start)
    issued = n_occupied = n_vacant = 0
    for household_id in sorted(statuses):
        first: date = first_days[household_id]
        if household_id in charged or first > fee_year_end(fee_year):
            continue
        is_vacant = statuses[household_id] == Occupancy.VACANT
        lines = vacant if is_vacant else full
        session.add(
            FeeCharge(
                estate_id=estate_id,
                schedule_id=schedule.id,
                household_id=household_id,
                fee_year=fee_year,
                vacant=is_vacant,
                occupancy_date=max(start, first),
                amount=sum(lines.values()),
                lines=[FeeChargeLine(fund=f, amount=a) for f, a in lines.items() if a != 0],
            )
        )
        issued += 1
        n_vacant += is_vacant
        n_occupied += not is_vacant
    return IssueResult(fee_year, issued, n_occupied, n_vacant, len(charged))
