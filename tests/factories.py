"""Factories for tests: build rows directly, commit, return them.

Every factory commits, so the test's session holds no transaction (and, on SQLite, no lock)
when the test then calls the app. After reading with the test's session, end the read with
``session.rollback()`` before the next request.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.auth.passwords import hash_password
from trustfund.auth.principal import Role
from trustfund.auth.tokens import issue_token
from trustfund.auth.users import grant_membership
from trustfund.db.models.auth import User
from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)

#: The password every factory-made user has.
PASSWORD = "correct horse battery"

_serial = itertools.count(1)


def make_estate(
    session: Session, slug: str = "a", community: str = "c", name: str | None = None
) -> Estate:
    """An estate row (no ledger, no households)."""
    estate = Estate(
        slug=slug,
        name=name or f"测试小区{slug}",
        address=f"测试路{next(_serial)}号",
        community=community,
        street_office="测试街道",
    )
    session.add(estate)
    session.commit()
    return estate


def make_user(
    session: Session,
    role: Role | str | None = None,
    estate: Estate | None = None,
    community: str | None = None,
    admin: bool = False,
    *,
    username: str | None = None,
    password: str = PASSWORD,
    display_name: str | None = None,
) -> tuple[User, str]:
    """A user, optionally with one role (in ``estate``, or in ``community`` for supervisors),
    and a fresh API token for it: ``(user, token)``. Use ``auth_headers(token)``."""
    n = next(_serial)
    username = username or f"{Role(role).value if role else 'admin' if admin else 'user'}{n}"
    user = User(
        username=username.lower(),
        display_name=display_name or f"测试用户{n}",
        password_hash=_hash(password),  # argon2 is slow on purpose: hash each password once
        is_admin=admin,
        is_active=True,
    )
    session.add(user)
    session.flush()
    if role is not None:
        grant_membership(
            session,
            user,
            role,
            estate_id=estate.id if estate is not None and community is None else None,
            community=community,
        )
    issued = issue_token(session, user, "tests")
    session.commit()
    return user, issued.plain


@cache
def _hash(password: str) -> str:
    return hash_password(password)


def auth_headers(token: str) -> dict[str, str]:
    """Headers that authenticate a request with an API token."""
    return {"Authorization": f"Bearer {token}"}


def make_household(
    session: Session,
    estate: Estate,
    *,
    building: str = "1",
    entrance: str = "1",
    room: str = "101",
    code: str | None = None,
    occupancy: Occupancy = Occupancy.OCCUPIED,
    since: date = date(2024, 1, 1),
) -> Household:
    """A household (with its site and building, made when missing) and its occupancy."""
    found = session.scalar(
        select(Building).where(Building.estate_id == estate.id, Building.number == building)
    )
    if found is None:
        site = session.scalar(select(Site).where(Site.estate_id == estate.id))
        if site is None:
            site = Site(estate_id=estate.id, code="S1", name="一区")
            session.add(site)
            session.flush()
        found = Building(estate_id=estate.id, site_id=site.id, number=building)
        session.add(found)
        session.flush()
    household = Household(
        estate_id=estate.id,
        building_id=found.id,
        entrance=entrance,
        room=room,
        code=code or f"H{estate.slug.upper()}{next(_serial):05d}",
    )
    session.add(household)
    session.flush()
    session.add(
        HouseholdOccupancy(household_id=household.id, status=occupancy, effective_from=since)
    )
    session.commit()
    return household


def seed_households(session: Session, estate: Estate) -> None:
    make_household(session, estate, room="101")
    make_household(session, estate, room="102", occupancy=Occupancy.VACANT)


def seed_disclosure(session: Session, estate: Estate) -> None:
    """A submitted disclosure version (its id fills ``{version_id}`` in disclosure routes)."""
    from trustfund.disclosure.publication import submit

    user, _ = make_user(session, Role.STEWARD, estate)
    submit(session, estate, period="2026Q1", submitted_by=user.id)
    session.commit()


#: What the access-control matrix creates in each of its two estates so that routes with
#: ids or codes in their paths reach real rows of either estate. Add a seeder for the
#: objects your routes name (one of each is enough).
MATRIX_SEEDERS: list[Callable[[Session, Estate], None]] = [seed_households, seed_disclosure]


def seed_approvals(session: Session, estate: Estate) -> None:
    """Approval rules for claims and one pending request, submitted by a steward."""
    from decimal import Decimal

    from trustfund import approvals

    submitter, _ = make_user(session, Role.STEWARD, estate)
    approvals.submit(
        session,
        estate.id,
        subject_kind="claim",
        subject_id=0,
        content={"seeded": True},
        amount=Decimal("100.00"),
        submitted_by=submitter.id,
    )
    session.commit()


MATRIX_SEEDERS.append(seed_approvals)


def seed_settlements(session: Session, estate: Estate) -> None:
    """One of each settlement object: contractor, contract, price list, work order, claim
    (submitted), voucher row (no file) and goods item with a slip."""
    from decimal import Decimal

    from trustfund.db.models.settlements import (
        Claim,
        ClaimLine,
        ClaimStatus,
        Contractor,
        ContractStatus,
        GoodsItem,
        GoodsSlip,
        PriceItem,
        PriceList,
        RepairContract,
        SlipKind,
        Voucher,
        WorkOrder,
        WorkOrderStatus,
    )

    contractor = Contractor(estate_id=estate.id, name=f"维修公司{estate.slug}")
    session.add(contractor)
    session.flush()
    session.add(
        RepairContract(
            estate_id=estate.id,
            contractor_id=contractor.id,
            title="维修合同",
            scope="公共设施",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            status=ContractStatus.DRAFT,
        )
    )
    session.add(
        PriceList(
            estate_id=estate.id,
            effective_from=date(2026, 1, 1),
            items=[PriceItem(code="WX-001", name="更换声控灯", unit="个", unit_price=35)],
        )
    )
    order = WorkOrder(
        estate_id=estate.id,
        building="1",
        problem="灯不亮",
        status=WorkOrderStatus.REPORTED,
        reported_on=date(2026, 3, 1),
    )
    session.add(order)
    session.flush()
    claim = Claim(
        estate_id=estate.id,
        payee=contractor.name,
        contractor_id=contractor.id,
        fund="maintenance",
        expense_item="Repairs",
        description="换灯",
        work_date=date(2026, 3, 2),
        work_order_id=order.id,
        amount=Decimal("35.00"),
        status=ClaimStatus.DRAFT,
        lines=[
            ClaimLine(
                position=0,
                description="更换声控灯",
                quantity=Decimal("1"),
                unit="个",
                unit_price=Decimal("35"),
                amount=Decimal("35.00"),
            )
        ],
    )
    session.add(claim)
    session.flush()
    session.add(
        Voucher(
            estate_id=estate.id,
            number=f"PZ-{estate.slug}",
            sha256="0" * 64,
            content_type="application/pdf",
            size=1,
            claim_id=claim.id,
        )
    )
    item = GoodsItem(estate_id=estate.id, name="灯泡", unit="个")
    session.add(item)
    session.flush()
    session.add(
        GoodsSlip(
            estate_id=estate.id,
            item_id=item.id,
            kind=SlipKind.PURCHASE,
            quantity=Decimal("5"),
            slip_date=date(2026, 3, 1),
        )
    )
    session.commit()


MATRIX_SEEDERS.append(seed_settlements)


def seed_grants(session: Session, estate: Estate) -> None:
    """An autonomy-fund source, a submitted project with one budget line, a pending budget
    revision and a pending transfer (ids for ``/grants/...`` routes)."""
    from decimal import Decimal

    from trustfund.db.models.grants import (
        BudgetLine,
        BudgetRevision,
        FundTransfer,
        GrantProject,
        GrantSource,
        ProjectStatus,
        RevisionStatus,
        SourceKind,
        TransferKind,
        TransferStatus,
    )

    source = GrantSource(estate_id=estate.id, kind=SourceKind.CROWDFUNDING, donor_name="居民众筹")
    project = GrantProject(
        estate_id=estate.id,
        code="SEED",
        title="种子项目",
        purpose="测试",
        applicant="理事会",
        status=ProjectStatus.SUBMITTED,
        applied_on=date(2026, 7, 1),
    )
    project.lines.append(BudgetLine(position=0, description="材料", amount=Decimal("100.00")))
    session.add_all([source, project])
    session.flush()
    session.add(
        BudgetRevision(
            estate_id=estate.id,
            project_id=project.id,
            reason="测试",
            lines_json="[]",
            total=Decimal("100.00"),
            status=RevisionStatus.PENDING,
        )
    )
    session.add(
        FundTransfer(
            estate_id=estate.id,
            kind=TransferKind.TRANSFER,
            from_fund="autonomy",
            to_fund="autonomy:SEED",
            amount=Decimal("10.00"),
            moved_on=date(2026, 7, 2),
            reason="测试",
            status=TransferStatus.PENDING,
        )
    )
    session.commit()


MATRIX_SEEDERS.append(seed_grants)


def seed_period_lock(session: Session, estate: Estate) -> None:
    """A lock of an ended period (its id fills ``{lock_id}`` in the ledger's lock routes)."""
    from trustfund.journal.service import lock_period

    lock_period(session, estate.id, start=date(2025, 1, 1), end=date(2025, 3, 31), reason="公示")
    session.commit()


MATRIX_SEEDERS.append(seed_period_lock)


# --- files -----------------------------------------------------------------------------


def make_pdf(text: str = "Invoice") -> bytes:
    """A real one-page PDF (it parses: ``pdfinfo`` reads it), as a voucher."""
    from trustfund.demo.grants import voucher_pdf

    return voucher_pdf(text)


def png_header(width: int, height: int) -> bytes:
    """The first chunks of a PNG claiming ``width`` × ``height`` pixels, with one tiny IDAT:
    what a decompression bomb looks like to anything that reads the header (cheap to make
    at any size)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def make_image(width: int = 1200, height: int = 900, kind: str = "JPEG") -> bytes:
    """A real photo-like image (a gradient, so it compresses like a photo, not like a blank)."""
    import io

    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()
