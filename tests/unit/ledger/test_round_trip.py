"""Names and texts are checked with full-match rules, and an entry whose rendered text would
not parse back to the same entry is refused (the last line of defence, issue 14 item 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trustfund.ledger import bean
from trustfund.ledger.accounts import check_account, expense_account, fund_component
from trustfund.ledger.entries import EntryDraft, Leg, check_draft

LEGS = (Leg("Assets:Bank:Committee", Decimal("1.00")), Leg("Assets:Cash:Steward", Decimal("-1.00")))


def _draft(**changes: object) -> EntryDraft:
    fields: dict[str, object] = {"date": date(2026, 2, 1), "narration": "存入", "legs": LEGS}
    fields.update(changes)
    return EntryDraft(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("account", ["Assets:Bank\n", "Assets:Bank:Committee\n", "Assets:X\nY"])
def test_account_names_are_matched_whole(account: str) -> None:
    assert check_account(account) is not None


def test_project_codes_and_expense_items_are_matched_whole() -> None:
    with pytest.raises(ValueError, match="project code"):
        fund_component("autonomy:P01\n")
    with pytest.raises(ValueError, match="expense item"):
        expense_account("maintenance", "Repairs\n")


@pytest.mark.parametrize(
    ("meta", "field"),
    [
        ({"ab\n": "x"}, "meta.ab\\n"),
        ({"ab": "x\ty"}, "meta.ab"),
        ({"ab": "行\u2029"}, "meta.ab"),
        ({"kind": "x"}, "meta.kind"),
        ({f"k{i:02d}": "x" for i in range(21)}, "meta"),
    ],
)
def test_metadata_is_checked_whole(meta: dict[str, str], field: str) -> None:
    assert [f for f, _ in check_draft(_draft(meta=meta))][:1] == [field]


def test_the_round_trip_catches_what_the_field_rules_would_miss() -> None:
    """Fed directly (as if a rule were loosened again), a key that breaks the text, one that
    adds a metadata line and a leg account that starts a new line are all caught."""
    assert bean.entry_round_trip_problems(_draft(meta={"ab": "x"})) == []
    assert bean.entry_round_trip_problems(_draft(meta={"ab\n": "x"}))[0][0] == "entry"
    smuggled = bean.entry_round_trip_problems(_draft(meta={'zz: "1"\n  yy': "x"}))
    assert smuggled == [('meta.zz: "1"\n  yy', bean.NOT_READ_BACK)]
    plugin = bean.entry_round_trip_problems(_draft(meta={'ab: "x"\nplugin "os"\n  cd': "x"}))
    assert plugin and plugin[0][0] == "entry"
    legs = (Leg("Assets:Bank\nplugin", Decimal("1.00")), LEGS[1])
    assert bean.entry_round_trip_problems(_draft(legs=legs))[0][0] == "entry"
    reversal = bean.entry_round_trip_problems(_draft(kind="reversal"), reverses_seq=7)
    assert reversal == []


def test_account_openings_round_trip() -> None:
    on = date(2026, 1, 1)
    assert (
        bean.open_round_trip_problem("Income:Autonomy:Project:P1:Venture", "项目", "x", on) is None
    )
    assert bean.open_round_trip_problem('Assets:Bank\noption "title"', "名", None, on) is not None
    assert bean.open_round_trip_problem("Assets:Bank", "名\x01", None, on) is not None


def test_staff_pages_show_the_new_reasons_in_chinese() -> None:
    from trustfund.messages import Message
    from trustfund.web.staff.zh import say

    for reason in (
        Message("ledger.control_character"),
        bean.NOT_READ_BACK,
        Message("ledger.text_does_not_parse", why="Invalid token"),
    ):
        assert say(reason) != reason.en
        assert "账本" in say(reason) or "控制字符" in say(reason)


def test_load_refuses_text_that_would_run_code() -> None:
    entry = "2026-01-01 open Assets:Bank:Committee CNY\n"
    assert bean.load(entry).errors == []
    for planted in (
        'plugin "os"\n',
        'include "/etc/passwd"\n',
        'option "insert_pythonpath" "TRUE"\n',
    ):
        loaded = bean.load(planted + entry)
        assert loaded.entries == [] and len(loaded.errors) == 1
        assert "not loaded" in bean.error_messages(loaded.errors)[0]
        assert bean.refused_directives(planted + entry)
    assert bean.refused_directives('option "title" "x"\n' + entry) == []


def test_an_empty_or_header_only_file_is_not_a_verified_ledger() -> None:
    from trustfund.ledger.chain import verify_text
    from trustfund.ledger.text import header

    for text in ("", "\n", header("游河小区"), header("游河小区") + "\n"):
        result = verify_text(text)
        assert not result.ok and result.problem is not None and "no entries" in result.problem
    bad_title = verify_text('option "title" "\x01"\n')
    assert not bad_title.ok  # reported, not raised


def test_ledger_verify_exits_1_for_an_empty_file_and_prints_the_title(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from trustfund.cli import main
    from trustfund.ledger.text import header

    runner = CliRunner()
    for name, text in (("empty", ""), ("header", header("游河小区"))):
        path = tmp_path / f"{name}.beancount"
        path.write_text(text, encoding="utf-8")
        verified = runner.invoke(main, ["ledger", "verify", str(path)])
        assert verified.exit_code == 1 and "no entries" in verified.output, verified.output
    path = tmp_path / "bad-title.beancount"
    path.write_text('option "title" "\x01"\n2026-01-01 open Assets:Bank:Committee CNY\n')
    verified = runner.invoke(main, ["ledger", "verify", str(path)])
    assert verified.exit_code == 1 and isinstance(verified.exception, SystemExit)
    assert "header differs" in verified.output  # reported, not a traceback
