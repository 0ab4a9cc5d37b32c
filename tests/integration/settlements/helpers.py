"""A small estate with open books, people, a contractor and a reference price list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import make_estate, make_user
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Principal, Role
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.db.models.settlements import Claim
from trustfund.journal.service import open_books
from trustfund.settlements import claims, contracts, prices
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn, ContractorIn

D = Decimal
PRICE_CSV = (
    "编码,名称,单位,单价\n"
    "WX-001,更换声控灯,个,35.00\n"
    "WX-002,更换水泵密封件,套,280.00\n"
    "WX-005,墙面修补,m²,45.00\n"
).encode()


@dataclass
class World:
    estate: Estate
    steward: tuple[User, str]
    committee: list[tuple[User, str]]
    contractor_id: int

    def principal(self, session: Session, user: User) -> Principal:
        principal = load_principal(session, user.id)
        assert principal is not None
        return principal


def build(
    session: Session,
    slug: str = "st",
    balances: dict[str, Decimal] | None = None,
) -> World:
    estate = make_estate(session, slug)
    open_books(
        session,
        estate.id,
        on=dt.date(2026, 1, 1),
        opening_balances=balances
        if balances is not None
        else {"maintenance": D("10000.00"), "electricity": D("3000.00")},
    )
    session.commit()
    steward = make_user(session, Role.STEWARD, estate)
    committee = [make_user(session, Role.COMMITTEE, estate) for _ in range(4)]
    contractor = contracts.add_contractor(session, estate.id, ContractorIn(name="甬安维修公司"))
    prices.import_prices(session, estate.id, PRICE_CSV, "p.csv", effective_from=dt.date(2026, 1, 1))
    session.commit()
    return World(estate, steward, committee, contractor.id)


def claim_in(
    amount_lines: list[tuple[str | None, str, str, str | None]] | None = None,
    *,
    fund: str = "maintenance",
    item: str = "Repairs",
    payee: str = "甬安维修公司",
    work_date: dt.date = dt.date(2026, 3, 2),
) -> ClaimIn:
    """Lines as (item code, quantity, unit price, over reason); a free-text line has no code."""
    rows = amount_lines or [("WX-001", "4", "35.00", None)]
    return ClaimIn(
        payee=payee,
        fund=fund,
        expense_item=item,
        description="楼道维修",
        work_date=work_date,
        lines=[
            ClaimLineIn(
                item_code=code,
                description=None if code else "材料",
                unit=None if code else "项",
                quantity=qty,
                unit_price=price,
                over_reason=why,
            )
            for code, qty, price, why in rows
        ],
    )


def free(amount: str) -> list[tuple[str | None, str, str, str | None]]:
    """One free-text line worth ``amount``."""
    return [(None, "1", amount, None)]


def submitted(session: Session, world: World, data: ClaimIn) -> Claim:
    claim = claims.create_claim(session, world.estate.id, data, actor_user_id=world.steward[0].id)
    claims.submit_claim(session, world.estate.id, claim.id, actor_user_id=world.steward[0].id)
    session.commit()
    return claim


def approve_all(
    session: Session, world: World, claim: Claim, how_many: int = 4, start: int = 0
) -> Any:
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    for user, _ in world.committee[start:how_many]:
        if request.status != approvals.RequestStatus.PENDING:
            break
        approvals.decide(
            session,
            request.id,
            principal=world.principal(session, user),
            decision=approvals.Decision.APPROVE,
            reason=None,
            content=claims.claim_content(claim),
        )
    session.commit()
    return request


def report_work_order(client: Any, world: World) -> int:
    """A work order reported over HTTP by the steward (3幢2单元, a broken stair light); its id."""
    from tests.factories import auth_headers

    order = client.post(
        f"/api/v1/estates/{world.estate.slug}/work-orders",
        json={
            "building": "3",
            "entrance": "2",
            "problem": "声控灯不亮",
            "reported_on": "2026-03-01",
        },
        headers=auth_headers(world.steward[1]),
    )
    assert order.status_code == 201, order.text
    return int(order.json()["id"])
