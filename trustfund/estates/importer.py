"""Import households from a CSV or XLSX file — all of it, or nothing.

The file is checked whole before anything is written. If any row is bad, nothing is
imported and the ``ValidationError`` lists every bad cell as ``rows[N].field`` with a reason
naming the column's Chinese header. ``N`` is the row number the spreadsheet shows (the
header is row 1, so the first household is row 2).

Columns: ``COLUMNS`` (Chinese or English header, any order; the OpenAPI description of the
import route and ``docs/samples/households.csv`` show them). A header the importer does not
know is refused with a 422 naming it — an ignored ``owner_name`` column would lose the
owners — so a file imports completely or not at all.

Occupancy: occupied/vacant; 自住, 出租, 已入住 → occupied; 空户, 空置 → vacant.
CSV may be UTF-8 (with or without BOM) or GB18030 (what Excel saves on Chinese Windows).

Re-importing is idempotent: a row whose address already exists with the same occupancy
(on its date), owner, phone and area counts as ``unchanged``; one that differs is an error
(change an existing household through its page, not by import). So a steward can add rows
to the same sheet and import it again.

Missing sites and buildings are created.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate, Household, HouseholdOccupancy, Occupancy
from trustfund.errors import ConflictError, FieldError, ValidationError
from trustfund.estates import rules
from trustfund.estates.changes import Actor, record
from trustfund.estates.columns import Column, map_columns
from trustfund.estates.households import (
    BAD_ENCODING,
    AddressBook,
    CleanHousehold,
    cell_text,
    clean_household,
    differences,
    label,
)
from trustfund.estates.occupancy import occupancy_on
from trustfund.estates.schemas import ImportChange, ImportResult
from trustfund.estates.service import today_in
from trustfund.messages import Message, reason_of

#: The columns of a household register, in the order the sample file has them.
COLUMNS: tuple[Column, ...] = (
    Column(
        "site",
        "小区片区",
        "site",
        format="site code or name; needed only for a new building when the estate has "
        "several sites (a missing site is created)",
        example="S01",
        aliases=("片区",),
    ),
    Column(
        "building",
        "幢",
        "building",
        required=True,
        format="building number, `3` or `3幢`",
        example="3",
        aliases=("楼幢", "幢号", "楼栋", "楼号"),
    ),
    Column(
        "entrance",
        "单元",
        "entrance",
        required=True,
        format="entrance number, `1` or `1单元`",
        example="1",
    ),
    Column(
        "room",
        "室",
        "room",
        required=True,
        format="room number, `502` or `502室`",
        example="502",
        aliases=("室号", "房号"),
    ),
    Column(
        "occupancy",
        "状态",
        "occupancy",
        required=True,
        format="`occupied` or `vacant`; 自住, 出租, 已入住, 入住 → occupied; 空户, 空置 → vacant",
        example="自住",
        aliases=("入住状态",),
    ),
    Column(
        "since",
        "起始日期",
        "since",
        format="date the occupancy holds from, `2026-01-01` (also 2026/1/1, 2026年1月1日); "
        "default today",
        example="2026-01-01",
    ),
    Column(
        "owner_name",
        "业主",
        "owner_name",
        format="owner's name, at most 50 characters (staff only, never published)",
        example="王芳",
        aliases=("业主姓名", "姓名", "owner"),
    ),
    Column(
        "phone",
        "电话",
        "phone",
        format="mainland mobile (11 digits) or landline `0571-88886666` (staff only)",
        example="13800000001",
        aliases=("联系电话", "手机", "手机号", "mobile"),
    ),
    Column(
        "area_m2",
        "面积",
        "area_m2",
        format="floor area in m², at most 2 decimals",
        example="89.50",
        aliases=("面积(m²)", "面积(㎡)", "面积(平方米)", "建筑面积", "area"),
    ),
)
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    """A file read into cells: header and ``(row number, cells)`` for each non-empty row."""

    header: list[Any]
    rows: list[tuple[int, list[Any]]]


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or GB18030. A UTF-8 file with a few lines in another encoding is
    decoded with U+FFFD in those cells, which the row checks then name one by one."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf8_lines = 0
    for line in data.split(b"\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8_lines += 1
            except UnicodeDecodeError:
                pass
    if utf8_lines == 0:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return data.decode("utf-8", errors="replace")


def read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise ValidationError.field(
            "file",
            Message("estates.file_utf16"),
        )
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ValidationError.field(
            "file", Message("estates.csv_unreadable", exc=reason_of(exc))
        ) from None
    if not records:
        raise ValidationError.field("file", Message("input.file_empty"))
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    return Table(header=list(records[0]), rows=rows)


def read_xlsx(data: bytes) -> Table:
    """The first worksheet; cell values as openpyxl gives them (numbers, dates, text)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError.field(
            "file", Message("estates.xlsx_unreadable", exc=reason_of(exc))
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not records:
        raise ValidationError.field("file", Message("estates.worksheet_empty"))
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(c is not None and str(c).strip() for c in cells)
    ]
    return Table(header=records[0], rows=rows)


def read_table(data: bytes, filename: str = "") -> Table:
    """Read CSV or XLSX, told apart by content (an XLSX is a zip file)."""
    if len(data) > MAX_BYTES:
        raise ValidationError.field(
            "file", Message("estates.file_too_large", value=MAX_BYTES // 2**20)
        )
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError.field("file", Message("estates.xls_unsupported"))
    if filename.lower().endswith(".xlsx"):
        raise ValidationError.field("file", Message("estates.not_xlsx"))
    return read_csv(data)


def map_header(header: list[Any]) -> dict[int, str]:
    """Column index → field. Raises ``ValidationError`` naming unknown, repeated and missing
    columns (see ``trustfund.estates.columns``)."""
    return map_columns(header, COLUMNS)


def address_key(raw: dict[str, Any]) -> tuple[str, str, str] | None:
    """The row's address if its three parts are valid (to find duplicates in rows that have
    other errors too)."""
    try:
        return (
            rules.clean_building(cell_text(raw.get("building"))),
            rules.clean_entrance(cell_text(raw.get("entrance"))),
            rules.clean_room(cell_text(raw.get("room"))),
        )
    except ValueError:
        return None


@dataclass(frozen=True)
class RowChange:
    """One field of an existing household that a row of an update import changes."""

    row: int
    household: Household
    field: str
    old: str | None
    new: str | None
    effective_from: date | None = None

    def view(self) -> ImportChange:
        h = self.household
        return ImportChange(
            row=self.row,
            code=h.code,
            address=f"{h.building.number}幢{h.entrance}单元{h.room}室",
            field=self.field,
            old=self.old,
            new=self.new,
            effective_from=self.effective_from,
        )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def row_changes(
    number: int, existing: Household, row: CleanHousehold, given: set[str]
) -> tuple[list[RowChange], Message | None]:
    """What an update import changes in ``existing`` (only cells that are not empty), or
    the reason the row cannot be applied (an occupancy change not after the latest one)."""
    found: list[RowChange] = []
    for field in ("owner_name", "phone", "area_m2"):
        old, new = getattr(existing, field), getattr(row, field)
        if field in given and old != new:
            found.append(RowChange(number, existing, field, _text(old), _text(new)))
    if occupancy_on(existing, row.since) != row.status:
        latest = max(existing.occupancies, key=lambda r: r.effective_from)
        if row.since <= latest.effective_from:
            return [], Message(
                "estates.occupancy_change_not_after_latest",
                occupancy=label("occupancy"),
                was=occupancy_on(existing, row.since).value,
                since=row.since,
                status=row.status.value,
                latest=latest.effective_from,
                since_label=label("since"),
            )
        found.append(
            RowChange(
                number,
                existing,
                "occupancy",
                latest.status.value,
                row.status.value,
                effective_from=row.since,
            )
        )
    return found, None


def check_rows(
    book: AddressBook,
    table: Table,
    columns: dict[int, str],
    *,
    today: date,
    update: bool = False,
) -> tuple[list[CleanHousehold], int, list[RowChange], list[FieldError]]:
    """Every check, over every row: cells, duplicates in the file and against the estate,
    sites of buildings. Returns the rows to create, the count of unchanged rows, the changes
    to existing households (``update`` only; without it a difference is an error) and the
    errors."""
    errors: list[FieldError] = []
    changes: list[RowChange] = []
    given_of: dict[int, set[str]] = {}
    cleaned: list[tuple[int, CleanHousehold]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, cells in table.rows:
        raw: dict[str, Any] = {}
        for index, field in columns.items():
            value = cells[index] if index < len(cells) else None
            raw[field] = value.strip() if isinstance(value, str) else value
        given_of[number] = {f for f, v in raw.items() if cell_text(v) is not None}
        clean, problems = clean_household(raw, today=today)
        errors.extend(FieldError(f"rows[{number}].{f}", reason) for f, reason in problems)
        key = clean.key if clean is not None else address_key(raw)
        if key is not None and key in seen:
            errors.append(
                FieldError(
                    f"rows[{number}].room",
                    Message(
                        "estates.room_repeated_in_file",
                        value=label("room"),
                        value2=key[0],
                        value3=key[1],
                        value4=key[2],
                        value5=seen[key],
                    ),
                )
            )
            continue
        if key is not None:
            seen[key] = number
        if clean is not None:
            cleaned.append((number, clean))

    # A new building takes the site named in its first row that names one.
    new_building_site: dict[str, tuple[str, int]] = {}
    for number, clean in cleaned:
        if clean.building not in book.buildings and clean.site is not None:
            new_building_site.setdefault(clean.building, (clean.site, number))

    to_create: list[CleanHousehold] = []
    unchanged = 0
    for number, clean in cleaned:
        where = f"rows[{number}]"
        row = clean
        problem = None
        if clean.building in new_building_site:
            site, first = new_building_site[clean.building]
            if clean.site is None:
                row = replace(clean, site=site)
            elif clean.site != site:
                problem = Message(
                    "estates.building_site_differs_in_file",
                    value=label("site"),
                    building=clean.building,
                    site=site,
                    first=first,
                    site2=clean.site,
                )
        problem = problem or book.site_problem(row.building, row.site)
        if problem:
            errors.append(FieldError(f"{where}.site", problem))
            continue
        existing = book.households.get(row.key)
        if existing is None:
            to_create.append(row)
            continue
        if update:
            found, problem = row_changes(number, existing, row, given_of[number])
            if found and existing.closed_on is not None:
                closed = Message(
                    "estates.import_row_household_closed",
                    value=label("room"),
                    address=row.address,
                    existing=existing.code,
                    value2=existing.closed_on.isoformat(),
                )
                errors.append(FieldError(f"{where}.room", closed))
            elif problem:
                errors.append(FieldError(f"{where}.occupancy", problem))
            elif found:
                changes.extend(found)
            else:
                unchanged += 1
            continue
        diff = differences(existing, row)
        if diff:
            errors.append(
                FieldError(
                    f"{where}.room",
                    Message(
                        "estates.room_exists_and_differs",
                        value=label("room"),
                        address=row.address,
                        existing=existing.code,
                        value2="; ".join(diff),
                    ),
                )
            )
        else:
            unchanged += 1
    return to_create, unchanged, changes, errors


def preview_token(
    estate: Estate, data: bytes, to_create: list[CleanHousehold], changes: list[RowChange]
) -> str:
    """What an update preview showed, as a token: the file, the households to add and each
    change with its old value — so a changed file or register no longer matches it."""
    digest = hashlib.sha256()
    digest.update(f"{estate.id}\n".encode())
    digest.update(hashlib.sha256(data).digest())
    for row in to_create:
        digest.update(f"+{row.address}\n".encode())
    for c in changes:
        line = f"{c.household.code}|{c.field}|{c.old}|{c.new}|{c.effective_from}\n"
        digest.update(line.encode())
    return digest.hexdigest()[:32]


def _apply(session: Session, changes: list[RowChange], actor: Actor) -> None:
    for c in changes:
        h = c.household
        if c.field == "occupancy":
            assert c.new is not None and c.effective_from is not None
            h.occupancies.append(
                HouseholdOccupancy(status=Occupancy(c.new), effective_from=c.effective_from)
            )
        else:
            value = rules.clean_area(c.new) if c.field == "area_m2" else c.new
            setattr(h, c.field, value)
        record(
            session,
            h,
            actor,
            "import",
            c.field,
            c.old,
            c.new,
            effective_from=c.effective_from,
            note=f"row {c.row}",
        )


def import_households(
    session: Session,
    estate: Estate,
    data: bytes,
    filename: str = "",
    *,
    update: bool = False,
    confirm: str | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Check the whole file, then create every new household (and missing sites and
    buildings) in one transaction, and commit.

    ``update``: rows of existing households may change them. Without ``confirm`` nothing is
    written and the answer is the preview (``applied`` false, with its ``token``); with the
    preview's token the same changes are applied and recorded in the history as ``actor``.

    Raises ``ValidationError`` listing every bad row, field and reason (nothing written);
    ``ConflictError`` if a concurrent change took an address or code first, or ``confirm``
    is not the token of what the file would do now (nothing written).
    """
    if confirm is not None and not update:
        raise ValidationError.field("confirm", Message("estates.confirm_needs_update_mode"))
    table = read_table(data, filename)
    if len(table.rows) > MAX_ROWS:
        raise ValidationError.field(
            "file", Message("estates.more_than_rows_split_file", max_rows=MAX_ROWS)
        )
    if any(isinstance(c, str) and BAD_ENCODING in c for c in table.header):
        raise ValidationError.field("file", Message("estates.header_encoding"))
    columns = map_header(table.header)
    book = AddressBook(session, estate)
    to_create, unchanged, changes, errors = check_rows(
        book, table, columns, today=today_in(estate), update=update
    )
    if errors:
        bad_rows = sorted(
            {e.field.split("]")[0] + "]" for e in errors if e.field.startswith("rows[")}
        )
        raise ValidationError(
            Message("estates.rows_have_errors", bad_rows=len(bad_rows), rows=len(table.rows)),
            errors=errors,
        )
    token = preview_token(estate, data, to_create, changes) if update else None
    result = ImportResult(
        rows=len(table.rows),
        created=len(to_create),
        unchanged=unchanged,
        sites_created=0,
        buildings_created=0,
        changed=len({c.household.code for c in changes}),
        changes=[c.view() for c in changes],
        new_households=[row.address for row in to_create],
        token=token,
        applied=not update or confirm is not None,
    )
    if not result.applied:
        session.rollback()
        return result
    if confirm is not None and confirm != token:
        raise ConflictError(
            Message("estates.changed_since_preview"),
            errors=[FieldError("confirm", Message("estates.preview_token_stale"))],
        )
    for row in to_create:
        book.add(row)
    _apply(session, changes, actor or Actor(None, "cli"))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError(Message("estates.changed_during_import")) from None
    session.commit()
    return result.model_copy(
        update={"sites_created": book.sites_created, "buildings_created": book.buildings_created}
    )
