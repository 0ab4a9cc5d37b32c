"""Conditions on a list of values passed when the statement runs, for statements that a
group commit runs with as many values as it holds estates or households.

With an expanding ``IN (…)`` each length is a statement of its own: a group of 2 to 32
estates made that many texts of each of its reads, and on PostgreSQL a text run fewer than
five times on a pooled connection is never prepared — planned afresh at every run (issue
19: planning was up to a fifth of PostgreSQL's CPU in the city benchmark). On PostgreSQL a
list is therefore one array parameter (``column = ANY(:values)``; pairs are joined against
``unnest(:firsts, :seconds)``): one text whatever the length, prepared once per connection.
PostgreSQL would still plan such a statement at every run for its parameters' values
(custom plans), so the transaction running it asks for the generic plan
(``GENERIC_PLANS``). A list of one value keeps the expanding form — one text as well, whose
generic plan PostgreSQL chooses by itself — so a lone payment runs what it ran before.
SQLite has no arrays: there the expanding ``IN`` stays.

A statement is built for both forms once (``PerBackend``); the caller runs the one for its
connection and its list, passing the same parameters to either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, any_, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

S = TypeVar("S")
Column = ColumnElement[Any] | InstrumentedAttribute[Any]

#: ``SET LOCAL`` of a transaction whose statements take arrays (PostgreSQL): use the generic
#: plan of a prepared statement at once (a lookup by key, planned once per connection).
GENERIC_PLANS = {"plan_cache_mode": "force_generic_plan"}


class PerBackend(Generic[S]):
    """A statement built twice by ``build(arrays)``: with array parameters (PostgreSQL,
    lists of several values) and with expanding ``IN`` (SQLite, and lists of one)."""

    def __init__(self, build: Callable[[bool], S]) -> None:
        self._arrays = build(True)
        self._expanding = build(False)

    def on(self, connection: Connection, values: int) -> S:
        """The statement for ``connection``'s backend and a list of ``values`` values."""
        if values > 1 and connection.dialect.name == "postgresql":
            return self._arrays
        return self._expanding


def one_of(
    column: Column, name: str, item_type: TypeEngine[Any], *, arrays: bool
) -> ColumnElement[bool]:
    """``column`` is one of the list ``:name`` (values of ``item_type``)."""
    if arrays:
        return column == any_(bindparam(name, type_=ARRAY(item_type)))
    return column.in_(bindparam(name, expanding=True))


def pair_of(
    columns: tuple[Column, Column],
    names: tuple[str, str, str],
    types: tuple[TypeEngine[Any], TypeEngine[Any]],
    *,
    arrays: bool,
) -> ColumnElement[bool]:
    """``(first, second)`` is one of the pairs. ``names``: the list of pairs (expanding),
    the list of firsts and the list of seconds in the same order (arrays); pass all three
    (``pair_params``)."""
    pairs, firsts, seconds = names
    if not arrays:
        return tuple_(*columns).in_(bindparam(pairs, expanding=True))
    listed = (
        func.unnest(
            bindparam(firsts, type_=ARRAY(types[0])), bindparam(seconds, type_=ARRAY(types[1]))
        )
        .table_valued("first", "second")
        .render_derived()
    )
    return tuple_(*columns).in_(select(listed.c.first, listed.c.second))


def pair_params(names: tuple[str, str, str], pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    """The parameters of ``pair_of(…, names)`` for ``pairs``, for either form."""
    return {
        names[0]: pairs,
        names[1]: [first for first, _ in pairs],
        names[2]: [second for _, second in pairs],
    }
