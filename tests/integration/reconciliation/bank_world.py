"""An estate built through the API whose books hold the bank movements the sample statements
(``docs/samples/bank-statement-*.csv``) show: books opened 2026-01-01 with 10,000.00 in the
bank, two fee payments by transfer (01-05, 01-06, 200.00 each — the statement cannot tell them
apart), a cash payment deposited on 01-12, electricity bills paid on 01-20 (350.00) and 01-30
(120.00, on the statement 02-02), a transfer on 02-10 and a bill on 03-04 (80.00).

Not in the books: the bank's fees (−2.00 on 01-20 and 02-28) and 500.00 from the community
on 02-03 — the statement items a reconciliation lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
    new_estate,
)

SAMPLES = Path(__file__).parents[3] / "docs" / "samples"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def upload(
    estate: NewEstate, who: str, name: str, content: bytes | None = None, **form: str
) -> Any:
    data = content if content is not None else (SAMPLES / name).read_bytes()
    return estate.client.post(
        estate.base + "/bank/statements/import",
        files={"file": (name, data, MIME[name.rsplit(".", 1)[1]])},
        data=form or None,
        headers=estate.people[who],
    )


def _household(estate: NewEstate, room: str) -> str:
    body = {
        "building": "1",
        "entrance": "1",
        "room": room,
        "site": "一区",
        "occupancy": "occupied",
        "since": "2024-01-01",
    }
    return str(ok(estate.post("steward", "/households", body), 201)["code"])


def pay(estate: NewEstate, code: str, on: str, method: str, key: str) -> Any:
    body = {
        "method": method,
        "amount": "200.00",
        "paid_on": on,
        "allocations": [{"household_code": code, "fee_year": 2026, "amount": "200.00"}],
    }
    return ok(estate.post("steward", "/fees/payments", body, headers={"Idempotency-Key": key}), 201)


def paid_claim(estate: NewEstate, payee: str, text: str, amount: str, work: str, paid: str) -> Any:
    claim = ok(
        estate.post(
            "steward",
            "/claims",
            {
                "payee": payee,
                "contractor_id": None,
                "fund": "electricity",
                "expense_item": "Bills",
                "description": text,
                "work_date": work,
                "lines": [
                    {"description": text, "quantity": "1", "unit": "期", "unit_price": amount}
                ],
            },
        ),
        201,
    )
    ok(estate.post("steward", f"/claims/{claim['id']}/submit"))
    shown = ok(estate.get("steward", f"/claims/{claim['id']}"))
    ok(decide(estate, "member1", shown["approval"]["request_id"]))
    return ok(
        estate.post(
            "steward",
            f"/claims/{claim['id']}/pay",
            {"paid_on": paid},
            headers={"Idempotency-Key": f"claim-{claim['id']}"},
        )
    )


def bank_world(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = new_estate(session, client)
    codes = [estate.household_code, *(_household(estate, r) for r in ("102", "103", "104"))]
    proposal = ok(
        estate.post(
            "steward",
            "/books/opening",
            {
                "date": "2026-01-01",
                "funds": [
                    {"fund": "electricity", "bank": "3000.00"},
                    {"fund": "maintenance", "bank": "5000.00"},
                    {"fund": "garbage", "bank": "2000.00"},
                ],
            },
        ),
        201,
    )
    ok(decide(estate, "member1", proposal["approval_request_id"]))
    approve_schedule_and_charge(estate, 2026)
    pay(estate, codes[0], "2026-01-05", "bank_transfer", "p1")
    pay(estate, codes[1], "2026-01-06", "bank_transfer", "p2")
    pay(estate, codes[2], "2026-01-08", "cash", "p3")
    ok(
        estate.post(
            "steward",
            "/fees/deposits",
            {"amount": "200.00", "deposited_on": "2026-01-12"},
            headers={"Idempotency-Key": "d1"},
        ),
        201,
    )
    paid_claim(
        estate, "国网浙江省电力有限公司", "1月公共电费", "350.00", "2026-01-20", "2026-01-20"
    )
    paid_claim(estate, "新河保洁服务部", "楼道灯更换", "120.00", "2026-01-30", "2026-01-30")
    pay(estate, codes[3], "2026-02-10", "bank_transfer", "p4")
    paid_claim(estate, "国网浙江省电力有限公司", "2月公共电费", "80.00", "2026-03-04", "2026-03-04")
    return estate


def entry_seqs(estate: NewEstate) -> dict[str, int]:
    """The bank movements' entry numbers by date (``2026-01-05`` …)."""
    overview = ok(estate.get("steward", "/bank/matches"))
    found = {e["date"]: e["seq"] for e in overview["unmatched_entries"]}
    for match in overview["matches"]:
        found.setdefault(f"seq{match['entry_seq']}", match["entry_seq"])
    return found
