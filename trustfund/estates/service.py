"""Estates, their sites and buildings.

Entry points (``create_estate``) commit; readers only read. Errors raised are listed in
each docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.auth.principal import Principal
from trustfund.db.models.estates import Building, Estate, Household, Site
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError
from trustfund.estates import rules, schemas
from trustfund.estates.order import natural_key
from trustfund.ledger.entries import text_problem
from trustfund.messages import Message, reason_of


def today_in(estate: Estate) -> date:
    """Today's date where the estate is: entries, payments, payouts and occupancy use local
    dates (a payment at 00:30 Beijing time belongs to that day). The one place for it."""
    return datetime.now(ZoneInfo(estate.timezone)).date()


@command
def create_estate(session: Session, data: schemas.EstateCreate, *, default_timezone: str) -> Estate:
    """Create an estate and commit.

    Raises ``ValidationError`` (every bad field: slug, name, lengths, timezone) and
    ``ConflictError`` when the slug is taken.
    """
    errors: list[FieldError] = []
    values: dict[str, str] = {}
    checks: list[tuple[str, Callable[[], str]]] = [
        ("slug", lambda: rules.clean_slug(data.slug)),
        ("name", lambda: rules.clean_required_text(data.name, 100)),
        ("address", lambda: rules.clean_optional_text(data.address, 200)),
        ("community", lambda: rules.clean_optional_text(data.community, 100)),
        ("street_office", lambda: rules.clean_optional_text(data.street_office, 100)),
    ]
    for field, check in checks:
        try:
            values[field] = check()
        except ValueError as exc:
            errors.append(
                FieldError(field, Message("input.field_reason", field=field, reason=reason_of(exc)))
            )
    if "name" in values and not any("\u4e00" <= ch <= "\u9fff" for ch in values["name"]):
        errors.append(FieldError("name", Message("estates.name_must_estate_s_chinese")))
    elif "name" in values and (why := text_problem(values["name"])):  # the ledger's title
        errors.append(FieldError("name", why))
    timezone = (data.timezone or default_timezone).strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            FieldError("timezone", Message("estates.unknown_time_zone", timezone=timezone))
        )
    if errors:
        raise ValidationError(Message("estates.estate_invalid"), errors=errors)
    if session.scalar(select(Estate.id).where(Estate.slug == values["slug"])) is not None:
        raise ConflictError(
            Message("estates.slug_exists", value=values["slug"]),
            errors=[FieldError("slug", Message("input.is_taken"))],
        )
    estate = Estate(timezone=timezone, **values)
    session.add(estate)
    return estate


def get_estate(session: Session, slug: str) -> Estate:
    """Raises ``NotFoundError``."""
    estate = session.scalar(select(Estate).where(Estate.slug == slug))
    if estate is None:
        raise NotFoundError(Message("estates.no_estate", slug=slug))
    return estate


def list_estates(session: Session) -> list[Estate]:
    return list(session.scalars(select(Estate).order_by(Estate.slug)))


def estates_of(session: Session, principal: Principal) -> list[schemas.MyEstate]:
    """The estates in which ``principal`` holds a role (all of them for an admin)."""
    result = []
    for estate in list_estates(session):
        roles = principal.roles_for(estate.id, estate.community)
        if roles:
            result.append(
                schemas.MyEstate(
                    **schemas.Estate.model_validate(estate).model_dump(),
                    roles=sorted(r.value for r in roles),
                )
            )
    return result


def list_sites(session: Session, estate: Estate) -> list[schemas.Site]:
    counts = (
        select(Building.site_id, func.count(Building.id).label("n"))
        .where(Building.estate_id == estate.id)
        .group_by(Building.site_id)
        .subquery()
    )
    rows = session.execute(
        select(Site.code, Site.name, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.site_id == Site.id)
        .where(Site.estate_id == estate.id)
        .order_by(Site.code)
    )
    return [schemas.Site(code=code, name=name, buildings=n) for code, name, n in rows]


def list_buildings(session: Session, estate: Estate) -> list[schemas.Building]:
    """Buildings in natural order (2 before 10), with their site and household count."""
    counts = (
        select(Household.building_id, func.count(Household.id).label("n"))
        .where(Household.estate_id == estate.id)
        .group_by(Household.building_id)
        .subquery()
    )
    rows = session.execute(
        select(Building.number, Site.code, Site.name, func.coalesce(counts.c.n, 0))
        .join(Site, Site.id == Building.site_id)
        .outerjoin(counts, counts.c.building_id == Building.id)
        .where(Building.estate_id == estate.id)
    ).all()
    return [
        schemas.Building(number=number, site_code=code, site_name=name, households=n)
        for number, code, name, n in sorted(rows, key=lambda r: natural_key(r[0]))
    ]
