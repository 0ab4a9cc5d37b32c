"""The public receipt page (``/r/…``, ``/api/v1/public/…/receipts/…``) shows amounts from the
fee tables, outside the hash chain; ``ledger check`` compares every receipt with the journal
entry it names (issue 14 item 8). The fee tables have no append-only trigger: anyone with
the database can change them, and the check is what notices."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from tests.integration.fees.helpers import approved_schedule, make_fee_estate
from tests.integration.fees.money_back import void
from trustfund.cli import main
from trustfund.db.models.estates import Household
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import record_payment
from trustfund.fees.schemas import PaymentIn
from trustfund.settings import Settings


def _receipts(session: Session) -> list[str]:
    estate = make_fee_estate(session, households=3, slug="youhe")
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    session.commit()
    codes = list(session.scalars(select(Household.code).where(Household.estate_id == estate.id)))
    numbers = []
    for i, code in enumerate(codes[:3]):
        data = PaymentIn.model_validate(
            {
                "method": "cash" if i else "bank_transfer",
                "amount": "80.00",
                "paid_on": date(2026, 3, 1 + i),
                "allocations": [{"household_code": code, "fee_year": 2026, "amount": "80.00"}],
            }
        )
        view, _ = record_payment(
            session, estate.id, data, actor_user_id=None, idempotency_key=f"r{i}"
        )
        numbers += [r["receipt_no"] for r in view["receipts"]]
    void(session, estate.id, numbers[2], reason="录错", on=date(2026, 3, 5))
    session.commit()
    return numbers


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("amount = 8.00", "8.00 on the receipt, 80.00 in the entry"),
        ("paid_on = '2026-03-09'", "paid on 2026-03-09 on the receipt"),
        ("fee_year = 2025", "fee-year 2025 on the receipt, 2026 in the entry"),
        ("status = 'void'", "void on the receipt, not in the journal"),
    ],
)
def test_a_receipt_changed_in_the_fee_tables_is_named(
    client: TestClient[Litestar],
    session: Session,
    engine: Engine,
    settings: Settings,
    change: str,
    says: str,
) -> None:
    numbers = _receipts(session)
    session.close()
    env = {"TRUSTFUND_DATABASE_URL": settings.database_url, "TRUSTFUND_SECRET_KEY": "test"}
    runner = CliRunner()
    clean = runner.invoke(main, ["ledger", "check", "youhe"], env=env)
    assert clean.exit_code == 0, clean.output
    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE fee_receipts SET {change} WHERE receipt_no = :n"), {"n": numbers[0]}
        )
    shown = client.get(f"/api/v1/public/estates/youhe/receipts/{numbers[0]}").json()
    assert shown["receipt_no"] == numbers[0]  # the page shows the changed row as it is
    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=env)
    assert checked.exit_code == 1
    assert f"receipt {numbers[0]} (entry " in checked.output and says in checked.output, (
        checked.output
    )


def test_a_fund_line_moved_between_funds_is_named(
    session: Session, engine: Engine, settings: Settings
) -> None:
    numbers = _receipts(session)
    session.close()
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE fee_receipt_lines SET fund = 'autonomy' WHERE fund = 'garbage' AND"
                " receipt_id = (SELECT id FROM fee_receipts WHERE receipt_no = :n)"
            ),
            {"n": numbers[1]},
        )
    env = {"TRUSTFUND_DATABASE_URL": settings.database_url, "TRUSTFUND_SECRET_KEY": "test"}
    checked = CliRunner().invoke(main, ["ledger", "check", "youhe"], env=env)
    assert checked.exit_code == 1
    assert f"receipt {numbers[1]}" in checked.output and "fund lines differ" in checked.output
