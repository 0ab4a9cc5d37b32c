"""The columns an import file may have — one list per import — used both to read a file's
header and to describe the format (OpenAPI descriptions, ``--help``, docs) from one source,
so what a client reads is what the server accepts.

A header cell matches a column by any of its names, compared after NFKC normalisation
(full-width letters and brackets become ASCII), with spaces removed and case ignored.
A header cell that matches no column is refused (422 naming it): a column the server does
not know would otherwise be dropped silently, and with it data such as owner names.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trustfund.errors import FieldError, ValidationError
from trustfund.messages import Message


@dataclass(frozen=True)
class Column:
    """One column of an import file: its field, its Chinese and English headers (both
    accepted, plus ``aliases``), whether it is required, its format and an example."""

    field: str
    zh: str
    en: str
    required: bool = False
    format: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)

    @property
    def label(self) -> str:
        return f"{self.zh} ({self.field})"


def header_key(cell: Any) -> str:
    """How a header cell is compared: NFKC, no spaces, lower case."""
    text = "" if cell is None else unicodedata.normalize("NFKC", str(cell))
    return "".join(text.split()).lower()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


def accepted(columns: Sequence[Column]) -> str:
    """``幢/building, 单元/entrance, …`` — the headers a file may use."""
    return ", ".join(f"{c.zh}/{c.en}" for c in columns)


def map_columns(header: Sequence[Any], columns: Sequence[Column]) -> dict[int, str]:
    """Column index → field for a file's header row.

    Raises ``ValidationError`` naming every unknown header cell (field ``columns``, with the
    spreadsheet column letter), every column given twice, and every missing required column
    (field ``columns.<field>``).
    """
    by_name = {header_key(name): c for c in columns for name in c.names}
    found: dict[int, str] = {}
    unknown: list[str] = []
    errors: list[FieldError] = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        column = by_name.get(key)
        if column is None:
            name = str(cell).strip()
            unknown.append(repr(name))
            errors.append(
                FieldError(
                    "columns",
                    Message(
                        "estates.unknown_column",
                        name=name,
                        index=column_letter(index),
                        columns=accepted(columns),
                    ),
                )
            )
            continue
        if column.field in found.values():
            errors.append(
                FieldError("columns", Message("estates.column_twice", label=column.label))
            )
            continue
        found[index] = column.field
    missing = [c for c in columns if c.required and c.field not in found.values()]
    errors.extend(
        FieldError(f"columns.{c.field}", Message("estates.header_missing_column", label=c.label))
        for c in missing
    )
    if errors:
        parts = []
        if unknown:
            parts.append(f"unknown columns {', '.join(unknown)}")
        if missing:
            parts.append(f"missing columns {', '.join(c.label for c in missing)}")
        summary = "; ".join(parts) or "a column appears twice"
        raise ValidationError(
            Message("estates.header_unreadable", summary=summary, columns=accepted(columns)),
            errors=errors,
        )
    return found


def describe(columns: Sequence[Column]) -> str:
    """The columns as a Markdown table, for OpenAPI descriptions and docs."""
    lines = [
        "| column (中文 / English) | also accepted | required | format | example |",
        "|---|---|---|---|---|",
    ]
    for c in columns:
        aliases = ", ".join(f"`{a}`" for a in c.aliases) or "—"
        required = "required" if c.required else "optional"
        lines.append(
            f"| `{c.zh}` / `{c.en}` | {aliases} | {required} | {c.format} | `{c.example}` |"
        )
    return "\n".join(lines)


def describe_plain(columns: Sequence[Column]) -> str:
    """The columns as short lines, for ``--help`` texts."""
    return "\n".join(
        f"{c.zh}/{c.en} ({'required' if c.required else 'optional'}): {c.format}" for c in columns
    )
