"""Issue 14 item 6: every amount typed into the API is read by one strict parser
(``ledger.money.parse_money``). ``"1,5"`` was read as 15.00 and ``"1,50"`` as 150.00;
``1_000``, full-width and Arabic-Indic digits, ``1e3`` and ``NaN`` were accepted by
``Decimal()``. Each is now a 422 naming the field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.input.world import World, build_world
from trustfund.db.models.fees import FeePayment, FeeSchedule
from trustfund.db.models.grants import Gift
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.settlements import Claim, PriceList

BAD = ["1,5", "1,50", "1_000", "１００", "٣", "1e3", "NaN", "Infinity", "0.001", " 5", "5\n"]


def _refused(response: Any, field: str) -> str:
    assert response.status_code == 422, response.text
    reasons = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert field in reasons, reasons
    return str(reasons[field])


@pytest.fixture
def world(session: Session, client: TestClient[Litestar]) -> World:
    return build_world(session, client)


def test_payment_amounts(client: TestClient[Litestar], world: World, session: Session) -> None:
    for bad in BAD:
        total = client.post(
            f"{world.base}/fees/payments",
            json={
                "method": "cash",
                "amount": bad,
                "allocations": [
                    {"household_code": world.codes[0], "fee_year": 2026, "amount": bad}
                ],
            },
            headers=world.steward,
        )
        _refused(total, "amount")
        _refused(total, "allocations[0].amount")
    comma = client.post(
        f"{world.base}/fees/payments",
        json={
            "method": "cash",
            "amount": "1,50",
            "allocations": [{"household_code": world.codes[0], "fee_year": 2026, "amount": "1.50"}],
        },
        headers=world.steward,
    )
    assert _refused(comma, "amount") == "use a dot for decimals; no thousands separators"
    assert session.scalar(select(func.count(FeePayment.id))) == 0


def test_general_entry_leg_amounts(
    client: TestClient[Litestar], world: World, session: Session
) -> None:
    for bad in [*BAD, "-1,5", "-1_000"]:
        response = client.post(
            f"{world.base}/ledger/entries",
            json={
                "date": "2026-03-01",
                "narration": "维修费用重分类",
                "legs": [
                    {"account": "Expenses:Maintenance:Materials", "amount": bad},
                    {"account": "Expenses:Maintenance:Repairs", "amount": "-1.50"},
                ],
            },
            headers={**world.steward, "Idempotency-Key": f"entry-{bad.encode().hex()}"},
        )
        reason = _refused(response, "legs[0].amount")
        assert "negative" not in reason  # a general entry's legs may be negative
    assert session.scalar(select(func.count(JournalEntry.id))) == 0


def test_fee_schedule_amounts(client: TestClient[Litestar], world: World, session: Session) -> None:
    for bad in BAD:
        response = client.put(
            f"{world.base}/fees/schedules/2026",
            json={
                "components": [{"fund": "electricity", "name": "公共电费", "amount": bad}],
                "vacancy_rule": "percent",
                "vacancy_percent": "50",
            },
            headers=world.steward,
        )
        _refused(response, "components[0].amount")
    for bad in ["5,5", "1e1", "NaN", "１０", "101", "-1"]:
        response = client.put(
            f"{world.base}/fees/schedules/2026",
            json={
                "components": [{"fund": "electricity", "name": "公共电费", "amount": "50.00"}],
                "vacancy_rule": "percent",
                "vacancy_percent": bad,
            },
            headers=world.steward,
        )
        _refused(response, "vacancy_percent")
    assert session.scalar(select(func.count(FeeSchedule.id))) == 0


def test_claim_line_prices_and_quantities(
    client: TestClient[Litestar], world: World, session: Session
) -> None:
    def claim(quantity: str, unit_price: str) -> Any:
        return client.post(
            f"{world.base}/claims",
            json={
                "payee": "甬安维修公司",
                "fund": "maintenance",
                "expense_item": "Repairs",
                "description": "楼道灯",
                "work_date": "2026-03-02",
                "lines": [
                    {
                        "description": "灯泡",
                        "quantity": quantity,
                        "unit": "个",
                        "unit_price": unit_price,
                    }
                ],
            },
            headers=world.steward,
        )

    for bad in [b for b in BAD if b != "0.001"]:
        _refused(claim("1", bad), "lines[0].unit_price")
        _refused(claim(bad, "35.00"), "lines[0].quantity")
    assert session.scalar(select(func.count(Claim.id))) == 0


def test_gift_amounts(client: TestClient[Litestar], world: World, session: Session) -> None:
    source = client.post(
        f"{world.base}/grants/sources",
        json={"kind": "sponsorship", "donor_name": "甬江公司"},
        headers=world.steward,
    )
    assert source.status_code == 201, source.text
    for bad in BAD:
        response = client.post(
            f"{world.base}/grants/gifts",
            json={"source_id": source.json()["id"], "amount": bad, "received_on": "2026-03-01"},
            headers=world.steward,
        )
        _refused(response, "amount")
    assert session.scalar(select(func.count(Gift.id))) == 0


def test_price_import_reads_cells_strictly_but_folds_full_width(
    client: TestClient[Litestar], world: World, session: Session
) -> None:
    """A spreadsheet typed with a Chinese input method may hold ``１００``: an import folds
    full-width digits explicitly; every other bad price is refused naming its row."""

    def upload(price: str, effective_from: str) -> Any:
        csv = f'编码,名称,单位,单价\nWX-001,灯泡,个,"{price}"\n'
        return client.post(
            f"{world.base}/prices/import?effective_from={effective_from}",
            files={"file": ("prices.csv", csv.encode(), "text/csv")},
            headers=world.steward,
        )

    for bad in ["1,5", "1,50", "1_000", "٣", "1e3", "NaN", "0.00001", "-5"]:
        _refused(upload(bad, "2026-01-01"), "rows[2].unit_price")
    assert session.scalar(select(func.count(PriceList.id))) == 0
    wide = upload("１２．５", "2026-01-01")
    assert wide.status_code == 201, wide.text
    assert wide.json()["items"][0]["unit_price"] == "12.50"
