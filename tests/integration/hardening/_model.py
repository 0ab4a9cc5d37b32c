"""Helpers for the domain state machine (``test_state_machine.py``): building one estate
with real users (each with an API token), a schedule, charges, grant sources and a project,
and reading back what the invariants and the "nothing written" checks compare."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tests.factories import make_user
from trustfund.auth.principal import Role
from trustfund.auth.users import grant_membership
from trustfund.db.models.approvals import ApprovalDecision, ApprovalParticipant, ApprovalRequest
from trustfund.db.models.auth import User
from trustfund.db.models.disclosure import DisclosureSnapshot
from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)
from trustfund.db.models.fees import (
    CashDeposit,
    FeePayment,
    FeeReceipt,
    FeeReceiptCounter,
    FeeRefund,
)
from trustfund.db.models.grants import Gift
from trustfund.db.models.journal import (
    JournalEntry,
    JournalPosting,
    JournalProposal,
    LedgerHead,
    PeriodLock,
)
from trustfund.db.models.settlements import Claim
from trustfund.fees.charges import issue_charges
from trustfund.fees.schedule import approve_schedule, save_schedule
from trustfund.fees.schemas import ComponentIn, ScheduleIn
from trustfund.grants import service as grants
from trustfund.grants.schemas import BudgetLineIn, ProjectIn, SourceIn
from trustfund.journal.service import open_books

_slugs = itertools.count(1)

BOOKS_OPEN = date(2025, 1, 1)
FEE_YEAR = 2025
#: The model's "today" never passes this day (one fee year, no prepaid money).
LAST_DAY = date(2025, 12, 31)
OPENING = {
    "electricity": Decimal("300.00"),
    "maintenance": Decimal("800.00"),
    "garbage": Decimal("200.00"),
    "autonomy": Decimal("500.00"),
}
COMPONENTS = [
    ComponentIn(fund="electricity", name="公共电费", amount="50.00"),
    ComponentIn(fund="maintenance", name="公共设施维护", amount="90.00"),
    ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
]


@dataclass
class World:
    """One estate of one hypothesis example and the people acting in it."""

    estate: Estate
    households: list[Household]
    steward: User
    committee: list[User]
    sources: list[int]
    project_id: int
    #: the insider: steward and committee member of the estate at once (granting it answers
    #: a warning, and four eyes must still keep them from approving what they wrote or edited)
    dual: User
    #: API token of each user, by user id
    tokens: dict[int, str] = field(default_factory=dict)
    #: owner names and phone numbers that must never appear in public
    personal: list[str] = field(default_factory=list)


def build_world(session: Session, households: int = 4) -> World:
    """A fresh estate (unique slug), books opened with opening balances, an approved schedule
    with charges issued for ``FEE_YEAR``, two grant sources and one submitted project."""
    n = next(_slugs)
    estate = Estate(slug=f"sm{n}", name=f"模型小区{n}", timezone="Asia/Shanghai")
    session.add(estate)
    session.flush()
    site = Site(estate_id=estate.id, code="S1", name="一区")
    session.add(site)
    session.flush()
    building = Building(estate_id=estate.id, site_id=site.id, number="2")
    session.add(building)
    session.flush()
    homes: list[Household] = []
    personal: list[str] = []
    surnames = "赵钱孙李周吴郑王"
    for i in range(households):
        name = f"{surnames[i % 8]}业主{n}号{i}"
        phone = f"139{n % 10000:04d}{i:04d}"
        h = Household(
            estate_id=estate.id,
            building_id=building.id,
            entrance="1",
            room=f"{201 + i}",
            code=f"SM{n:04d}{i:02d}",
            owner_name=name,
            phone=phone,
        )
        session.add(h)
        session.flush()
        status = Occupancy.VACANT if i == households - 1 else Occupancy.OCCUPIED
        session.add(HouseholdOccupancy(household_id=h.id, status=status, effective_from=BOOKS_OPEN))
        homes.append(h)
        personal += [name, phone]
    open_books(session, estate.id, on=BOOKS_OPEN, opening_balances=OPENING)
    session.commit()

    steward, steward_token = make_user(session, Role.STEWARD, estate)
    members = [make_user(session, Role.COMMITTEE, estate) for _ in range(3)]
    committee = [user for user, _ in members]
    dual, dual_token = make_user(session, Role.STEWARD, estate)
    grant_membership(session, dual, Role.COMMITTEE, estate_id=estate.id)
    session.commit()
    tokens = {steward.id: steward_token, dual.id: dual_token}
    tokens.update({user.id: token for user, token in members})
    schedule = save_schedule(
        session,
        estate.id,
        FEE_YEAR,
        ScheduleIn(components=COMPONENTS, vacancy_rule="percent", vacancy_percent="50"),
        actor_user_id=steward.id,
    )
    approve_schedule(
        session,
        estate.id,
        FEE_YEAR,
        content_hash=schedule.content_hash,
        actor_user_id=committee[0].id,
    )
    issue_charges(session, estate.id, FEE_YEAR)

    sources = [
        grants.add_source(
            session,
            estate.id,
            SourceIn(kind="crowdfunding", donor_name=f"居民众筹{n}"),
            steward.id,
        )["id"],
        # a resident donating anonymously: the real name stays in the sources table
        grants.add_source(
            session,
            estate.id,
            SourceIn(kind="sponsorship", donor_name=homes[0].owner_name or "", anonymous=True),
            steward.id,
        )["id"],
    ]
    code = f"P{n}"
    project = grants.create_project(
        session,
        estate.id,
        ProjectIn(
            code=code,
            title="楼道微改造",
            purpose="改善楼道照明",
            applicant="理事会",
            applied_on=BOOKS_OPEN,
            lines=[BudgetLineIn(description="灯具", amount="2000.00")],
        ),
        steward.id,
    )
    grants.submit_project(session, estate.id, project["id"], steward.id)
    return World(
        estate=estate,
        households=homes,
        steward=steward,
        committee=committee,
        sources=sources,
        project_id=project["id"],
        dual=dual,
        tokens=tokens,
        personal=personal,
    )


def _count(session: Session, model: Any, estate_id: int) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.estate_id == estate_id))
        or 0
    )


def footprint(session: Session, estate_id: int) -> tuple[object, ...]:
    """Everything a refused step must leave unchanged: row counts of every written table,
    the chain head, receipt counters, claim and proposal statuses, who took part in what."""
    head = session.get(LedgerHead, estate_id)
    counters = tuple(
        session.execute(
            select(FeeReceiptCounter.year, FeeReceiptCounter.last_number)
            .where(FeeReceiptCounter.estate_id == estate_id)
            .order_by(FeeReceiptCounter.year)
        ).all()
    )
    claims = tuple(
        session.execute(
            select(Claim.id, Claim.status).where(Claim.estate_id == estate_id).order_by(Claim.id)
        ).all()
    )
    decisions = session.scalar(
        select(func.count(ApprovalDecision.id))
        .join(ApprovalRequest, ApprovalRequest.id == ApprovalDecision.request_id)
        .where(ApprovalRequest.estate_id == estate_id)
    )
    receipts = tuple(
        session.execute(
            select(FeeReceipt.id, FeeReceipt.status)
            .where(FeeReceipt.estate_id == estate_id)
            .order_by(FeeReceipt.id)
        ).all()
    )
    proposals = tuple(
        session.execute(
            select(JournalProposal.id, JournalProposal.status, JournalProposal.entry_seq)
            .where(JournalProposal.estate_id == estate_id)
            .order_by(JournalProposal.id)
        ).all()
    )
    return (
        (head.last_seq, head.last_hash) if head else None,
        _count(session, JournalEntry, estate_id),
        _count(session, JournalPosting, estate_id),
        _count(session, FeePayment, estate_id),
        receipts,
        _count(session, FeeRefund, estate_id),
        _count(session, CashDeposit, estate_id),
        _count(session, Gift, estate_id),
        _count(session, PeriodLock, estate_id),
        _count(session, DisclosureSnapshot, estate_id),
        _count(session, ApprovalRequest, estate_id),
        decisions,
        counters,
        claims,
        proposals,
        _count(session, ApprovalParticipant, estate_id),
    )


def _fen() -> ColumnElement[int]:
    """A posting's amount in whole fen (exact on SQLite, which keeps NUMERIC as a float)."""
    return cast(func.round(JournalPosting.amount * 100), Integer)


def unbalanced_entries(session: Session, estate_id: int) -> list[int]:
    """Ids of entries whose postings do not sum to zero."""
    return list(
        session.scalars(
            select(JournalPosting.entry_id)
            .where(JournalPosting.estate_id == estate_id)
            .group_by(JournalPosting.entry_id)
            .having(func.sum(_fen()) != 0)
        )
    )


def postings_total(session: Session, estate_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(_fen()), 0)).where(JournalPosting.estate_id == estate_id)
    )
    return Decimal(int(total or 0)) / 100
