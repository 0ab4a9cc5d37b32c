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
``-50.00`` in CSV, never escaped. Pure; imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Iterable
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
