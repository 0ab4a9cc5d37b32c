"""Issue 17: every XLSX export opens in Excel/WPS and prints on A4 without editing — numbers
are number cells, dates date cells, every column wide enough (no ###), A4 fitted to one page
wide with the header rows repeated and a print area; buildings in natural order. Checked
with openpyxl on the collection report, the expense detail table and a published
disclosure of an estate built from an empty database through the API."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import httpx
import openpyxl
import pytest

from tests.e2e.api_world import ApiWorld, build_api_world
from tests.e2e.conftest import ROOT, LiveServer
from tests.e2e.test_chinese_names import with_project
from trustfund.spreadsheet import DATE_FORMAT, MONEY_FORMAT

pytestmark = pytest.mark.e2e
EXPORTS = ROOT / "test-artifacts" / "exports"


def publish(world: ApiWorld, period: str) -> int:
    version = world.call("POST", "steward", "/disclosures/", json={"period": period})
    for who in ("lijun", "zhaomin"):
        decided = world.call(
            "POST", who, f"/disclosures/{version['id']}/decision", json={"decision": "approve"}
        )
        if decided["approval_status"] == "approved":
            break
    world.call("POST", "steward", f"/disclosures/{version['id']}/publish")
    return int(version["id"])


def download(world: ApiWorld, path: str, name: str) -> openpyxl.Workbook:
    answer = httpx.get(world.server.url + path, headers=world.people["steward"], timeout=60)
    assert answer.status_code == 200, answer.text
    if world.server.backend == "sqlite":
        EXPORTS.mkdir(parents=True, exist_ok=True)
        (EXPORTS / name).write_bytes(answer.content)
    return openpyxl.load_workbook(io.BytesIO(answer.content))


def check_printable(book: openpyxl.Workbook, name: str) -> None:
    for sheet in book.worksheets:
        where = f"{name} {sheet.title}"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), where
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0, where
        assert sheet.print_area, where
        if sheet.max_row > 2:
            assert sheet.print_title_rows and sheet.print_title_rows.startswith("$1:$"), where
        for column in range(1, sheet.max_column + 1):
            letter = openpyxl.utils.get_column_letter(column)
            width = sheet.column_dimensions[letter].width
            longest = max(
                (len(f"{c.value:,.2f}") if isinstance(c.value, float) else 0) for c in sheet[letter]
            )
            assert width and width >= max(6, longest), f"{where} column {letter}: {width}"
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    # what should be a number or a date is never stored as text
                    assert (
                        not value.replace(".", "", 1).lstrip("-").isdigit() or "." not in value
                    ), f"{where}!{cell.coordinate}: {value!r} is text"
                    assert not (len(value) == 10 and value[4] == "-" and value[7] == "-"), (
                        f"{where}!{cell.coordinate}: date {value!r} is text"
                    )
                elif isinstance(value, datetime):
                    assert cell.number_format == DATE_FORMAT, f"{where}!{cell.coordinate}"
                elif isinstance(value, (int, float)) and cell.number_format not in ("0", "General"):
                    assert cell.number_format == MONEY_FORMAT, f"{where}!{cell.coordinate}"


def test_exports_are_typed_sized_and_print_on_a4(live_server: LiveServer) -> None:
    world = build_api_world(live_server)
    world.pay_cash("1-1-9", "200.00", "2026-02-01")
    world.pay_cash("10-1-502", "200.00", "2026-02-02")
    with_project(world)
    version = publish(world, "2026Q1")

    collection = download(
        world, f"/api/v1/estates/{world.slug}/fees/collection/2026/xlsx", "collection.xlsx"
    )
    check_printable(collection, "collection")
    by_building = collection["按楼栋"]
    assert [r[0].value for r in by_building.iter_rows(min_row=2)] == [
        "1幢",
        "2幢",
        "3幢",
        "10幢",
        "11幢",
    ]
    arrears = collection["欠费明细"]
    assert [r[1].value for r in arrears.iter_rows(min_row=2)][:4] == ["1", "1", "2", "3"]
    assert isinstance(arrears["H2"].value, (int, float)) and arrears["H2"].value == 200
    assert arrears["H2"].number_format == MONEY_FORMAT
    assert isinstance(collection["历年趋势"]["B2"].value, datetime)

    expenses = download(world, f"/api/v1/estates/{world.slug}/expenses/xlsx", "expenses.xlsx")
    check_printable(expenses, "expenses")
    sheet = expenses.active
    assert sheet is not None and isinstance(sheet["A2"].value, datetime)
    assert Decimal(str(sheet["F2"].value)) == Decimal("380.00")

    disclosure = download(
        world, f"/api/v1/public/estates/{world.slug}/disclosures/{version}.xlsx", "disclosure.xlsx"
    )
    check_printable(disclosure, "disclosure")
    assert isinstance(disclosure["公示"]["B2"].value, datetime)  # the period's first day
    lines = disclosure["支出明细"]
    assert isinstance(lines["B2"].value, datetime) and isinstance(lines["G2"].value, (int, float))
