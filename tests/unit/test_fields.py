"""Money is read in one place (``ledger.money``) and put on a field in one place
(``trustfund.fields``); it is written in one place too (``money_text``, ``fen_text``,
``format_money``). These are the edge cases the domain parsers and formatters answered before
they were merged (settlements' and grants' ``money``, fees' ``parse_money``, the staff pages'
``yuan``, the statements' ``money``/``_yuan``/``_fen_text``, the fee reports' ``yuan``): the
same values and the same catalog codes now."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustfund import fields
from trustfund.errors import FieldError
from trustfund.fees.common import parse_money as fees_parse_money
from trustfund.grants.common import money as grants_money
from trustfund.ledger.money import fen_text, fold_wide, format_money, from_fen, money_text
from trustfund.reconciliation.statements import _amount as bank_cell
from trustfund.web.staff.common import yuan


def read(reader: Any, value: Any, **kw: Any) -> tuple[Any, list[str]]:
    errors: list[FieldError] = []
    got = reader(value, "amount", errors, **kw)
    assert all(e.field == "amount" for e in errors)
    return got, [e.code for e in errors]


@pytest.mark.parametrize(
    ("value", "result", "codes"),
    [
        ("12.5", Decimal("12.50"), []),
        (Decimal("12.5"), Decimal("12.50"), []),
        ("0", Decimal("0.00"), []),
        ("-12.5", Decimal("-12.50"), ["number.negative"]),
        ("-0", Decimal("0.00"), []),  # a typed -0 is zero, not negative
        ("0.005", Decimal("0.00"), ["number.too_many_places"]),
        ("1.234", Decimal("0.00"), ["number.too_many_places"]),
        (Decimal("1.005"), Decimal("0.00"), ["number.more_than_two_places"]),
        ("1e3", Decimal("0.00"), ["number.invalid"]),
        ("１２．５", Decimal("0.00"), ["number.wide_digits"]),  # forms fold_wide first
        ("¥12", Decimal("0.00"), ["number.invalid"]),
        ("1,234.5", Decimal("0.00"), ["number.comma"]),
        (" 5", Decimal("0.00"), ["number.spaces"]),
        ("+5", Decimal("0.00"), ["number.plus"]),
        ("", Decimal("0.00"), ["number.empty"]),
        (1.5, Decimal("0.00"), ["number.float"]),
        ("999999999999.99", Decimal("999999999999.99"), []),
        ("1000000000000", Decimal("0.00"), ["number.too_large"]),
    ],
)
def test_money_reads_strictly_and_names_the_reason(
    value: Any, result: Decimal, codes: list[str]
) -> None:
    assert read(fields.money, value) == (result, codes)


def test_money_positive_and_limit() -> None:
    assert read(fields.money, "0", positive=True) == (Decimal("0.00"), ["input.not_positive"])
    assert read(fields.money, "-1", positive=True) == (Decimal("-1.00"), ["input.not_positive"])
    limit = Decimal("999999999.99")
    assert read(fields.money, "1000000000.00", limit=limit) == (
        Decimal("1000000000.00"),
        ["number.too_large"],
    )
    # grants: positive by default, below a thousand million yuan
    assert read(grants_money, "0") == (Decimal("0.00"), ["input.not_positive"])
    assert read(grants_money, "999999999.99") == (Decimal("999999999.99"), [])
    assert read(grants_money, "1000000000.00")[1] == ["number.too_large"]


@pytest.mark.parametrize(
    ("value", "result", "codes"),
    [
        ("12.5", Decimal("12.50"), []),
        ("-12.5", Decimal("-12.50"), []),  # the sign is the caller's to check
        (None, None, ["input.required"]),
        ("0.005", None, ["number.too_many_places"]),
        ("1e3", None, ["number.invalid"]),
        ("１２．５", None, ["number.wide_digits"]),
        ("¥12", None, ["number.invalid"]),
        ("1,234.5", None, ["number.comma"]),
    ],
)
def test_amount_leaves_the_sign_and_gives_none(
    value: Any, result: Decimal | None, codes: list[str]
) -> None:
    assert read(fields.amount, value) == (result, codes)
    assert fees_parse_money is fields.amount


def test_number_reads_places_and_integers() -> None:
    limit = Decimal("999999999.999")
    assert read(fields.number, "1.5", places=3, limit=limit) == (Decimal("1.500"), [])
    assert read(fields.number, 3, places=3, limit=limit) == (Decimal("3.000"), [])
    assert read(fields.number, Decimal("0.538"), places=4, limit=limit) == (Decimal("0.5380"), [])
    assert read(fields.number, "0.0001", places=3, limit=limit) == (
        None,
        ["number.too_many_places"],
    )
    assert read(fields.number, True, places=3, limit=limit) == (None, ["number.not_text"])


def test_text_strips_and_bounds() -> None:
    assert read(fields.text, "  a  ", limit=5) == ("a", [])
    assert read(fields.text, None, limit=5) == ("", ["input.empty"])
    assert read(fields.text, None, limit=5, required=False) == ("", [])
    assert read(fields.text, "abcdef", limit=5) == ("abcdef", ["input.too_long"])


def test_full_width_input_is_folded_only_where_asked() -> None:
    assert read(fields.money, fold_wide("１２．５")) == (Decimal("12.50"), [])


def test_a_bank_cell_takes_a_yuan_sign_and_thousands() -> None:
    assert bank_cell("¥1,234.50", negative=False) == Decimal("1234.50")
    assert bank_cell("￥12", negative=False) == Decimal("12.00")
    assert bank_cell("-", negative=False) is None
    assert bank_cell("-1,234.5", negative=True) == Decimal("-1234.50")
    with pytest.raises(ValueError, match="decimals"):
        bank_cell("1.234", negative=False)
    with pytest.raises(ValueError, match="negative"):
        bank_cell("-5", negative=False)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "1,234.50"),
        ("1234.5", "1,234.50"),
        (Decimal("-1234567.891"), "-1,234,567.89"),
        (Decimal("0.005"), "0.00"),  # half to even, as before
        (Decimal("0.015"), "0.02"),
        ("1e3", "1,000.00"),
        (3, "3.00"),
        (None, "—"),
        ("", "—"),
        ("abc", "abc"),
        ("１２．５", "１２．５"),  # not a number to Decimal (the full-width dot): shown as given
        ("１２", "12.00"),  # Decimal() reads full-width digits; only parsers refuse them
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
    ],
)
def test_format_money_for_people(value: Any, shown: str) -> None:
    assert format_money(value) == shown
    assert yuan(value) == shown  # the staff pages' filter is the same formatter


def test_money_text_for_json_and_files() -> None:
    assert money_text(Decimal("-0.00")) == "0.00"
    assert money_text(-Decimal("0.00")) == "0.00"
    assert money_text(Decimal("-0.50")) == "-0.50"
    assert money_text(Decimal("1e3")) == "1000.00"


def test_from_fen() -> None:
    assert from_fen(-1230) == Decimal("-12.30")
    assert str(from_fen(0)) == "0.00"
    assert str(from_fen(None)) == "0.00"
    assert str(from_fen(5)) == "0.05"


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_fen_text_is_money_text_of_from_fen(fen: int) -> None:
    assert fen_text(fen) == money_text(from_fen(fen)) == money_text(Decimal(fen) / 100)
