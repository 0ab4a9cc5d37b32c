"""Importing households: the whole file or nothing, every bad row named."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Building, Estate, Household, Occupancy, Site
from trustfund.errors import ValidationError
from trustfund.estates import households
from trustfund.estates.importer import import_households

HEADER = "小区片区,幢,单元,室,状态,起始日期,业主,电话,面积"


def big_file(rows: int = 1000) -> list[str]:
    """``rows`` households over 25 buildings in 2 sites; line 0 is the header."""
    lines = [HEADER]
    for i in range(rows):
        building = i // 40 + 1
        site = "S01" if building <= 13 else "S02"
        entrance = i % 40 // 20 + 1
        room = f"{i % 20 // 2 + 1}0{i % 2 + 1}"
        status = "空户" if i % 8 == 0 else "自住"
        lines.append(
            f"{site},{building},{entrance},{room},{status},2025-01-01,业主{i},"
            f"1380000{i:04d},{60 + i % 30}.5"
        )
    return lines


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_thousand_rows_with_one_bad_row_import_nothing_and_name_that_row(
    session: Session, estate: Estate
) -> None:
    lines = big_file()
    lines[617] = lines[617].replace("自住", "住着").replace("空户", "住着")  # row 618
    with pytest.raises(ValidationError) as caught:
        import_households(session, estate, "\n".join(lines).encode("utf-8"), "h.csv")
    errors = caught.value.errors
    assert [e.field for e in errors] == ["rows[618].occupancy"]
    assert "状态 (occupancy) '住着'" in errors[0].reason
    assert "1 of 1000 rows" in caught.value.detail
    session.rollback()
    assert (count(session, Household), count(session, Building), count(session, Site)) == (0, 0, 0)


def test_a_good_thousand_rows_import_then_reimport_is_a_no_op(
    session: Session, estate: Estate
) -> None:
    data = "\n".join(big_file()).encode("gb18030")
    result = import_households(session, estate, data, "h.csv")
    assert (result.rows, result.created, result.unchanged) == (1000, 1000, 0)
    assert (result.sites_created, result.buildings_created) == (2, 25)
    assert count(session, Household) == 1000
    codes = set(session.scalars(select(Household.code)))
    assert len(codes) == 1000
    again = import_households(session, estate, data, "h.csv")
    assert (again.created, again.unchanged, again.buildings_created) == (0, 1000, 0)
    assert set(session.scalars(select(Household.code))) == codes
    vacant = households.list_households(session, estate, occupancy=Occupancy.VACANT)
    assert vacant.total == 125


def test_every_bad_row_is_named_with_field_and_reason(session: Session, estate: Estate) -> None:
    households.create_household(
        session,
        estate,
        households.schemas.HouseholdCreate(
            building="9",
            entrance="1",
            room="101",
            site="S01",
            occupancy=Occupancy.OCCUPIED,
            since=date(2025, 1, 1),
            owner_name="侯景萍",
        ),
    )
    lines = [
        HEADER,
        "S01,1,1,101,自住,,,,",  # row 2: good
        "S01,,1,102,自住,,,,",  # row 3: empty building
        "S01,1,1,103,住着,,,,",  # row 4: unknown occupancy
        "S01,1,1,104,自住,2026-13-01,,,",  # row 5: bad date
        "S01,1,1,105,自住,,,12345,",  # row 6: bad phone
        "S01,1,1,106,自住,,,,-1",  # row 7: bad area
        "S01,1,1,101,空户,,,,",  # row 8: duplicate of row 2
        "S01,9,1,101,空户,2025-01-01,侯景萍,,",  # row 9: differs from the existing household
        "S01,9,1,102,自住,,,,",  # row 10: good
        "S02,9,1,103,自住,,,,",  # row 11: building 9 is in site S01
        "S01,1,,107,自住,,,,",  # row 12: empty entrance
    ]
    with pytest.raises(ValidationError) as caught:
        import_households(session, estate, "\n".join(lines).encode(), "h.csv")
    named = {e.field: e.reason for e in caught.value.errors}
    assert list(named) == [
        "rows[3].building",
        "rows[4].occupancy",
        "rows[5].since",
        "rows[6].phone",
        "rows[7].area_m2",
        "rows[8].room",
        "rows[12].entrance",
        "rows[9].room",
        "rows[11].site",
    ]
    assert named["rows[3].building"] == "幢 (building) is required"
    assert "is already in row 2 of this file" in named["rows[8].room"]
    assert "already exists as household" in named["rows[9].room"]
    assert "occupancy" in named["rows[9].room"]
    assert "building 9 is in site 'S01'" in named["rows[11].site"]
    session.rollback()
    assert count(session, Household) == 1


def test_identical_existing_rows_count_as_unchanged_and_new_rows_are_added(
    session: Session, estate: Estate
) -> None:
    first = [HEADER, "S01,1,1,101,自住,2025-01-01,侯景萍,13800000001,65.5"]
    import_households(session, estate, "\n".join(first).encode(), "h.csv")
    result = import_households(
        session,
        estate,
        "\n".join([*first, "S01,1,1,102,空户,2025-01-01,,,"]).encode(),
        "h.csv",
    )
    assert (result.created, result.unchanged) == (1, 1)


def test_xlsx_with_chinese_headers_and_typed_cells(session: Session, estate: Estate) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["幢", "单元", "室", "状态", "起始日期", "业主", "电话", "面积"])
    sheet.append(["3幢", 1, 101, "出租", datetime(2026, 3, 1), "王秀兰", 13800000002, 72.25])
    sheet.append([3, 1, 102, "空置", None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_households(session, estate, buffer.getvalue(), "households.xlsx")
    assert result.created == 2
    page = households.list_households(session, estate, on=date(2026, 11, 1))
    first, second = page.items
    assert (first.building, first.room, first.phone, str(first.area_m2)) == (
        "3",
        "101",
        "13800000002",
        "72.25",
    )
    assert first.occupancy_history[0].effective_from == date(2026, 3, 1)
    assert second.occupancy is Occupancy.VACANT and second.owner_name is None


def test_xlsx_bad_row_is_named_by_its_sheet_row(session: Session, estate: Estate) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["building", "entrance", "room", "occupancy", "phone"])
    sheet.append([1, 1, 101, "occupied", 13800000001])
    sheet.append([None, None, None, None, None])
    sheet.append([1, 1, 102, "occupied", 1234])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ValidationError) as caught:
        import_households(session, estate, buffer.getvalue(), "h.xlsx")
    assert [e.field for e in caught.value.errors] == ["rows[4].phone"]


def test_a_new_building_takes_the_site_given_in_another_row(
    session: Session, estate: Estate
) -> None:
    lines = [HEADER, "S01,1,1,101,自住,,,,", "S02,2,1,101,自住,,,,", ",2,1,102,自住,,,,"]
    result = import_households(session, estate, "\n".join(lines).encode(), "h.csv")
    assert result.created == 3
    sites = dict(
        session.execute(
            select(Building.number, Site.code).join(Site, Site.id == Building.site_id)
        ).all()
    )
    assert sites == {"1": "S01", "2": "S02"}
    with pytest.raises(ValidationError) as caught:
        import_households(session, estate, f"{HEADER}\n,7,1,101,自住,,,,".encode(), "h.csv")
    assert caught.value.errors[0].field == "rows[2].site"
    assert "小区片区 (site) is required" in caught.value.errors[0].reason


def test_a_file_in_no_known_encoding_is_refused(session: Session, estate: Estate) -> None:
    data = "幢,单元,室,状态\n".encode("utf-16")
    with pytest.raises(ValidationError) as caught:
        import_households(session, estate, data, "h.csv")
    assert caught.value.errors[0].field == "file"
    assert "UTF-16" in caught.value.errors[0].reason


def test_the_committed_sample_files(session: Session, estate: Estate) -> None:
    data_dir = Path(__file__).resolve().parents[2] / "data"
    bad = (data_dir / "households_1000_bad_row_618.csv").read_bytes()
    with pytest.raises(ValidationError) as caught:
        import_households(session, estate, bad, "bad.csv")
    assert [e.field for e in caught.value.errors] == ["rows[618].occupancy"]
    session.rollback()
    good = (data_dir / "households_1000.csv").read_bytes()
    assert import_households(session, estate, good, "good.csv").created == 1000
