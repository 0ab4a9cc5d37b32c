"""The message catalog against the source: every code raised has English and Chinese, every
call passes exactly the parameters its two templates name, and no entry is dead."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trustfund
from trustfund.catalog import CATALOG
from trustfund.errors import ConflictError, FieldError, ValidationError
from trustfund.messages import FILTER_NAMES, Message, placeholders
from trustfund.web.staff import zh

SOURCE = Path(trustfund.__file__).parent


def _message_calls() -> list[tuple[str, int, str, set[str] | None]]:
    """``(file, line, code, parameter names)`` of every ``Message("code", …)`` in the
    source; names are ``None`` when the call spreads a mapping (``**params``)."""
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message"):
                continue
            first = node.args[0] if node.args else None
            where = str(path.relative_to(SOURCE.parent))
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                calls.append((where, node.lineno, "<not a literal>", None))
                continue
            names = {k.arg for k in node.keywords if k.arg is not None}
            spread = any(k.arg is None for k in node.keywords)
            calls.append((where, node.lineno, first.value, None if spread else names))
    return calls


CALLS = _message_calls()


def test_the_source_raises_coded_messages() -> None:
    assert len(CALLS) > 50


def test_every_code_in_the_source_is_in_the_catalog_with_english_and_chinese() -> None:
    missing = [f"{f}:{line} {code}" for f, line, code, _ in CALLS if code not in CATALOG]
    assert missing == [], "codes without a catalog entry (add them to trustfund/catalog.py)"
    untranslated = [code for code, (en, zh_) in CATALOG.items() if not en.strip() or not zh_]
    assert untranslated == [], "catalog entries without English or Chinese"


def test_every_call_passes_the_parameters_its_template_names() -> None:
    wrong = []
    for where, line, code, names in CALLS:
        if code not in CATALOG or names is None:
            continue
        wanted = placeholders(CATALOG[code][0]) | placeholders(CATALOG[code][1])
        if names != wanted:
            wrong.append(f"{where}:{line} {code}: passes {sorted(names)}, needs {sorted(wanted)}")
    assert wrong == []


def test_filters_are_known() -> None:
    """A word after the colon is a filter (``{state:claim_state}``), not a typo."""
    import string

    bad = []
    for code, templates in CATALOG.items():
        for template in templates:
            for _, name, spec, _ in string.Formatter().parse(template):
                if name and spec.isidentifier() and spec not in FILTER_NAMES:
                    bad.append((code, spec))
    assert bad == []


def test_no_entry_is_dead() -> None:
    used = {code for _, _, code, _ in CALLS}
    assert sorted(set(CATALOG) - used) == []


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_entry_renders_in_both_languages(code: str) -> None:
    params = {name: 1 for name in placeholders(CATALOG[code][0]) | placeholders(CATALOG[code][1])}
    message = Message(code, **params)
    assert message.en
    assert zh.say(message)


def test_a_coded_error_keeps_its_english_and_says_it_in_chinese() -> None:
    error = ValidationError.field("amount", Message("number.too_many_places", places=2))
    assert error.detail == "amount: has more than 2 decimals"
    assert error.errors == [FieldError("amount", "has more than 2 decimals")]
    assert error.errors[0].as_dict() == {
        "field": "amount",
        "reason": "has more than 2 decimals",
        "code": "number.too_many_places",
        "params": {"places": 2},
    }
    assert zh.reason(error.errors[0]) == "最多 2 位小数"
    assert ConflictError(Message("number.comma")).code == "number.comma"


def test_an_unknown_code_is_refused_where_it_is_written() -> None:
    with pytest.raises(KeyError):
        Message("no.such.code")
