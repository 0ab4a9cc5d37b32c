"""Reading household files (encodings, XLSX, headers) and judging one row's cells."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from trustfund.db.models.estates import Occupancy
from trustfund.errors import ValidationError
from trustfund.estates.households import clean_household
from trustfund.estates.importer import map_header, read_table

TODAY = date(2026, 11, 23)
CSV_TEXT = "幢,单元,室,状态,业主,电话\n3幢,1,101,自住,侯景萍,13800000001\n3,1,102,空户,,\n"


@pytest.mark.parametrize(
    "data",
    [
        CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-8-sig"),
        CSV_TEXT.encode("gb18030"),
        CSV_TEXT.replace("\n", "\r\n").encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gb18030-crlf"],
)
def test_csv_encodings_read_the_same(data: bytes) -> None:
    table = read_table(data, "households.csv")
    assert table.header == ["幢", "单元", "室", "状态", "业主", "电话"]
    assert table.rows == [
        (2, ["3幢", "1", "101", "自住", "侯景萍", "13800000001"]),
        (3, ["3", "1", "102", "空户", "", ""]),
    ]


def test_a_gb18030_line_in_a_utf8_file_is_marked_in_its_cells() -> None:
    data = (
        "幢,单元,室,状态,业主\n".encode()
        + "3,1,101,自住,侯景萍\n".encode()
        + "3,1,102,自住,王秀兰\n".encode("gb18030")
    )
    table = read_table(data)
    assert "\ufffd" not in "".join(table.rows[0][1])
    assert "\ufffd" in table.rows[1][1][4]
    _, problems = clean_household(
        dict(
            zip(
                ["building", "entrance", "room", "occupancy", "owner_name"],
                table.rows[1][1],
                strict=True,
            )
        ),
        today=TODAY,
    )
    assert [f for f, _ in problems] == ["occupancy", "owner_name"]
    assert all("save the file as UTF-8" in reason.en for _, reason in problems)


def test_blank_lines_are_skipped_but_keep_their_numbers() -> None:
    table = read_table(b"building,entrance,room,occupancy\n1,1,101,vacant\n,,,\n\n1,1,102,vacant\n")
    assert [n for n, _ in table.rows] == [2, 5]


def test_tab_separated_text_is_read() -> None:
    table = read_table(b"building\tentrance\troom\toccupancy\n1\t1\t101\tvacant\n")
    assert table.rows == [(2, ["1", "1", "101", "vacant"])]


def test_xlsx_cells_keep_their_types() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["小区片区", "幢", "单元", "室", "状态", "起始日期", "电话", "面积"])
    sheet.append(["S01", 3, 1, 101, "出租", datetime(2026, 3, 1), 13800000001, 65.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "households.xlsx")
    assert table.header[1] == "幢"
    number, cells = table.rows[0]
    assert number == 2
    columns = map_header(table.header)
    raw = {field: cells[i] for i, field in columns.items()}
    clean, problems = clean_household(raw, today=TODAY)
    assert problems == []
    assert clean is not None
    assert (clean.building, clean.entrance, clean.room) == ("3", "1", "101")
    assert clean.status is Occupancy.OCCUPIED
    assert clean.since == date(2026, 3, 1)
    assert clean.phone == "13800000001"
    assert clean.area_m2 == Decimal("65.50")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04broken", "XLSX"),
    ],
)
def test_unreadable_files_are_named(data: bytes, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_table(data)
    assert caught.value.errors[0].field == "file"
    assert reason in caught.value.errors[0].reason


def test_headers_in_english_chinese_and_mixed() -> None:
    columns = map_header(
        ["Building", "单元", " 室 ", "occupancy", "业主", "联系电话", "面积（㎡）"]
    )
    assert list(columns.values()) == [
        "building",
        "entrance",
        "room",
        "occupancy",
        "owner_name",
        "phone",
        "area_m2",
    ]
    english = map_header(["building", "entrance", "room", "occupancy", "owner_name", "PHONE"])
    assert list(english.values())[-2:] == ["owner_name", "phone"]


def test_an_unknown_column_is_refused_by_name_and_letter() -> None:
    """An ignored column would silently lose its data (an ``owner_nam`` typo: the owners)."""
    with pytest.raises(ValidationError) as caught:
        map_header(["幢", "单元", "室", "状态", "owner_nam", "备注"])
    assert [e.field for e in caught.value.errors] == ["columns", "columns"]
    assert caught.value.errors[0].reason.startswith("unknown column 'owner_nam' (column E)")
    assert "业主/owner_name" in caught.value.errors[0].reason
    assert "'owner_nam', '备注'" in caught.value.detail


def test_missing_columns_are_all_named() -> None:
    with pytest.raises(ValidationError) as caught:
        map_header(["幢", "业主"])
    fields = [e.field for e in caught.value.errors]
    assert fields == ["columns.entrance", "columns.room", "columns.occupancy"]
    assert "单元 (entrance)" in caught.value.errors[0].reason


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("building", "", "幢 (building) is required"),
        ("entrance", None, "单元 (entrance) is required"),
        ("room", "  ", "室 (room) is required"),
        ("room", "10 1!", "may hold only"),
        ("occupancy", "住着", "状态 (occupancy) '住着' is not an occupancy"),
        ("occupancy", "", "状态 (occupancy) is required"),
        ("since", "2026-02-30", "起始日期 (since) '2026-02-30' is not a real calendar date"),
        ("since", "yesterday", "is not a date"),
        ("since", "1900-01-01", "outside"),
        ("phone", "12345", "电话 (phone) '12345' is not a mainland mobile"),
        ("area_m2", "-3", "面积 (area_m2)"),
        ("owner_name", "名" * 51, "业主 (owner_name) is longer than 50"),
    ],
)
def test_every_kind_of_bad_cell_is_named(field: str, value: object, reason: str) -> None:
    raw: dict[str, object] = {"building": "3", "entrance": "1", "room": "101", "occupancy": "自住"}
    raw[field] = value
    clean, problems = clean_household(raw, today=TODAY)
    assert clean is None
    assert len(problems) == 1
    assert problems[0][0] == field
    assert reason in problems[0][1].en


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("occupied", Occupancy.OCCUPIED),
        ("Vacant", Occupancy.VACANT),
        ("自住", Occupancy.OCCUPIED),
        ("出租", Occupancy.OCCUPIED),
        ("已入住", Occupancy.OCCUPIED),
        ("空户", Occupancy.VACANT),
        ("空置", Occupancy.VACANT),
    ],
)
def test_occupancy_words(word: str, status: Occupancy) -> None:
    clean, _ = clean_household(
        {"building": "1", "entrance": "1", "room": "101", "occupancy": word}, today=TODAY
    )
    assert clean is not None and clean.status is status
    assert clean.since == TODAY  # no date given: today in the estate's zone


@pytest.mark.parametrize(
    "text", ["2026-03-01", "2026/3/1", "2026.03.01", "2026年3月1日", "20260301"]
)
def test_date_spellings(text: str) -> None:
    clean, problems = clean_household(
        {"building": "1", "entrance": "1", "room": "101", "occupancy": "vacant", "since": text},
        today=TODAY,
    )
    assert problems == []
    assert clean is not None and clean.since == date(2026, 3, 1)


def test_all_bad_cells_of_a_row_are_reported_together() -> None:
    _, problems = clean_household(
        {"building": "", "entrance": "1", "room": "", "occupancy": "?", "phone": "1"},
        today=TODAY,
    )
    assert [f for f, _ in problems] == ["building", "room", "occupancy", "phone"]
