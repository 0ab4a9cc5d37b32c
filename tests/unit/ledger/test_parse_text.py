"""``bean.parse_text`` is beancount's ``parse_string`` with a quicker start: for every kind of
text — entries, the directives a ledger must never hold, errors — it gives the same entries,
errors and options, and nothing one text sets is left behind for the next."""

from __future__ import annotations

from typing import Any

import pytest
from beancount.parser import grammar, parser

from trustfund.ledger import bean

ENTRY = """2026-01-05 * "2026年度综合服务费 收据2026-000123"
  household: "A-01-0101"
  receipt: "2026-000123"
  Assets:Cash:Steward  200.00 CNY
  Income:Fees:Electricity  -50.00 CNY
  Income:Fees:Maintenance  -150.00 CNY
"""

TEXTS = {
    "entry": ENTRY,
    "two entries": ENTRY + "\n" + ENTRY.replace("000123", "000124"),
    "open": '2026-01-01 open Assets:Bank:Committee CNY\n  name: "业委会账户"\n',
    "plugin": 'plugin "os.system" "touch /tmp/x"\n' + ENTRY,
    "include": 'include "/etc/passwd"\n' + ENTRY,
    "pythonpath": 'option "insert_pythonpath" "TRUE"\n' + ENTRY,
    "currency": 'option "operating_currency" "CNY"\noption "title" "youhe"\n' + ENTRY,
    "account names": 'option "name_assets" "Aktiva"\n2026-01-01 open Aktiva:Bank CNY\n',
    "tolerance": 'option "inferred_tolerance_default" "CNY:0.01"\n' + ENTRY,
    "documents": 'option "documents" "/srv"\n' + ENTRY,
    "pushtag left open": "pushtag #x\n" + ENTRY,
    "pushmeta left open": 'pushmeta who: "x"\n' + ENTRY,
    "bad account": ENTRY.replace("Income:Fees", "income:fees"),
    "syntax": ENTRY.replace('"A-01-0101"', '"A-01-0101'),
    "unknown option": 'option "no_such" "1"\n',
    "empty": "",
}


def _errors(errors: list[Any]) -> list[tuple[str, str, Any]]:
    return [(type(e).__name__, str(e.message), e.source.get("lineno")) for e in errors]


def _options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if k == "dcontext" else v) for k, v in options.items()}


def test_the_quick_builder_is_the_one_in_use() -> None:
    # it falls back to beancount's own Builder when an upgrade gives Builder other attributes
    assert bean._BUILDER is bean._QuickBuilder
    assert vars(bean._QuickBuilder()).keys() == vars(grammar.Builder()).keys()  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("name", list(TEXTS))
def test_it_reads_every_text_as_beancount_does(name: str) -> None:
    text = TEXTS[name]
    entries, errors, options = bean.parse_text(text)
    want_entries, want_errors, want_options = parser.parse_string(text)
    assert entries == want_entries
    assert _errors(errors) == _errors(want_errors)
    assert _options(options) == _options(want_options)
    assert bean.options_set(options) == bean.options_set(want_options)


def test_what_one_text_sets_is_not_left_for_the_next() -> None:
    for text in TEXTS.values():
        bean.parse_text(text)
    _entries, errors, options = bean.parse_text(ENTRY)
    assert errors == []
    assert bean.options_set(options) == []
    assert _options(options) == _options(parser.parse_string(ENTRY)[2])
