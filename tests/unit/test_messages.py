"""The message catalog against the source: every error raised carries a code, every code
has English and Chinese, every call passes exactly the parameters its two templates name,
and no entry is dead."""

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


def _error_classes() -> set[str]:
    """Names of ``TrustfundError`` and every class in the source derived from it."""
    import trustfund.errors as errors

    names = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.TrustfundError)
    }
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in SOURCE.rglob("*.py")]
    grown = True
    while grown:
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        grown = True
    return names


def _is_text(node: ast.expr) -> bool:
    """A literal, an f-string, a concatenation or a ``str.join``/``format`` call: plain text
    where a ``Message`` belongs (a variable is left to mypy, which types it ``Message``)."""
    if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"join", "format"}
    )


def uncoded_raise_sites(root: Path = SOURCE) -> list[str]:
    """Where an application error, a field error or an ``Invalid`` is given plain text."""
    classes = _error_classes()
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func, name = node.func, getattr(node.func, "id", None)
            if name in classes or name == "Invalid":
                given = node.args[:1]
            elif name == "FieldError" or (
                isinstance(func, ast.Attribute)
                and func.attr == "field"
                and getattr(func.value, "id", None) in classes
            ):
                given = node.args[1:2]
            else:
                continue
            if any(_is_text(arg) for arg in given):
                found.append(
                    f"{path.relative_to(root.parent)}:{node.lineno} {ast.unparse(node)[:80]}"
                )
    return found


def test_every_error_raised_carries_a_code() -> None:
    """``raise ConflictError(f"Claim {id} is paid.")`` has no code, so no Chinese: write
    ``ConflictError(Message("claims.already_paid", claim=id))`` and add the code to the
    catalog."""
    assert uncoded_raise_sites() == []


def test_the_uncoded_check_finds_plain_text(tmp_path: Path) -> None:
    package = tmp_path / "trustfund"
    package.mkdir()
    (package / "bad.py").write_text(
        "def f(x):\n"
        "    raise ConflictError(f'Claim {x} is paid.')\n"
        "def g():\n"
        "    return [FieldError('amount', 'must be ' + 'positive'),\n"
        "            ValidationError.field('a', '; '.join(['x'])),\n"
        "            FieldError('b', Message('input.empty'))]\n",
        encoding="utf-8",
    )
    assert [s.split(" ", 1)[0] for s in uncoded_raise_sites(package)] == [
        "trustfund/bad.py:2",
        "trustfund/bad.py:4",
        "trustfund/bad.py:5",
    ]


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
    assert error.errors == [FieldError("amount", Message("number.too_many_places", places=2))]
    assert error.errors[0].reason == "has more than 2 decimals"
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
