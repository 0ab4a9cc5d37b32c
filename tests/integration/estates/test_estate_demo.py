"""The demo estate youhe: the reference's shape, the same after a second run."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.auth import users
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Action
from trustfund.db.models.auth import Membership, User
from trustfund.db.models.estates import Building, Household, HouseholdOccupancy, Occupancy, Site
from trustfund.demo import estate as demo_estate
from trustfund.estates.occupancy import occupancies_on
from trustfund.estates.rules import CODE_RE
from trustfund.settings import Settings


def counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Site, Building, Household, HouseholdOccupancy, User, Membership)
    )


def test_demo_twice_builds_the_reference_estate_once(session: Session, settings: Settings) -> None:
    summary = demo_estate.run(session, settings)
    session.commit()
    assert "14 sites, 30 buildings, 1143 households" in summary
    assert "demo-password" in summary
    first = counts(session)
    assert first[:3] == (14, 30, 1143)
    assert first[3] == 1143 + 9  # five move-outs and four move-ins during 2026
    codes = list(session.scalars(select(Household.code)))
    assert len(set(codes)) == 1143 and all(CODE_RE.fullmatch(c) for c in codes)

    again = demo_estate.run(session, settings)
    session.commit()
    assert counts(session) == first
    assert "0 added" in again

    estate_id = session.scalar(select(Household.estate_id).limit(1))
    assert estate_id is not None
    vacant = sum(
        1
        for s in occupancies_on(session, estate_id, date(2026, 1, 1)).values()
        if s is Occupancy.VACANT
    )
    assert 0.10 < vacant / 1143 < 0.14
    with_owner = session.scalar(
        select(func.count(Household.id)).where(Household.owner_name.is_not(None))
    )
    assert with_owner is not None and with_owner > 1000


def test_demo_people_hold_their_roles(session: Session, settings: Settings) -> None:
    demo_estate.run(session, settings)
    session.commit()
    estate_id = session.scalar(select(Site.estate_id).limit(1))
    assert estate_id is not None

    def may(username: str, action: Action) -> bool:
        user = users.find_user(session, username)
        assert user is not None
        principal = load_principal(session, user.id)
        assert principal is not None
        return principal.may(action, estate_id, demo_estate.COMMUNITY)

    assert may("steward", Action.RECORD)
    assert not may("steward", Action.APPROVE)
    assert all(may(f"committee{i}", Action.APPROVE) for i in range(1, 5))
    assert all(may(f"council{i}", Action.APPROVE) for i in range(1, 4))
    assert may("supervisor", Action.SIGN_OFF) and not may("supervisor", Action.RECORD)
    assert may("admin", Action.ADMINISTER)
    council = session.scalar(select(func.count(Membership.id)).where(Membership.role == "council"))
    assert council == 7


def test_the_demo_plan_is_reproducible() -> None:
    assert demo_estate.plan_households() == demo_estate.plan_households()
