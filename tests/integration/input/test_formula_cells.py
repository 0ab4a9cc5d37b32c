"""Issue 14 item 4: text that a spreadsheet runs as a formula (a payee
``=HYPERLINK(...)``, a donor ``=cmd|' /C calc'!A0``, an owner ``@SUM(...)``) is written as
text in every file we export — the public disclosure XLSX and CSV, the staff expense XLSX and
the collection/arrears XLSX — while amounts stay number cells."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.input.world import World, build_world
from trustfund.db.models.estates import Estate
from trustfund.journal.service import open_books
from trustfund.spreadsheet import FORMULA_STARTS, append_row, csv_row

PAYEE = '=HYPERLINK("http://evil.example/x","点此核对")'
DONOR = "=cmd|' /C calc'!A0"
OWNERS = ["@SUM(1+1)*cmd|' /C calc'!A0", "=1+2", '＝HYPERLINK("http://owner.example")']
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _workbook_cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def _assert_no_formula(content: bytes, planted: list[str]) -> list[Any]:
    cells = _workbook_cells(content)
    assert [c.value for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    for text in planted:
        assert text in texts, text  # the text itself is kept, not mangled
    for cell in cells:
        if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
            assert cell.data_type == "s" and cell.quotePrefix
    return cells


def _payable_world(session: Session, client: TestClient[Litestar]) -> World:
    world = build_world(session, client)
    more = "幢,单元,室,状态,业主,电话\n" + "".join(
        f'5,1,{201 + i},自住,"{name.replace(chr(34), chr(34) * 2)}",\n'
        for i, name in enumerate(OWNERS)
    )
    imported = client.post(
        f"{world.base}/households/import",
        files={"file": ("more.csv", more.encode(), "text/csv")},
        headers=world.admin,
    )
    assert imported.status_code in (200, 201), imported.text
    # Opening the books has no API yet (issue 13, item 1); it is the one service call here.
    estate_id = session.scalar(select(Estate.id).where(Estate.slug == world.slug))
    assert estate_id is not None
    open_books(session, estate_id, on=date(2026, 1, 1), opening_balances={"maintenance": "1000"})
    session.commit()
    return world


def test_every_export_writes_formula_text_as_text(
    session: Session, client: TestClient[Litestar]
) -> None:
    world = _payable_world(session, client)
    base, steward, committee = world.base, world.steward, world.committee

    source = client.post(
        f"{base}/grants/sources",
        json={"kind": "sponsorship", "donor_name": DONOR},
        headers=steward,
    )
    assert source.status_code == 201, source.text
    gift = client.post(
        f"{base}/grants/gifts",
        json={"source_id": source.json()["id"], "amount": "300.00", "received_on": "2026-01-05"},
        headers={**steward, "Idempotency-Key": "gift-1"},
    )
    assert gift.status_code == 201, gift.text

    claim = client.post(
        f"{base}/claims",
        json={
            "payee": PAYEE,
            "fund": "maintenance",
            "expense_item": "Repairs",
            "description": "-楼道灯 +1",
            "work_date": "2026-01-10",
            "lines": [{"description": "灯泡", "quantity": "2", "unit": "个", "unit_price": "35"}],
        },
        headers=steward,
    )
    assert claim.status_code == 201, claim.text
    cid = claim.json()["id"]
    assert client.post(f"{base}/claims/{cid}/submit", headers=steward).status_code == 200
    request_id = client.get(f"{base}/claims/{cid}", headers=steward).json()["approval"][
        "request_id"
    ]
    approved = client.post(
        f"{base}/approvals/{request_id}/decision", json={"decision": "approve"}, headers=committee
    )
    assert approved.status_code == 200, approved.text
    paid = client.post(
        f"{base}/claims/{cid}/pay",
        json={"paid_on": "2026-01-20"},
        headers={**steward, "Idempotency-Key": "pay-1"},
    )
    assert paid.status_code == 200, paid.text

    # staff expense XLSX: the payee and the description stay text, the amount a number
    staff_xlsx = client.get(f"{base}/expenses/xlsx", headers=steward)
    assert staff_xlsx.status_code == 200, staff_xlsx.text
    cells = _assert_no_formula(staff_xlsx.content, [PAYEE, "-楼道灯 +1"])
    assert [c.data_type for c in cells if c.value == 70] == ["n", "n"]  # the line and 合计

    # collection / arrears XLSX: owners' names as text
    put = client.put(
        f"{base}/fees/schedules/2026",
        json={
            "components": [{"fund": "maintenance", "name": "公共设施维护", "amount": "90.00"}],
            "vacancy_rule": "percent",
            "vacancy_percent": "50",
        },
        headers=steward,
    )
    assert put.status_code in (200, 201), put.text
    ok = client.post(
        f"{base}/fees/schedules/2026/approve",
        json={"content_hash": put.json()["content_hash"]},
        headers=committee,
    )
    assert ok.status_code == 200, ok.text
    charged = client.post(f"{base}/fees/charges/2026", headers=steward)
    assert charged.status_code in (200, 201), charged.text
    arrears = client.get(f"{base}/fees/collection/2026/xlsx", headers=steward)
    assert arrears.status_code == 200, arrears.text
    _assert_no_formula(arrears.content, OWNERS)

    # the public disclosure of January: XLSX and CSV
    submitted = client.post(f"{base}/disclosures/", json={"period": "2026-01"}, headers=steward)
    assert submitted.status_code == 201, submitted.text
    vid = submitted.json()["id"]
    decided = client.post(
        f"{base}/disclosures/{vid}/decision", json={"decision": "approve"}, headers=committee
    )
    assert decided.status_code == 201, decided.text
    published = client.post(f"{base}/disclosures/{vid}/publish", headers=steward)
    assert published.status_code == 201, published.text
    public = f"/api/v1/public/estates/{world.slug}/disclosures/{vid}"
    public_xlsx = client.get(f"{public}.xlsx")
    assert public_xlsx.status_code == 200
    cells = _assert_no_formula(public_xlsx.content, [PAYEE])
    assert any(c.data_type == "n" and c.value == -70 for c in cells) or any(
        c.data_type == "n" and c.value == 70 for c in cells
    )
    text = client.get(f"{public}.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    flat = [cell for row in rows for cell in row]
    assert "'" + PAYEE in flat
    assert any(DONOR in cell for cell in flat)  # inside "日期 捐赠人 物品": not at the start
    for cell in flat:
        assert cell[:1] not in FORMULA_STARTS or NUMBER.fullmatch(cell), cell


def test_the_helper_escapes_every_formula_start_and_keeps_numbers() -> None:
    from decimal import Decimal

    from openpyxl import Workbook

    starts = ["=1+1", "+1", "-1+1", "@A1", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠A1"]
    assert csv_row([*starts, Decimal("-50"), "a=1", "", None, 3]) == [
        *("'" + s for s in starts),
        "-50.00",
        "a=1",
        "",
        None,
        3,
    ]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, [*starts, Decimal("-50.00"), -3])
    out = io.BytesIO()
    workbook.save(out)
    cells = _workbook_cells(out.getvalue())
    # A carriage return comes back as a line feed when openpyxl writes with the standard
    # library's XML and as itself when lxml is installed (it writes &#13;): either way the
    # cell is the same text, stored as a string.
    values = [c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value for c in cells]
    assert values == [*(s.replace("\r", "\n") for s in starts), -50, -3]
    assert [c.data_type for c in cells] == ["s"] * len(starts) + ["n", "n"]
