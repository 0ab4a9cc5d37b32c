"""Cells of the CSV and XLSX files we write: text stays text.

A payee, donor or owner name is typed by a person and ends up in files that residents and
staff open in Excel or WPS. Text that starts with ``= + - @``, a tab or a carriage return
(or their full-width forms ``＝ ＋ － ＠``, which some spreadsheet programs read the same) is a
formula there: ``=HYPERLINK("http://evil", "点此核对")`` or ``=cmd|' /C calc'!A0``. Every
writer in trustfund passes its rows through this module, the one place that decides:

- XLSX (``append_row``): such a cell is stored as a text cell with Excel's quote prefix
  (``'`` shown only in the edit bar), the text itself unchanged;
- CSV (``csv_row``): such a cell is written with a leading ``'`` (OWASP's advice), the only
  escape a CSV has.

Numbers stay numbers: a ``Decimal`` (also a negative amount) is a number cell in XLSX and
``-50.00`` in CSV, never escaped. ``finish_sheet`` gives every XLSX export the same number
and date formats, column widths and print set-up (A4, fit to width, titles repeated).
Pure; imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from trustfund.ledger.money import money_text

FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet would read this text cell as a formula."""
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer``: amounts as ``"-50.00"``, formula-like text as ``'=…``."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, Decimal):
            out.append(money_text(value))
        elif looks_like_formula(value):
            out.append(f"'{value}")
        else:
            out.append(value)
    return out


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` on an openpyxl worksheet, with formula-like text written
    as a text cell (openpyxl would store ``=…`` as a live formula)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


#: Number formats of the cells we write: money with thousands and two decimals, dates ISO.
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"
MIN_WIDTH, MAX_WIDTH = 6, 48


def _display_width(value: object) -> int:
    """Roughly how many character cells Excel needs: a CJK character takes two."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        digits = len(str(abs(int(value))))
        return digits + (digits - 1) // 3 + 3 + (value < 0)  # 1,234.50 as #,##0.00 shows it
    text = "2026-01-01" if isinstance(value, (date, datetime)) else str(value)
    longest = max(text.split("\n"), key=len)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


def finish_sheet(sheet: Any, *, header_rows: int = 1, landscape: bool | None = None) -> None:
    """Make an openpyxl worksheet open and print well in Excel and WPS without editing —
    the one helper every XLSX export calls once its rows are written:

    - numbers stay numbers (``Decimal`` as ``#,##0.00``, integers), dates are date cells
      (``yyyy-mm-dd``), so sums and sorting work;
    - every column is wide enough for its longest cell (CJK counted double), so nothing
      shows as ``###``; long text is capped and wraps;
    - print set-up: A4, fit to one page wide (as many pages tall as needed), landscape when
      the sheet has more than six columns, the first ``header_rows`` rows repeated on every
      page, the print area the filled range, and the panes frozen below the header.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, bool):
                pass
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, int):
                cell.number_format = INTEGER_FORMAT
            elif isinstance(value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            if cell.row <= header_rows and value is not None:
                cell.font = Font(bold=True)
            if cell.row == 1 and header_rows > 1:
                continue  # a title row spans the sheet: it does not set the first column
            width = _display_width(value)
            if width > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    columns = sheet.max_column
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    wide = columns > 6 if landscape is None else landscape
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    if sheet.max_row > header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
        sheet.freeze_panes = sheet.cell(row=header_rows + 1, column=1)
    sheet.print_area = f"A1:{get_column_letter(columns)}{sheet.max_row}"


def workbook_bytes(workbook: Any) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    import io

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
