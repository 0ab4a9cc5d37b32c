"""Canonical statement JSON is written by msgspec but must stay byte for byte what the
standard library writes: approvals and published snapshots are bound to its sha256, and a
resident re-hashes a downloaded statement with ``json.dumps``."""

from __future__ import annotations

import json
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trustfund.disclosure.statements import canonical_json


def _stdlib(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def test_every_code_point_is_written_as_the_standard_library_writes_it() -> None:
    # every character outside the surrogates (which UTF-8 cannot hold), in strings and keys:
    # control characters, quotes, backslash, DEL, U+2028/U+2029, CJK, emoji
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(chars), 4096):
        chunk = "".join(chars[start : start + 4096])
        value = {chunk: [chunk, {"k": chunk}], "a": chunk[:7]}
        assert canonical_json(value) == _stdlib(value), hex(ord(chunk[0]))


def test_keys_sort_by_code_point_at_every_depth() -> None:
    value = {
        "收入": {"b": 1, "a": [{"z": None, "y": True, "x": False}]},
        "Z": -0,
        "a": "",
        "ä": 10**18,
        "é": -(10**17),
        "\U0001f600": [],
        "\u00ff": {},
    }
    assert canonical_json(value) == _stdlib(value)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_any_statement_shaped_value_matches_the_standard_library(value: Any) -> None:
    assert canonical_json(value) == _stdlib(value)
