"""Slugs, phones, address parts, areas and household codes."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustfund.estates import rules


@pytest.mark.parametrize("slug", ["youhe", "ab", "liu-ting-2", "a" * 40, "14"])
def test_good_slugs(slug: str) -> None:
    assert rules.clean_slug(f" {slug} ") == slug


@pytest.mark.parametrize(
    "slug", ["a", "a" * 41, "YouHe", "you_he", "-youhe", "youhe-", "游河", "you he", ""]
)
def test_bad_slugs(slug: str) -> None:
    with pytest.raises(ValueError, match="lowercase ASCII"):
        rules.clean_slug(slug)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13800000001", "13800000001"),
        ("138 0000 0001", "13800000001"),
        ("138-0000-0001", "13800000001"),
        ("+86 13800000001", "13800000001"),
        ("8613800000001", "13800000001"),
        ("0574-87000001", "0574-87000001"),
        ("057487000001", "057487000001"),
        ("010-6123456", "010-6123456"),
        ("87000001", "87000001"),
        ("", None),
        ("  ", None),
    ],
)
def test_good_phones(raw: str, clean: str | None) -> None:
    assert rules.clean_phone(raw) == clean


@pytest.mark.parametrize(
    "raw", ["12345", "12800000001", "1380000000", "138000000012", "phone", "0574-123", "07"]
)
def test_bad_phones(raw: str) -> None:
    with pytest.raises(ValueError, match="not a mainland mobile"):
        rules.clean_phone(raw)


@pytest.mark.parametrize(
    ("fn", "raw", "clean"),
    [
        (rules.clean_building, "3幢", "3"),
        (rules.clean_building, "3号楼", "3"),
        (rules.clean_building, "12栋", "12"),
        (rules.clean_building, " 7 ", "7"),
        (rules.clean_building, "附1", "附1"),
        (rules.clean_entrance, "2单元", "2"),
        (rules.clean_room, "101室", "101"),
        (rules.clean_room, "B-201", "B-201"),
    ],
)
def test_address_parts_drop_their_suffix(fn, raw: str, clean: str) -> None:  # type: ignore[no-untyped-def]
    assert fn(raw) == clean


@pytest.mark.parametrize("raw", ["", None, "幢", "1;DROP", "a b\tc!", "1" * 21])
def test_bad_buildings(raw: str | None) -> None:
    with pytest.raises(ValueError):
        rules.clean_building(raw)


@pytest.mark.parametrize(
    ("raw", "area"),
    [
        ("65.5", Decimal("65.50")),
        (72, Decimal("72.00")),
        (85.33, Decimal("85.33")),
        ("60㎡", Decimal("60.00")),
        (None, None),
        ("", None),
    ],
)
def test_areas(raw: object, area: Decimal | None) -> None:
    assert rules.clean_area(raw) == area  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["0", "-5", "big", "65.555", "10000", "NaN"])
def test_bad_areas(raw: str) -> None:
    with pytest.raises(ValueError):
        rules.clean_area(raw)


@given(st.integers(min_value=0, max_value=2**32))
def test_household_codes_are_well_formed_and_unambiguous(seed: int) -> None:
    code = rules.new_household_code(set(), random.Random(seed))
    assert rules.CODE_RE.fullmatch(code)
    assert not set(code[2:]) & set("01OI")


def test_household_codes_avoid_taken_codes() -> None:
    first = rules.new_household_code(set(), random.Random(7))
    again = rules.new_household_code({first}, random.Random(7))
    assert again != first
    assert rules.CODE_RE.fullmatch(again)


def test_household_codes_are_random_not_derived() -> None:
    codes = {rules.new_household_code(set()) for _ in range(200)}
    assert len(codes) == 200  # 32⁶ possibilities: a repeat would mean they are not random
