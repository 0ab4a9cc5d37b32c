"""Government reference price lists (政府参考价格), versioned by effective date.

An import is one complete version: item code, name, unit, unit price, in force from its
``effective_from`` until a later version. All rows or none: any bad row makes a 422 naming
every bad cell as ``rows[N].field`` (N = spreadsheet row, header is row 1). A version is
never changed once imported (claims were compared against it); a second import for the same
date is a 409. The price in force on a date is taken from the latest version effective on
or before that date that lists the item.

Columns (Chinese or English headers, ``COLUMNS``): 编码/code, 名称/name, 单位/unit,
单价/unit_price; an unknown column is refused (422 naming it).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.settlements import PriceItem, PriceList
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, raise_if, raise_if_rows
from trustfund.estates.columns import Column, map_columns
from trustfund.estates.importer import read_table
from trustfund.fields import text
from trustfund.ledger.money import cell_number
from trustfund.messages import Message
from trustfund.settlements.common import (
    cell_text,
    price_text,
    unit_price,
)
from trustfund.settlements.schemas import PriceInForceOut, PriceListOut

#: The columns of a price list file, in the order the sample file has them.
COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "编码",
        "code",
        required=True,
        format="item code, 1–30 letters, digits, dots or dashes; unique in the file",
        example="WX-001",
        aliases=("项目编码", "item_code"),
    ),
    Column(
        "name",
        "名称",
        "name",
        required=True,
        format="item name, at most 100 characters",
        example="更换楼道灯泡",
        aliases=("项目名称",),
    ),
    Column(
        "unit", "单位", "unit", required=True, format="unit, at most 20 characters", example="个"
    ),
    Column(
        "unit_price",
        "单价",
        "unit_price",
        required=True,
        format="yuan per unit, more than 0, at most 4 decimals",
        example="15.00",
        aliases=("参考价", "参考单价", "price"),
    ),
)
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")


def parse_price_rows(data: bytes, filename: str = "") -> list[dict[str, Any]]:
    """The rows of a price file as dicts; raises ValidationError naming every bad cell."""
    table = read_table(data, filename)
    columns = map_columns(table.header, COLUMNS)
    errors: list[FieldError] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        raw = {f: cells[i] if i < len(cells) else None for i, f in columns.items()}
        where = f"rows[{number}]"
        code = cell_text(raw["code"])
        if not CODE.fullmatch(code):
            errors.append(FieldError(f"{where}.code", Message("settlements.item_code_invalid")))
        elif code in seen:
            errors.append(
                FieldError(
                    f"{where}.code", Message("settlements.item_code_twice", value=seen[code])
                )
            )
        seen.setdefault(code, number)
        name = text(cell_text(raw["name"]), f"{where}.name", errors, limit=100)
        unit = text(cell_text(raw["unit"]), f"{where}.unit", errors, limit=20)
        price = unit_price(
            cell_number(raw["unit_price"]), f"{where}.unit_price", errors, positive=True
        )
        rows.append({"code": code, "name": name, "unit": unit, "unit_price": price})
    if not rows:
        errors.append(FieldError("file", Message("settlements.no_price_rows")))
    raise_if_rows(errors)
    return rows


def add_price_list(
    session: Session,
    estate_id: int,
    rows: list[dict[str, Any]],
    *,
    effective_from: dt.date,
    source: str = "",
    actor_user_id: int | None = None,
) -> PriceList:
    """Store one version from parsed rows. Flushes. Raises ValidationError (source),
    ConflictError (a version with that date exists)."""
    errors: list[FieldError] = []
    source = text(source, "source", errors, limit=200, required=False)
    raise_if(errors)
    exists = session.scalar(
        select(PriceList.id).where(
            PriceList.estate_id == estate_id, PriceList.effective_from == effective_from
        )
    )
    if exists is not None:
        raise ConflictError(Message("settlements.price_list_exists", effective_from=effective_from))
    price_list = PriceList(
        estate_id=estate_id,
        effective_from=effective_from,
        source=source,
        imported_by=actor_user_id,
        items=[PriceItem(**row) for row in rows],
    )
    session.add(price_list)
    session.flush()
    return price_list


@command
def import_prices(
    session: Session,
    estate_id: int,
    data: bytes,
    filename: str,
    *,
    effective_from: dt.date,
    source: str = "",
    actor_user_id: int | None = None,
) -> PriceListOut:
    """Import one version from CSV or XLSX (a command). Raises ValidationError
    (``rows[N].field``), ConflictError (a version with that date exists)."""
    rows = parse_price_rows(data, filename)
    price_list = add_price_list(
        session,
        estate_id,
        rows,
        effective_from=effective_from,
        source=source,
        actor_user_id=actor_user_id,
    )
    return price_list_view(price_list)


def price_list_view(price_list: PriceList) -> PriceListOut:
    return {
        "id": price_list.id,
        "effective_from": price_list.effective_from.isoformat(),
        "source": price_list.source,
        "items": [
            {"code": i.code, "name": i.name, "unit": i.unit, "unit_price": price_text(i.unit_price)}
            for i in price_list.items
        ],
    }


def list_price_lists(session: Session, estate_id: int) -> list[PriceListOut]:
    rows = session.scalars(
        select(PriceList)
        .where(PriceList.estate_id == estate_id)
        .order_by(PriceList.effective_from.desc())
    )
    return [price_list_view(p) for p in rows]


def price_in_force(session: Session, estate_id: int, code: str, on: dt.date) -> PriceItem | None:
    """The item from the latest version effective on or before ``on`` that lists it."""
    return session.scalars(
        select(PriceItem)
        .join(PriceList, PriceList.id == PriceItem.price_list_id)
        .where(
            PriceList.estate_id == estate_id,
            PriceList.effective_from <= on,
            PriceItem.code == code,
        )
        .order_by(PriceList.effective_from.desc())
        .limit(1)
    ).first()


def prices_on(session: Session, estate_id: int, on: dt.date) -> list[PriceInForceOut]:
    """Every item's price in force on ``on``, by code."""
    rows = session.execute(
        select(PriceItem, PriceList.effective_from)
        .join(PriceList, PriceList.id == PriceItem.price_list_id)
        .where(PriceList.estate_id == estate_id, PriceList.effective_from <= on)
        .order_by(PriceItem.code, PriceList.effective_from.desc())
    )
    out: dict[str, PriceInForceOut] = {}
    for item, since in rows:
        out.setdefault(
            item.code,
            {
                "code": item.code,
                "name": item.name,
                "unit": item.unit,
                "unit_price": price_text(item.unit_price),
                "effective_from": since.isoformat(),
            },
        )
    return list(out.values())
