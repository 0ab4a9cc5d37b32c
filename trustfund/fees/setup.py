"""Set-up progress (建账进度): what a new estate still lacks before money can be taken.

A payment needs four things, in this order: households imported, a fee schedule approved by
the committee, the books opened with approved opening balances, and the year's charges
issued. ``setup_progress`` answers which are done, so the staff home page and the household
page can say what is missing instead of failing at the payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.fees import FeeSchedule
from trustfund.estates.service import today_in
from trustfund.fees.schedule import charges_issued, find_schedule, is_approved
from trustfund.journal import books


@dataclass(frozen=True)
class SetupProgress:
    """Each step of setting up an estate's fee collection, for one fee year."""

    fee_year: int
    households: int
    schedule_exists: bool
    schedule_approved: bool
    books_open: bool
    charges_issued: bool
    #: The opening balances' proposal: None (none yet), pending, rejected, approved, posted.
    opening_status: str | None = None
    #: Its approval request, for the committee's link.
    opening_request_id: int | None = None
    opened_on: date | None = None

    @property
    def ready(self) -> bool:
        """Whether a payment for ``fee_year`` can be taken."""
        return (
            self.households > 0
            and self.schedule_approved
            and self.books_open
            and self.charges_issued
        )

    @property
    def missing(self) -> list[str]:
        """The steps not done yet, by name, in the order they must be taken."""
        steps = {
            "households": self.households > 0,
            "schedule": self.schedule_approved,
            "opening": self.books_open,
            "charges": self.charges_issued,
        }
        return [name for name, done in steps.items() if not done]


def setup_progress(session: Session, estate: Estate, fee_year: int | None = None) -> SetupProgress:
    """The set-up steps for ``fee_year`` (default: the newest year with a schedule, else
    the estate's current year)."""
    if fee_year is None:
        newest = session.scalar(
            select(func.max(FeeSchedule.fee_year)).where(FeeSchedule.estate_id == estate.id)
        )
        fee_year = int(newest) if newest is not None else today_in(estate).year
    found = find_schedule(session, estate.id, fee_year)
    households = session.scalar(
        select(func.count()).select_from(Household).where(Household.estate_id == estate.id)
    )
    opening = books.status(session, estate)
    return SetupProgress(
        fee_year=fee_year,
        households=int(households or 0),
        schedule_exists=found is not None,
        schedule_approved=found is not None and is_approved(found),
        books_open=opening.open,
        charges_issued=charges_issued(session, estate.id, fee_year),
        opening_status=opening.proposal.status if opening.proposal else None,
        opening_request_id=opening.proposal.approval_request_id if opening.proposal else None,
        opened_on=opening.opened_on,
    )
