"""Small helpers shared by the fee services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from trustfund import fields
from trustfund.db.models.estates import Estate, Household
from trustfund.errors import NotFoundError, ValidationError
from trustfund.messages import Message


def get_estate(session: Session, estate_id: int) -> Estate:
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(Message("estates.no_estate_id", estate_id=estate_id))
    return estate


#: ``fields.amount``: money read strictly, or ``None`` with the reason on the field.
parse_money = fields.amount


@dataclass(frozen=True)
class HouseholdRef:
    """A household as fee services name it: its id and public code."""

    id: int
    code: str


_BY_CODE = select(Household.id, Household.code).where(
    Household.estate_id == bindparam("estate_id"),
    Household.code.in_(bindparam("codes", expanding=True)),
)


def households_by_code(
    session: Session, estate_id: int, codes: set[str]
) -> dict[str, HouseholdRef]:
    if not codes:
        return {}
    rows = session.connection().execute(_BY_CODE, {"estate_id": estate_id, "codes": sorted(codes)})
    return {code: HouseholdRef(household_id, code) for household_id, code in rows}


MIN_FEE_YEAR, MAX_FEE_YEAR = 2000, 2100


def check_fee_year(fee_year: int, field: str = "fee_year") -> None:
    """Raises ValidationError unless ``fee_year`` is a plausible year."""
    if not MIN_FEE_YEAR <= fee_year <= MAX_FEE_YEAR:
        raise ValidationError.field(
            field,
            Message("fees.year_range", min_fee_year=MIN_FEE_YEAR, max_fee_year=MAX_FEE_YEAR),
        )
