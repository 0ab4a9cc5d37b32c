"""The keys the personal-data check compares (issue 14 item 7): a name or phone number
written with spaces, punctuation, invisible characters, full-width or other scripts' digits
has the same key as the plain one; dates, amounts, receipt numbers and household codes are
not mistaken for phone numbers."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustfund.ledger.privacy import (
    mobile_number_in,
    name_key,
    number_key,
    phone_key,
    text_key,
)

PHONE = "13800000001"
ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in PHONE)
FULL_WIDTH = "".join(chr(0xFF10 + int(d)) for d in PHONE)
DEVANAGARI = "".join(chr(0x0966 + int(d)) for d in PHONE)


@pytest.mark.parametrize(
    "written",
    [
        "鲁磊",
        "鲁 磊",
        "鲁\u3000磊",  # ideographic space
        "鲁\u200b磊",  # zero-width space
        "鲁\u200c磊",
        "鲁\u200d磊",
        "鲁\u2060磊",  # word joiner
        "鲁\ufeff磊",  # byte-order mark
        "鲁\u00ad磊",  # soft hyphen
        "鲁\ufe0f磊",  # variation selector
        "鲁-磊",
        "鲁·磊",
        "鲁.磊",
        "鲁★磊",
        "「鲁」「磊」",
        "\t鲁\n磊 ",
    ],
)
def test_a_name_written_apart_has_the_name_key(written: str) -> None:
    assert text_key(written) == "鲁磊" == name_key("鲁磊")


def test_latin_names_fold_width_and_case() -> None:
    assert text_key("ＬＩ　Ｌｅｉ") == "lilei" == name_key("Li Lei")
    assert text_key("JOSE\u0301") == text_key("josé")


@pytest.mark.parametrize(
    "written",
    [
        PHONE,
        "138.0000.0001",
        "138 0000 0001",
        "138-0000-0001",
        "(138)0000-0001",
        "138\u200b0000\u200b0001",
        FULL_WIDTH,
        ARABIC_INDIC,
        DEVANAGARI,
        "一三八零零零零零零零一",
        "一三八〇〇〇〇〇〇〇一",
        "+86 138 0000 0001",
    ],
)
def test_a_mobile_number_however_written(written: str) -> None:
    assert PHONE in number_key(written)
    assert mobile_number_in(written)
    assert mobile_number_in(f"请联系{written}，谢谢")
    assert mobile_number_in(f"电话：{written}/13900000002")


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-15",
        "2026年3月15日",
        "收据2026-000123",
        "2026年度综合服务费(预收) 收据2026-000123",
        "H-7K2Q9D",
        "household H-7K2Q9D receipt 2026-000001 fee-year 2026",
        "1,385.00",
        "金额 13850.00 元",
        "3幢1单元502室",
        "第一季度 二〇二六年",
        "冲销第12345笔：分错了",
        "申请单 1380",
        "2026-03-15 付款 138.00",
        "0574-87000001",  # a landline is no mobile number (households' phones are matched)
        "",
    ],
)
def test_dates_amounts_and_codes_are_no_mobile_numbers(text: str) -> None:
    assert not mobile_number_in(text)


def test_too_short_names_have_no_key() -> None:
    """A surname alone would match every text holding that character (行李 for 李); Latin
    keys need four letters (li, ann are parts of words)."""
    assert name_key("李") is None
    assert name_key(" 李 ") is None
    assert name_key("Li") is None
    assert name_key("Ann") is None
    assert name_key("") is None
    assert name_key(None) is None
    assert name_key("王伟") == "王伟"
    assert name_key("Anna") == "anna"


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("13800000001", "13800000001"),
        ("+86 138-0000-0001", "13800000001"),
        ("008613800000001", "13800000001"),
        ("0574-87000001", "87000001"),
        ("057487000001", "87000001"),
        ("021-6234 5678", "62345678"),
        ("010-62345678", "62345678"),
        ("87000001", "87000001"),
        ("12345", None),
        (None, None),
        ("", None),
    ],
)
def test_phone_keys(phone: str | None, key: str | None) -> None:
    assert phone_key(phone) == key


_INVISIBLE_OR_APART = st.sampled_from(
    [" ", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "-", ".", "·"]
)


@given(
    st.lists(
        st.characters(categories=("Lo",), max_codepoint=0x9FFF, min_codepoint=0x4E00),
        min_size=2,
        max_size=4,
    ),
    st.lists(_INVISIBLE_OR_APART, min_size=3, max_size=3),
)
def test_separators_anywhere_leave_the_key(chars: list[str], gaps: list[str]) -> None:
    name = "".join(chars)
    written = "".join(ch + gaps[i % 3] for i, ch in enumerate(chars))
    assert name_key(name) is not None
    assert name_key(name) in text_key(f"付款给{written}的")


@given(st.text(max_size=40))
def test_keys_are_stable_and_hold_only_letters_and_digits(text: str) -> None:
    key = text_key(text)
    assert text_key(key) == key
    assert all(unicodedata.category(ch)[0] in "LN" for ch in key)
    assert all(ch.isascii() for ch in key if unicodedata.category(ch) == "Nd")
